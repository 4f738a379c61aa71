#include "engine/command_facts.h"

#include <utility>

#include "io/command_json.h"

namespace zf::internal {

CommandFacts FactsOf(const Command& command) {
  CommandFacts facts;
  Status recordable = RecordCommand(command, &facts.recorded);
  facts.check = CheckCommand(command);
  // The envelope and schema first: their errors name what a client most
  // likely got wrong.
  if (facts.check.ok()) {
    facts.check = std::move(recordable);
  } else {
    recordable.IgnoreError();
  }
  return facts;
}

FactsAhead::FactsAhead(std::vector<const Command*> commands)
    : commands_(std::move(commands)), facts_(commands_.size()) {
  if (commands_.size() < kMinCommands) return;
  try {
    helper_ = std::jthread([this](std::stop_token stop) { Run(stop); });
  } catch (const std::system_error&) {
    // No thread to be had: Take() computes each command's facts itself.
  }
}

FactsAhead::~FactsAhead() {
  if (!helper_.joinable()) return;
  helper_.request_stop();
  helper_.join();
  // The checks of commands never judged (a batch that stopped early) are
  // dropped on purpose.
  for (const CommandFacts& f : facts_) f.check.IgnoreError();
}

void FactsAhead::Run(const std::stop_token& stop) {
  for (std::size_t i = 0; i < commands_.size() && !stop.stop_requested(); ++i) {
    facts_[i] = FactsOf(*commands_[i]);
    ready_.store(i + 1, std::memory_order_release);
    ready_.notify_one();
  }
}

CommandFacts FactsAhead::Take(std::size_t i) {
  if (!helper_.joinable()) return FactsOf(*commands_[i]);
  std::size_t ready = ready_.load(std::memory_order_acquire);
  while (ready <= i) {
    ready_.wait(ready, std::memory_order_acquire);
    ready = ready_.load(std::memory_order_acquire);
  }
  return std::move(facts_[i]);
}

}  // namespace zf::internal
