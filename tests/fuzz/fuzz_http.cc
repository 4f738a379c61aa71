// The HTTP request handler, in process (cli/server/api.cc): raw request
// bytes -> Beast's request parser with the server's header and body
// limits -> Api::Handle (or, for GET /v1/events/stream, ParseStream),
// over an engine on a memory store holding the Shaxian reference data and
// the first cases of 2023. No sockets: http_server.cc's transport is not
// fuzzed here. Tokens "t1" (enforcement officer), "t2" (auditor) and "t3"
// (grid worker) let inputs past authentication; the seeds use them.
//
// Oracle: every request gets an answer with a status, a 5xx is never given
// (a 500 is a bug: every bad input has a 4xx), and an error body is JSON
// with "error" and "message". The store grows with applied commands and
// recorded reads; the engine is made again once it has grown by 2,000
// events, so memory stays bounded (a crash may then need the inputs before
// it: run the crash file after the corpus with -runs, see docs/fuzzing.md).
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <map>
#include <memory>
#include <string>
#include <string_view>

#include <boost/asio/buffer.hpp>
#include <boost/beast/http.hpp>
#include <boost/json.hpp>

#include "fuzz_support.h"
#include "server/api.h"
#include "server/metrics.h"
#include "server/server.h"
#include "zf/event_store.h"

namespace {

using namespace zfcli::server;
namespace http = boost::beast::http;

constexpr std::uint64_t kRegrowEvents = 2000;

struct World {
  ServerConfig config;
  Metrics metrics;
  AccessLog log{"/dev/null"};
  std::unique_ptr<zf::Engine> engine;
  std::unique_ptr<Api> api;
  std::uint64_t start_position = 0;

  static void AddToken(std::map<std::string, TokenEntry>* table, const std::string& digest,
                       zf::Actor actor) {
    (*table)[digest] = TokenEntry{digest, std::move(actor), digest.substr(0, 12)};
  }

  World() {
    AddToken(&config.tokens.sha256, HexDigest("sha256", "t1"),
             {"SX-OF-0032", "enforcement_officer", "sx-market"});
    AddToken(&config.tokens.sha256, HexDigest("sha256", "t2"),
             {"AUD-0001", "auditor", "sx-justice"});
    AddToken(&config.tokens.sm3, HexDigest("sm3", "t3"), {"SX-GW-0001", "grid_worker", "gaosha"});
    config.limits.max_batch_commands = 50;
    config.limits.max_events_per_read = 200;
    Reset();
  }
  void Reset() {
    api.reset();
    engine = zf::fuzz::SampleEngine(200);
    api = std::make_unique<Api>(engine.get(), config, &metrics, &log, "/nonexistent-zf-fuzz");
    start_position = engine->store()->Ledger().position;
  }
};

World& TheWorld() {
  static World* world = new World();  // never destroyed: libFuzzer exits with it alive
  return *world;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  TheWorld();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using zf::fuzz::Check;
  World& world = TheWorld();
  if (world.engine->store()->Ledger().position > world.start_position + kRegrowEvents) {
    world.Reset();
  }

  http::request_parser<http::string_body> parser;
  parser.header_limit(static_cast<std::uint32_t>(world.config.limits.max_header_bytes));
  parser.body_limit(world.config.limits.max_body_bytes);
  parser.eager(true);
  boost::asio::const_buffer input(data, size);
  boost::beast::error_code ec;
  while (!parser.is_done() && input.size() > 0) {
    const std::size_t used = parser.put(input, ec);
    input += used;
    if (ec == http::error::need_more) {
      ec = {};
      if (used == 0) break;
      continue;
    }
    if (ec) return 0;
  }
  if (!parser.is_done()) {
    parser.put_eof(ec);
    if (ec || !parser.is_done()) return 0;
  }
  const Request& req = parser.get();

  if (Api::IsStream(req)) {
    Response refusal;
    if (world.api->Authenticate(req, &refusal) == nullptr) return 0;
    StreamQuery query;
    if (!world.api->ParseStream(req, &query, &refusal)) {
      Check(refusal.result_int() == 400, "a refused stream is a 400");
      return 0;
    }
    auto cursor = world.engine->store()->ReadAll(query.from);
    for (int i = 0; i < 20 && cursor->Valid(); ++i, cursor->Next()) {
      if (Api::Matches(query, cursor->event())) Api::SseFrame(cursor->event());
    }
    return 0;
  }

  std::string actor_id;
  const Response res = world.api->Handle(req, &actor_id);
  const unsigned status = res.result_int();
  Check(status >= 200 && status < 600, "an HTTP status");
  if (status >= 500) {
    // 503 only while draining, which the fuzzer never sets.
    std::fprintf(stderr, "HTTP %u for:\n%.*s\n--- answer:\n%s\n", status,
                 static_cast<int>(size), reinterpret_cast<const char*>(data), res.body().c_str());
    Check(false, "no 5xx answer");
  }
  if (status >= 400) {
    boost::system::error_code jec;
    boost::json::value body = boost::json::parse(res.body(), jec);
    Check(!jec && body.is_object() && body.as_object().contains("error") &&
              body.as_object().contains("message"),
          "an error answer is {\"error\", \"message\"}");
  }
  return 0;
}
