#include "engine/command_facts.h"

#include <string>
#include <vector>

#include <boost/json.hpp>
#include <catch2/catch.hpp>

#include "io/command_json.h"
#include "zf/command.h"

namespace zf::internal {
namespace {

// A calendar publication; every third one has a date the schema refuses,
// every fifth an unknown type.
std::vector<Command> Commands(std::size_t n) {
  std::vector<Command> out;
  for (std::size_t i = 0; i < n; ++i) {
    Command c;
    c.type = i % 5 == 4 ? "pardon_everyone" : "publish_holiday_calendar";
    c.command_id = "calendar-" + std::to_string(i);
    c.at = "2022-12-08T16:00:00+08:00";
    c.actor = Actor{"SX-ADMIN-01", "list_admin", "sx-justice"};
    c.data = boost::json::object{
        {"year", 2023},
        {"holidays", boost::json::array{i % 3 == 2 ? "2023/01/01" : "2023-01-01"}},
        {"makeup_workdays", boost::json::array{}},
        {"notice", "notice " + std::to_string(i)}};
    out.push_back(std::move(c));
  }
  return out;
}

std::vector<const Command*> Pointers(const std::vector<Command>& commands) {
  std::vector<const Command*> out;
  for (const Command& c : commands) out.push_back(&c);
  return out;
}

TEST_CASE("Facts worked out ahead are each command's own, in order", "[engine][facts]") {
  // Below the threshold the facts are computed when taken; above it, on
  // the helper: the same answers either way.
  for (std::size_t n : {std::size_t{3}, FactsAhead::kMinCommands, std::size_t{500}}) {
    const std::vector<Command> commands = Commands(n);
    FactsAhead ahead(Pointers(commands));
    for (std::size_t i = 0; i < n; ++i) {
      CommandFacts got = ahead.Take(i);
      const Status want = CheckCommand(commands[i]);
      INFO("command " << i << " of " << n);
      REQUIRE(got.check.code() == want.code());
      REQUIRE(got.check.message() == want.message());
      REQUIRE(got.check.subject() == want.subject());
      REQUIRE(got.recorded == RecordedCommandText(commands[i]));
    }
  }
}

TEST_CASE("Facts not taken are dropped without waiting for the rest", "[engine][facts]") {
  // A group that stops at its first failure takes only a prefix.
  const std::vector<Command> commands = Commands(2000);
  {
    FactsAhead ahead(Pointers(commands));
    REQUIRE(ahead.Take(0).check.ok());
    REQUIRE(ahead.Take(1).check.ok());
    REQUIRE(ahead.Take(2).check.code() == StatusCode::kInvalidArgument);
  }
  {
    FactsAhead untouched(Pointers(commands));  // destroyed before any Take
  }
  SUCCEED();
}

}  // namespace
}  // namespace zf::internal
