// The HTTP API's request handlers (docs/api.md): routing, authentication,
// the role gate, and the mapping of zf outcomes to HTTP statuses. Transport
// (connections, timeouts, the live stream's socket) is http_server.cc's.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include <boost/beast/http.hpp>
#include <boost/json/object.hpp>

#include "server/metrics.h"
#include "server/org_directory.h"
#include "server/server.h"
#include "zf/cases.h"
#include "zf/engine.h"

namespace zfcli::server {

namespace http = boost::beast::http;
using Request = http::request<http::string_body>;
using Response = http::response<http::string_body>;

// Now, UTC, to the millisecond ("2026-01-02T03:04:05.678Z"): the access
// log's "ts".
std::string NowUtc();

// Structured access log: one JSON object per line, each with a "ts" (added
// first when the entry has none).
class AccessLog {
 public:
  // "" = stderr.
  explicit AccessLog(const std::string& path);
  void Write(const boost::json::object& entry);
  // Opens the file again (SIGHUP): after logrotate moved it away, the
  // lines go to a new file at the path. False if it cannot be opened (the
  // old file stays in use).
  bool Reopen();

 private:
  std::string path_;
  std::mutex mu_;
  std::ofstream file_;
  bool to_file_ = false;
};

// What a live subscription (GET /v1/events/stream) asked for.
struct StreamQuery {
  std::uint64_t from = 1;
  std::string prefix;  // stream prefix, e.g. "case/"
  std::string type;    // event type
  // The township the reader is limited to ("" = none): only the events of
  // its cases are sent (Api::EventInTownship).
  std::string township;
};

// Per reader: whether each case seen so far is in its township.
using CaseScopeCache = std::map<std::string, bool, std::less<>>;

class Api {
 public:
  Api(zf::Engine* engine, const ServerConfig& config, Metrics* metrics, AccessLog* log,
      std::string store_path);

  // The request's bearer token; nullptr and a 401 in *refusal when there
  // is none or it is unknown. The entry stays valid across a reload.
  std::shared_ptr<const TokenEntry> Authenticate(const Request& req, Response* refusal) const;

  // Puts `tokens` in force for the requests authenticated from now on (a
  // config reload); requests in hand keep the entry they were given.
  void ReplaceTokens(TokenTable tokens);

  // Answers every request except the live stream. Blocks (engine calls):
  // run it off the I/O threads. Sets *actor_id for the access log.
  Response Handle(const Request& req, std::string* actor_id);

  static bool IsStream(const Request& req);
  // Parses GET /v1/events/stream (from, prefix, type; Last-Event-ID wins
  // over from). False with a 400 in *refusal on a bad parameter.
  bool ParseStream(const Request& req, StreamQuery* query, Response* refusal) const;
  static bool Matches(const StreamQuery& query, const zf::EventRecord& event);

  // The township a token's reads are limited to: its unit's township for
  // a township or brigade, "" for any other unit (docs/api.md, "Who may
  // read which case").
  zf::Result<std::string> TownshipOf(const zf::Actor& actor) { return org_.TownshipOf(actor.unit); }
  // Whether a reader limited to `township` may see `event`: the events of
  // its township's cases (their case/ and access/ streams), nothing else.
  // True for every event when `township` is "". Reads the engine: call it
  // off the I/O threads. `cache` remembers each case's answer.
  bool EventInTownship(std::string_view township, const zf::EventRecord& event,
                       CaseScopeCache* cache);
  // One Server-Sent Events frame: "id: <position>\ndata: <event JSON>\n\n".
  static std::string SseFrame(const zf::EventRecord& event);

  // A JSON response in the API's error form.
  static Response Error(const Request& req, http::status status, std::string_view code,
                        std::string_view message, std::string_view subject = {});

  // Set on SIGTERM: /v1/health answers 503 and commands are refused.
  std::atomic<bool> draining{false};

  zf::EventStore* store() const { return engine_->store(); }
  const ServerConfig& config() const { return config_; }

 private:
  Response Route(const Request& req, std::string* actor_id);
  Response Commands(const Request& req, const zf::Actor& actor);
  Response Metrics(const Request& req);
  Response Health(const Request& req);
  // Every read of one case goes through here, so that it is recorded.
  Response CaseAudit(const Request& req, const zf::Actor& actor, const std::string& id);
  Response CaseDossier(const Request& req, const zf::Actor& actor, const std::string& id);
  // POST /v1/admin/{backup,verify,audit}, for an admin token; one at a time.
  Response Admin(const Request& req, const TokenEntry& token, std::string_view what);
  // Records the read in the engine's access trail (and the access log);
  // a read whose record fails must not be answered.
  zf::Status RecordCaseRead(const zf::Actor& actor, const std::string& case_id,
                            std::string_view what, std::string_view as_of);

  // A token of a township or its brigade reads only that township's cases
  // (docs/api.md, "Who may read which case"): the 403 to answer when the
  // case is another township's; nothing when the read may go on (or the
  // case does not exist: the read answers its 404).
  std::optional<Response> OutsideTownship(const Request& req, const zf::Actor& actor,
                                          const std::string& case_id);
  // Whether the case happened in `township` or is handled by it; nothing
  // when there is no such case.
  std::optional<bool> CaseInTownship(std::string_view township, const std::string& case_id,
                                     std::string* where);
  // The same for a list's filter: a limited token's list is its
  // township's (the filter's township is set); another township is 403.
  std::optional<Response> LimitToTownship(const Request& req, const zf::Actor& actor,
                                          zf::CaseFilter* filter);

  // Takes one request from the token's bucket of expensive reads; when it
  // is empty, the 429 to answer (with Retry-After).
  std::optional<Response> RateLimit(const Request& req, const TokenEntry& token);

  zf::Engine* const engine_;
  const ServerConfig& config_;
  mutable std::mutex tokens_mu_;
  std::shared_ptr<const TokenTable> tokens_;  // GUARDED_BY(tokens_mu_)
  // Per token (by digest, so a bucket outlives a reload that keeps the
  // token): the requests left in its bucket and when it was last refilled.
  struct Bucket {
    double tokens = 0;
    std::chrono::steady_clock::time_point refilled;
  };
  std::mutex buckets_mu_;
  std::map<std::string, Bucket> buckets_;  // GUARDED_BY(buckets_mu_)
  std::mutex admin_mu_;  // held by the admin operation running
  OrgDirectory org_;
  server::Metrics* const metrics_;
  AccessLog* const log_;
  const std::string store_path_;
};

}  // namespace zfcli::server
