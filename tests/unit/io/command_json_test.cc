// zf::CommandFromJson: the moving form answers as the copying one, and
// takes the command's data instead of copying it.
#include <boost/json.hpp>
#include <catch2/catch.hpp>

#include "zf/command.h"

namespace json = boost::json;

namespace {

json::value Envelope() {
  // A line of examples/shaxian/07-cases-2022.jsonl.
  return json::parse(
      R"({"command":"register_clue","command_id":"07-00051","at":"2022-12-12T09:00:00+08:00",)"
      R"("actor":{"id":"SX-OF-0116","role":"enforcement_officer","unit":"huyuan"},)"
      R"("case_id":"SX-2022-T0001","data":{"source":"inspection","channel":"online",)"
      R"("item_code":"URBAN-009","township":"huyuan","description":"擅自在街道两侧和公共场地堆放物料",)"
      R"("discovered_on":"2022-12-12","party":{"id":"350427197100000001","name":"詹某",)"
      R"("category":"natural_person"}}})");
}

}  // namespace

TEST_CASE("CommandFromJson: moving and copying give the same command or the same error",
          "[command][json]") {
  const json::value original = Envelope();
  auto copied = zf::CommandFromJson(original);
  json::value moved_from = original;
  auto moved = zf::CommandFromJson(std::move(moved_from));
  REQUIRE(copied.ok());
  REQUIRE(moved.ok());
  {
    CHECK(moved->type == copied->type);
    CHECK(moved->command_id == copied->command_id);
    CHECK(moved->target == copied->target);
    CHECK(moved->data == copied->data);
    CHECK(moved->data == original.at("data"));
  }
  // The const form leaves its argument as it was.
  CHECK(original == Envelope());

  SECTION("errors name the same field") {
    for (const char* bad : {R"({"command":"register_clue"})", R"([1])",
                            R"({"command":"no_such","command_id":"x"})"}) {
      const json::value v = json::parse(bad);
      json::value w = v;
      auto a = zf::CommandFromJson(v);
      auto b = zf::CommandFromJson(std::move(w));
      REQUIRE_FALSE(a.ok());
      REQUIRE_FALSE(b.ok());
      CHECK(a.status().message() == b.status().message());
      CHECK(a.status().subject() == b.status().subject());
    }
  }
}

TEST_CASE("CommandFromJson of an rvalue takes the data's storage", "[command][json]") {
  json::value envelope = Envelope();
  const json::value* data_before = envelope.get_object().if_contains("data");
  REQUIRE(data_before != nullptr);
  const auto* description_chars = data_before->at("description").as_string().data();
  auto command = zf::CommandFromJson(std::move(envelope));
  REQUIRE(command.ok());
  // Moved, not copied: the string's characters are the same allocation.
  CHECK(command->data.at("description").as_string().data() == description_chars);
}
