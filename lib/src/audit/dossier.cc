// The case dossier (docs/audit.md §3): one JSON-lines file that carries
// what an offline auditor needs to verify one case — its events, the
// events its decisions depended on, its recorded commands and the ledger
// links of everything else up to the case's last event — and its verifier.
#include <chrono>
#include <istream>
#include <memory>
#include <map>
#include <ostream>
#include <set>
#include <unordered_map>

#include <boost/json/serialize.hpp>
#include <fmt/format.h>

#include "audit/re_decider.h"
#include "domain/case_state.h"
#include "projection/replay.h"
#include "rules/rule_book.h"
#include "store/envelope.h"
#include "util/canonical_json.h"
#include "util/sm3.h"
#include "zf/audit.h"
#include "zf/event_json.h"

namespace zf {
namespace {

constexpr std::string_view kDossierFormat = "zf.dossier.v1";
constexpr std::size_t kLinksPerLine = 512;

void WriteLine(std::ostream& out, const boost::json::object& line) {
  out << boost::json::serialize(line) << '\n';
}

// The cases a case's decisions may read (docs/domain.md, Leniency: the four lists first violation, I7 no
// double fine, J5 first filer): the party's cases and the related ones.
std::set<std::string> CasesNeeded(const internal::CaseBook& cases, const internal::CaseState& c) {
  std::set<std::string> ids{c.id};
  if (!c.party.id.empty()) {
    for (const std::string& id : cases.CasesOfParty(c.party.id)) ids.insert(id);
  }
  for (const std::string& id : cases.CasesRelatedTo(c.id)) ids.insert(id);
  if (!c.clue.related_case_id.empty()) ids.insert(c.clue.related_case_id);
  return ids;
}

// Included in a dossier: everything that is not another case.
bool Included(std::string_view stream, const std::set<std::string>& cases) {
  if (!stream.starts_with(internal::kCaseStreamPrefix)) return true;
  return cases.contains(std::string(stream.substr(internal::kCaseStreamPrefix.size())));
}

}  // namespace

Status WriteDossier(const EventStore& store, std::string_view case_id, std::ostream& out) {
  const std::string stream = std::string(internal::kCaseStreamPrefix) + std::string(case_id);
  auto head = store.Head(stream);
  if (!head.ok()) {
    return NotFoundError(fmt::format("no case {} in the store", case_id)).WithSubject("case_id");
  }
  const std::uint64_t cut = head->position;
  ZF_ASSIGN_OR_RETURN(internal::Replayed world,
                      internal::Replay(store, internal::AsOfFilter{{}, cut}));
  const internal::CaseState* c = world.cases.FindCase(case_id);
  if (c == nullptr) return NotFoundError(fmt::format("no case {}", case_id)).WithSubject("case_id");
  const std::set<std::string> cases = CasesNeeded(world.cases, *c);
  // The store's own ledger hash at the cut (re-anchored on what is stored).
  VerifyOptions at_cut;
  at_cut.from_position = cut;
  at_cut.to_position = cut;
  at_cut.check_indexes = false;
  ZF_ASSIGN_OR_RETURN(ChainReport chain, store.VerifyChain(at_cut));
  const LedgerHead ledger = store.Ledger();

  boost::json::array case_ids;
  for (const std::string& id : cases) case_ids.emplace_back(id);
  WriteLine(out, {{"kind", "header"},
                  {"format", kDossierFormat},
                  {"case_id", case_id},
                  {"cut_position", cut},
                  {"store_head", {{"position", ledger.position}, {"ledger_hash", ledger.ledger_hash}}},
                  {"cases", std::move(case_ids)}});
  std::uint64_t events = 0, links = 0, commands = 0;
  boost::json::array pending;  // hashes of positions not included
  std::uint64_t pending_from = 0;
  auto flush_links = [&] {
    if (pending.empty()) return;
    links += pending.size();
    WriteLine(out, {{"kind", "links"}, {"from", pending_from}, {"hashes", std::move(pending)}});
    pending = boost::json::array();
  };
  std::string last_command;
  auto cursor = store.ReadAll(1);
  for (; cursor->Valid() && cursor->event().position <= cut; cursor->Next()) {
    const EventRecord& e = cursor->event();
    if (!Included(e.stream, cases)) {
      if (pending.empty()) pending_from = e.position;
      pending.emplace_back(e.hash);
      if (pending.size() == kLinksPerLine) flush_links();
      continue;
    }
    flush_links();
    if (e.stream == stream && e.command_id != last_command) {
      last_command = e.command_id;
      auto recorded = store.ReadCommand(e.command_id);
      if (recorded.ok()) {
        ++commands;
        WriteLine(out, {{"kind", "command"},
                        {"command_id", e.command_id},
                        {"result", AppendResultToJson(recorded->result)},
                        {"command", recorded->command}});
      } else if (recorded.status().code() != StatusCode::kNotFound) {
        return recorded.status();
      }
    }
    ++events;
    WriteLine(out, {{"kind", "event"}, {"event", EventToJson(e)}});
  }
  ZF_RETURN_IF_ERROR(cursor->status());
  flush_links();
  WriteLine(out, {{"kind", "end"},
                  {"cut_position", cut},
                  {"ledger_hash", chain.ledger_hash},
                  {"events", events},
                  {"links", links},
                  {"commands", commands}});
  out.flush();
  if (!out) return IOError("cannot write the dossier");
  return Status::Ok();
}

namespace {

// Strict reading of the export form of an event (zf/event_json.h).
Result<EventRecord> EventFromJson(const boost::json::value& v) {
  if (!v.is_object()) return InvalidArgumentError("an event must be an object");
  const auto& o = v.as_object();
  EventRecord e;
  auto text = [&](std::string_view k, std::string* out) -> Status {
    const auto* f = o.if_contains(k);
    if (f == nullptr || !f->is_string()) {
      return InvalidArgumentError(fmt::format("event field '{}' missing or not text", k));
    }
    *out = std::string(f->as_string());
    return Status::Ok();
  };
  auto number = [&](std::string_view k, std::uint64_t* out) -> Status {
    const auto* f = o.if_contains(k);
    if (f == nullptr || !(f->is_uint64() || (f->is_int64() && f->as_int64() >= 0))) {
      return InvalidArgumentError(fmt::format("event field '{}' missing or not a number", k));
    }
    *out = f->is_uint64() ? f->as_uint64() : static_cast<std::uint64_t>(f->as_int64());
    return Status::Ok();
  };
  std::uint64_t schema = 0;
  ZF_RETURN_IF_ERROR(number("position", &e.position));
  ZF_RETURN_IF_ERROR(text("stream", &e.stream));
  ZF_RETURN_IF_ERROR(number("version", &e.version));
  ZF_RETURN_IF_ERROR(text("type", &e.type));
  ZF_RETURN_IF_ERROR(number("schema", &schema));
  e.schema = static_cast<std::uint32_t>(schema);
  ZF_RETURN_IF_ERROR(text("occurred_at", &e.occurred_at));
  ZF_RETURN_IF_ERROR(text("recorded_at", &e.recorded_at));
  ZF_RETURN_IF_ERROR(text("command_id", &e.command_id));
  const auto* actor = o.if_contains("actor");
  if (actor == nullptr || !actor->is_object()) return InvalidArgumentError("event has no actor");
  for (auto [key, field] : {std::pair{"id", &e.actor.id}, std::pair{"role", &e.actor.role},
                            std::pair{"unit", &e.actor.unit}}) {
    const auto* f = actor->as_object().if_contains(key);
    if (f != nullptr && f->is_string()) *field = std::string(f->as_string());
  }
  const auto* data = o.if_contains("data");
  if (data == nullptr) return InvalidArgumentError("event has no data");
  e.data = *data;
  ZF_RETURN_IF_ERROR(text("prev_hash", &e.prev_hash));
  ZF_RETURN_IF_ERROR(text("hash", &e.hash));
  return e;
}

// SM3 of the canonical encoding (docs/event-format.md §2).
Result<internal::Hash> HashOf(const EventRecord& e) {
  AppendRequest request;
  request.stream = e.stream;
  request.command_id = e.command_id;
  NewEvent event;
  event.type = e.type;
  event.schema = e.schema;
  event.occurred_at = e.occurred_at;
  event.actor = e.actor;
  internal::PreparedEvent prepared;
  prepared.source = &event;
  ZF_RETURN_IF_ERROR(internal::AppendCanonicalJson(e.data, &prepared.canonical_data));
  std::string canonical;
  internal::EncodeCanonical(request, prepared,
                            internal::Stamp{e.position, e.version, e.recorded_at, e.prev_hash},
                            &canonical);
  return internal::Sm3(canonical);
}

Result<AppendResult> AppendResultFromJson(const boost::json::value& v) {
  if (!v.is_object()) return InvalidArgumentError("a command result must be an object");
  const auto& o = v.as_object();
  AppendResult r;
  auto number = [&](std::string_view k) -> std::uint64_t {
    const auto* f = o.if_contains(k);
    if (f == nullptr) return 0;
    if (f->is_uint64()) return f->as_uint64();
    if (f->is_int64() && f->as_int64() >= 0) return static_cast<std::uint64_t>(f->as_int64());
    return 0;
  };
  if (const auto* s = o.if_contains("stream"); s && s->is_string()) r.stream = s->as_string();
  if (const auto* s = o.if_contains("last_hash"); s && s->is_string()) r.last_hash = s->as_string();
  r.first_version = number("first_version");
  r.last_version = number("last_version");
  r.first_position = number("first_position");
  r.last_position = number("last_position");
  return r;
}

class DossierVerifier {
 public:
  DossierVerifier(const EngineOptions& options, const AuditSink& sink, AuditSummary* summary)
      : options_(options), findings_(sink, 10000, summary), summary_(summary) {}

