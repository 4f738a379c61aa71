// Shared by the libFuzzer targets and the seed writer (tests/fuzz/).
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "zf/command.h"
#include "zf/engine.h"

namespace zf::fuzz {

// examples/shaxian/<name> of the source tree the targets were built from.
std::string SamplePath(const std::string& name);

// The commands of a sample file (blank and '#' lines skipped), at most
// `limit` of them; aborts if one does not parse (the sample is checked in).
std::vector<Command> SampleCommands(const std::string& name,
                                    std::size_t limit = static_cast<std::size_t>(-1));

// An engine over a memory store holding the sample's reference data
// (01-06), the 2022 cases and the first `case_lines` commands of the 2023
// cases, each file applied atomically; aborts on any failure.
std::unique_ptr<Engine> SampleEngine(std::size_t case_lines);

// Aborts with `what` when `condition` is false: the fuzzers' oracles.
void Check(bool condition, const char* what);

}  // namespace zf::fuzz
