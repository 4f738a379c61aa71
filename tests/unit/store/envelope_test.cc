// The store's request checks as the engine uses them before a group write
// (issue 14 §1): CheckRequest answers exactly as PrepareRequest, and
// CheckActorText is the rule the store applies to every actor field.
#include "store/envelope.h"

#include <functional>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "util/canonical_json.h"

using namespace zf;
using namespace zf::internal;

namespace {

AppendRequest Valid() {
  AppendRequest r;
  r.stream = "case/SX-1";
  r.command_id = "cmd-1";
  r.command = R"({"command":"x"})";
  NewEvent e;
  e.type = "clue_registered";
  e.occurred_at = "2023-09-12T10:00:00+08:00";
  e.actor = {"SX-OF-0094", "enforcement_officer", "fenggang"};
  e.data = {{"n", 1}};
  r.events.push_back(e);
  return r;
}

boost::json::value Nested(std::size_t depth) {
  boost::json::value v = 1;
  for (std::size_t i = 0; i < depth; ++i) v = boost::json::array{std::move(v)};
  return v;
}

}  // namespace

TEST_CASE("CheckRequest answers as PrepareRequest for every rule of the store", "[store][limits]") {
  const std::vector<std::pair<std::string, std::function<void(AppendRequest&)>>> breaks = {
      {"valid", [](AppendRequest&) {}},
      {"stream", [](AppendRequest& r) { r.stream = "case/ bad"; }},
      {"stream length", [](AppendRequest& r) { r.stream.assign(kMaxStreamBytes + 1, 'a'); }},
      {"command id", [](AppendRequest& r) { r.command_id = "has space"; }},
      {"no events", [](AppendRequest& r) { r.events.clear(); }},
      {"too many events",
       [](AppendRequest& r) { r.events.resize(kMaxEventsPerAppend + 1, r.events[0]); }},
      {"recorded command",
       [](AppendRequest& r) { r.command.assign(kMaxRecordedCommandBytes + 1, 'x'); }},
      {"type", [](AppendRequest& r) { r.events[0].type = "Clue"; }},
      {"schema", [](AppendRequest& r) { r.events[0].schema = 0; }},
      {"occurred_at", [](AppendRequest& r) { r.events[0].occurred_at = "2023-09-12"; }},
      {"actor id empty", [](AppendRequest& r) { r.events[0].actor.id.clear(); }},
      {"actor id control", [](AppendRequest& r) { r.events[0].actor.id = "SX\x01"; }},
      {"actor role length",
       [](AppendRequest& r) { r.events[0].actor.role.assign(kMaxActorFieldBytes + 1, 'r'); }},
      {"actor unit DEL", [](AppendRequest& r) { r.events[0].actor.unit = "feng\x7fgang"; }},
      {"float", [](AppendRequest& r) { r.events[0].data = {{"x", 1.5}}; }},
      {"depth", [](AppendRequest& r) { r.events[0].data = {{"x", Nested(kMaxCanonicalJsonDepth)}}; }},
      {"invalid UTF-8", [](AppendRequest& r) { r.events[0].data = {{"x", "\xff"}}; }},
      {"payload size",
       [](AppendRequest& r) { r.events[0].data = {{"x", std::string(kMaxDataBytes, 'x')}}; }},
  };
  for (const auto& [name, modify] : breaks) {
    INFO(name);
    AppendRequest r = Valid();
    modify(r);
    const Status checked = CheckRequest(r);
    const Result<PreparedRequest> prepared = PrepareRequest(r);
    CHECK(checked.ok() == (name == "valid"));
    CHECK(checked.code() == prepared.status().code());
    CHECK(checked.message() == prepared.status().message());
    CHECK(checked.subject() == prepared.status().subject());
  }
}

TEST_CASE("Actor text: at most 128 bytes, no control characters", "[store][limits]") {
  CHECK(CheckActorText("").ok());
  CHECK(CheckActorText("高砂镇综合执法队").ok());
  CHECK(CheckActorText(std::string(kMaxActorFieldBytes, 'a')).ok());
  CHECK(CheckActorText(std::string(kMaxActorFieldBytes + 1, 'a')).code() ==
        StatusCode::kInvalidArgument);
  for (char c : {'\0', '\x01', '\n', '\x1f', '\x7f'}) {
    INFO(static_cast<int>(c));
    CHECK(CheckActorText(std::string("SX-") + c).code() == StatusCode::kInvalidArgument);
  }
}
