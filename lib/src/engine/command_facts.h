// What judging a command needs that depends on the command alone — its
// check against the envelope rules and its schema, and its recorded text —
// computed for a group's commands ahead of the thread that judges them.
//
// Checking a command (valijson mostly) and rendering its canonical text are
// about a sixth of judging it, and need no state. So while the group leader
// judges command i on the state the commands before it left, a helper
// thread works out the facts of the commands after it, in order. The facts
// are pure functions of the command, so a command's answer is the same
// whichever thread computed them.
//
// Thread safety: one consumer thread calls Take(); the helper is internal.
#pragma once

#include <atomic>
#include <cstddef>
#include <memory>
#include <span>
#include <string>
#include <thread>
#include <vector>

#include "zf/command.h"
#include "zf/status.h"

namespace zf::internal {

struct CommandFacts {
  Status check;          // CheckCommand(command)
  std::string recorded;  // RecordedCommandText(command)
};

// The facts of one command, on the caller's thread.
CommandFacts FactsOf(const Command& command);

class FactsAhead {
 public:
  // Groups smaller than this are not worth a thread: each command's facts
  // are then computed when taken.
  static constexpr std::size_t kMinCommands = 32;

  // `commands` must outlive this object.
  explicit FactsAhead(std::vector<const Command*> commands);
  ~FactsAhead();  // stops the helper (facts not yet taken are dropped)

  FactsAhead(const FactsAhead&) = delete;
  FactsAhead& operator=(const FactsAhead&) = delete;

  // The facts of commands[i], moved out: each i at most once.
  CommandFacts Take(std::size_t i);

 private:
  void Run(const std::stop_token& stop);

  const std::vector<const Command*> commands_;
  std::vector<CommandFacts> facts_;
  // facts_[0, ready_) are written (release by the helper, acquire by Take).
  std::atomic<std::size_t> ready_{0};
  std::jthread helper_;  // last: started once everything above exists
};

}  // namespace zf::internal