  Status Run(std::istream& in);

 private:
  // A problem of the file itself, in English and in Chinese.
  void Problem(std::string code, std::string message, std::string message_zh,
               std::uint64_t position = 0, std::string stream = "", std::uint64_t version = 0) {
    AuditFinding f;
    f.kind = AuditFinding::Kind::kIntegrity;
    f.case_id = case_id_;
    f.stream = std::move(stream);
    f.position = position;
    f.version = version;
    f.rule = "dossier";
    f.code = std::move(code);
    f.legal_basis = "docs/audit.md §3 (the dossier format)";
    f.legal_basis_zh = "docs/audit.md §3（案卷格式）";
    f.message = std::move(message);
    f.message_zh = std::move(message_zh);
    findings_.Report(std::move(f));
  }
  void Position(std::uint64_t position, const internal::Hash& hash) {
    if (position != next_) {
      Problem("position_gap",
              fmt::format("position {} follows position {}; the ledger cannot be recomputed",
                          position, next_ - 1),
              fmt::format("位置 {} 紧接在位置 {} 之后，总账无法重新计算", position, next_ - 1),
              position);
    }
    ledger_ = internal::NextLedgerHash(ledger_, position, hash);
    next_ = position + 1;
  }
  Status Header(const boost::json::object& line);
  Status Event(const boost::json::object& line);
  void Links(const boost::json::object& line);
  void CommandLine(const boost::json::object& line);
  void End(const boost::json::object& line);

