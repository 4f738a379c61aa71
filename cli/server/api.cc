// The HTTP API's handlers: see docs/api.md for every endpoint and the
// mapping of outcomes to statuses.
#include "server/api.h"

#include "build_info.h"
#include "explain_zh.h"
#include "json_forms.h"
#include "server/admin.h"
#include "server/error_messages.h"
#include "server/console.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <ctime>
#include <filesystem>
#include <functional>
#include <sstream>
#include <iostream>
#include <map>
#include <optional>
#include <set>
#include <vector>

#include <boost/beast/core/string.hpp>
#include <boost/json.hpp>
#include <boost/url/parse.hpp>
#include <boost/url/url_view.hpp>
#include <fmt/format.h>

#include "zf/audit.h"
#include "zf/calendar.h"
#include "zf/cases.h"
#include "zf/command.h"
#include "zf/event_json.h"
#include "zf/legal_sources.h"
#include "zf/version.h"

namespace zfcli::server {
namespace {

namespace json = boost::json;
using Clock = std::chrono::steady_clock;

// --- Requests ---------------------------------------------------------------

using Query = std::map<std::string, std::string>;

struct Target {
  std::string path;  // as sent (still percent-encoded): for messages
  // The path's segments, each percent-decoded on its own after the path
  // was split, so that an encoded slash (%2F) stays inside its segment:
  // /v1/cases/X%2Fhistory names the case "X/history", not X's history.
  // Empty segments (a doubled slash) are left out.
  std::vector<std::string> segments;
  Query query;
  std::string bad;  // the repeated parameter, if any
  bool invalid = false;  // not an origin-form target (RFC 9112 §3.2.1)
};

// Parsed by Boost.URL (RFC 3986) rather than by hand: it splits the path
// before decoding it and refuses a malformed escape or a byte no URI holds.
Target ParseTarget(std::string_view target) {
  Target t;
  const auto url = boost::urls::parse_origin_form(target);
  if (!url) {
    t.path = std::string(target.substr(0, target.find('?')));
    t.invalid = true;
    return t;
  }
  t.path = std::string(url->encoded_path());
  for (std::string segment : url->segments()) {
    if (!segment.empty()) t.segments.push_back(std::move(segment));
  }
  // A query is form-encoded: '+' is a space.
  boost::urls::encoding_opts form;
  form.space_as_plus = true;
  for (const boost::urls::param& p : url->params(form)) {
    if (p.key.empty() && !p.has_value) continue;  // "a=1&&b=2"
    if (!t.query.emplace(p.key, p.value).second && t.bad.empty()) t.bad = p.key;
  }
  return t;
}

// True when the target's path is exactly these (decoded) segments.
bool At(const Target& t, std::initializer_list<std::string_view> path) {
  return std::equal(t.segments.begin(), t.segments.end(), path.begin(), path.end());
}

// --- Responses --------------------------------------------------------------

// `text` with every byte that does not begin a valid UTF-8 sequence (RFC
// 3629: shortest form, no surrogates, at most U+10FFFF) replaced by U+FFFD.
// Error answers quote what the client sent (a case id from the path, a
// parameter), and json::serialize copies bytes over 0x7F as they are: a
// request with a stray byte got an answer that was not UTF-8, so not JSON
// (found by tests/fuzz/fuzz_http.cc).
std::string ValidUtf8(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    const auto b = static_cast<unsigned char>(text[i]);
    std::size_t n = 0;
    unsigned min = 0;
    if (b < 0x80) n = 1;
    else if (b >= 0xC2 && b <= 0xDF) n = 2, min = 0x80;
    else if (b >= 0xE0 && b <= 0xEF) n = 3, min = 0x800;
    else if (b >= 0xF0 && b <= 0xF4) n = 4, min = 0x10000;
    unsigned cp = n == 1 ? b : n == 2 ? (b & 0x1Fu) : n == 3 ? (b & 0x0Fu) : (b & 0x07u);
    bool ok = n > 0 && i + n <= text.size();
    for (std::size_t k = 1; ok && k < n; ++k) {
      const auto c = static_cast<unsigned char>(text[i + k]);
      ok = (c & 0xC0u) == 0x80u;
      cp = (cp << 6) | (c & 0x3Fu);
    }
    ok = ok && cp >= min && cp <= 0x10FFFF && (cp < 0xD800 || cp > 0xDFFF);
    if (ok) {
      out.append(text.substr(i, n));
      i += n;
    } else {
      out += "\xEF\xBF\xBD";
      ++i;
    }
  }
  return out;
}

Response JsonResponse(const Request& req, http::status status, const json::value& body) {
  Response res{status, req.version()};
  res.set(http::field::server, "zf/" + std::string(zf::kVersionString));
  res.set(http::field::content_type, "application/json; charset=utf-8");
  res.keep_alive(req.keep_alive());
  res.body() = json::serialize(body);
  res.body() += '\n';
  res.prepare_payload();
  return res;
}

http::status ReadStatus(const zf::Status& s) {
  switch (s.code()) {
    case zf::StatusCode::kInvalidArgument: return http::status::bad_request;
    case zf::StatusCode::kNotFound: return http::status::not_found;
    // The engine refused the reader (subject /actor/...; its message starts
    // with the code): a refusal of the actor, like a command's, is 403.
    case zf::StatusCode::kFailedPrecondition:
      return s.subject().starts_with("/actor/") ? http::status::forbidden
                                                : http::status::unprocessable_entity;
    case zf::StatusCode::kUnavailable: return http::status::service_unavailable;
    default: return http::status::internal_server_error;
  }
}

// A command that could not be judged: the Status's code decides.
http::status CommandErrorStatus(const zf::Status& s) {
  switch (s.code()) {
    case zf::StatusCode::kInvalidArgument:
    case zf::StatusCode::kNotFound:  // unknown command type
    case zf::StatusCode::kFailedPrecondition: return http::status::unprocessable_entity;
    case zf::StatusCode::kConflict:
    case zf::StatusCode::kAlreadyExists: return http::status::conflict;
    case zf::StatusCode::kUnavailable: return http::status::service_unavailable;
    default: return http::status::internal_server_error;
  }
}

std::string CommandErrorOutcome(const zf::Status& s) {
  switch (CommandErrorStatus(s)) {
    case http::status::unprocessable_entity: return "invalid";
    case http::status::conflict: return "conflict";
    default: return "error";
  }
}

Response StatusError(const Request& req, http::status status, const zf::Status& s) {
  return Api::Error(req, status, zf::StatusCodeName(s.code()), s.message(), s.subject());
}

// Rejection codes by which a rule refuses the actor rather than the act:
// answered 403, the rest of the rejections 422 (docs/api.md, "Who may do
// what", lists the same codes). The first four are the engine's actor
// check (domain/actor_check.h), run for every command before its decider.
bool IsAuthorisationCode(std::string_view code) {
  static const std::set<std::string_view> kCodes = {
      "unknown_officer",        "role_not_held",        "not_in_unit",
      "role_not_permitted",     "not_handling_subject", "not_clue_holder",
      "not_grid_worker",        "not_area_chief",       "not_a_participant",
      "issuer_not_handling_subject", "subject_not_holder", "not_common_superior",
      "not_dispatcher",         "not_dispatched_to_unit", "not_receiving_subject"};
  return kCodes.count(code) > 0;
}

// A token of a township or its brigade reads only that township's cases
// and its part of the statistics and registers: the 403 refusing the rest.
Response OutsideTownshipError(const Request& req, std::string_view township,
                              std::string_view what) {
  return Api::Error(
      req, http::status::forbidden, "outside_township",
      fmt::format("a token of township {} reads only that township's cases and registers; {}",
                  township, what),
      "Authorization");
}

// What a reader may see: all ("" township), or one township's part.
struct ReadScope {
  std::string township;
  std::string area;  // the township's enforcement area now ("" if none)
  std::function<bool(const std::string& case_id)> case_inside;
};

std::string Text(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  return v != nullptr && v->is_string() ? std::string(v->as_string()) : std::string();
}

// --- Parameters -------------------------------------------------------------

// Refuses parameters an endpoint does not know, so a misspelt filter is not
// silently ignored.
std::optional<Response> UnknownParameter(const Request& req, const Target& t,
                                         std::initializer_list<std::string_view> allowed) {
  if (!t.bad.empty()) {
    return Api::Error(req, http::status::bad_request, "invalid_argument",
                      fmt::format("query parameter '{}' is repeated", t.bad), t.bad);
  }
  for (const auto& [key, value] : t.query) {
    bool known = false;
    for (std::string_view a : allowed) known = known || key == a;
    if (!known) {
      return Api::Error(req, http::status::bad_request, "invalid_argument",
                        fmt::format("unknown query parameter '{}'", key), key);
    }
  }
  return std::nullopt;
}

std::string Param(const Target& t, const std::string& key) {
  auto it = t.query.find(key);
  return it == t.query.end() ? std::string() : it->second;
}

// A non-negative integer parameter; `fallback` when absent.
zf::Result<std::uint64_t> Number(const Target& t, const std::string& key, std::uint64_t fallback) {
  auto it = t.query.find(key);
  if (it == t.query.end()) return fallback;
  const std::string& v = it->second;
  if (v.empty() || v.size() > 19 || v.find_first_not_of("0123456789") != std::string::npos) {
    return zf::InvalidArgumentError(fmt::format("{} must be a non-negative integer, not '{}'", key, v))
        .WithSubject(key);
  }
  return static_cast<std::uint64_t>(std::stoull(v));
}

// The `from` of the event reads: a log position, or "end" (just after the
// last event committed now), for a feed of only what comes next.
zf::Result<std::uint64_t> FromPosition(const Target& t, const zf::EventStore& store) {
  if (Param(t, "from") == "end") return store.Ledger().position + 1;
  auto from = Number(t, "from", 1);
  if (!from.ok()) {
    return zf::InvalidArgumentError(fmt::format("from must be a log position or 'end', not '{}'",
                                                Param(t, "from")))
        .WithSubject("from");
  }
  return from;
}

zf::Result<bool> Flag(const Target& t, const std::string& key) {
  auto it = t.query.find(key);
  if (it == t.query.end() || it->second == "false" || it->second == "0") return false;
  if (it->second == "true" || it->second == "1" || it->second.empty()) return true;
  return zf::InvalidArgumentError(fmt::format("{} must be true or false", key)).WithSubject(key);
}

zf::Result<zf::AsOf> AsOfFrom(const Target& t) {
  zf::AsOf as_of;
  as_of.time = Param(t, "as_of");
  ZF_ASSIGN_OR_RETURN(as_of.position, Number(t, "at_position", 0));
  return as_of;
}

zf::CaseFilter FilterFrom(const Target& t) {
  zf::CaseFilter filter;
  filter.state = Param(t, "state");
  filter.handling_subject = Param(t, "subject");
  filter.township = Param(t, "township");
  filter.area = Param(t, "area");
  filter.item_code = Param(t, "item");
  filter.party = Param(t, "party");
  return filter;
}

// A command's body is JSON: a Content-Type that says otherwise (a form, or
// text/plain, which a browser sends cross-site without asking) is refused
// with 415 before the body is read as JSON. Parameters (charset) are
// allowed; no Content-Type at all is read as JSON, as clients that omit it
// always were.
std::optional<Response> MediaTypeRefusal(const Request& req) {
  const auto field = req.find(http::field::content_type);
  if (field == req.end()) return std::nullopt;
  const std::string_view value(field->value().data(), field->value().size());
  std::string_view type = value.substr(0, value.find(';'));
  const std::size_t first = type.find_first_not_of(" \t");
  type = first == std::string_view::npos
             ? std::string_view()
             : type.substr(first, type.find_last_not_of(" \t") - first + 1);
  if (boost::beast::iequals(type, "application/json")) return std::nullopt;
  return Api::Error(req, http::status::unsupported_media_type, "unsupported_media_type",
                    fmt::format("Content-Type must be application/json, not '{}'", value),
                    "Content-Type");
}

// --- JSON forms: the same as zfcli --json (cli/json_forms.h) -------------------

template <typename T, typename ToJson>
Response ListResponse(const Request& req, const zf::Result<std::vector<T>>& list, ToJson to_json) {
  if (!list.ok()) return StatusError(req, ReadStatus(list.status()), list.status());
  json::array out;
  for (const T& item : *list) out.push_back(to_json(item));
  return JsonResponse(req, http::status::ok, out);
}

// One register row (a ticket, an action, a campaign), or its read error.
Response ObjectResponse(const Request& req, const zf::Result<json::object>& view) {
  if (!view.ok()) return StatusError(req, ReadStatus(view.status()), view.status());
  return JsonResponse(req, http::status::ok, *view);
}

std::uint64_t DirectoryBytes(const std::string& path) {
  std::error_code ec;
  std::uint64_t total = 0;
  for (auto it = std::filesystem::recursive_directory_iterator(path, ec);
       !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
    std::error_code size_ec;
    if (it->is_regular_file(size_ec)) {
      const auto size = it->file_size(size_ec);
      if (!size_ec) total += size;
    }
  }
  return total;
}

// --- Commands ---------------------------------------------------------------

// A command envelope made ready for the engine, or the response refusing it.
struct Prepared {
  std::optional<zf::Command> command;
  http::status status = http::status::ok;
  std::string code;
  std::string message;
  std::string subject;
  std::string outcome;  // for the metrics
};

Prepared Refuse(http::status status, std::string code, std::string message, std::string subject,
                std::string outcome) {
  Prepared p;
  p.status = status;
  p.code = std::move(code);
  p.message = std::move(message);
  p.subject = std::move(subject);
  p.outcome = std::move(outcome);
  return p;
}

// The role gate for what the engine's rules do not know: who may issue
// commands at all (docs/api.md, "Who may do what").
std::optional<std::string> RoleRefusal(const zf::Actor& actor, std::string_view type) {
  if (actor.role == "auditor") return "role auditor may only read and verify, not issue commands";
  if (actor.role == "grid_worker" && type != "report_grid_ticket") {
    return "role grid_worker may only report problems (report_grid_ticket)";
  }
  return std::nullopt;
}

// The envelope's actor must be the token's (it is filled in when absent);
// then the role gate, then the envelope and schema checks of zfcli import.
Prepared Prepare(json::value envelope, const zf::Actor& actor, const std::string& pointer) {
  if (!envelope.is_object()) {
    return Refuse(http::status::unprocessable_entity, "invalid_argument",
                  "a command must be a JSON object", pointer.empty() ? "/" : pointer, "invalid");
  }
  json::object& o = envelope.as_object();
  const json::object token_actor{{"id", actor.id}, {"role", actor.role}, {"unit", actor.unit}};
  if (const json::value* given = o.if_contains("actor")) {
    if (!given->is_object() || given->as_object() != token_actor) {
      return Refuse(http::status::forbidden, "actor_mismatch",
                    fmt::format("the command's actor must be the token's ({} {} {}); leave it out "
                                "to have it filled in",
                                actor.id, actor.role, actor.unit),
                    pointer + "/actor", "forbidden");
    }
  } else {
    o["actor"] = token_actor;
  }
  std::string type;
  if (const json::value* t = o.if_contains("command"); t != nullptr && t->is_string()) {
    type = std::string(t->as_string());
  }
  if (auto refusal = RoleRefusal(actor, type)) {
    return Refuse(http::status::forbidden, "role_not_permitted", *refusal, pointer + "/command",
                  "forbidden");
  }
  auto command = zf::CommandFromJson(envelope);
  if (!command.ok()) {
    const zf::Status& s = command.status();
    return Refuse(CommandErrorStatus(s), std::string(zf::StatusCodeName(s.code())),
                  std::string(s.message()), pointer + std::string(s.subject()), "invalid");
  }
  Prepared p;
  p.command = std::move(*command);
  return p;
}

json::object PreparedError(const Prepared& p) {
  return {{"error", p.code},
          {"message", p.message},
          {"message_zh", ErrorMessageZh(p.code)},
          {"subject", p.subject}};
}

http::status ResultStatus(const zf::CommandResult& r) {
  switch (r.outcome) {
    case zf::CommandResult::Outcome::kApplied: return http::status::created;
    case zf::CommandResult::Outcome::kAlreadyApplied: return http::status::ok;
    case zf::CommandResult::Outcome::kRejected:
      return IsAuthorisationCode(r.rejection->code) ? http::status::forbidden
                                                    : http::status::unprocessable_entity;
  }
  return http::status::internal_server_error;
}

json::object ResultJson(const zf::CommandResult& r) {
  json::object o = zf::CommandResultToJson(r);
  if (r.outcome == zf::CommandResult::Outcome::kRejected) {
    o["error"] = "rejected";
    // The client picks the language: both forms of the code's citation and
    // the Chinese message (zf/legal_sources.h); "message" stays the decider's.
    o["message_zh"] = zf::RejectionMessage(*r.rejection, zf::Language::kZh);
    o["citation"] = {{"zh", zf::RejectionCitation(*r.rejection, zf::Language::kZh)},
                     {"en", zf::RejectionCitation(*r.rejection, zf::Language::kEn)}};
  }
  return o;
}

zf::Result<zf::BatchMode> ModeFrom(const json::object& o) {
  const json::value* v = o.if_contains("mode");
  if (v == nullptr) return zf::BatchMode::kStopAtFirstFailure;
  const std::string_view mode = v->is_string() ? std::string_view(v->as_string()) : "";
  if (mode == "independent") return zf::BatchMode::kIndependent;
  if (mode == "stop_at_first_failure") return zf::BatchMode::kStopAtFirstFailure;
  if (mode == "atomic") return zf::BatchMode::kAtomic;
  return zf::InvalidArgumentError("mode must be independent, stop_at_first_failure or atomic")
      .WithSubject("/mode");
}

}  // namespace

