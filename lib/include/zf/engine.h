// zf/engine.h — the command pipeline over an event store.
//
// Execute(command): validate → load the target stream's state → decide
// (a pure function of state, command and the rules in force at command.at)
// → append with the expected version, in one atomic write. A rule that
// refuses the command yields a Rejection value; nothing is stored.
//
// Example:
//   zf::EngineOptions options;
//   auto engine = zf::Engine::Open(options, "./zf-data");
//   if (!engine.ok()) return engine.status();
//   auto command = zf::CommandFromJson(json);
//   auto result = (*engine)->Execute(*command);
//   if (result.ok() && result->outcome == zf::CommandResult::Outcome::kRejected) {
//     std::cerr << result->rejection->code << ": " << result->rejection->legal_basis;
//   }
//
// Thread safety: Execute and ExecuteBatch may be called from many threads.
#pragma once

#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "zf/calendar.h"
#include "zf/command.h"
#include "zf/event_store.h"
#include "zf/export.h"
#include "zf/result.h"
#include "zf/rules.h"

namespace zf {

struct EngineOptions {
  StoreOptions store;
  // Rest-day rules for deadlines (spec §0.2, [U][C]).
  ClockOptions clock;

  // --- The ordinary procedure (spec §4.2–§4.5, §5; docs/events-procedure.md)
  // D9 (APL art. 60): calendar days from filing to the decision, and the
  // head's extension (MSR [V-2nd][C]).
  int decision_limit_days = 90;
  int decision_extension_days = 30;
  // D6 statement and defence period in working days (MSR 5; some
  // departments use 3) [C].
  int statement_period_working_days = 5;
  // D8: working days that must lie strictly between the hearing notice and
  // the hearing (APL art. 64(2); the strict reading is [U]).
  int hearing_notice_min_working_days = 7;
  // Whether evidence collected by officers of another agency during a joint
  // action counts for the case, recorded with its provenance (spec §8 [U]).
  bool cross_subject_evidence_allowed = true;
  // Whether a no-penalty decision needs a pre-decision notice (spec §4.2
  // [U]; default not).
  bool notice_required_for_no_penalty = false;
  // Whether a mitigated penalty (减轻) needs a collective discussion by local
  // rule (spec §4.2 O19 [C]; default not).
  bool collective_discussion_for_mitigated = false;
  // J3 (spec §3.3, [U][C]): item codes whose original department keeps the
  // power inside a township even when the item is delegated to it (e.g. for
  // major or cross-township cases). Default: none.
  std::vector<std::string> department_retains_for;
};

class ZF_EXPORT Engine {
 public:
  Engine() = default;
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;
  virtual ~Engine() = default;

  // Opens the engine over the RocksDB store at `path` (created if missing
  // unless options.store.create_if_missing is false). Loads the reference
  // data (rules/*, org) by replaying its streams.
  static Result<std::unique_ptr<Engine>> Open(const EngineOptions& options,
                                              std::string_view path);
  // Opens the engine over an existing store (e.g. a memory store in tests).
  // The engine co-owns it.
  static Result<std::unique_ptr<Engine>> Open(const EngineOptions& options,
                                              std::shared_ptr<EventStore> store);

  // Runs one command. The Result fails only when the command could not be
  // judged: kInvalidArgument (malformed; see CommandFromJson), kConflict (the
  // stream kept changing under it; retry), kIOError/kUnavailable (storage).
  // Rejections by a rule are an OK Result with outcome kRejected.
  virtual Result<CommandResult> Execute(const Command& command) = 0;

  // Runs commands in order, each judged on the state the earlier ones left,
  // and commits the applied ones with one write and one sync. A failure is
  // a command that is rejected or whose Result is an error. With
  // kIndependent every command is judged and the applied ones commit; with
  // kStopAtFirstFailure the vector ends at the first failure and the
  // commands before it commit; with kAtomic the vector ends at the first
  // failure and nothing commits. The outer Result fails only for storage.
  virtual Result<std::vector<Result<CommandResult>>> ExecuteBatch(
      std::span<const Command> commands, BatchMode mode) = 0;

  // The working-day calendar as recorded in rules/calendar (all years).
  virtual Result<WorkingDayCalendar> Calendar() const = 0;

  // The power list in force on `as_of` ("YYYY-MM-DD", or RFC 3339 read as
  // its date in China Standard Time; "" = today), with each item's
  // delegation, acceptance, claims and competence per township. Items not
  // in force that day are left out. `item_code` and `subject` filter when
  // non-empty: the item with that code; the items a subject holds
  // (original subject) or has been delegated. Sorted by item code.
  // kInvalidArgument for a bad as_of (subject "as_of"); kNotFound when
  // `item_code` names no item at all (subject "item_code").
  virtual Result<std::vector<PowerItemView>> PowerItems(std::string_view as_of,
                                                        std::string_view item_code,
                                                        std::string_view subject) const = 0;

  // Who may punish a violation of `item_code` in `township` on `as_of`
  // (spec §3.3; same as_of forms as PowerItems), and why. An item that is
  // known but not in force that day is an OK answer with an empty subject.
  // kNotFound for an unknown item (subject "item_code") or township
  // (subject "township"); kInvalidArgument for a bad as_of.
  virtual Result<CompetenceAnswer> Competent(std::string_view item_code,
                                             std::string_view township,
                                             std::string_view as_of) const = 0;

  // The underlying store, for reads. Owned by the engine.
  virtual EventStore* store() = 0;
};

}  // namespace zf