  struct Tip {
    std::uint64_t version = 0;
    std::string hash;
  };

  const EngineOptions& options_;
  internal::FindingSink findings_;
  AuditSummary* summary_;
  std::string case_id_;
  std::unique_ptr<internal::ReDecider> decider_;
  std::map<std::string, RecordedCommand, std::less<>> commands_;
  std::unordered_map<std::string, Tip> tips_;
  internal::Hash ledger_{};
  std::uint64_t next_ = 1;
  std::uint64_t events_ = 0, links_ = 0, command_lines_ = 0;
  bool ended_ = false;
};

Status DossierVerifier::Header(const boost::json::object& line) {
  const auto* format = line.if_contains("format");
  const auto* id = line.if_contains("case_id");
  if (format == nullptr || !format->is_string() || format->as_string() != kDossierFormat ||
      id == nullptr || !id->is_string()) {
    return InvalidArgumentError(fmt::format("not a {} dossier: the first line must be its header",
                                            kDossierFormat))
        .WithSubject("/format");
  }
  case_id_ = std::string(id->as_string());
  internal::ReDecider::Scope scope{case_id_, 1, UINT64_MAX};
  internal::CommandLookup lookup =
      [this](std::string_view command_id) -> Result<std::optional<RecordedCommand>> {
    auto it = commands_.find(command_id);
    if (it == commands_.end()) return std::optional<RecordedCommand>();
    return std::optional<RecordedCommand>(it->second);
  };
  decider_ = std::make_unique<internal::ReDecider>(options_, scope, lookup, &findings_, summary_);
  return Status::Ok();
}

Status DossierVerifier::Event(const boost::json::object& line) {
  const auto* json = line.if_contains("event");
  Result<EventRecord> e = json ? EventFromJson(*json) : InvalidArgumentError("no event");
  if (!e.ok()) {
    // The parser's reason is English technical text, kept in the English.
    Problem("event_unreadable", std::string(e.status().message()),
            fmt::format("位置 {} 的事件行无法读取", next_), next_);
    return Status::Ok();
  }
  ++events_;
  internal::Hash computed{};
  if (auto h = HashOf(*e); h.ok()) computed = *h;
  if (internal::ToHex(computed) != e->hash) {
    Problem("hash_mismatch",
            fmt::format("stated hash {} but the event's content hashes to {}", e->hash,
                        internal::ToHex(computed)),
            fmt::format("载明的哈希为 {}，而事件内容的哈希为 {}：事件内容被改动", e->hash,
                        internal::ToHex(computed)),
            e->position, e->stream, e->version);
  }
  Tip& tip = tips_[e->stream];
  if (e->version != tip.version + 1) {
    Problem("version_gap",
            fmt::format("stream '{}' has version {} where {} was expected", e->stream, e->version,
                        tip.version + 1),
            fmt::format("事件流 {} 的版本为 {}，应为 {}", e->stream, e->version, tip.version + 1),
            e->position, e->stream, e->version);
  } else if (e->prev_hash != tip.hash) {
    Problem("prev_hash_mismatch",
            fmt::format("prev_hash '{}' is not the hash of the stream's previous event '{}'",
                        e->prev_hash, tip.hash),
            fmt::format("记载的前一事件哈希 {} 不是该流前一个事件的哈希 {}",
                        e->prev_hash.empty() ? "（空）" : e->prev_hash,
                        tip.hash.empty() ? "（空）" : tip.hash),
            e->position, e->stream, e->version);
  }
  tip = Tip{e->version, internal::ToHex(computed)};
  Position(e->position, computed);
  return decider_->Feed(*e);
}

void DossierVerifier::Links(const boost::json::object& line) {
  const auto* from = line.if_contains("from");
  const auto* hashes = line.if_contains("hashes");
  if (from == nullptr || !from->is_number() || hashes == nullptr || !hashes->is_array()) {
    Problem("links_unreadable", "a links line needs 'from' and 'hashes'",
            "链接行缺少起始位置（from）或哈希列表（hashes）", next_);
    return;
  }
  std::uint64_t position = from->to_number<std::uint64_t>();
  for (const auto& h : hashes->as_array()) {
    internal::Hash hash{};
    if (!h.is_string() || !internal::FromHex(h.as_string(), &hash)) {
      Problem("links_unreadable", fmt::format("the link of position {} is not a hash", position),
              fmt::format("位置 {} 的链接不是哈希值", position), position);
    }
    ++links_;
    Position(position++, hash);
  }
}

void DossierVerifier::CommandLine(const boost::json::object& line) {
  const auto* id = line.if_contains("command_id");
  const auto* text = line.if_contains("command");
  const auto* result = line.if_contains("result");
  auto parsed = result ? AppendResultFromJson(*result) : InvalidArgumentError("no result");
  if (id == nullptr || !id->is_string() || text == nullptr || !text->is_string() || !parsed.ok()) {
    Problem("command_unreadable", "a command line needs command_id, result and command",
            "命令行缺少命令标识（command_id）、结果（result）或命令（command）", next_);
    return;
  }
  ++command_lines_;
  commands_[std::string(id->as_string())] =
      RecordedCommand{std::move(*parsed), std::string(text->as_string())};
}

void DossierVerifier::End(const boost::json::object& line) {
  ended_ = true;
  const auto* cut = line.if_contains("cut_position");
  const auto* hash = line.if_contains("ledger_hash");
  const std::uint64_t stated = cut && cut->is_number() ? cut->to_number<std::uint64_t>() : 0;
  if (stated != next_ - 1) {
    Problem("truncated",
            fmt::format("the dossier runs to position {} but states its cut at {}", next_ - 1,
                        stated),
            fmt::format("案卷止于位置 {}，而其载明的截止位置为 {}", next_ - 1, stated), next_);
  }
  if (hash == nullptr || !hash->is_string() || hash->as_string() != internal::ToHex(ledger_)) {
    Problem("ledger_mismatch",
            fmt::format("the ledger recomputed at position {} is {}; the dossier states {}",
                        next_ - 1, internal::ToHex(ledger_),
                        hash && hash->is_string() ? std::string(hash->as_string()) : "nothing"),
            fmt::format("在位置 {} 重新计算的总账哈希为 {}，案卷载明的是 {}", next_ - 1,
                        internal::ToHex(ledger_),
                        hash && hash->is_string() ? std::string(hash->as_string()) : "（无）"),
            next_ - 1);
  }
  auto count = [&](std::string_view k) -> std::uint64_t {
    const auto* f = line.if_contains(k);
    return f && f->is_number() ? f->to_number<std::uint64_t>() : UINT64_MAX;
  };
  if (count("events") != events_ || count("links") != links_ ||
      count("commands") != command_lines_) {
    Problem("count_mismatch",
            fmt::format("the dossier holds {} events, {} links and {} commands; its end line "
                        "states other counts",
                        events_, links_, command_lines_),
            fmt::format("案卷含 {} 个事件、{} 条链接和 {} 条命令，与结束行载明的数目不符", events_,
                        links_, command_lines_));
  }
  summary_->ledger_hash = internal::ToHex(ledger_);
}

Status DossierVerifier::Run(std::istream& in) {
  std::string text;
  std::size_t number = 0;
  while (std::getline(in, text)) {
    ++number;
    if (text.empty()) continue;
    auto json = ParseJson(text);
    if (!json.ok() || !json->is_object() || !json->as_object().contains("kind")) {
      if (number == 1) {
        return InvalidArgumentError("the first line is not a dossier header").WithSubject("line 1");
      }
      Problem("line_unreadable", fmt::format("line {} is not a dossier line", number),
              fmt::format("第 {} 行不是案卷行", number), next_);
      continue;
    }
    const auto& line = json->as_object();
    const auto* kind_value = line.if_contains("kind");
    const std::string_view kind =
        kind_value->is_string() ? std::string_view(kind_value->as_string()) : "";
    if (number == 1) {
      if (kind != "header") {
        return InvalidArgumentError("the first line is not a dossier header").WithSubject("line 1");
      }
      ZF_RETURN_IF_ERROR(Header(line));
    } else if (ended_) {
      Problem("line_unreadable", fmt::format("line {} follows the end line", number),
              fmt::format("第 {} 行在结束行之后", number), next_);
    } else if (kind == "event") {
      ZF_RETURN_IF_ERROR(Event(line));
    } else if (kind == "links") {
      Links(line);
    } else if (kind == "command") {
      CommandLine(line);
    } else if (kind == "end") {
      End(line);
    } else {
      Problem("line_unreadable", fmt::format("line {} has an unknown kind", number),
              fmt::format("第 {} 行的类别未知", number), next_);
    }
  }
  if (decider_ == nullptr) {
    return InvalidArgumentError("the dossier is empty").WithSubject("line 1");
  }
  if (!ended_) {
    Problem("truncated", "the dossier has no end line: it was cut short",
            "案卷没有结束行：文件不完整", next_);
  }
  return decider_->Finish();
}

}  // namespace

Result<AuditSummary> VerifyDossier(std::istream& in, const EngineOptions& options,
                                   const AuditSink& sink) {
  const auto start = std::chrono::steady_clock::now();
  AuditSummary summary;
  DossierVerifier verifier(options, sink, &summary);
  ZF_RETURN_IF_ERROR(verifier.Run(in));
  summary.elapsed_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return summary;
}

}  // namespace zf