// --- AccessLog --------------------------------------------------------------

std::string NowUtc() {
  const auto now = std::chrono::system_clock::now();
  const std::time_t t = std::chrono::system_clock::to_time_t(now);
  const auto ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  return fmt::format("{}.{:03d}Z", buf, ms);
}

AccessLog::AccessLog(const std::string& path) : path_(path) {
  if (path.empty()) return;
  file_.open(path, std::ios::app);
  to_file_ = file_.is_open();
  if (!to_file_) std::cerr << "zfcli serve: cannot open access log " << path << "; using stderr\n";
}

void AccessLog::Write(const json::object& entry) {
  // Every line is stamped, first, so that a writer that forgets (case_read
  // lines did) still gives a line that can be placed in time.
  std::string serialized;
  if (entry.contains("ts")) {
    serialized = json::serialize(entry);
  } else {
    json::object stamped{{"ts", NowUtc()}};
    for (const auto& [key, value] : entry) stamped.emplace(key, value);
    serialized = json::serialize(stamped);
  }
  // The request target is logged as sent: keep the line UTF-8 (bytes over
  // 0x7F only occur inside the serialized strings).
  const std::string line = ValidUtf8(serialized) + "\n";
  std::lock_guard lock(mu_);
  std::ostream& out = to_file_ ? static_cast<std::ostream&>(file_) : std::cerr;
  // A write that failed (a full disk) must not silence the log for good:
  // the line is lost, the next one is tried again.
  out.clear();
  out << line << std::flush;
}

