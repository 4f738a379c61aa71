// schema_bench: schema validation of real commands, the quick path
// (io/fast_schema.h, then valijson only where it is not sure) against
// valijson alone — the cost an import and an audit pay per command.
//
//   schema_bench [--rounds N] FILE.jsonl...   (default: 20 rounds)
//
// Prints microseconds per document for each, their ratio and the 1-minute
// load before and after. A benchmark, not a test: nothing here gates CI.
#include <chrono>
#include <cstdio>
#include <fstream>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <boost/json.hpp>
#include <fmt/format.h>

#include "bench_args.h"
#include "io/embedded_schemas.h"
#include "io/schema_validator.h"

namespace json = boost::json;
using zf::internal::SchemaValidator;

namespace {

std::string Load() {
  std::ifstream in("/proc/loadavg");
  std::string first;
  in >> first;
  return first;
}

}  // namespace

int main(int argc, char** argv) {
  std::uint64_t rounds = 20;
  std::vector<std::string> files;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--rounds" && i + 1 < argc) {
      rounds = zf::bench::ParseCount("schema_bench", "--rounds", argv[++i]);
    } else {
      files.push_back(arg);
    }
  }
  if (files.empty()) zf::bench::Die("schema_bench", "usage: schema_bench [--rounds N] FILE.jsonl...");
  std::map<std::string, std::unique_ptr<SchemaValidator>> validators;
  for (const auto& schema : zf::internal::EmbeddedSchemas()) {
    auto v = SchemaValidator::FromJson(json::parse(schema.text));
    if (!v.ok()) zf::bench::Die("schema_bench", std::string(v.status().message()));
    validators[std::string(schema.path)] = std::move(*v);
  }
  std::vector<std::pair<const SchemaValidator*, json::value>> docs;
  for (const std::string& file : files) {
    std::ifstream in(file);
    std::string line;
    while (std::getline(in, line)) {
      json::error_code ec;
      json::value v = json::parse(line, ec);
      if (ec || !v.is_object() || !v.get_object().contains("data")) continue;
      auto it = validators.find(fmt::format("commands/{}.schema.json",
                                            json::value_to<std::string>(v.at("command"))));
      if (it != validators.end()) docs.emplace_back(it->second.get(), v.at("data"));
    }
  }
  if (docs.empty()) zf::bench::Die("schema_bench", "no commands in the files");
  const std::string load_before = Load();
  double seconds[2] = {0, 0};
  std::size_t refused[2] = {0, 0};
  for (std::uint64_t r = 0; r < rounds; ++r) {
    for (int quick = 0; quick < 2; ++quick) {  // alternated, so drift hits both
      const auto start = std::chrono::steady_clock::now();
      for (const auto& [validator, doc] : docs) {
        const zf::Status s = quick ? validator->Validate(doc) : validator->ValidateExactly(doc);
        refused[quick] += !s.ok();
      }
      seconds[quick] += std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    }
  }
  const double n = static_cast<double>(docs.size() * rounds);
  fmt::print("{} commands x {} rounds; load {} before, {} after\n", docs.size(), rounds,
             load_before, Load());
  fmt::print("| path | µs per command | refused |\n|---|---:|---:|\n");
  fmt::print("| valijson alone | {:.2f} | {} |\n", seconds[0] / n * 1e6, refused[0]);
  fmt::print("| quick path, valijson where unsure | {:.2f} | {} |\n", seconds[1] / n * 1e6, refused[1]);
  fmt::print("ratio quick / valijson: {:.3f}\n", seconds[1] / seconds[0]);
  return refused[0] == refused[1] ? 0 : 1;
}