bool AccessLog::Reopen() {
  if (path_.empty()) return true;
  std::ofstream fresh(path_, std::ios::app);
  if (!fresh.is_open()) return false;
  std::lock_guard lock(mu_);
  file_ = std::move(fresh);
  to_file_ = true;
  return true;
}

// --- Api --------------------------------------------------------------------

Api::Api(zf::Engine* engine, const ServerConfig& config, server::Metrics* metrics, AccessLog* log,
         std::string store_path)
    : engine_(engine),
      config_(config),
      tokens_(std::make_shared<const TokenTable>(config.tokens)),
      org_(engine),
      metrics_(metrics),
      log_(log),
      store_path_(std::move(store_path)) {}

void Api::ReplaceTokens(TokenTable tokens) {
  auto table = std::make_shared<const TokenTable>(std::move(tokens));
  std::lock_guard lock(tokens_mu_);
  tokens_ = std::move(table);
}

Response Api::Error(const Request& req, http::status status, std::string_view code,
                    std::string_view message, std::string_view subject) {
  // English for the particulars, Chinese for the rule (as rejections
  // carry message_zh from the table of legal sources).
  json::object body{{"error", code},
                    {"message", ValidUtf8(message)},
                    {"message_zh", ErrorMessageZh(code)}};
  if (!subject.empty()) body["subject"] = ValidUtf8(subject);
  Response res = JsonResponse(req, status, body);
  if (status == http::status::unauthorized) {
    res.set(http::field::www_authenticate, "Bearer realm=\"zf\"");
  }
  return res;
}

std::shared_ptr<const TokenEntry> Api::Authenticate(const Request& req,
                                                    Response* refusal) const {
  const auto value = req[http::field::authorization];
  const std::string_view header(value.data(), value.size());
  // credentials = auth-scheme 1*SP token68, and the scheme is
  // case-insensitive (RFC 7235 §2.1): clients send "bearer" too.
  const std::size_t space = header.find(' ');
  const std::string_view scheme = header.substr(0, space);
  const std::size_t start =
      space == std::string_view::npos ? header.size() : header.find_first_not_of(' ', space);
  const std::string_view token =
      start == std::string_view::npos ? std::string_view() : header.substr(start);
  if (!boost::beast::iequals(scheme, "Bearer") || token.empty()) {
    *refusal = Error(req, http::status::unauthorized, "unauthenticated",
                     "send Authorization: Bearer <token>", "Authorization");
    return nullptr;
  }
  std::shared_ptr<const TokenTable> tokens;
  {
    std::lock_guard lock(tokens_mu_);
    tokens = tokens_;
  }
  const TokenEntry* entry = FindToken(*tokens, token);
  if (entry == nullptr) {
    *refusal = Error(req, http::status::unauthorized, "unauthenticated", "unknown token",
                     "Authorization");
    return nullptr;
  }
  // Shares the table's ownership: a reload cannot free it under the request.
  return std::shared_ptr<const TokenEntry>(std::move(tokens), entry);
}

std::optional<Response> Api::RateLimit(const Request& req, const TokenEntry& token) {
  const Limits& limits = config_.limits;
  const double per_second = static_cast<double>(limits.expensive_per_minute) / 60.0;
  const double burst = static_cast<double>(limits.expensive_burst);
  const auto now = std::chrono::steady_clock::now();
  double wait_seconds = 0;
  {
    std::lock_guard lock(buckets_mu_);
    auto [it, fresh] = buckets_.try_emplace(token.digest, Bucket{burst, now});
    Bucket& b = it->second;
    if (!fresh) {
      const double elapsed = std::chrono::duration<double>(now - b.refilled).count();
      b.tokens = std::min(burst, b.tokens + elapsed * per_second);
      b.refilled = now;
    }
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return std::nullopt;
    }
    wait_seconds = (1 - b.tokens) / per_second;
  }
  const auto retry_after = static_cast<long>(std::ceil(wait_seconds));
  Response res = Error(req, http::status::too_many_requests, "rate_limited",
                       fmt::format("at most {} expensive reads a minute per token (bursts of {}); "
                                   "retry in {} s",
                                   limits.expensive_per_minute, limits.expensive_burst,
                                   retry_after),
                       std::string_view(req.target().data(), req.target().size()));
  res.set(http::field::retry_after, std::to_string(retry_after));
  return res;
}

// Audit verify for one case: the chains, the re-decision of the case's
// commands, procedure and deadlines (zfcli audit verify --case). Findings
// are the answer, not an error: 200 with "ok": false.
Response Api::CaseAudit(const Request& req, const zf::Actor& actor, const std::string& id) {
  if (engine_->store()->ReadStream("case/" + id, 1, zf::Direction::kForward)->Valid() == false) {
    return Error(req, http::status::not_found, "not_found", "no case " + id, "case_id");
  }
  zf::AuditOptions options;
  options.case_id = id;
  json::array findings;
  auto summary = zf::AuditStore(*engine_->store(), zf::EngineOptions(), options,
                                [&](const zf::AuditFinding& f) {
                                  findings.push_back(zf::AuditFindingToJson(f));
                                });
  if (!summary.ok()) return StatusError(req, ReadStatus(summary.status()), summary.status());
  if (zf::Status s = RecordCaseRead(actor, id, "view", ""); !s.ok()) {
    return StatusError(req, ReadStatus(s), s);
  }
  json::object body = zf::AuditSummaryToJson(*summary);
  body["case_id"] = id;
  body["findings_list"] = std::move(findings);
  return JsonResponse(req, http::status::ok, body);
}

// The case's self-verifying dossier (docs/audit.md §3), as JSON lines.
Response Api::CaseDossier(const Request& req, const zf::Actor& actor, const std::string& id) {
  std::ostringstream out;
  if (zf::Status s = zf::WriteDossier(*engine_->store(), id, out); !s.ok()) {
    return StatusError(req, ReadStatus(s), s);
  }
  if (zf::Status s = RecordCaseRead(actor, id, "dossier", ""); !s.ok()) {
    return StatusError(req, ReadStatus(s), s);
  }
  Response res{http::status::ok, req.version()};
  res.set(http::field::content_type, "application/x-ndjson; charset=utf-8");
  res.keep_alive(req.keep_alive());
  res.body() = std::move(out).str();
  res.prepare_payload();
  return res;
}

namespace {

// The operator's endpoints' errors: a conflict with what exists or is
// running is 409, the rest as for reads.
http::status AdminStatus(const zf::Status& s) {
  switch (s.code()) {
    case zf::StatusCode::kAlreadyExists:
    case zf::StatusCode::kFailedPrecondition: return http::status::conflict;
    default: return ReadStatus(s);
  }
}

}  // namespace

Response Api::Admin(const Request& req, const TokenEntry& token, std::string_view what) {
  if (what != "backup" && what != "verify" && what != "audit") {
    return Error(req, http::status::not_found, "not_found", "no such endpoint", req.target());
  }
  if (!token.admin) {
    return Error(req, http::status::forbidden, "forbidden",
                 "the operator's endpoints take an admin token (\"admin\": true in the config)",
                 "Authorization");
  }
  if (auto refusal = MediaTypeRefusal(req)) return *refusal;
  auto params = AdminParameters(req.body());
  if (!params.ok()) return StatusError(req, http::status::bad_request, params.status());
  if (what == "backup" && config_.backup_dir.empty()) {
    return Error(req, http::status::conflict, "failed_precondition",
                 "no backup directory: set \"admin\": {\"backup_dir\"} in the config",
                 "/admin/backup_dir");
  }
  std::unique_lock lock(admin_mu_, std::try_to_lock);
  if (!lock.owns_lock()) {
    return Error(req, http::status::conflict, "admin_busy",
                 "another admin operation is running; retry when it has finished");
  }
  const auto start = Clock::now();
  zf::Result<json::object> result =
      what == "backup" ? AdminBackup(engine_->store(), config_.backup_dir, *params)
      : what == "verify"
          ? AdminVerify(*engine_->store(), *params)
          : AdminAudit(*engine_->store(), zf::EngineOptions(), *params);
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  json::object entry{{"ts", NowUtc()}, {"admin", what}, {"actor", token.actor.id},
                     {"ok", result.ok()}, {"seconds", seconds}};
  if (!result.ok()) entry["error"] = result.status().message();
  log_->Write(entry);
  if (!result.ok()) return StatusError(req, AdminStatus(result.status()), result.status());
  return JsonResponse(req, what == "backup" ? http::status::created : http::status::ok, *result);
}


std::optional<bool> Api::CaseInTownship(std::string_view township, const std::string& case_id,
                                        std::string* where) {
  auto view = engine_->CaseView(case_id, zf::AsOf{});
  if (!view.ok()) return std::nullopt;
  const auto text = [&](std::string_view key) -> std::string {
    const json::value* v = view->if_contains(key);
    return v != nullptr && v->is_string() ? std::string(v->as_string()) : std::string();
  };
  if (where != nullptr) {
    *where = fmt::format("case {} happened in {} and is handled by {}", case_id,
                         text("township"), text("handling_subject"));
  }
  return text("township") == township || text("handling_subject") == township;
}

std::optional<Response> Api::OutsideTownship(const Request& req, const zf::Actor& actor,
                                             const std::string& case_id) {
  auto township = org_.TownshipOf(actor.unit);
  if (!township.ok()) return StatusError(req, ReadStatus(township.status()), township.status());
  if (township->empty()) return std::nullopt;
  std::string where;
  const std::optional<bool> inside = CaseInTownship(*township, case_id, &where);
  if (!inside || *inside) return std::nullopt;  // no case: the read itself answers (404)
  return OutsideTownshipError(req, *township, where);
}

bool Api::EventInTownship(std::string_view township, const zf::EventRecord& event,
                          CaseScopeCache* cache) {
  if (township.empty()) return true;
  std::string_view stream = event.stream;
  for (std::string_view prefix : {"case/", "access/"}) {
    if (!stream.starts_with(prefix)) continue;
    const std::string id(stream.substr(prefix.size()));
    if (auto it = cache->find(id); it != cache->end()) return it->second;
    const std::optional<bool> inside = CaseInTownship(township, id, nullptr);
    // A case not (yet) readable is left out and asked again next time.
    if (!inside) return false;
    cache->emplace(id, *inside);
    return *inside;
  }
  return false;  // reference data, registers: not a township's cases
}

std::optional<Response> Api::LimitToTownship(const Request& req, const zf::Actor& actor,
                                             zf::CaseFilter* filter) {
  auto township = org_.TownshipOf(actor.unit);
  if (!township.ok()) return StatusError(req, ReadStatus(township.status()), township.status());
  if (township->empty()) return std::nullopt;
  if (filter->township.empty()) filter->township = *township;
  if (filter->township == *township) return std::nullopt;
  return OutsideTownshipError(req, *township,
                              fmt::format("the list asked for township {}", filter->township));
}

zf::Status Api::RecordCaseRead(const zf::Actor& actor, const std::string& case_id,
                               std::string_view what, std::string_view as_of) {
  zf::ReadContext read{actor, std::string(what), ""};
  zf::Status recorded = engine_->RecordCaseAccess(case_id, read, as_of);
  log_->Write({{"ts", NowUtc()}, {"case_read", case_id}, {"what", what}, {"actor", actor.id},
               {"role", actor.role}, {"unit", actor.unit}, {"recorded", recorded.ok()}});
  return recorded;
}

bool Api::IsStream(const Request& req) {
  const std::string_view target(req.target().data(), req.target().size());
  return req.method() == http::verb::get && At(ParseTarget(target), {"v1", "events", "stream"});
}

bool Api::ParseStream(const Request& req, StreamQuery* query, Response* refusal) const {
  const Target t = ParseTarget(std::string_view(req.target().data(), req.target().size()));
  if (auto bad = UnknownParameter(req, t, {"from", "prefix", "type"})) {
    *refusal = std::move(*bad);
    return false;
  }
  auto from = FromPosition(t, *engine_->store());
  if (!from.ok()) {
    *refusal = StatusError(req, http::status::bad_request, from.status());
    return false;
  }
  query->from = std::max<std::uint64_t>(*from, 1);
  // A reconnecting EventSource sends the id of the last event it received.
  const auto last = req["Last-Event-ID"];
  if (!last.empty()) {
    Target header;
    header.query["Last-Event-ID"] = std::string(last.data(), last.size());
    auto position = Number(header, "Last-Event-ID", 0);
    if (!position.ok()) {
      *refusal = StatusError(req, http::status::bad_request, position.status());
      return false;
    }
    query->from = *position + 1;
  }
  query->prefix = Param(t, "prefix");
  query->type = Param(t, "type");
  return true;
}

bool Api::Matches(const StreamQuery& query, const zf::EventRecord& event) {
  return (query.prefix.empty() || event.stream.rfind(query.prefix, 0) == 0) &&
         (query.type.empty() || event.type == query.type);
}

std::string Api::SseFrame(const zf::EventRecord& event) {
  return fmt::format("id: {}\ndata: {}\n\n", event.position,
                     json::serialize(zf::EventToJson(event)));
}

Response Api::Handle(const Request& req, std::string* actor_id) {
  const auto started = std::chrono::steady_clock::now();
  Response res = Route(req, actor_id);
  metrics_->CountResponse(static_cast<unsigned>(res.result_int()));
  // A 404 "no such endpoint" is no route: its path would make a label per
  // mistyped URL.
  const bool matched = res.result() != http::status::not_found ||
                       res.body().find("\"no such endpoint\"") == std::string::npos;
  const std::string_view target(req.target().data(), req.target().size());
  metrics_->ObserveRequest(RouteLabel(target, matched), std::chrono::steady_clock::now() - started);
  // HEAD is answered as GET, everything but the body (RFC 9110 §9.3.2):
  // Content-Length stays that of the body GET would send.
  if (req.method() == http::verb::head) res.body().clear();
  return res;
}

Response Api::Metrics(const Request& req) {
  Response res{http::status::ok, req.version()};
  res.set(http::field::content_type, "text/plain; version=0.0.4; charset=utf-8");
  res.keep_alive(req.keep_alive());
  res.body() = metrics_->Render(engine_->store()->Ledger().position, DirectoryBytes(store_path_)) +
               ProcessMetrics();
  res.prepare_payload();
  return res;
}

Response Api::Health(const Request& req) {
  // The store's own health first: after a failed write (a full disk) it
  // takes no command until the fault clears, and Health() tries to recover.
  const zf::Status store = engine_->store()->Health();
  const zf::LedgerHead head = engine_->store()->Ledger();
  const bool draining_now = draining.load();
  const bool up = !draining_now && store.ok();
  json::object body{{"status", draining_now ? "shutting_down" : store.ok() ? "ok" : "store_error"},
                    {"version", zf::kVersionString},
                    {"commit", kBuildCommit},
                    {"position", head.position},
                    {"ledger_hash", head.ledger_hash}};
  if (!store.ok()) {
    body["error"] = zf::StatusCodeName(store.code());
    body["reason"] = store.message();
  }
  return JsonResponse(req, up ? http::status::ok : http::status::service_unavailable,
                      std::move(body));
}

Response Api::Commands(const Request& req, const zf::Actor& actor) {
  if (draining.load()) {
    return Error(req, http::status::service_unavailable, "shutting_down",
                 "the server is shutting down; retry against another instance or later");
  }
  if (auto refusal = MediaTypeRefusal(req)) {
    metrics_->CountCommand("invalid");
    return *refusal;
  }
  auto parsed = zf::ParseJson(req.body());
  if (!parsed.ok()) {
    metrics_->CountCommand("invalid");
    return Error(req, http::status::bad_request, "invalid_json", parsed.status().message(),
                 parsed.status().subject());
  }
  // One command: an envelope. A batch: an array of envelopes, or
  // {"mode": ..., "commands": [...]}.
  const bool batch = parsed->is_array() ||
                     (parsed->is_object() && parsed->as_object().contains("commands"));
  if (!batch) {
    Prepared p = Prepare(std::move(*parsed), actor, "");
    if (!p.command) {
      metrics_->CountCommand(p.outcome);
      return JsonResponse(req, p.status, PreparedError(p));
    }
    const auto start = Clock::now();
    auto result = engine_->Execute(*p.command);
    metrics_->ObserveAppend(Clock::now() - start);
    if (!result.ok()) {
      metrics_->CountCommand(CommandErrorOutcome(result.status()));
      return StatusError(req, CommandErrorStatus(result.status()), result.status());
    }
    metrics_->CountCommand(std::string(zf::OutcomeName(result->outcome)));
    return JsonResponse(req, ResultStatus(*result), ResultJson(*result));
  }

  zf::BatchMode mode = zf::BatchMode::kStopAtFirstFailure;
  const json::array* list = nullptr;
  std::string prefix;
  if (parsed->is_array()) {
    list = &parsed->as_array();
  } else {
    const json::object& o = parsed->as_object();
    for (const auto& [key, value] : o) {
      if (key != "mode" && key != "commands") {
        return Error(req, http::status::bad_request, "invalid_argument",
                     fmt::format("unknown field '{}' in a batch", std::string_view(key)),
                     "/" + std::string(key));
      }
    }
    auto m = ModeFrom(o);
    if (!m.ok()) return StatusError(req, http::status::bad_request, m.status());
    mode = *m;
    if (!o.at("commands").is_array()) {
      return Error(req, http::status::bad_request, "invalid_argument",
                   "commands must be an array of command envelopes", "/commands");
    }
    list = &o.at("commands").as_array();
    prefix = "/commands";
  }
  if (list->empty() || list->size() > config_.limits.max_batch_commands) {
    return Error(req, http::status::bad_request, "invalid_argument",
                 fmt::format("a batch holds 1..{} commands", config_.limits.max_batch_commands),
                 prefix.empty() ? "/" : prefix);
  }
  // Every envelope must pass before any command runs.
  std::vector<zf::Command> commands;
  for (std::size_t i = 0; i < list->size(); ++i) {
    Prepared p = Prepare((*list)[i], actor, fmt::format("{}/{}", prefix, i));
    if (!p.command) {
      metrics_->CountCommand(p.outcome);
      json::object body = PreparedError(p);
      body["index"] = i;
      return JsonResponse(req, p.status, body);
    }
    commands.push_back(std::move(*p.command));
  }
  const auto start = Clock::now();
  auto results = engine_->ExecuteBatch(commands, mode);
  metrics_->ObserveAppend(Clock::now() - start);
  if (!results.ok()) {
    metrics_->CountCommand(CommandErrorOutcome(results.status()));
    return StatusError(req, CommandErrorStatus(results.status()), results.status());
  }
  json::array out;
  std::size_t applied = 0, failed = 0;
  for (std::size_t i = 0; i < results->size(); ++i) {
    const auto& r = (*results)[i];
    json::object item;
    if (r.ok()) {
      item = ResultJson(*r);
      item["status"] = static_cast<unsigned>(ResultStatus(*r));
      metrics_->CountCommand(std::string(zf::OutcomeName(r->outcome)));
      applied += r->outcome == zf::CommandResult::Outcome::kApplied ? 1 : 0;
      failed += r->outcome == zf::CommandResult::Outcome::kRejected ? 1 : 0;
    } else {
      item = {{"error", zf::StatusCodeName(r.status().code())},
              {"message", r.status().message()},
              {"message_zh", ErrorMessageZh(zf::StatusCodeName(r.status().code()))},
              {"subject", r.status().subject()},
              {"status", static_cast<unsigned>(CommandErrorStatus(r.status()))}};
      metrics_->CountCommand(CommandErrorOutcome(r.status()));
      ++failed;
    }
    item["index"] = i;
    out.push_back(std::move(item));
  }
  // An atomic batch with a failure committed nothing.
  const bool committed = !(mode == zf::BatchMode::kAtomic && failed > 0);
  return JsonResponse(req, http::status::ok,
                      json::object{{"results", std::move(out)},
                                   {"applied", committed ? applied : 0},
                                   {"failed", failed},
                                   {"not_run", commands.size() - results->size()},
                                   {"committed", committed}});
}

namespace {

json::object Same(const json::object& o) { return o; }

// The registers beside the cases, with the CLI's filters and as_of/
// at_position (`zfcli grid list`, `joint list`, `review list`, `access`):
// GET /v1/grid[/ID], /v1/joint-actions[/ID], /v1/reviews[/ID], /v1/access.
// Nothing when the target is none of them. A reader limited to a township
// (`scope`) sees only its township's part of each (docs/api.md, "Who may
// read which case").
std::optional<Response> RegisterRoute(zf::Engine& engine, const Request& req, const Target& t,
                                      const zf::AsOf& as_of, const ReadScope& scope) {
  const std::vector<std::string>& seg = t.segments;
  if (seg.size() < 2 || seg.size() > 3) return std::nullopt;
  const std::string& what = seg[1];
  const bool one = seg.size() == 3;
  const bool limited = !scope.township.empty();
  if (what == "grid") {
    auto bad = one ? UnknownParameter(req, t, {"as_of", "at_position"})
                   : UnknownParameter(req, t, {"township", "state", "unit", "from", "to", "as_of",
                                               "at_position"});
    if (bad) return *bad;
    if (one) {
      auto view = engine.GridTicketView(seg[2], as_of);
      if (limited && view.ok() && Text(*view, "township") != scope.township) {
        return OutsideTownshipError(req, scope.township,
                                    fmt::format("grid ticket {} is of township {}", seg[2],
                                                Text(*view, "township")));
      }
      return ObjectResponse(req, view);
    }
    zf::GridTicketFilter filter{Param(t, "township"), Param(t, "state"), Param(t, "unit"),
                                Param(t, "from"), Param(t, "to")};
    if (limited) {
      if (filter.township.empty()) filter.township = scope.township;
      if (filter.township != scope.township) {
        return OutsideTownshipError(
            req, scope.township, fmt::format("the list asked for township {}", filter.township));
      }
    }
    return ListResponse(req, engine.ListGridTickets(filter, as_of), Same);
  }
  if (what == "joint-actions") {
    auto bad = one ? UnknownParameter(req, t, {"as_of", "at_position"})
                   : UnknownParameter(req, t, {"area", "state", "from", "to", "as_of",
                                               "at_position"});
    if (bad) return *bad;
    // A limited reader sees the actions of its township's area, with only
    // the findings in its township.
    auto findings_inside = [&](json::object action) {
      if (json::value* f = action.if_contains("findings"); f != nullptr && f->is_array()) {
        json::array kept;
        for (const json::value& finding : f->as_array()) {
          if (finding.is_object() && Text(finding.as_object(), "township") == scope.township) {
            kept.push_back(finding);
          }
        }
        *f = std::move(kept);
      }
      return action;
    };
    if (one) {
      auto view = engine.JointActionView(seg[2], as_of);
      if (!limited || !view.ok()) return ObjectResponse(req, view);
      if (Text(*view, "area") != scope.area) {
        return OutsideTownshipError(req, scope.township,
                                    fmt::format("joint action {} is of area {}", seg[2],
                                                Text(*view, "area")));
      }
      return JsonResponse(req, http::status::ok, findings_inside(std::move(*view)));
    }
    zf::JointActionFilter filter{Param(t, "area"), Param(t, "state"), Param(t, "from"),
                                 Param(t, "to")};
    if (!limited) return ListResponse(req, engine.ListJointActions(filter, as_of), Same);
    if (filter.area.empty()) filter.area = scope.area;
    if (filter.area != scope.area || scope.area.empty()) {
      return OutsideTownshipError(
          req, scope.township,
          fmt::format("the list asked for area {}; township {} is in area {}", filter.area,
                      scope.township, scope.area.empty() ? "(none)" : scope.area));
    }
    return ListResponse(req, engine.ListJointActions(filter, as_of), findings_inside);
  }
  if (what == "reviews") {
    if (auto bad = UnknownParameter(req, t, {"as_of", "at_position"})) return *bad;
    if (!limited) {
      if (one) return ObjectResponse(req, engine.ReviewCampaign(seg[2], as_of));
      return ListResponse(req, engine.ReviewCampaigns(as_of), Same);
    }
    // A limited reader sees the campaigns that sampled its township's case
    // files, with only those files; the campaign-wide figures are left out.
    auto own_part = [&](json::object campaign) -> std::optional<json::object> {
      json::array files;
      std::set<std::string> ids;
      if (const json::value* f = campaign.if_contains("files"); f != nullptr && f->is_array()) {
        for (const json::value& file : f->as_array()) {
          if (!file.is_object()) continue;
          const std::string id = Text(file.as_object(), "case_id");
          if (scope.case_inside(id)) {
            files.push_back(file);
            ids.insert(id);
          }
        }
      }
      if (files.empty()) return std::nullopt;
      for (const char* key : {"unscored", "rectification_required"}) {
        if (json::value* list = campaign.if_contains(key); list != nullptr && list->is_array()) {
          json::array kept;
          for (const json::value& id : list->as_array()) {
            if (id.is_string() && ids.count(std::string(id.as_string()))) kept.push_back(id);
          }
          *list = std::move(kept);
        }
      }
      for (const char* key : {"grades", "veto_findings", "points_sum", "average_total",
                              "population"}) {
        campaign.erase(key);
      }
      campaign["sampled"] = files.size();
      std::size_t scored = 0;
      for (const json::value& file : files) {
        const json::value* sc = file.as_object().if_contains("scored");
        scored += sc != nullptr && sc->is_bool() && sc->as_bool() ? 1 : 0;
      }
      campaign["scored"] = scored;
      campaign["files"] = std::move(files);
      campaign["limited_to_township"] = scope.township;
      return campaign;
    };
    if (one) {
      auto view = engine.ReviewCampaign(seg[2], as_of);
      if (!view.ok()) return ObjectResponse(req, view);
      auto part = own_part(std::move(*view));
      if (!part) {
        return OutsideTownshipError(req, scope.township,
                                    fmt::format("review campaign {} sampled no case file of it",
                                                seg[2]));
      }
      return JsonResponse(req, http::status::ok, *part);
    }
    auto list = engine.ReviewCampaigns(as_of);
    if (!list.ok()) return StatusError(req, ReadStatus(list.status()), list.status());
    json::array out;
    for (const json::object& c : *list) {
      auto view = engine.ReviewCampaign(Text(c, "campaign_id"), as_of);
      if (!view.ok()) return StatusError(req, ReadStatus(view.status()), view.status());
      if (auto part = own_part(std::move(*view))) {
        part->erase("files");
        out.push_back(std::move(*part));
      }
    }
    return JsonResponse(req, http::status::ok, out);
  }
  if (what == "access" && !one) {
    if (auto bad = UnknownParameter(req, t, {"case", "actor", "from", "to"})) return *bad;
    if (Param(t, "case").empty() && Param(t, "actor").empty()) {
      return Api::Error(req, http::status::bad_request, "invalid_argument",
                        "give case and/or actor: whose reads of which case", "case");
    }
    zf::AccessQuery query{Param(t, "case"), Param(t, "actor"), Param(t, "from"), Param(t, "to")};
    auto records = engine.CaseAccesses(query);
    if (limited && records.ok()) {
      // By reader: only the reads of its township's cases.
      std::map<std::string, bool> inside;
      std::erase_if(*records, [&](const zf::AccessRecord& r) {
        auto [it, fresh] = inside.try_emplace(r.case_id, false);
        if (fresh) it->second = scope.case_inside(r.case_id);
        return !it->second;
      });
    }
    return ListResponse(req, records, AccessJson);
  }
  return std::nullopt;
}

}  // namespace

Response Api::Route(const Request& req, std::string* actor_id) {
  const Target t = ParseTarget(std::string_view(req.target().data(), req.target().size()));
  if (t.invalid) {
    return Error(req, http::status::bad_request, "invalid_argument",
                 fmt::format("the request target '{}' is not a valid URI path and query "
                             "(RFC 3986: a malformed %-escape, or a byte to escape)",
                             std::string_view(req.target().data(), req.target().size())),
                 "target");
  }
  const std::vector<std::string>& seg = t.segments;
  // Every GET endpoint answers HEAD too (Handle drops the body).
  const bool get = req.method() == http::verb::get || req.method() == http::verb::head;
  auto only = [&](http::verb verb) -> std::optional<Response> {
    if (verb == http::verb::get ? get : req.method() == verb) return std::nullopt;
    const std::string allow =
        verb == http::verb::get ? "GET, HEAD" : std::string(http::to_string(verb));
    Response res = Error(req, http::status::method_not_allowed, "method_not_allowed",
                         fmt::format("{} takes {}", t.path, allow));
    res.set(http::field::allow, allow);
    return res;
  };
  // Open to all: liveness and metrics.
  if (At(t, {"metrics"})) return only(http::verb::get).value_or(Metrics(req));
  if (At(t, {"v1", "health"})) return only(http::verb::get).value_or(Health(req));
  // The web console's page and assets: open to all, they hold no data.
  if (auto console = ConsoleRoute(req, seg)) return std::move(*console);
  if (seg.empty() || seg[0] != "v1") {
    return Error(req, http::status::not_found, "not_found", "no such endpoint", t.path);
  }

  Response refusal;
  const std::shared_ptr<const TokenEntry> token = Authenticate(req, &refusal);
  if (token == nullptr) return refusal;
  const zf::Actor* actor = &token->actor;
  *actor_id = actor->id;

  if (seg.size() == 3 && seg[1] == "admin") {
    if (auto bad = only(http::verb::post)) return *bad;
    if (auto bad = UnknownParameter(req, t, {})) return *bad;
    return Admin(req, *token, seg[2]);
  }
  if (At(t, {"v1", "commands"})) {
    if (auto bad = only(http::verb::post)) return *bad;
    if (auto bad = UnknownParameter(req, t, {})) return *bad;
    return Commands(req, *actor);
  }
  // The live feed (a GET, answered by the transport) has no end, so no
  // Content-Length a HEAD could announce.
  if (At(t, {"v1", "events", "stream"})) {
    Response res = Error(req, http::status::method_not_allowed, "method_not_allowed",
                         fmt::format("{} takes GET", t.path));
    res.set(http::field::allow, "GET");
    return res;
  }
  if (auto bad = only(http::verb::get)) return *bad;
  auto as_of = AsOfFrom(t);
  if (!as_of.ok()) return StatusError(req, http::status::bad_request, as_of.status());

  if (seg.size() == 2 && seg[1] == "cases") {
    if (auto bad = UnknownParameter(req, t, {"state", "subject", "township", "area", "item",
                                             "party", "open", "as_of", "at_position"})) {
      return *bad;
    }
    zf::CaseFilter filter = FilterFrom(t);
    if (auto outside = LimitToTownship(req, *actor, &filter)) return *outside;
    auto open = Flag(t, "open");
    if (!open.ok()) return StatusError(req, http::status::bad_request, open.status());
    filter.open_only = *open;
    return ListResponse(req, engine_->ListCases(filter, *as_of), SummaryJson);
  }
  if (seg.size() >= 3 && seg.size() <= 4 && seg[1] == "cases") {
    const std::string& id = seg[2];
    const std::string_view what = seg.size() == 4 ? std::string_view(seg[3]) : "view";
    // The expensive reads of a case (an audit costs ~0.4 s at 8,400
    // events), limited per token (issue 14 §6).
    if (what == "audit" || what == "dossier" || what == "explain") {
      if (auto limited = RateLimit(req, *token)) return *limited;
    }
    if (auto outside = OutsideTownship(req, *actor, id)) return *outside;
    if (what == "audit") {
      if (auto bad = UnknownParameter(req, t, {})) return *bad;
      return CaseAudit(req, *actor, id);
    }
    if (what == "dossier") {
      if (auto bad = UnknownParameter(req, t, {})) return *bad;
      return CaseDossier(req, *actor, id);
    }
    if (what == "view") {
      if (auto bad = UnknownParameter(req, t, {"as_of", "at_position"})) return *bad;
      auto view = engine_->CaseView(id, *as_of);
      if (!view.ok()) return StatusError(req, ReadStatus(view.status()), view.status());
      if (zf::Status s = RecordCaseRead(*actor, id, what, as_of->time); !s.ok()) {
        return StatusError(req, ReadStatus(s), s);
      }
      return JsonResponse(req, http::status::ok, *view);
    }
    if (what == "explain") {
      if (auto bad = UnknownParameter(req, t, {"as_of", "at_position"})) return *bad;
      auto explained = engine_->ExplainCase(id, *as_of);
      if (!explained.ok()) {
        return StatusError(req, ReadStatus(explained.status()), explained.status());
      }
      if (zf::Status s = RecordCaseRead(*actor, id, what, as_of->time); !s.ok()) {
        return StatusError(req, ReadStatus(s), s);
      }
      // The recorded English notes in Chinese beside them, for the console.
      AddChineseTexts(&*explained);
      return JsonResponse(req, http::status::ok, *explained);
    }
    if (what != "history") {
      return Error(req, http::status::not_found, "not_found", "no such endpoint", t.path);
    }
    if (auto bad = UnknownParameter(req, t, {})) return *bad;
    json::array events;
    auto cursor = engine_->store()->ReadStream("case/" + id, 1, zf::Direction::kForward);
    for (; cursor->Valid(); cursor->Next()) events.push_back(zf::EventToJson(cursor->event()));
    if (!cursor->status().ok()) {
      return StatusError(req, ReadStatus(cursor->status()), cursor->status());
    }
    if (events.empty()) {
      return Error(req, http::status::not_found, "not_found", "no case " + id, "case_id");
    }
    if (zf::Status s = RecordCaseRead(*actor, id, what, ""); !s.ok()) {
      return StatusError(req, ReadStatus(s), s);
    }
    return JsonResponse(req, http::status::ok, events);
  }
  if (At(t, {"v1", "deadlines"})) {
    if (auto bad = UnknownParameter(req, t, {"state", "subject", "township", "area", "item",
                                             "party", "within", "breached", "past_limit",
                                             "as_of", "at_position"})) {
      return *bad;
    }
    zf::DeadlineQuery query;
    query.cases = FilterFrom(t);
    if (auto outside = LimitToTownship(req, *actor, &query.cases)) return *outside;
    auto breached = Flag(t, "breached");
    if (!breached.ok()) return StatusError(req, http::status::bad_request, breached.status());
    query.breached_only = *breached;
    auto past_limit = Flag(t, "past_limit");
    if (!past_limit.ok()) return StatusError(req, http::status::bad_request, past_limit.status());
    query.past_limit_only = *past_limit;
    if (t.query.count("within")) {
      auto within = Number(t, "within", 0);
      if (!within.ok()) return StatusError(req, http::status::bad_request, within.status());
      query.due_within_days = static_cast<int>(std::min<std::uint64_t>(*within, 1u << 20));
    }
    return ListResponse(req, engine_->Deadlines(query, *as_of), DeadlineJson);
  }
  if (At(t, {"v1", "statistics"})) {
    if (auto bad = UnknownParameter(req, t, {"from", "to", "area", "township", "as_of",
                                             "at_position"})) {
      return *bad;
    }
    if (Param(t, "from").empty() || Param(t, "to").empty()) {
      return Error(req, http::status::bad_request, "invalid_argument",
                   "from and to (YYYY-MM-DD) are required", Param(t, "from").empty() ? "from" : "to");
    }
    zf::StatisticsScope scope{Param(t, "area"), Param(t, "township")};
    // A township token's statistics are its township's.
    auto township = org_.TownshipOf(actor->unit);
    if (!township.ok()) return StatusError(req, ReadStatus(township.status()), township.status());
    if (!township->empty()) {
      if (scope.township.empty()) scope.township = *township;
      if (scope.township != *township) {
        return OutsideTownshipError(
            req, *township, fmt::format("the statistics asked for township {}", scope.township));
      }
    }
    auto stats = engine_->Statistics(Param(t, "from"), Param(t, "to"), *as_of, scope);
    if (!stats.ok()) return StatusError(req, ReadStatus(stats.status()), stats.status());
    return JsonResponse(req, http::status::ok, *stats);
  }
  if (At(t, {"v1", "rules"})) {
    if (auto bad = UnknownParameter(req, t, {"as_of", "item", "subject"})) return *bad;
    return ListResponse(req, engine_->PowerItems(Param(t, "as_of"), Param(t, "item"),
                                                 Param(t, "subject")),
                        ItemJson);
  }
  if (At(t, {"v1", "rules", "competent"})) {
    if (auto bad = UnknownParameter(req, t, {"as_of", "item", "township"})) return *bad;
    auto answer = engine_->Competent(Param(t, "item"), Param(t, "township"), Param(t, "as_of"));
    if (!answer.ok()) return StatusError(req, ReadStatus(answer.status()), answer.status());
    return JsonResponse(req, http::status::ok, AnswerJson(*answer));
  }
  if (At(t, {"v1", "calendar", "due"})) {
    if (auto bad = UnknownParameter(req, t, {"from", "working_days", "days", "months", "years",
                                             "bearer", "as_of"})) {
      return *bad;
    }
    zf::PeriodSpec period;
    int units = 0;
    for (auto [name, unit] : {std::pair{"working_days", zf::PeriodUnit::kWorkingDays},
                              {"days", zf::PeriodUnit::kCalendarDays},
                              {"months", zf::PeriodUnit::kMonths},
                              {"years", zf::PeriodUnit::kYears}}) {
      if (!t.query.count(name)) continue;
      auto amount = Number(t, name, 0);
      if (!amount.ok()) return StatusError(req, http::status::bad_request, amount.status());
      ++units;
      period.unit = unit;
      period.amount = static_cast<int>(std::min<std::uint64_t>(*amount, 1u << 20));
    }
    const std::string bearer = t.query.count("bearer") ? Param(t, "bearer") : "party";
    if (units != 1 || (bearer != "party" && bearer != "agency")) {
      return Error(req, http::status::bad_request, "invalid_argument",
                   "give exactly one of working_days, days, months, years; bearer is party or "
                   "agency",
                   units != 1 ? "working_days" : "bearer");
    }
    period.bearer = bearer == "party" ? zf::DeadlineBearer::kParty : zf::DeadlineBearer::kAgency;
    auto from = zf::Date::Parse(Param(t, "from"));
    if (!from.ok()) {
      return Error(req, http::status::bad_request, "invalid_argument",
                   fmt::format("from: {}", from.status().message()), "from");
    }
    auto calendar = t.query.count("as_of") ? engine_->CalendarAsOf(Param(t, "as_of"))
                                           : engine_->Calendar();
    if (!calendar.ok()) return StatusError(req, ReadStatus(calendar.status()), calendar.status());
    auto due = zf::DueDate(*calendar, *from, period, zf::ClockOptions{});
    if (!due.ok()) return StatusError(req, ReadStatus(due.status()), due.status());
    return JsonResponse(req, http::status::ok,
                        json::object{{"from", from->ToString()}, {"due", due->ToString()}});
  }
  if (At(t, {"v1", "events"})) {
    if (auto bad = UnknownParameter(req, t, {"from", "limit", "prefix", "type"})) return *bad;
    auto from = FromPosition(t, *engine_->store());
    auto limit = Number(t, "limit", 1000);
    if (!from.ok()) return StatusError(req, http::status::bad_request, from.status());
    if (!limit.ok()) return StatusError(req, http::status::bad_request, limit.status());
    // A page of nothing is a client's mistake, not a request for one event.
    if (*limit == 0) {
      return Error(req, http::status::bad_request, "invalid_argument",
                   "limit must be at least 1, not 0", "limit");
    }
    const std::uint64_t max = std::min<std::uint64_t>(*limit, config_.limits.max_events_per_read);
    auto township = org_.TownshipOf(actor->unit);
    if (!township.ok()) return StatusError(req, ReadStatus(township.status()), township.status());
    StreamQuery filter{std::max<std::uint64_t>(*from, 1), Param(t, "prefix"), Param(t, "type"),
                       *township};
    CaseScopeCache scope;
    json::array events;
    std::uint64_t next = filter.from;
    auto cursor = engine_->store()->ReadAll(filter.from);
    for (; cursor->Valid() && events.size() < max; cursor->Next()) {
      const zf::EventRecord& e = cursor->event();
      next = e.position + 1;
      if (Matches(filter, e) && EventInTownship(filter.township, e, &scope)) {
        events.push_back(zf::EventToJson(e));
      }
    }
    if (!cursor->status().ok()) {
      return StatusError(req, ReadStatus(cursor->status()), cursor->status());
    }
    return JsonResponse(req, http::status::ok,
                        json::object{{"events", std::move(events)},
                                     {"next", next},
                                     {"head", engine_->store()->Ledger().position}});
  }
  if (At(t, {"v1", "me"})) {
    if (auto bad = UnknownParameter(req, t, {})) return *bad;
    auto township = org_.TownshipOf(actor->unit);
    if (!township.ok()) return StatusError(req, ReadStatus(township.status()), township.status());
    return JsonResponse(req, http::status::ok,
                        json::object{{"actor", json::object{{"id", actor->id},
                                                            {"role", actor->role},
                                                            {"unit", actor->unit}}},
                                     {"township", *township}});
  }
  if (At(t, {"v1", "names"})) {
    if (auto bad = UnknownParameter(req, t, {})) return *bad;
    auto names = org_.Names();
    if (!names.ok()) return StatusError(req, ReadStatus(names.status()), names.status());
    return JsonResponse(req, http::status::ok, *names);
  }
  if (At(t, {"v1", "access"}) && !Param(t, "case").empty()) {
    if (auto outside = OutsideTownship(req, *actor, Param(t, "case"))) return *outside;
  }
  ReadScope scope;
  {
    auto org = org_.Organisation();
    if (!org.ok()) return StatusError(req, ReadStatus(org.status()), org.status());
    scope.township = org->TownshipOf(actor->unit);
    if (auto it = org->area_of_township.find(scope.township); it != org->area_of_township.end()) {
      scope.area = it->second;
    }
    scope.case_inside = [this, &scope](const std::string& case_id) {
      return CaseInTownship(scope.township, case_id, nullptr).value_or(false);
    };
  }
  if (auto answer = RegisterRoute(*engine_, req, t, *as_of, scope)) return std::move(*answer);
  return Error(req, http::status::not_found, "not_found", "no such endpoint", t.path);
}

}  // namespace zfcli::server
