// The command pipeline: validate → load state → decide → append, with the
// expected version, in one atomic write.
//
// Callers' batches are grouped (see ExecuteBatch): a group's commands are
// judged in order on the state the earlier ones left, then appended with one
// write and one sync. The reference data (rules/*, org) is held folded in a
// RuleBook; the cases and other operational aggregates in a CaseBook backed
// by the store: folded from their own streams when needed, kept in a cache
// of bounded size, with the cross-case indexes as rows written beside the
// events (docs/architecture.md "Bounded state").
#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <optional>
#include <random>
#include <set>
#include <thread>
#include <unordered_map>
#include <unordered_set>

#include <fmt/format.h>

#include "domain/actor_check.h"
#include "domain/case_book.h"
#include "domain/case_helpers.h"
#include "domain/decider.h"
#include "engine/command_facts.h"
#include "engine/decide.h"
#include "io/command_json.h"
#include "projection/case_view.h"
#include "projection/deadline_view.h"
#include "projection/explain.h"
#include "projection/reference_names.h"
#include "projection/register_view.h"
#include "projection/replay.h"
#include "projection/review_view.h"
#include "projection/statistics.h"
#include "rules/rule_book.h"
#include "store/command_probe.h"
#include "store/envelope.h"
#include "store/prefetch_cursor.h"
#include "store/stream_end_probe.h"
#include "util/bounded_queue.h"
#include "util/rfc3339.h"
#include "zf/clock.h"
#include "zf/engine.h"
#include "zf/store_location.h"

namespace zf {
namespace internal {
namespace {

// The reference streams one after another, in their fixed order: one
// cursor for the reader thread of a PrefetchCursor.
class ReferenceStreamsCursor final : public EventCursor {
 public:
  explicit ReferenceStreamsCursor(const EventStore* store) : store_(store) { Advance(); }
  bool Valid() const override { return cursor_ != nullptr && cursor_->Valid(); }
  const EventRecord& event() const override { return cursor_->event(); }
  EventRecord TakeEvent() override { return cursor_->TakeEvent(); }
  void Next() override {
    cursor_->Next();
    Advance();
  }
  Status status() const override { return status_; }

 private:
  // On to the next stream that has an event, unless a read failed.
  void Advance() {
    while (cursor_ == nullptr || !cursor_->Valid()) {
      if (cursor_ != nullptr) status_ = cursor_->status();
      if (!status_.ok() || next_ == std::size(kReferenceStreams)) return;
      cursor_ = store_->ReadStream(kReferenceStreams[next_++], 1, Direction::kForward);
    }
  }

  const EventStore* store_;
  std::size_t next_ = 0;
  std::unique_ptr<EventCursor> cursor_;
  Status status_;
};

// Everything the deciders may consult, folded from the store.
struct World {
  RuleBook rules;
  CaseBook cases;

  std::uint64_t Version(std::string_view stream) const {
    return IsReferenceStream(stream) ? rules.Version(stream) : cases.Version(stream);
  }
  Status Apply(const EventRecord& event) {
    return IsReferenceStream(event.stream) ? rules.Apply(event) : cases.Apply(event);
  }
};

class EngineImpl final : public Engine {
 public:
  EngineImpl(const EngineOptions& options, std::shared_ptr<EventStore> store)
      : options_(options), store_(std::move(store)) {}

  // Makes the index rows current (see OpenCases) and, on a store it may
  // write, the reference names rows (SyncNameRows). The rule book is folded
  // when first needed (EnsureRulesLocked), not here: reading one case does
  // not need it.
  Status Load();

  Result<CommandResult> Execute(const Command& command) override {
    ZF_ASSIGN_OR_RETURN(auto results,
                        ExecuteBatch(std::span<const Command>(&command, 1),
                                     BatchMode::kIndependent));
    return std::move(results.front());
  }

  Result<std::vector<Result<CommandResult>>> ExecuteBatch(std::span<const Command> commands,
                                                          BatchMode mode) override;

  Result<WorkingDayCalendar> Calendar() const override {
    std::lock_guard lock(mu_);
    ZF_RETURN_IF_ERROR(ReadyLocked());
    return world_.rules.CalendarLatest();
  }

  Result<WorkingDayCalendar> CalendarAsOf(std::string_view as_of) const override;

  Result<std::vector<PowerItemView>> PowerItems(std::string_view as_of, std::string_view item_code,
                                                std::string_view subject) const override;
  Result<CompetenceAnswer> Competent(std::string_view item_code, std::string_view township,
                                     std::string_view as_of) const override;

  Result<std::vector<CaseSummary>> ListCases(const CaseFilter& filter,
                                             const AsOf& as_of) const override;
  Result<boost::json::object> CaseView(std::string_view case_id,
                                       const AsOf& as_of) const override;
  Result<boost::json::object> Statistics(std::string_view from, std::string_view to,
                                         const AsOf& as_of,
                                         const StatisticsScope& scope) const override;
  Result<Organisation> OrganisationNow() const override;
  Result<Organisation> OrganisationOf(const std::vector<std::string>& ids) const override;
  Result<std::vector<DeadlineEntry>> Deadlines(const DeadlineQuery& query,
                                               const AsOf& as_of) const override;

  EventStore* store() override { return store_.get(); }

  Result<boost::json::object> ExplainCase(std::string_view case_id,
                                          const AsOf& as_of) const override;

  std::unique_ptr<DryRun> StartDryRun() const override;
  Result<ProjectionReport> ReplayProjections(bool repair) override;
  Result<std::vector<boost::json::object>> ListGridTickets(const GridTicketFilter& filter,
                                                           const AsOf& as_of) const override;
  Result<boost::json::object> GridTicketView(std::string_view ticket_id,
                                             const AsOf& as_of) const override;
  Result<std::vector<boost::json::object>> ListJointActions(const JointActionFilter& filter,
                                                            const AsOf& as_of) const override;
  Result<boost::json::object> JointActionView(std::string_view joint_action_id,
                                              const AsOf& as_of) const override;

  Result<std::vector<boost::json::object>> ReviewCampaigns(const AsOf& as_of) const override;
  Result<boost::json::object> ReviewCampaign(std::string_view campaign_id,
                                             const AsOf& as_of) const override;

  Result<boost::json::object> CaseView(std::string_view case_id, const AsOf& as_of,
                                       const ReadContext& read) override;
  Status RecordCaseAccess(std::string_view case_id, const ReadContext& read,
                          std::string_view as_of) override;
  Result<std::vector<AccessRecord>> CaseAccesses(const AccessQuery& query) const override;

 private:
  class DryRunImpl;

  // Runs `fn(rules, cases, instant)` on the world as of `as_of`: the folded
  // one for now (under mu_), a replayed one otherwise.
  template <typename Fn>
  auto WithWorldAsOf(const AsOf& as_of, Fn fn) const
      -> Result<decltype(fn(std::declval<const RuleBook&>(), std::declval<const CaseBook&>(),
                            std::optional<std::int64_t>()))>;

  // The date an as_of argument names ("" = today in China).
  Result<Date> AsOfDate(std::string_view as_of) const;

  // Bound on the commands one group write carries.
  static constexpr std::size_t kMaxGroupCommands = 4096;

  // One caller's ExecuteBatch, queued.
  struct Job {
    std::span<const Command> commands;
    BatchMode mode = BatchMode::kIndependent;
    std::vector<Result<CommandResult>> results;
    Status status;  // a storage failure of the whole group
    bool done = false;
    std::condition_variable cv;

    Result<std::vector<Result<CommandResult>>> Outcome() {
      if (!status.ok()) return status;
      return std::move(results);
    }
    // Whether a refusal by the store is the whole job's: an atomic job's or
    // a single command's.
    bool Indivisible() const { return mode == BatchMode::kAtomic || commands.size() == 1; }
    // The store refused the job's write (REQUIRES: Indivisible()): the
    // whole atomic batch fails, or its one command does.
    void Refuse(Status refused) {
      if (mode == BatchMode::kAtomic) {
        status = std::move(refused);
      } else {
        results.assign(1, std::move(refused));
      }
    }
  };
  // Where each request of a group came from.
  struct Owner {
    Job* job;
    std::size_t result;  // index into job->results
  };
  // A command retried by another caller within the same group.
  struct Duplicate {
    Job* job;
    std::size_t result;
    std::size_t request;  // the request that applies it
  };
  struct GroupRequests {
    std::vector<AppendRequest> requests;
    std::vector<Owner> owners;  // parallel to requests
    std::vector<Duplicate> duplicates;
    // command id -> its request: a group of an import holds thousands.
    std::unordered_map<std::string, std::size_t> by_command_id;
    // Ids of the group's commands the store certainly has no record of
    // (store/command_probe.h, asked once for the group): Judge skips
    // their lookups. Views into the jobs' commands.
    std::unordered_set<std::string_view> not_stored;
  };

  void RunGroup(const std::vector<Job*>& group);
  // Judges `jobs` and writes what they applied in one atomic write, setting
  // their results (or, on a storage failure, their status). Returns the
  // store's refusal of a request instead — nothing written, the jobs'
  // results cleared, the world as before — for the caller to isolate it.
  // REQUIRES: mu_.
  Status WriteGroup(const std::vector<Job*>& jobs);
  // WriteGroup for one job whose group the store refused: an atomic job
  // fails as a whole, the other modes write command by command, so the
  // refusal fails only the command it is about. REQUIRES: mu_.
  void RunAlone(Job* job);
  // Forgets what an unwritten group, whose requests are `requests`, changed
  // in world_. REQUIRES: mu_.
  Status ForgetGroup(const std::vector<AppendRequest>& requests);
  void NoteReferenceProvenance(const std::vector<AppendRequest>& requests, World* overlay) const;
  // `facts` holds the facts of the group's commands, job after job, from
  // index `first`.
  void JudgeJob(Job* job, FactsAhead* facts, std::size_t first, World* overlay,
                GroupRequests* group);
  Result<CommandResult> JudgeInGroup(const Command& command, CommandFacts facts, Job* job,
                                     World* overlay, GroupRequests* group);

  // The reference streams, in their fixed order (later reference data may
  // name earlier: a benchmark names a power item). Small: this is what an
  // open reads.
  // With `filter`, as of its moment: each stream up to its first event
  // the filter leaves out.
  // A province's reference data is tens of thousands of events: they are
  // read and decoded on a second thread while this one folds them.
  Result<RuleBook> FoldRules(const AsOfFilter* filter = nullptr) const {
    RuleBook rules;
    auto cursor = PrefetchCursor(std::make_unique<ReferenceStreamsCursor>(store_.get()));
    std::string cut;  // the stream whose events the filter stopped at
    for (; cursor->Valid(); cursor->Next()) {
      const EventRecord& event = cursor->event();
      if (!cut.empty() && event.stream == cut) continue;
      if (filter != nullptr && !filter->Admits(event)) {
        cut = event.stream;
        continue;
      }
      ZF_RETURN_IF_ERROR(rules.Apply(event));
    }
    ZF_RETURN_IF_ERROR(cursor->status());
    return rules;
  }

  // Folds the rule book into world_ unless it is there. At a province's
  // size that is about 78,000 events and a second, which a read of one
  // case does not pay (CaseViewFromRows). REQUIRES: mu_.
  Status EnsureRulesLocked() const;
  // Whether the stored names rows reflect the reference streams, so that a
  // read may take names from them instead of folding. REQUIRES: mu_.
  Result<bool> NameRowsUsableLocked() const;
  // What a read of the state now needs: world_ following the log (another
  // engine's commits, FollowLog) and the rule book folded. REQUIRES: mu_.
  Status ReadyLocked() const {
    ZF_RETURN_IF_ERROR(FollowLog(/*if_moved=*/true));
    return EnsureRulesLocked();
  }
  // Makes the stored names rows (projection/reference_names.h) reflect the
  // reference streams, unless they do or the store is read-only.
  // REQUIRES: mu_.
  Status SyncNameRows();
  // The view of a case now from its stored row (written with its events)
  // and the names of the rule book, or of the names rows while the book is
  // not folded: a few point reads instead of a fold of the case's events
  // and of the reference data. nullopt when there is no row, when the open
  // found events a tool appended to the case and could not write its row
  // (a read-only store), or when the names rows lag the reference streams:
  // the caller folds. REQUIRES: mu_.
  Result<std::optional<boost::json::object>> CaseViewFromRows(std::string_view case_id) const;

  // Makes the store's index rows reflect every event and leaves world_.cases
  // backed by them: a catch-up over the events after the position the rows
  // were last known to reflect, or a rebuild from the whole log when the
  // rows are missing, unreadable or of another fold version. On a store
  // that cannot be written and needs a rebuild, the cases are folded in
  // memory instead (a read-only copy of an old store).
  Status OpenCases();
  // Also brings world_ up to the log's end (FollowLog): forgets the cached
  // aggregates whose streams gained events and every cached index list,
  // and folds new reference events into a folded rule book. With
  // `following`, the meta row is not rewritten unless rows were.
  Status CatchUpIndexes(std::uint64_t from_position, bool following = false) const;
  // Another writer (an engine in another process on the same PostgreSQL
  // database, or this process's access records) appended after
  // known_position_: world_ takes its events in (CatchUpIndexes). With
  // `if_moved`, only when the store's cached ledger says the log moved (the
  // listener's NOTIFY moves it): the check reads do before they use world_.
  // REQUIRES: mu_.
  Status FollowLog(bool if_moved) const;
  // The log's events after `from` are all access records (which no
  // judgement reads): the position of the last, or nullopt when another
  // kind of event is among them.
  Result<std::optional<std::uint64_t>> AccessRecordsOnlyAfter(std::uint64_t from) const;
  // WriteGroup, judged again on the state another writer's events left as
  // often as the append meets them (a ledger conflict), up to a bound.
  // REQUIRES: mu_.
  Status WriteGroupFollowing(const std::vector<Job*>& jobs);
  // A read found a damaged index row in `cases` (which failed the read):
  // the meta row goes, so no open trusts the rows, and this engine
  // rebuilds them before its next group.
  void NoteDamagedIndex(const CaseBook& cases) const;
  // Rebuilds the rows from the log and reads them afresh. REQUIRES: mu_.
  Status RepairIndexRows();
  // Compares (and with `repair`, rewrites) every projection and index row
  // with a fresh fold of the log; does not touch world_.
  Result<ProjectionReport> RebuildProjections(bool repair) const;
  // The meta row: the fold version and the position the rows reflect.
  static ProjectionWrite IndexMetaRow(std::uint64_t position);

  // `may_be_stored`: false when the store is known to hold no command of
  // this id (nothing looked up then).
  Result<CommandResult> Judge(const Command& command, CommandFacts facts, World* overlay,
                              std::vector<AppendRequest>* requests, bool may_be_stored = true);
  Status CheckSameCommand(const Command& command, std::string_view recorded,
                          const RecordedCommand& prior) const;

  const EngineOptions options_;
  const CompetenceConfig competence_ = CompetenceConfigOf(options_);
  const std::shared_ptr<EventStore> store_;
  mutable std::mutex mu_;
  // GUARDED_BY(mu_); written only by the group leader, but for the rule
  // book's first fold (EnsureRulesLocked).
  mutable World world_;
  mutable bool rules_loaded_ = false;  // GUARDED_BY(mu_)
  // Rows a catch-up could not write (a read-only store): the stored ones
  // do not reflect events appended without the engine.
  mutable std::set<std::string, std::less<>> unwritten_rows_;  // GUARDED_BY(mu_)
  // The last position of the log world_ reflects: every event up to it is
  // folded (or, for a case, read from the store when next needed). A group
  // is appended only if the log still ends there (expected ledger
  // position), so no command is judged without an event committed before
  // it, whichever engine committed it.
  mutable std::uint64_t known_position_ = 0;  // GUARDED_BY(mu_)
  // Whether the stored names rows may be used (StoredNamesCurrent).
  mutable std::optional<bool> names_current_;  // GUARDED_BY(mu_)
  // A query found a damaged index row: the next group rebuilds the rows.
  mutable std::atomic<bool> repair_due_{false};

  std::mutex queue_mu_;
  std::deque<Job*> queue_;  // GUARDED_BY(queue_mu_); front = the leader

  // Make each access record's idempotency key unique: the sequence within
  // this engine, the instance among the engines writing one store (several
  // processes on one PostgreSQL database).
  std::atomic<std::uint64_t> access_sequence_{0};
  const std::uint64_t instance_ = std::random_device{}() * 0x100000000ull ^ std::random_device{}();
  // Appends one case_accessed event (the case is known to exist).
  Status AppendAccess(std::string_view case_id, const ReadContext& read, std::string_view as_of);
  // kFailedPrecondition (subject /actor/...; the message starts with the
  // rejection code) when the reader may not read a case at `now`.
  Status CheckReaderNow(const ReadContext& read, std::int64_t now) const;
};

// A retried command must be the one that was applied: the same recorded
// command, or, for one applied before commands were recorded, the same time
// and actor on its events.
Status EngineImpl::CheckSameCommand(const Command& command, std::string_view recorded,
                                    const RecordedCommand& prior) const {
  if (!prior.command.empty()) {
    if (prior.command == recorded) return Status::Ok();
    return AlreadyExistsError(fmt::format("command_id '{}' was applied with other content",
                                          command.command_id))
        .WithSubject("/command_id");
  }
  if (prior.result.first_position == 0) return Status::Ok();
  ZF_ASSIGN_OR_RETURN(EventRecord first, store_->ReadEvent(prior.result.first_position));
  if (first.occurred_at != command.at || !(first.actor == command.actor)) {
    return AlreadyExistsError(fmt::format("command_id '{}' was applied at {} by {}; this command "
                                          "has other content",
                                          command.command_id, first.occurred_at, first.actor.id))
        .WithSubject("/command_id");
  }
  return Status::Ok();
}

// The index rows' meta row: {"fold_version": N, "position": P}.
ProjectionWrite EngineImpl::IndexMetaRow(std::uint64_t position) {
  boost::json::object meta{{"fold_version", kIndexFoldVersion}, {"position", position}};
  return {std::string(kIndexMetaKey), boost::json::serialize(meta)};
}

// The position the stored index rows reflect, or nullopt when there is no
// meta row, it does not parse, or it is of another fold version.
std::optional<std::uint64_t> StoredIndexPosition(const EventStore& store) {
  auto row = store.ReadProjection(kIndexMetaKey);
  if (!row.ok() || !*row) return std::nullopt;
  boost::system::error_code ec;
  boost::json::value meta = boost::json::parse(**row, ec);
  if (ec || !meta.is_object()) return std::nullopt;
  const boost::json::object& o = meta.as_object();
  const auto* version = o.if_contains("fold_version");
  const auto* position = o.if_contains("position");
  if (version == nullptr || !version->is_int64() || version->as_int64() != kIndexFoldVersion ||
      position == nullptr || !position->is_int64() || position->as_int64() < 0) {
    return std::nullopt;
  }
  return static_cast<std::uint64_t>(position->as_int64());
}

// The command field a store error about its append is about: an event's
// actor is the command's, its data is made from the command's data.
std::string StoreSubjectToCommand(std::string_view subject) {
  if (!subject.starts_with("/events/")) return "/data";
  std::string_view rest = subject.substr(subject.find('/', 8) == std::string_view::npos
                                             ? subject.size()
                                             : subject.find('/', 8));
  return rest.starts_with("/actor/") ? std::string(rest) : std::string("/data");
}

// A decided event that does not fold is a bug of its decider (kInternal).
// It is not the command's fault: a date of the date's form that is no
// calendar date (2024-02-30), which deciders read as absent and folds then
// refused, is invalid input the schema validator refuses first, for every
// date field of every schema (io/schema_validator.h, "Calendar fields").
Status FoldFailure(const Command& command, const Status& fold) {
  return InternalError(
      fmt::format("{}: the decided event does not fold: {}", command.type, fold.message()));
}

Result<CommandResult> EngineImpl::Judge(const Command& command, CommandFacts facts,
                                        World* overlay, std::vector<AppendRequest>* requests,
                                        bool may_be_stored) {
  ZF_RETURN_IF_ERROR(facts.check);
  const CommandSpec& spec = *FindCommandSpec(command.type);
  CommandResult result;
  result.stream = StreamFor(spec, command);

  // A command seen before (in the store; the group was checked by
  // JudgeInGroup) is not judged again: the state has moved on, the answer
  // has not.
  if (!may_be_stored) {
    // Known absent (one probe for the whole group): nothing to look up.
  } else if (auto prior = store_->ReadCommand(command.command_id); prior.ok()) {
    if (prior->result.stream != result.stream) {
      return AlreadyExistsError(fmt::format("command_id '{}' was already used for stream '{}'",
                                            command.command_id, prior->result.stream))
          .WithSubject("/command_id");
    }
    ZF_RETURN_IF_ERROR(CheckSameCommand(command, facts.recorded, *prior));
    result.outcome = CommandResult::Outcome::kAlreadyApplied;
    result.append = prior->result;
    result.append.already_applied = true;
    return result;
  } else if (prior.status().code() != StatusCode::kNotFound) {
    return prior.status();
  }

  ZF_ASSIGN_OR_RETURN(Timestamp at, ParseRfc3339(command.at));
  Decision decision =
      DecideAndStamp(spec, command, at, overlay->rules, overlay->cases, options_);
  // A case the store could not read looked absent to the decider: its
  // decision stands on nothing.
  ZF_RETURN_IF_ERROR(overlay->cases.TakeReadError());
  if (auto* rejection = std::get_if<Rejection>(&decision)) {
    result.outcome = CommandResult::Outcome::kRejected;
    result.rejection = std::move(*rejection);
    return result;
  }
  // The agency's seal goes on its penalty decisions here, after deciding
  // (SM2 signatures are randomised; deciders stay deterministic).
  ZF_RETURN_IF_ERROR(
      SealDecisions(overlay->rules, options_, &std::get<std::vector<NewEvent>>(decision)));
  AppendRequest request;
  request.stream = result.stream;
  request.command_id = command.command_id;
  request.command = std::move(facts.recorded);
  const std::uint64_t version = overlay->Version(result.stream);
  request.expected = ExpectedVersion::Exact(version);
  for (NewEvent& event : std::get<std::vector<NewEvent>>(decision)) {
    result.event_types.push_back(event.type);
    request.events.push_back(std::move(event));
  }
  // The store's own checks, before the request joins the group: a request
  // it would refuse fails this command alone, here and in a dry run alike,
  // instead of the group's atomic write (and with it every other caller's
  // commands). The command's checks (CommandFacts) cover its envelope; the
  // events can still break a limit, e.g. command data nested a level
  // deeper in an event than in the command.
  if (Status refused = CheckRequest(request); !refused.ok()) {
    return InvalidArgumentError(fmt::format("the store refuses the events of this command: {}: {}",
                                            refused.subject(), refused.message()))
        .WithSubject(StoreSubjectToCommand(refused.subject()));
  }
  // Later commands in the batch must see these events. A decider that
  // emits data its own evolver cannot fold is a bug: fail the command.
  for (std::size_t i = 0; i < request.events.size(); ++i) {
    EventRecord provisional;
    provisional.stream = result.stream;
    provisional.version = version + i + 1;
    provisional.type = request.events[i].type;
    provisional.occurred_at = request.events[i].occurred_at;
    provisional.command_id = command.command_id;
    provisional.actor = request.events[i].actor;
    // Lent, not copied (a deep copy of every event's data was a few per
    // cent of an import): the fold only reads it.
    provisional.data = std::move(request.events[i].data);
    Status s = overlay->Apply(provisional);
    request.events[i].data = std::move(provisional.data);
    if (!s.ok()) return FoldFailure(command, s);
  }
  result.outcome = CommandResult::Outcome::kApplied;
  requests->push_back(std::move(request));
  return result;
}

// Callers queue their batches; the caller at the head of the queue (the
// leader) takes every batch queued behind it, judges them in queue order and
// writes them with one AppendBatch: one write and one sync for the group
// (the LevelDB writer-queue pattern, one level up). So concurrent callers
// share syncs and the engine's throughput grows with them until the disk's
// sync rate is the limit, and no result is returned before it is durable.
Result<std::vector<Result<CommandResult>>> EngineImpl::ExecuteBatch(
    std::span<const Command> commands, BatchMode mode) {
  Job job;
  job.commands = commands;
  job.mode = mode;
  std::unique_lock lock(queue_mu_);
  queue_.push_back(&job);
  while (!job.done && &job != queue_.front()) job.cv.wait(lock);
  if (job.done) return job.Outcome();

  // Leader: group what is queued, up to a bound that keeps one write small
  // enough not to stall the callers behind it.
  std::vector<Job*> group;
  std::size_t grouped = 0;
  for (Job* j : queue_) {
    if (!group.empty() && grouped + j->commands.size() > kMaxGroupCommands) break;
    group.push_back(j);
    grouped += j->commands.size();
  }
  lock.unlock();
  RunGroup(group);
  lock.lock();
  for (Job* j : group) {
    queue_.pop_front();
    j->done = true;
    if (j != &job) j->cv.notify_one();
  }
  if (!queue_.empty()) queue_.front()->cv.notify_one();
  return job.Outcome();
}

// Judges one job's commands on `overlay`, adding their requests to `group`.
void EngineImpl::JudgeJob(Job* job, FactsAhead* facts, std::size_t first, World* overlay,
                          GroupRequests* group) {
  // An atomic job that fails leaves no trace: keep what to go back to (a
  // copy of the rule book shares its parts until the job publishes into
  // one; the case book records what it changes).
  std::optional<RuleBook> saved_rules;
  if (job->mode == BatchMode::kAtomic) {
    saved_rules = overlay->rules;
    overlay->cases.BeginSavepoint();
  }
  const std::size_t first_request = group->requests.size();
  const std::size_t first_duplicate = group->duplicates.size();
  bool failed = false;
  for (std::size_t i = 0; i < job->commands.size(); ++i) {
    Result<CommandResult> judged =
        JudgeInGroup(job->commands[i], facts->Take(first + i), job, overlay, group);
    failed = !judged.ok() || judged->outcome == CommandResult::Outcome::kRejected;
    job->results.push_back(std::move(judged));
    if (failed && job->mode != BatchMode::kIndependent) break;
  }
  if (job->mode == BatchMode::kAtomic && !failed) overlay->cases.ReleaseSavepoint();
  if (failed && job->mode == BatchMode::kAtomic) {
    overlay->rules = std::move(*saved_rules);
    overlay->cases.RollbackToSavepoint();
    for (std::size_t i = first_request; i < group->requests.size(); ++i) {
      group->by_command_id.erase(group->requests[i].command_id);
    }
    group->requests.resize(first_request);
    group->owners.resize(first_request);
    group->duplicates.resize(first_duplicate);
  }
}

// Judge(), but a command_id that an earlier command of the group already
// carries is the same command retried (by another caller, or twice in one
// file): it is answered as already applied once the group is written, or
// refused if its content differs.
Result<CommandResult> EngineImpl::JudgeInGroup(const Command& command, CommandFacts facts,
                                               Job* job, World* overlay, GroupRequests* group) {
  if (auto it = group->by_command_id.find(command.command_id); it != group->by_command_id.end()) {
    const std::size_t i = it->second;
    facts.check.IgnoreError();  // a repeat is answered by the command it repeats
    if (group->requests[i].command != facts.recorded) {
      return AlreadyExistsError(fmt::format("command_id '{}' is being applied with other content",
                                            command.command_id))
          .WithSubject("/command_id");
    }
    CommandResult result;
    result.outcome = CommandResult::Outcome::kAlreadyApplied;
    result.stream = group->requests[i].stream;
    group->duplicates.push_back({job, job->results.size(), i});
    return result;
  }
  const std::size_t before = group->requests.size();
  Result<CommandResult> judged = Judge(command, std::move(facts), overlay, &group->requests,
                                       !group->not_stored.contains(command.command_id));
  if (group->requests.size() > before) {
    group->owners.push_back({job, job->results.size()});
    group->by_command_id.emplace(command.command_id, before);
  }
  return judged;
}

// The read models kept as inline projection rows: for each family, the
// stream prefix whose events touch a row, the row key prefix, and how to
// build one row or every row from the folded world.
struct ProjectionFamily {
  std::string_view stream_prefix;
  std::string_view row_prefix;
  std::optional<std::string> (*row)(const World& world, std::string_view id);
  // The row of one folded state of the family (CaseBook::SharedState).
  std::string (*render)(const void* state, const RuleBook& rules);
};

const ProjectionFamily kProjectionFamilies[] = {
    {kCaseStreamPrefix, "case_view/",
     [](const World& w, std::string_view id) -> std::optional<std::string> {
       const CaseState* c = w.cases.FindCase(id);
       return c ? std::optional(CaseRowJson(*c, w.rules)) : std::nullopt;
     },
     [](const void* state, const RuleBook& rules) {
       return CaseRowJson(*static_cast<const CaseState*>(state), rules);
     }},
    {kGridTicketStreamPrefix, kGridTicketRowPrefix,
     [](const World& w, std::string_view id) -> std::optional<std::string> {
       const GridTicketState* t = w.cases.FindGridTicket(id);
       return t ? std::optional(GridTicketRowJson(*t)) : std::nullopt;
     },
     [](const void* state, const RuleBook&) {
       return GridTicketRowJson(*static_cast<const GridTicketState*>(state));
     }},
    {kJointActionStreamPrefix, kJointActionRowPrefix,
     [](const World& w, std::string_view id) -> std::optional<std::string> {
       const JointActionState* a = w.cases.FindJointAction(id);
       return a ? std::optional(JointActionRowJson(*a)) : std::nullopt;
     },
     [](const void* state, const RuleBook&) {
       return JointActionRowJson(*static_cast<const JointActionState*>(state));
     }},
};

std::string RowKey(const ProjectionFamily& family, std::string_view id) {
  return std::string(family.row_prefix).append(id);
}

// The family whose rows a stream has, or nullptr.
const ProjectionFamily* FamilyOfStream(std::string_view stream) {
  for (const ProjectionFamily& family : kProjectionFamilies) {
    if (stream.starts_with(family.stream_prefix)) return &family;
  }
  return nullptr;
}

// The read-model rows of what a group touched, as `world` has them after
// the group: written in the same atomic write as its events.
std::vector<ProjectionWrite> ProjectionRows(const World& world,
                                            const std::vector<AppendRequest>& requests) {
  std::set<std::pair<const ProjectionFamily*, std::string_view>> touched;
  for (const AppendRequest& r : requests) {
    const std::string_view stream = r.stream;
    if (const ProjectionFamily* family = FamilyOfStream(stream)) {
      touched.emplace(family, stream.substr(family->stream_prefix.size()));
    }
  }
  std::vector<ProjectionWrite> rows;
  for (const auto& [family, id] : touched) {
    if (std::optional<std::string> row = family->row(world, id)) {
      rows.push_back({RowKey(*family, id), std::move(*row)});
    }
  }
  return rows;
}

// Reference events were folded before they had a position and a hash; the
// RuleBook's provenance takes them from the store once written (reference
// commands are rare: one short read per event).
void EngineImpl::NoteReferenceProvenance(const std::vector<AppendRequest>& requests,
                                         World* overlay) const {
  for (const AppendRequest& r : requests) {
    if (!IsReferenceStream(r.stream)) continue;
    const std::uint64_t first = r.expected.version() + 1;
    auto cursor = store_->ReadStream(r.stream, first, Direction::kForward);
    for (std::size_t i = 0; i < r.events.size() && cursor->Valid(); ++i, cursor->Next()) {
      overlay->rules.NoteCommitted(cursor->event());
    }
  }
}

Status EngineImpl::Load() {
  std::lock_guard lock(mu_);
  ZF_RETURN_IF_ERROR(OpenCases());
  return SyncNameRows();
}

Status EngineImpl::EnsureRulesLocked() const {
  if (rules_loaded_) return Status::Ok();
  ZF_ASSIGN_OR_RETURN(world_.rules, FoldRules());
  rules_loaded_ = true;
  return Status::Ok();
}

Status EngineImpl::SyncNameRows() {
  if (store_->read_only()) return Status::Ok();
  ZF_ASSIGN_OR_RETURN(bool current, StoredNamesCurrent(*store_));
  if (current) return Status::Ok();
  ZF_RETURN_IF_ERROR(EnsureRulesLocked());
  ZF_ASSIGN_OR_RETURN(NameRows stored, StoredNameRows(*store_));
  const std::vector<ProjectionWrite> changes = NameRowChanges(stored, NameRowsOf(world_.rules));
  Status written = store_->WriteProjections(changes);
  if (written.code() == StatusCode::kFailedPrecondition) return Status::Ok();  // read-only
  return written;
}

Status EngineImpl::OpenCases() {
  world_.cases = CaseBook(store_.get(), options_.cache_aggregates);
  const LedgerHead ledger = store_->Ledger();
  if (std::optional<std::uint64_t> position = StoredIndexPosition(*store_)) {
    return CatchUpIndexes(*position + 1);
  }
  known_position_ = ledger.position;
  if (ledger.position == 0) {
    const ProjectionWrite meta = IndexMetaRow(0);
    Status written = store_->WriteProjections(std::span(&meta, 1));
    if (written.code() == StatusCode::kFailedPrecondition) return Status::Ok();  // read-only
    return written;
  }
  // No rows of this fold version: rebuild them from the log.
  Result<ProjectionReport> rebuilt = RebuildProjections(/*repair=*/true);
  if (rebuilt.ok()) return Status::Ok();
  if (rebuilt.status().code() != StatusCode::kFailedPrecondition) return rebuilt.status();
  ZF_ASSIGN_OR_RETURN(Replayed replayed, Replay(*store_, AsOfFilter{}));
  world_.cases = std::move(replayed.cases);
  world_.rules = std::move(replayed.rules);
  rules_loaded_ = true;
  return Status::Ok();
}

// Events written after the rows' position without their rows (appended to
// the store directly: `zfcli store append`, a tool) are indexed now. The
// engine's own events — those with a recorded command — were written with
// their rows in one atomic write, so they are passed over: a row that
// differs from its events there is for `replay --verify` to name, not for
// an open to mend silently.
Status EngineImpl::CatchUpIndexes(std::uint64_t from_position, bool following) const {
  std::vector<std::string> touched;
  std::set<std::string, std::less<>> seen;
  std::unordered_map<std::string, bool> by_engine;  // command id -> has a recorded command
  std::uint64_t last = from_position - 1;
  bool cases_moved = false;
  auto cursor = store_->ReadAll(from_position);
  for (; cursor->Valid(); cursor->Next()) {
    const EventRecord& e = cursor->event();
    last = e.position;
    if (IsReferenceStream(e.stream)) {
      // A rule book folded before the event is behind it (one folded
      // after it, by EnsureRulesLocked, has it already).
      if (rules_loaded_ && e.version > world_.rules.Version(e.stream)) {
        ZF_RETURN_IF_ERROR(world_.rules.Apply(e));
      }
      names_current_.reset();
      continue;
    }
    if (e.stream.starts_with(kAccessStreamPrefix)) continue;
    // A cached state or absence of the stream is behind the log.
    world_.cases.Forget(e.stream);
    cases_moved = true;
    auto [it, first] = by_engine.try_emplace(e.command_id, false);
    if (first) {
      auto recorded = store_->ReadCommand(e.command_id);
      if (!recorded.ok() && recorded.status().code() != StatusCode::kNotFound) {
        return recorded.status();
      }
      it->second = recorded.ok() && !recorded->command.empty();
    }
    if (it->second) continue;
    if (seen.insert(e.stream).second) touched.push_back(e.stream);
  }
  ZF_RETURN_IF_ERROR(cursor->status());
  // Whose members changed is not known without the states before: every
  // cached list is read again when next needed.
  if (cases_moved) world_.cases.ForgetIndexLists();
  known_position_ = std::max(known_position_, last);
  std::vector<AppendRequest> streams;
  for (const std::string& stream : touched) {
    ZF_RETURN_IF_ERROR(world_.cases.Reindex(stream));
    AppendRequest touched_stream;
    touched_stream.stream = stream;
    streams.push_back(std::move(touched_stream));
  }
  std::vector<ProjectionWrite> rows = world_.cases.PendingRows();
  for (ProjectionWrite& row : ProjectionRows(world_, streams)) {
    auto stored = store_->ReadProjection(row.key);
    if (stored.ok() && *stored == row.value) continue;
    rows.push_back(std::move(row));
  }
  if (rows.empty() && (following || last + 1 == from_position)) return Status::Ok();
  rows.push_back(IndexMetaRow(last));
  Status written = store_->WriteProjections(rows);
  // A read-only store keeps the catch-up in memory (pending, never evicted).
  if (written.code() == StatusCode::kFailedPrecondition) {
    for (const ProjectionWrite& row : rows) unwritten_rows_.insert(row.key);
    return Status::Ok();
  }
  ZF_RETURN_IF_ERROR(written);
  world_.cases.Commit();
  world_.cases.Trim();
  return Status::Ok();
}

Status EngineImpl::FollowLog(bool if_moved) const {
  if (if_moved && store_->Ledger().position <= known_position_) return Status::Ok();
  return CatchUpIndexes(known_position_ + 1, /*following=*/true);
}

Result<std::optional<std::uint64_t>> EngineImpl::AccessRecordsOnlyAfter(
    std::uint64_t from) const {
  std::uint64_t last = from;
  auto cursor = store_->ReadAll(from + 1);
  for (; cursor->Valid(); cursor->Next()) {
    if (!cursor->event().stream.starts_with(kAccessStreamPrefix)) return std::nullopt;
    last = cursor->event().position;
  }
  ZF_RETURN_IF_ERROR(cursor->status());
  return last;
}

void EngineImpl::NoteDamagedIndex(const CaseBook& cases) const {
  if (cases.IndexCorruption().ok()) return;
  const ProjectionWrite forget_meta{std::string(kIndexMetaKey), std::nullopt};
  // A read-only store cannot forget it; its writer rebuilds at `replay`.
  (void)store_->WriteProjections(std::span(&forget_meta, 1));
  repair_due_ = true;
}

Status EngineImpl::RepairIndexRows() {
  ZF_RETURN_IF_ERROR(RebuildProjections(/*repair=*/true).status());
  world_.cases = CaseBook(store_.get(), options_.cache_aggregates);
  repair_due_ = false;
  return Status::Ok();
}

// The group is judged on the committed world itself, not on a copy: a copy
// per group costs O(cases) (most of an import's time once a store holds a
// few hundred thousand events), judging costs O(commands). mu_ is held until
// the group is durable, so no reader sees a state that is not; after a
// failed write the case book forgets what the group changed (those cases
// are read from the store again) and, if the group published reference
// data, the rule book is folded again from the reference streams (never
// the whole log; ForgetGroup).
//
// Judging checks every request against the store's rules (Judge), so the
// store has no reason to refuse one. Should it still refuse one (a rule
// only it knows), the write is atomic and nothing was stored: each job is
// then judged again and written alone, so the refusal fails only the job —
// or, in the independent modes, only the command — it is about, never
// another caller's (issue 14).
void EngineImpl::RunGroup(const std::vector<Job*>& group_jobs) {
  std::lock_guard lock(mu_);
  if (Status loaded = EnsureRulesLocked(); !loaded.ok()) {
    for (Job* job : group_jobs) job->status = loaded;
    return;
  }
  if (repair_due_) {
    if (Status repaired = RepairIndexRows(); !repaired.ok()) {
      for (Job* job : group_jobs) job->status = repaired;
      return;
    }
  }
  // Judged on every event the store has told of, so that a conflict at the
  // append (and a second judgement) is the exception.
  if (Status followed = FollowLog(/*if_moved=*/true); !followed.ok()) {
    for (Job* job : group_jobs) job->status = followed;
    return;
  }
  Status refused = WriteGroupFollowing(group_jobs);
  if (refused.ok()) return;
  if (group_jobs.size() == 1 && group_jobs[0]->Indivisible()) {
    group_jobs[0]->Refuse(std::move(refused));
    return;
  }
  refused.IgnoreError();  // each job meets it again on its own
  for (Job* job : group_jobs) RunAlone(job);
}

void EngineImpl::RunAlone(Job* job) {
  if (job->Indivisible()) {
    if (Status refused = WriteGroupFollowing({job}); !refused.ok()) {
      job->Refuse(std::move(refused));
    }
    return;
  }
  // Command by command: each judged on the state the written ones left, as
  // in the group. One write (and sync) per command, which only a refusal
  // the judging could not foresee costs. A storage failure part way fails
  // the batch; the commands written before it stay written, and a retry
  // finds them applied.
  for (std::size_t i = 0; i < job->commands.size(); ++i) {
    Job part;
    part.commands = job->commands.subspan(i, 1);
    part.mode = job->mode;
    if (Status refused = WriteGroupFollowing({&part}); !refused.ok()) {
      job->results.push_back(std::move(refused));
    } else if (!part.status.ok()) {
      job->status = std::move(part.status);  // storage: the batch has no answer
      job->results.clear();
      return;
    } else {
      job->results.push_back(std::move(part.results.front()));
    }
    const Result<CommandResult>& last = job->results.back();
    const bool failed = !last.ok() || last->outcome == CommandResult::Outcome::kRejected;
    if (failed && job->mode == BatchMode::kStopAtFirstFailure) return;
  }
}

namespace {

bool IsLedgerConflict(const Status& s) {
  return s.code() == StatusCode::kConflict && s.subject() == kLedgerConflictSubject;
}

}  // namespace

// Another engine committed between this group's judgement and its append:
// the group was not written, so it is judged again on the state those
// events left (the first filer of an act, a party's first violation may
// have changed), and appended at the new end. The bound keeps a caller
// from waiting forever behind a busier writer; it then gets a clear
// "nothing written, send again".
Status EngineImpl::WriteGroupFollowing(const std::vector<Job*>& jobs) {
  constexpr int kMaxJudgements = 16;
  for (int judged = 1;; ++judged) {
    Status refused = WriteGroup(jobs);
    if (!IsLedgerConflict(refused)) return refused;
    for (Job* job : jobs) job->results.clear();
    Status followed = FollowLog(/*if_moved=*/false);
    if (!followed.ok() || judged == kMaxJudgements) {
      Status failed =
          followed.ok()
              ? UnavailableError(fmt::format(
                    "other writers appended to the log before each of {} judgements of this "
                    "batch; nothing of it was stored: send it again",
                    kMaxJudgements))
              : followed;
      for (Job* job : jobs) job->status = failed;
      return Status::Ok();
    }
  }
}

Status EngineImpl::ForgetGroup(const std::vector<AppendRequest>& requests) {
  world_.cases.Abort();
  // The rule book changed only if the group published reference data (at
  // 10^7 events a fold of it reads 78,000 events, about a second).
  const bool rules_changed = std::any_of(requests.begin(), requests.end(),
                                         [](const AppendRequest& r) {
                                           return IsReferenceStream(r.stream);
                                         });
  if (rules_changed) {
    ZF_ASSIGN_OR_RETURN(world_.rules, FoldRules());
  }
  return Status::Ok();
}

Status EngineImpl::WriteGroup(const std::vector<Job*>& jobs) {
  World& overlay = world_;
  // Every event before the group's is reflected in the rows; the meta row
  // says so in the group's own write, so an open catches up from there.
  std::uint64_t reflected = known_position_;
  GroupRequests group;
  {
    std::vector<const Command*> commands;
    std::vector<std::string_view> ids;
    for (const Job* job : jobs) {
      for (const Command& c : job->commands) {
        commands.push_back(&c);
        ids.push_back(c.command_id);
      }
    }
    // What the probe finds absent stays absent until the group is written:
    // this engine writes only as this leader, under mu_, and another
    // writer's record would come with events, which fail the group's
    // expected ledger position and so bring a new judgement (and probe).
    const std::vector<bool> may_have = MayHaveCommands(*store_, ids);
    for (std::size_t i = 0; i < ids.size(); ++i) {
      if (!may_have[i]) group.not_stored.insert(ids[i]);
    }
    FactsAhead facts(std::move(commands));
    std::size_t first = 0;
    for (Job* job : jobs) {
      JudgeJob(job, &facts, first, &overlay, &group);
      first += job->commands.size();
    }
  }
  if (Status broken = overlay.cases.IndexCorruption(); !broken.ok()) {
    // A damaged index row was found and not used. Some command may have
    // been judged without the list it was in: nothing of the group is
    // written, the rows are rebuilt, and the callers send again.
    Status forgotten = ForgetGroup(group.requests);
    Status repaired = forgotten.ok() ? RepairIndexRows() : forgotten;
    for (Job* job : jobs) {
      job->status = repaired.ok() ? CorruptionError(fmt::format(
                                        "{}; nothing of this batch was stored: send it again",
                                        broken.message()))
                                        .WithSubject(broken.subject())
                                  : repaired;
    }
    return Status::Ok();
  }
  if (group.requests.empty()) {
    overlay.cases.Abort();  // lookups only; nothing to keep pending
    overlay.cases.Trim();
    return Status::Ok();
  }

  std::vector<ProjectionWrite> rows = ProjectionRows(overlay, group.requests);
  const std::vector<ProjectionWrite>& index_rows = overlay.cases.PendingRows();
  rows.insert(rows.end(), index_rows.begin(), index_rows.end());
  const std::size_t meta_row = rows.size();
  rows.push_back(IndexMetaRow(reflected));
  // Reference data published (rarely: never on a case's command): the
  // names rows it changes, and their meta row, go in the same write (a
  // reader trusts them only with it). The stored rows are the rules' before
  // the group: the open made them so, and every publication since kept them.
  if (std::any_of(group.requests.begin(), group.requests.end(),
                  [](const AppendRequest& r) { return IsReferenceStream(r.stream); })) {
    Result<NameRows> stored = StoredNameRows(*store_);
    if (!stored.ok()) {  // a storage failure of the whole group, as a failed write is
      Status forgotten = ForgetGroup(group.requests);
      for (Job* job : jobs) job->status = forgotten.ok() ? stored.status() : forgotten;
      return Status::Ok();
    }
    for (ProjectionWrite& change : NameRowChanges(*stored, NameRowsOf(overlay.rules))) {
      rows.push_back(std::move(change));
    }
  }
  auto append = [&] {
    return store_->AppendBatch(group.requests,
                               AppendOptions{.mode = BatchMode::kAtomic,
                                             .projections = rows,
                                             .expected_ledger_position = reflected});
  };
  auto appended = append();
  // Only access records (a reader's, appended beside the group) came
  // between: no judgement reads them, so the group goes at the new end as
  // judged. Anything else and the caller judges it again.
  while (!appended.ok() && IsLedgerConflict(appended.status())) {
    Result<std::optional<std::uint64_t>> access_only = AccessRecordsOnlyAfter(reflected);
    if (!access_only.ok()) {
      appended = access_only.status();
      break;
    }
    if (!*access_only) {
      Status forgotten = ForgetGroup(group.requests);
      if (!forgotten.ok()) {
        for (Job* job : jobs) job->status = forgotten;
        return Status::Ok();
      }
      return appended.status();
    }
    reflected = known_position_ = **access_only;
    rows[meta_row] = IndexMetaRow(reflected);
    appended = append();
  }
  if (!appended.ok()) {
    Status forgotten = ForgetGroup(group.requests);
    // kInvalidArgument is the store refusing a request for what it holds
    // (a limit, a rule of form); anything else — I/O, a writer outside this
    // engine moving a stream — is the group's failure.
    if (forgotten.ok() && appended.status().code() == StatusCode::kInvalidArgument) {
      for (Job* job : jobs) job->results.clear();
      return appended.status();
    }
    for (Job* job : jobs) job->status = forgotten.ok() ? appended.status() : forgotten;
    return Status::Ok();
  }
  overlay.cases.Commit();
  overlay.cases.Trim();
  for (const Result<AppendResult>& r : *appended) {
    if (r.ok()) known_position_ = std::max(known_position_, r->last_position);
  }
  for (std::size_t i = 0; i < appended->size(); ++i) {
    const Owner& owner = group.owners[i];
    owner.job->results[owner.result]->append = *(*appended)[i];
  }
  for (const Duplicate& d : group.duplicates) {
    AppendResult append = *(*appended)[d.request];
    append.already_applied = true;
    d.job->results[d.result]->append = append;
  }
  NoteReferenceProvenance(group.requests, &overlay);
  return Status::Ok();
}

template <typename Fn>
auto EngineImpl::WithWorldAsOf(const AsOf& as_of, Fn fn) const
    -> Result<decltype(fn(std::declval<const RuleBook&>(), std::declval<const CaseBook&>(),
                          std::optional<std::int64_t>()))> {
  if (as_of.IsNow()) {
    std::lock_guard lock(mu_);
    ZF_RETURN_IF_ERROR(ReadyLocked());
    auto result = fn(world_.rules, world_.cases, std::nullopt);
    NoteDamagedIndex(world_.cases);
    world_.cases.Trim();
    // A case the store could not read looked absent.
    ZF_RETURN_IF_ERROR(world_.cases.TakeReadError());
    return result;
  }
  ZF_ASSIGN_OR_RETURN(AsOfFilter filter, ParseAsOf(as_of));
  bool backed = false;
  {
    std::lock_guard lock(mu_);
    backed = world_.cases.backed();
  }
  if (!backed) {  // a read-only store without index rows: fold it all
    ZF_ASSIGN_OR_RETURN(Replayed then, Replay(*store_, filter));
    return fn(then.rules, then.cases, filter.instant());
  }
  // The rules of that moment, and the cases folded from their own streams
  // as far as the moment admits, in a cache of its own: a past case costs
  // its stream, not the log.
  ZF_ASSIGN_OR_RETURN(RuleBook rules, FoldRules(&filter));
  CaseBook cases(store_.get(), options_.cache_aggregates,
                 [filter](const EventRecord& e) { return filter.Admits(e); });
  auto result = fn(rules, cases, filter.instant());
  NoteDamagedIndex(cases);
  ZF_RETURN_IF_ERROR(cases.TakeReadError());
  return result;
}

Result<std::vector<CaseSummary>> EngineImpl::ListCases(const CaseFilter& filter,
                                                       const AsOf& as_of) const {
  return WithWorldAsOf(as_of, [&](const RuleBook& rules, const CaseBook& cases,
                                  std::optional<std::int64_t> instant) {
    std::vector<CaseSummary> docket;
    cases.ForEachCase([&](const CaseState& c) {
      CaseSummary summary = SummaryOf(c, rules, instant);
      if (Matches(summary, filter)) docket.push_back(std::move(summary));
    });
    return docket;
  });
}

Result<std::optional<boost::json::object>> EngineImpl::CaseViewFromRows(
    std::string_view case_id) const {
  const std::optional<boost::json::object> none;
  const std::string key = CaseRowKey(case_id);
  // The engine writes a case's row in the write of its events, and an open
  // writes the rows of events appended without it (CatchUpIndexes): the
  // stored row is the case's latest unless that write was refused.
  if (unwritten_rows_.contains(key)) return none;
  // Rows of another fold version that a read-only open could not rebuild:
  // the cases were folded in memory instead.
  if (!world_.cases.backed()) return none;
  // No row: no such case (the fold path says so in its own words).
  ZF_ASSIGN_OR_RETURN(std::optional<std::string> text, store_->ReadProjection(key));
  if (!text) return none;
  boost::system::error_code ec;
  boost::json::value parsed = boost::json::parse(*text, ec);
  // A row that does not parse is for `replay --verify` to name.
  if (ec || !parsed.is_object()) return none;
  const boost::json::object& row = parsed.as_object();
  const std::string township = Text(row, "township");
  const std::string subject = Text(row, "handling_subject");
  const std::string item = Text(row, "item_code");
  if (rules_loaded_) {
    return std::optional(
        CaseViewFromRow(row, CaseNamesOf(township, subject, item, world_.rules, std::nullopt)));
  }
  ZF_ASSIGN_OR_RETURN(bool usable, NameRowsUsableLocked());
  if (!usable) return none;
  ZF_ASSIGN_OR_RETURN(CaseNames names, StoredCaseNames(*store_, township, subject, item));
  return std::optional(CaseViewFromRow(row, names));
}

Result<boost::json::object> EngineImpl::CaseView(std::string_view case_id,
                                                 const AsOf& as_of) const {
  if (as_of.IsNow()) {
    std::lock_guard lock(mu_);
    ZF_RETURN_IF_ERROR(FollowLog(/*if_moved=*/true));
    ZF_ASSIGN_OR_RETURN(std::optional<boost::json::object> view, CaseViewFromRows(case_id));
    if (view) return std::move(*view);
  }
  auto view = WithWorldAsOf(as_of, [&](const RuleBook& rules, const CaseBook& cases,
                                       std::optional<std::int64_t> instant) {
    const CaseState* c = cases.FindCase(case_id);
    return c == nullptr ? std::optional<boost::json::object>()
                        : std::optional(CaseViewJson(*c, rules, instant));
  });
  if (!view.ok()) return view.status();
  if (!*view) {
    return NotFoundError(fmt::format("no case {}{}", case_id,
                                     as_of.IsNow() ? "" : " at that moment"))
        .WithSubject("case_id");
  }
  return std::move(**view);
}

Result<std::vector<DeadlineEntry>> EngineImpl::Deadlines(const DeadlineQuery& query,
                                                         const AsOf& as_of) const {
  const std::shared_ptr<Clock> clock = options_.store.clock ? options_.store.clock : SystemClock();
  const std::int64_t now = clock->NowMicros();
  auto listed = WithWorldAsOf(as_of, [&](const RuleBook& rules, const CaseBook& cases,
                                         std::optional<std::int64_t> instant) {
    return ListDeadlines(rules, cases, options_, query, instant.value_or(now));
  });
  if (!listed.ok()) return listed.status();
  return std::move(*listed);
}

Result<boost::json::object> EngineImpl::ExplainCase(std::string_view case_id,
                                                    const AsOf& as_of) const {
  ZF_ASSIGN_OR_RETURN(AsOfFilter filter, ParseAsOf(as_of));
  const std::string stream = fmt::format("{}{}", kCaseStreamPrefix, case_id);
  std::vector<EventRecord> events;
  for (auto cursor = store_->ReadStream(stream, 1, Direction::kForward); cursor->Valid();
       cursor->Next()) {
    if (!filter.Admits(cursor->event())) break;
    events.push_back(cursor->event());
  }
  const std::shared_ptr<Clock> clock = options_.store.clock ? options_.store.clock : SystemClock();
  const std::int64_t now = clock->NowMicros();
  auto explained = WithWorldAsOf(as_of, [&](const RuleBook& rules, const CaseBook& cases,
                                            std::optional<std::int64_t> instant) {
    const CaseState* c = cases.FindCase(case_id);
    if (c == nullptr || events.empty()) return std::optional<boost::json::object>();
    // The case as the admitted events left it (a later command may have
    // moved the folded one on since the stream was read).
    std::vector<EventRecord> admitted;
    for (const EventRecord& e : events) {
      if (e.version <= c->version) admitted.push_back(e);
    }
    return std::optional(
        ExplainCaseJson(rules, cases, options_, *c, admitted, instant.value_or(now)));
  });
  if (!explained.ok()) return explained.status();
  if (!*explained) {
    return NotFoundError(fmt::format("no case {}{}", case_id,
                                     as_of.IsNow() ? "" : " at that moment"))
        .WithSubject("case_id");
  }
  return std::move(**explained);
}

Result<boost::json::object> EngineImpl::Statistics(std::string_view from, std::string_view to,
                                                   const AsOf& as_of,
                                                   const StatisticsScope& scope) const {
  auto first = Date::Parse(from);
  if (!first.ok()) return InvalidArgumentError(first.status().message()).WithSubject("from");
  auto last = Date::Parse(to);
  if (!last.ok()) return InvalidArgumentError(last.status().message()).WithSubject("to");
  if (*last < *first) return InvalidArgumentError("to is before from").WithSubject("to");
  Status refused;
  auto stats = WithWorldAsOf(as_of, [&](const RuleBook& rules, const CaseBook& cases,
                                        std::optional<std::int64_t>) -> boost::json::object {
    const OrgModel& org = rules.org();
    if (!scope.area.empty() && org.FindArea(scope.area) == nullptr) {
      refused = InvalidArgumentError(fmt::format("area must be an enforcement area registered in "
                                              "org, not '{}'",
                                              scope.area))
                    .WithSubject("area");
      return {};
    }
    if (!scope.township.empty() && org.FindTownship(scope.township) == nullptr) {
      refused = InvalidArgumentError(
                    fmt::format("township must be a township registered in org, not '{}'",
                                scope.township))
                    .WithSubject("township");
      return {};
    }
    std::optional<std::set<std::string>> townships;
    if (!scope.area.empty()) {
      // The area's townships on the period's last day.
      const auto members = org.TownshipsOfArea(scope.area, StartOfLocalDay(*last));
      townships.emplace(members.begin(), members.end());
    }
    if (!scope.township.empty()) {
      const bool inside = !townships || townships->count(scope.township) > 0;
      townships.emplace();
      if (inside) townships->insert(scope.township);
    }
    boost::json::object o = ComputeStatistics(rules, cases, *first, *last, townships, scope.area);
    o["scope"] = {{"area", scope.area}, {"township", scope.township}};
    return o;
  });
  if (!stats.ok()) return stats.status();
  if (!refused.ok()) return refused;
  return std::move(*stats);
}

// Checked once, and again after reference events (FollowLog): until this
// engine folds the rule book it writes nothing, and no other process writes
// a store an engine holds or a secondary instance reads.
Result<bool> EngineImpl::NameRowsUsableLocked() const {
  if (!names_current_) {
    ZF_ASSIGN_OR_RETURN(names_current_, StoredNamesCurrent(*store_));
  }
  return *names_current_;
}

Result<Organisation> EngineImpl::OrganisationNow() const {
  std::lock_guard lock(mu_);
  ZF_RETURN_IF_ERROR(ReadyLocked());
  return OrganisationOfBook(world_.rules);
}

Result<Organisation> EngineImpl::OrganisationOf(const std::vector<std::string>& ids) const {
  std::lock_guard lock(mu_);
  ZF_RETURN_IF_ERROR(FollowLog(/*if_moved=*/true));
  if (!rules_loaded_) {
    ZF_ASSIGN_OR_RETURN(bool usable, NameRowsUsableLocked());
    if (usable) return StoredOrganisation(*store_, ids);
  }
  ZF_RETURN_IF_ERROR(EnsureRulesLocked());
  return OrganisationSubset(OrganisationOfBook(world_.rules), ids);
}

// Judges on its own copy of the World and keeps only the command ids it
// applied, so a long session holds the state, not the events.
class EngineImpl::DryRunImpl final : public DryRun {
 public:
  // `loaded`: whether the engine's rule book could be folded for `world`.
  DryRunImpl(const EngineImpl* engine, World world, Status loaded)
      : engine_(const_cast<EngineImpl*>(engine)),
        world_(std::move(world)),
        loaded_(std::move(loaded)) {}

  Result<std::vector<Result<CommandResult>>> ExecuteBatch(std::span<const Command> commands,
                                                          BatchMode mode) override {
    ZF_RETURN_IF_ERROR(loaded_);
    Job job;
    job.commands = commands;
    job.mode = mode;
    std::vector<Result<CommandResult>> results;
    std::optional<RuleBook> saved_rules;
    if (mode == BatchMode::kAtomic) {
      saved_rules = world_.rules;
      world_.cases.BeginSavepoint();
    }
    std::set<std::string> applied_here;
    bool failed = false;
    for (const Command& command : commands) {
      Result<CommandResult> judged = JudgeOne(command, &job);
      failed = !judged.ok() || judged->outcome == CommandResult::Outcome::kRejected;
      if (judged.ok() && judged->outcome == CommandResult::Outcome::kApplied) {
        applied_here.insert(command.command_id);
      }
      results.push_back(std::move(judged));
      if (failed && mode != BatchMode::kIndependent) break;
    }
    if (failed && mode == BatchMode::kAtomic) {
      world_.rules = std::move(*saved_rules);
      world_.cases.RollbackToSavepoint();
      return results;
    }
    world_.cases.ReleaseSavepoint();
    seen_.insert(applied_here.begin(), applied_here.end());
    return results;
  }

 private:
  Result<CommandResult> JudgeOne(const Command& command, Job* job) {
    if (seen_.contains(command.command_id)) {
      ZF_RETURN_IF_ERROR(CheckCommand(command));
      CommandResult result;
      result.outcome = CommandResult::Outcome::kAlreadyApplied;
      result.stream = StreamFor(*FindCommandSpec(command.type), command);
      return result;
    }
    GroupRequests group;  // per command: the session keeps no events
    return engine_->JudgeInGroup(command, FactsOf(command), job, &world_, &group);
  }

  EngineImpl* engine_;  // judging reads only its store and options
  World world_;
  const Status loaded_;
  std::set<std::string> seen_;
};

std::unique_ptr<DryRun> EngineImpl::StartDryRun() const {
  std::lock_guard lock(mu_);
  Status loaded = ReadyLocked();
  return std::make_unique<DryRunImpl>(this, world_, std::move(loaded));
}

Result<ProjectionReport> EngineImpl::ReplayProjections(bool repair) {
  ZF_ASSIGN_OR_RETURN(ProjectionReport report, RebuildProjections(repair));
  if (report.repaired || (repair && repair_due_)) {
    // The cache and index lists were read from rows that changed.
    std::lock_guard lock(mu_);
    world_.cases = CaseBook(store_.get(), options_.cache_aggregates);
    repair_due_ = false;
  }
  return report;
}

namespace {

// An index row's key as people read it (a NUL ends each index key).
std::string PrintableKey(std::string_view key) {
  std::string out(key);
  std::replace(out.begin(), out.end(), '\0', '#');
  return out;
}

// One pass of the log that compares (and repairs) every read-model and
// index row with what the events call for, in memory bounded by the cache:
//  - the log is read and decoded a few batches ahead on a thread of its own
//    (PrefetchCursor);
//  - every aggregate is folded in a CaseBook as of the pass's position (an
//    aggregate evicted is folded again from its own stream up to there);
//  - when the pass reaches the last event of an aggregate's stream, its
//    final state (immutable, shared) goes to a checker thread that renders
//    its row and compares it with the stored row by key;
//  - the cross-case indexes are built from the events (one id per case in
//    memory) and their rows compared by key after the pass;
//  - stored rows the events do not call for are found by one scan of each
//    prefix.
// Repairs are written in bounded chunks. The meta row is deleted with the
// first chunk and written last, so rows half repaired by a process that
// dies are never trusted: the next open rebuilds them.
class ProjectionRebuild {
 public:
  ProjectionRebuild(EventStore* store, RuleBook rules, std::size_t cache, bool repair,
                    std::size_t chunk_bytes)
      : store_(store),
        repair_(repair),
        chunk_bytes_(std::max<std::size_t>(chunk_bytes, 1)),
        world_{std::move(rules),
               CaseBook(store, cache,
                        [this](const EventRecord& e) { return e.position <= folded_through_; },
                        /*index_from_events=*/true)} {}
  ProjectionRebuild(const ProjectionRebuild&) = delete;
  ProjectionRebuild& operator=(const ProjectionRebuild&) = delete;

  Result<ProjectionReport> Run(std::uint64_t through, const ProjectionWrite& meta, bool meta_stale);

 private:
  struct Differences {
    std::vector<std::string> missing, extra, different;
  };
  // An aggregate's final state, for the checker.
  struct Final {
    const ProjectionFamily* family;
    std::string id;
    std::shared_ptr<const void> state;
  };
  using Finals = std::vector<Final>;

  // What the reader thread marks an event with.
  enum Mark : std::uint64_t { kNotLast = 0, kLast = 1, kMarkFailed = 2 };
  Status FoldLog();
  Status Fold(const EventRecord& event, std::uint64_t mark);
  // On the reader thread: whether `event` is its aggregate's last.
  std::uint64_t MarkLast(const EventRecord& event);
  void Send(const ProjectionFamily& family, const std::string& stream);
  void CheckFinals();  // the checker thread
  Status CompareRow(std::string key, std::string want, Differences* found);
  // Calls `before_lookups` before it reads the book's sets in order (which
  // sorts them), when the scan met fewer rows than the events imply.
  Status CompareIndexRows(const std::function<void()>& before_lookups);
  Status CompareNameRows();
  // The stored rows of each row family whose aggregate the events did not
  // create, by family. Only reads the store and the book.
  Status ScanExtraRows(std::vector<std::vector<std::string>>* extra) const;
  Status Fix(ProjectionWrite fix);
  Status Flush();
  Differences* FoundOf(const ProjectionFamily& family) {
    return &found_[&family - kProjectionFamilies];
  }

  EventStore* store_;
  const bool repair_;
  const std::size_t chunk_bytes_;  // repairs held before a write
  std::uint64_t through_ = 0;  // the pass's last position
  std::uint64_t folded_through_ = 0;
  World world_;  // its rules are read by both threads, never changed
  // The reader thread's: aggregates with a row whose stream's last event
  // the pass has not reached: stream -> its last version (UINT64_MAX: past
  // the pass's end). Looking each up in the store costs a tenth of the
  // pass, so it is done ahead, beside the decoding.
  std::unordered_map<std::string, std::uint64_t> last_version_;
  // The reader thread's, made at its first lookup (after through_ is set:
  // a stream end at or below it is in the reader's snapshot).
  std::unique_ptr<StreamEndReader> ends_;
  std::mutex mark_mu_;
  Status mark_failed_;  // GUARDED_BY(mark_mu_)
  Finals outgoing_;  // the next batch for the checker
  BoundedQueue<Finals> finals_{8};

  // The checker's while the pass runs; the main thread's after.
  Status checked_;
  // Per row family: kProjectionFamilies, then the index rows, then the
  // reference names rows.
  static constexpr std::size_t kIndexFound = std::size(kProjectionFamilies);
  static constexpr std::size_t kNamesFound = kIndexFound + 1;
  std::vector<Differences> found_ = std::vector<Differences>(kNamesFound + 1);
  ProjectionReport report_;
  std::vector<ProjectionWrite> fixes_;
  std::size_t fix_bytes_ = 0;
  bool meta_deleted_ = false;
};

Result<ProjectionReport> ProjectionRebuild::Run(std::uint64_t through, const ProjectionWrite& meta,
                                                bool meta_stale) {
  through_ = through;
  std::thread checker([this] { CheckFinals(); });
  Status folded = FoldLog();
  if (!outgoing_.empty()) finals_.Push(std::move(outgoing_));
  finals_.Close();
  checker.join();
  ZF_RETURN_IF_ERROR(folded);
  ZF_RETURN_IF_ERROR(checked_);
  // Two scans side by side, each a few seconds at 10^7 events: the extra
  // rows of every row family on a second thread, the index rows here. Both
  // only read what the fold built; only this thread records and fixes.
  std::vector<std::vector<std::string>> extra(std::size(kProjectionFamilies));
  Status scanned;
  std::thread scanner([&] { scanned = ScanExtraRows(&extra); });
  auto join = [&] {
    if (scanner.joinable()) scanner.join();
  };
  Status indexed = CompareIndexRows(join);
  join();
  ZF_RETURN_IF_ERROR(scanned);
  ZF_RETURN_IF_ERROR(indexed);
  for (std::size_t i = 0; i < extra.size(); ++i) {
    for (std::string& key : extra[i]) {
      FoundOf(kProjectionFamilies[i])->extra.push_back(key);
      ZF_RETURN_IF_ERROR(Fix({std::move(key), std::nullopt}));
    }
  }
  ZF_RETURN_IF_ERROR(CompareNameRows());
  // Each list in key order, the row families in their order, as people
  // read them.
  for (Differences& d : found_) {
    for (auto* list : {&d.missing, &d.extra, &d.different}) std::sort(list->begin(), list->end());
    auto append = [](std::vector<std::string>* to, std::vector<std::string>& from) {
      for (std::string& key : from) to->push_back(PrintableKey(key));
    };
    append(&report_.missing, d.missing);
    append(&report_.extra, d.extra);
    append(&report_.different, d.different);
  }
  if (repair_ && (!report_.ok() || meta_stale)) {
    report_.repaired = !report_.ok();
    fixes_.push_back(meta);
    ZF_RETURN_IF_ERROR(Flush());
  }
  return std::move(report_);
}

Status ProjectionRebuild::FoldLog() {
  auto cursor = PrefetchCursor(store_->ReadAll(1),
                               [this](const EventRecord& e) { return MarkLast(e); });
  for (; cursor->Valid() && cursor->event().position <= through_; cursor->Next()) {
    ZF_RETURN_IF_ERROR(Fold(cursor->event(), cursor->mark()));
  }
  ZF_RETURN_IF_ERROR(cursor->status());
  cursor->JoinReader();  // last_version_ is the reader's until then
  // Streams written past `through` while the pass ran: as the pass left them.
  std::vector<std::string> rest;
  for (const auto& [stream, last] : last_version_) rest.push_back(stream);
  std::sort(rest.begin(), rest.end());
  for (const std::string& stream : rest) {
    Send(*FamilyOfStream(stream), stream);
  }
  return world_.cases.TakeReadError();
}

Status ProjectionRebuild::Fold(const EventRecord& event, std::uint64_t mark) {
  // The rules are the log's latest (folded before the pass), as the rows
  // render them.
  if (IsReferenceStream(event.stream)) return Status::Ok();
  if (mark == kMarkFailed) {
    std::lock_guard lock(mark_mu_);
    return mark_failed_;
  }
  ZF_RETURN_IF_ERROR(world_.cases.Apply(event));
  folded_through_ = event.position;
  if (mark == kLast) {
    Send(*FamilyOfStream(event.stream), event.stream);
    // The pass is done with it: its place in the cache goes to one in flight.
    world_.cases.Forget(event.stream);
  }
  world_.cases.Trim();
  return world_.cases.TakeReadError();
}

std::uint64_t ProjectionRebuild::MarkLast(const EventRecord& event) {
  // The reader runs ahead of the pass, past its end too.
  if (event.position > through_ || IsReferenceStream(event.stream)) return kNotLast;
  if (FamilyOfStream(event.stream) == nullptr) return kNotLast;
  auto it = last_version_.find(event.stream);
  if (it == last_version_.end()) {
    if (ends_ == nullptr) ends_ = NewStreamEndReader(*store_);
    Result<std::optional<StreamEnd>> end = ends_->Find(event.stream);
    if (end.ok() && !*end) {
      end = NotFoundError(fmt::format("stream '{}' has no events", event.stream))
                .WithSubject(event.stream);
    }
    if (!end.ok()) {
      std::lock_guard lock(mark_mu_);
      mark_failed_ = end.status();
      return kMarkFailed;
    }
    const std::uint64_t last =
        (*end)->position <= through_ && (*end)->version > 0 ? (*end)->version : UINT64_MAX;
    it = last_version_.emplace(event.stream, last).first;
  }
  if (event.version < it->second) return kNotLast;
  last_version_.erase(it);
  return kLast;
}

void ProjectionRebuild::Send(const ProjectionFamily& family, const std::string& stream) {
  std::shared_ptr<const void> state = world_.cases.SharedState(stream);
  if (state == nullptr) return;
  outgoing_.push_back({&family, stream.substr(family.stream_prefix.size()), std::move(state)});
  if (outgoing_.size() >= 256) {
    finals_.Push(std::move(outgoing_));
    outgoing_.clear();
  }
}

void ProjectionRebuild::CheckFinals() {
  while (std::optional<Finals> batch = finals_.Pop()) {
    for (Final& f : *batch) {
      if (!checked_.ok()) break;  // drain, so the pass never waits on a dead checker
      checked_ = CompareRow(RowKey(*f.family, f.id), f.family->render(f.state.get(), world_.rules),
                            FoundOf(*f.family));
    }
  }
}

Status ProjectionRebuild::CompareRow(std::string key, std::string want, Differences* found) {
  ++report_.rows;
  ZF_ASSIGN_OR_RETURN(std::optional<std::string> stored, store_->ReadProjection(key));
  if (stored && *stored == want) return Status::Ok();
  (stored ? found->different : found->missing).push_back(key);
  return Fix({std::move(key), std::move(want)});
}

// One scan of the stored index rows against what the events imply finds
// the different and the extra rows (a lookup per implied row cost a fifth
// of the pass's thread); the implied rows are looked up one by one only
// when the scan met fewer than there are.
Status ProjectionRebuild::CompareIndexRows(const std::function<void()>& before_lookups) {
  Differences* found = &found_[kIndexFound];
  const std::size_t implied = world_.cases.IndexRowCount();
  report_.index_rows += implied;
  std::size_t met = 0;
  std::string start(kIndexRowPrefix);
  for (bool more = true; more;) {
    // Fixes after the scan, a chunk at a time: a store may hold a lock
    // while it scans.
    std::vector<ProjectionWrite> fixes;
    std::size_t bytes = 0;
    more = false;
    ZF_RETURN_IF_ERROR(store_->ScanProjectionsFrom(
        kIndexRowPrefix, start, [&](std::string_view key, std::string_view value) {
          std::optional<std::string> want = world_.cases.IndexRowValue(key);
          if (want) ++met;
          if (want && *want == value) return true;
          (want ? found->different : found->extra).emplace_back(key);
          bytes += key.size() + (want ? want->size() : 0);
          fixes.push_back({std::string(key), std::move(want)});
          if (bytes < chunk_bytes_) return true;
          start = fixes.back().key + '\0';  // the next key after it
          more = true;
          return false;
        }));
    for (ProjectionWrite& fix : fixes) ZF_RETURN_IF_ERROR(Fix(std::move(fix)));
  }
  if (met == implied) return Status::Ok();
  before_lookups();
  Status compared;
  world_.cases.ForEachIndexRow([&](std::string_view key, std::string_view value) {
    if (!compared.ok()) return;
    Result<std::optional<std::string>> stored = store_->ReadProjection(key);
    if (!stored.ok()) {
      compared = stored.status();
    } else if (!*stored) {
      found->missing.emplace_back(key);
      compared = Fix({std::string(key), std::string(value)});
    }
  });
  return compared;
}

// The names rows of the rules the pass rendered with. Their meta row goes
// first and comes back last in a repair, so that rows a repair cut short
// left half written are never trusted (projection/reference_names.h).
Status ProjectionRebuild::CompareNameRows() {
  Differences* found = &found_[kNamesFound];
  const NameRows want = NameRowsOf(world_.rules);
  ZF_ASSIGN_OR_RETURN(NameRows stored, StoredNameRows(*store_));
  report_.reference_rows += want.size();
  std::optional<ProjectionWrite> meta;
  bool meta_forgotten = false;
  for (ProjectionWrite& change : NameRowChanges(stored, want)) {
    const bool held = stored.contains(change.key);
    (!change.value ? found->extra : held ? found->different : found->missing).push_back(change.key);
    if (change.key == kNamesMetaKey) {
      meta = std::move(change);
      continue;
    }
    if (!meta_forgotten && stored.contains(kNamesMetaKey)) {
      ZF_RETURN_IF_ERROR(Fix({std::string(kNamesMetaKey), std::nullopt}));
      meta_forgotten = true;
    }
    ZF_RETURN_IF_ERROR(Fix(std::move(change)));
  }
  if (meta_forgotten && !meta) {
    meta = ProjectionWrite{std::string(kNamesMetaKey), want.find(kNamesMetaKey)->second};
  }
  return meta ? Fix(std::move(*meta)) : Status::Ok();
}

Status ProjectionRebuild::ScanExtraRows(std::vector<std::vector<std::string>>* extra) const {
  for (std::size_t i = 0; i < std::size(kProjectionFamilies); ++i) {
    const ProjectionFamily& family = kProjectionFamilies[i];
    std::string stream(family.stream_prefix);
    ZF_RETURN_IF_ERROR(
        store_->ScanProjections(family.row_prefix, [&](std::string_view key, std::string_view) {
          stream.resize(family.stream_prefix.size());
          stream.append(key.substr(family.row_prefix.size()));
          if (!world_.cases.Created(stream)) (*extra)[i].emplace_back(key);
          return true;
        }));
  }
  return Status::Ok();
}

Status ProjectionRebuild::Fix(ProjectionWrite fix) {
  if (!repair_) return Status::Ok();
  if (!meta_deleted_) {
    fixes_.push_back({std::string(kIndexMetaKey), std::nullopt});
    meta_deleted_ = true;
  }
  fix_bytes_ += fix.key.size() + (fix.value ? fix.value->size() : 0);
  fixes_.push_back(std::move(fix));
  // A store without rows (a wiped projections family) needs every row:
  // written as they come, not held.
  return fix_bytes_ >= chunk_bytes_ ? Flush() : Status::Ok();
}

Status ProjectionRebuild::Flush() {
  if (fixes_.empty()) return Status::Ok();
  ZF_RETURN_IF_ERROR(store_->WriteProjections(fixes_));
  fixes_.clear();
  fix_bytes_ = 0;
  return Status::Ok();
}

}  // namespace

Result<ProjectionReport> EngineImpl::RebuildProjections(bool repair) const {
  // Known before the pass, not at its first write.
  if (repair && store_->read_only()) {
    return FailedPreconditionError("the event store is open read-only");
  }
  const LedgerHead ledger = store_->Ledger();
  ZF_ASSIGN_OR_RETURN(RuleBook rules, FoldRules());
  ProjectionRebuild rebuild(store_.get(), std::move(rules), options_.cache_aggregates, repair,
                            options_.repair_chunk_bytes);
  const bool meta_stale = StoredIndexPosition(*store_) != ledger.position;
  return rebuild.Run(ledger.position, IndexMetaRow(ledger.position), meta_stale);
}

// A list of the registers of one kind as of `as_of`, filtered.
template <typename State, typename Filter>
std::vector<boost::json::object> ListRegister(
    void (CaseBook::*each)(const std::function<void(const State&)>&) const,
    const CaseBook& cases, const Filter& filter, boost::json::object (*view)(const State&)) {
  std::vector<boost::json::object> list;
  (cases.*each)([&](const State& state) {
    if (Matches(state, filter)) list.push_back(view(state));
  });
  return list;
}

Result<boost::json::object> NotFoundAsOf(Result<std::optional<boost::json::object>> view,
                                         std::string_view what, std::string_view id,
                                         std::string_view subject, const AsOf& as_of) {
  if (!view.ok()) return view.status();
  if (!*view) {
    return NotFoundError(
               fmt::format("no {} {}{}", what, id, as_of.IsNow() ? "" : " at that moment"))
        .WithSubject(subject);
  }
  return std::move(**view);
}

// --- Case-file review campaigns ------------------------------------------------

Result<std::vector<boost::json::object>> EngineImpl::ReviewCampaigns(const AsOf& as_of) const {
  return WithWorldAsOf(as_of, [&](const RuleBook&, const CaseBook& cases,
                                  std::optional<std::int64_t>) {
    std::vector<boost::json::object> list;
    cases.ForEachReviewCampaign([&](const ReviewCampaignState& campaign) {
      list.push_back(ReviewCampaignJson(campaign, cases, /*with_files=*/false));
    });
    return list;
  });
}

Result<boost::json::object> EngineImpl::ReviewCampaign(std::string_view campaign_id,
                                                       const AsOf& as_of) const {
  auto view = WithWorldAsOf(as_of, [&](const RuleBook&, const CaseBook& cases,
                                       std::optional<std::int64_t>) {
    const ReviewCampaignState* campaign = cases.FindReviewCampaign(campaign_id);
    return campaign == nullptr
               ? std::optional<boost::json::object>()
               : std::optional(ReviewCampaignJson(*campaign, cases, /*with_files=*/true));
  });
  return NotFoundAsOf(std::move(view), "review campaign", campaign_id, "campaign_id", as_of);
}

Result<std::vector<boost::json::object>> EngineImpl::ListGridTickets(
    const GridTicketFilter& filter, const AsOf& as_of) const {
  return WithWorldAsOf(as_of, [&](const RuleBook&, const CaseBook& cases,
                                  std::optional<std::int64_t>) {
    return ListRegister(&CaseBook::ForEachGridTicket, cases, filter, &GridTicketJson);
  });
}

Result<boost::json::object> EngineImpl::GridTicketView(std::string_view ticket_id,
                                                       const AsOf& as_of) const {
  auto view = WithWorldAsOf(as_of, [&](const RuleBook&, const CaseBook& cases,
                                       std::optional<std::int64_t>) {
    const GridTicketState* t = cases.FindGridTicket(ticket_id);
    return t ? std::optional(GridTicketJson(*t)) : std::nullopt;
  });
  return NotFoundAsOf(std::move(view), "grid ticket", ticket_id, "ticket_id", as_of);
}

Result<std::vector<boost::json::object>> EngineImpl::ListJointActions(
    const JointActionFilter& filter, const AsOf& as_of) const {
  return WithWorldAsOf(as_of, [&](const RuleBook&, const CaseBook& cases,
                                  std::optional<std::int64_t>) {
    return ListRegister(&CaseBook::ForEachJointAction, cases, filter, &JointActionJson);
  });
}

Result<boost::json::object> EngineImpl::JointActionView(std::string_view joint_action_id,
                                                        const AsOf& as_of) const {
  auto view = WithWorldAsOf(as_of, [&](const RuleBook&, const CaseBook& cases,
                                       std::optional<std::int64_t>) {
    const JointActionState* a = cases.FindJointAction(joint_action_id);
    return a ? std::optional(JointActionJson(*a)) : std::nullopt;
  });
  return NotFoundAsOf(std::move(view), "joint action", joint_action_id, "joint_action_id",
                      as_of);
}

// --- The access trail ------------------------------------------------------------
//
// One stream per case, "access/<case_id>": the case streams and their hash
// chains stay as they were, "who read case X" is one stream read, and the
// trail of a file travels with it (a dossier can include the stream). "What
// did officer Y read" scans the log for access streams.

constexpr std::string_view kAccessKinds[] = {"view",   "history", "explain",
                                             "dossier", "export",  "events"};

Status CheckReadContext(const ReadContext& read) {
  if (read.reader.id.empty()) {
    return InvalidArgumentError("a recorded read needs the reader's id").WithSubject("reader");
  }
  if (std::find(std::begin(kAccessKinds), std::end(kAccessKinds), read.what) ==
      std::end(kAccessKinds)) {
    return InvalidArgumentError(fmt::format("what '{}' is not one of view, history, explain, "
                                            "dossier, export, events",
                                            read.what))
        .WithSubject("what");
  }
  std::size_t characters = 0;
  for (unsigned char ch : read.purpose) characters += (ch & 0xC0) != 0x80;
  if (characters > 500) {
    return InvalidArgumentError(
               fmt::format("purpose has {} characters; at most 500", characters))
        .WithSubject("purpose");
  }
  return Status::Ok();
}

std::string AsOfText(const AsOf& as_of) {
  if (as_of.IsNow()) return "";
  if (as_of.position == 0) return as_of.time;
  const std::string position = fmt::format("position {}", as_of.position);
  return as_of.time.empty() ? position : as_of.time + ", " + position;
}

// The reader is judged like a command's actor (domain/actor_check.h), at
// the time of the read: the rules in force then, as folded now.
Status EngineImpl::CheckReaderNow(const ReadContext& read, std::int64_t now) const {
  std::optional<Rejection> refused;
  {
    std::lock_guard lock(mu_);
    ZF_RETURN_IF_ERROR(ReadyLocked());
    refused = CheckReader(world_.rules.AsOf(now), read.reader);
  }
  if (!refused) return Status::Ok();
  return FailedPreconditionError(
             fmt::format("{}: {}（{}）", refused->code, refused->message, refused->legal_basis))
      .WithSubject(refused->pointer);
}

Status EngineImpl::AppendAccess(std::string_view case_id, const ReadContext& read,
                                std::string_view as_of) {
  const std::shared_ptr<Clock> clock = options_.store.clock ? options_.store.clock : SystemClock();
  const std::int64_t now = clock->NowMicros();
  ZF_RETURN_IF_ERROR(CheckReaderNow(read, now));
  boost::json::object data{{"case_id", case_id}, {"what", read.what}};
  if (!read.purpose.empty()) data["purpose"] = read.purpose;
  if (!as_of.empty()) data["as_of"] = as_of;
  NewEvent event;
  event.type = "case_accessed";
  event.occurred_at = FormatRfc3339(now, 8 * 60, /*with_micros=*/true);
  event.actor = read.reader;
  event.data = std::move(data);
  AppendRequest request;
  request.stream = std::string(kAccessStreamPrefix) + std::string(case_id);
  request.expected = ExpectedVersion::Any();
  request.events.push_back(std::move(event));
  request.command_id = fmt::format("access:{}:{:016x}-{}:{}", now, instance_,
                                   access_sequence_.fetch_add(1), case_id);
  // A synchronous append: concurrent readers share the store's group commit
  // (one write, one sync), and the read is not returned before its record
  // is durable.
  auto appended = store_->Append(request);
  return appended.ok() ? Status::Ok() : appended.status();
}

Result<boost::json::object> EngineImpl::CaseView(std::string_view case_id, const AsOf& as_of,
                                                 const ReadContext& read) {
  ZF_RETURN_IF_ERROR(CheckReadContext(read));
  ZF_ASSIGN_OR_RETURN(boost::json::object view, CaseView(case_id, as_of));
  ZF_RETURN_IF_ERROR(AppendAccess(case_id, read, AsOfText(as_of)));
  return view;
}

Status EngineImpl::RecordCaseAccess(std::string_view case_id, const ReadContext& read,
                                    std::string_view as_of) {
  ZF_RETURN_IF_ERROR(CheckReadContext(read));
  bool known = false;
  {
    std::lock_guard lock(mu_);
    ZF_RETURN_IF_ERROR(FollowLog(/*if_moved=*/true));
    known = world_.cases.FindCase(case_id) != nullptr;
  }
  if (!known) return NotFoundError(fmt::format("no case {}", case_id)).WithSubject("case_id");
  return AppendAccess(case_id, read, as_of);
}

Result<std::vector<AccessRecord>> EngineImpl::CaseAccesses(const AccessQuery& query) const {
  std::optional<Date> from;
  std::optional<Date> to;
  for (auto [text, bound, name] : {std::tuple{&query.from, &from, "from"},
                                   std::tuple{&query.to, &to, "to"}}) {
    if (text->empty()) continue;
    auto date = Date::Parse(*text);
    if (!date.ok()) return InvalidArgumentError(date.status().message()).WithSubject(name);
    *bound = *date;
  }
  std::vector<AccessRecord> records;
  auto consider = [&](const EventRecord& e) -> Status {
    if (e.type != "case_accessed") return Status::Ok();
    if (!query.reader.empty() && e.actor.id != query.reader) return Status::Ok();
    ZF_ASSIGN_OR_RETURN(Timestamp at, ParseRfc3339(e.occurred_at));
    const Date day = ChinaDateOf(at.unix_micros);
    if ((from && day < *from) || (to && *to < day)) return Status::Ok();
    const boost::json::object& d = e.data.as_object();
    AccessRecord r;
    r.case_id = Text(d, "case_id");
    r.what = Text(d, "what");
    r.purpose = Text(d, "purpose");
    r.as_of = Text(d, "as_of");
    r.reader = e.actor;
    r.at = e.occurred_at;
    r.position = e.position;
    r.hash = e.hash;
    records.push_back(std::move(r));
    return Status::Ok();
  };
  // One case: its own stream. Otherwise every access stream, in log order.
  std::unique_ptr<EventCursor> cursor =
      query.case_id.empty()
          ? store_->ReadAll(1)
          : store_->ReadStream(std::string(kAccessStreamPrefix) + query.case_id, 1,
                               Direction::kForward);
  for (; cursor->Valid(); cursor->Next()) {
    if (!std::string_view(cursor->event().stream).starts_with(kAccessStreamPrefix)) continue;
    ZF_RETURN_IF_ERROR(consider(cursor->event()));
  }
  ZF_RETURN_IF_ERROR(cursor->status());
  return records;
}

CompetenceAnswer ToAnswer(const Competence& c) {
  CompetenceAnswer a;
  a.item_code = c.item_code;
  a.township = c.township;
  a.as_of = c.as_of.ToString();
  a.subject = c.subject;
  a.delegated = c.delegated;
  a.reason = c.reason;
  a.legal_basis = c.legal_basis;
  a.legal_basis_en = c.legal_basis_en;
  a.item_version = c.item_version;
  a.original_subject = c.original_subject;
  a.delegation_batch = c.batch;
  a.department_retains = c.department_retains;
  return a;
}

Result<Date> EngineImpl::AsOfDate(std::string_view as_of) const {
  if (as_of.empty()) {
    const std::shared_ptr<Clock> clock =
        options_.store.clock ? options_.store.clock : SystemClock();
    return ChinaDateOf(clock->NowMicros());
  }
  if (as_of.size() == 10) {
    auto date = Date::Parse(as_of);
    if (!date.ok()) return InvalidArgumentError(date.status().message()).WithSubject("as_of");
    return *date;
  }
  auto at = ParseRfc3339(as_of);
  if (!at.ok()) return InvalidArgumentError(at.status().message()).WithSubject("as_of");
  return ChinaDateOf(at->unix_micros);
}

Result<WorkingDayCalendar> EngineImpl::CalendarAsOf(std::string_view as_of) const {
  std::int64_t instant = 0;
  if (as_of.size() == 10) {
    auto date = Date::Parse(as_of);
    if (!date.ok()) return InvalidArgumentError(date.status().message()).WithSubject("as_of");
    auto end_of_day = ParseRfc3339(date->ToString() + "T23:59:59.999999+08:00");
    if (!end_of_day.ok()) return end_of_day.status();
    instant = end_of_day->unix_micros;
  } else {
    auto at = ParseRfc3339(as_of);
    if (!at.ok()) return InvalidArgumentError(at.status().message()).WithSubject("as_of");
    instant = at->unix_micros;
  }
  std::lock_guard lock(mu_);
  ZF_RETURN_IF_ERROR(ReadyLocked());
  return world_.rules.CalendarAsOf(instant);
}

Result<std::vector<PowerItemView>> EngineImpl::PowerItems(std::string_view as_of,
                                                          std::string_view item_code,
                                                          std::string_view subject) const {
  ZF_ASSIGN_OR_RETURN(Date date, AsOfDate(as_of));
  std::lock_guard lock(mu_);
  ZF_RETURN_IF_ERROR(ReadyLocked());
  const PowerList& powers = world_.rules.powers();
  if (!item_code.empty() && !powers.HasItem(item_code)) {
    return NotFoundError(fmt::format("no power item {}", item_code)).WithSubject("item_code");
  }
  // Every township org knows, delegated to or not (sorted by id).
  std::vector<std::string> townships;
  for (const Township* t : world_.rules.org().Townships()) townships.push_back(t->id);
  std::vector<PowerItemView> views;
  for (const std::string& code : powers.ItemCodes()) {
    if (!item_code.empty() && code != item_code) continue;
    const PowerItemEntry* entry = powers.EntryAsOf(code, date);
    if (entry == nullptr || entry->withdrawn) continue;
    const PowerItemVersion& v = entry->version;
    PowerItemView view;
    view.item_code = code;
    view.name = v.name;
    view.power_type = v.power_type;
    view.original_subject = v.original_subject;
    view.domain = v.domain;
    for (const LegalBasisRef& ref : v.legal_basis) view.legal_basis.push_back(ref.ToText());
    view.penalty_types = v.penalty_types;
    view.version = v.version;
    view.effective_from = v.effective_from.ToString();
    const std::vector<PowerItemEntry>& history = *powers.History(code);
    const std::size_t next = static_cast<std::size_t>(entry - history.data()) + 1;
    if (next < history.size()) {
      view.effective_to = AddCalendarDays(history[next].effective_from, -1).ToString();
    }
    for (const std::string& t : townships) {
      if (powers.DelegationInForce(t, code, date) != nullptr) view.delegated_to.push_back(t);
      if (powers.IsAccepted(t, code, date)) view.accepted_by.push_back(t);
      view.by_township.push_back(ToAnswer(powers.CompetentAsOf(code, t, date, competence_)));
    }
    view.claimed_by = powers.ClaimedBy(code, date);
    if (!subject.empty() && v.original_subject != subject &&
        std::find(view.delegated_to.begin(), view.delegated_to.end(), subject) ==
            view.delegated_to.end()) {
      continue;
    }
    views.push_back(std::move(view));
  }
  return views;
}

Result<CompetenceAnswer> EngineImpl::Competent(std::string_view item_code,
                                               std::string_view township,
                                               std::string_view as_of) const {
  ZF_ASSIGN_OR_RETURN(Date date, AsOfDate(as_of));
  std::lock_guard lock(mu_);
  ZF_RETURN_IF_ERROR(ReadyLocked());
  const PowerList& powers = world_.rules.powers();
  if (!powers.HasItem(item_code)) {
    return NotFoundError(fmt::format("no power item {}", item_code)).WithSubject("item_code");
  }
  if (world_.rules.org().FindTownship(township) == nullptr) {
    return NotFoundError(fmt::format("no township {} registered in org", township))
        .WithSubject("township");
  }
  return ToAnswer(powers.CompetentAsOf(std::string(item_code), std::string(township), date,
                                       competence_));
}

}  // namespace
}  // namespace internal

Result<std::unique_ptr<Engine>> Engine::Open(const EngineOptions& options,
                                             std::shared_ptr<EventStore> store) {
  if (store == nullptr) return InvalidArgumentError("no event store").WithSubject("store");
  // The policy choices with a closed set of values (issue 15): a typo would
  // otherwise silently pick the default rule.
  if (options.act_identity_default != "case" && options.act_identity_default != "act_date") {
    return InvalidArgumentError(fmt::format("act_identity_default '{}' is neither 'case' nor "
                                            "'act_date'",
                                            options.act_identity_default))
        .WithSubject("act_identity_default");
  }
  if (auto from = Date::Parse(options.reconsideration_by_issuer_from); !from.ok()) {
    return InvalidArgumentError(fmt::format("reconsideration_by_issuer_from: {}",
                                            from.status().message()))
        .WithSubject("reconsideration_by_issuer_from");
  }
  if (auto from = Date::Parse(options.on_spot_cash_tracked_from); !from.ok()) {
    return InvalidArgumentError(fmt::format("on_spot_cash_tracked_from: {}",
                                            from.status().message()))
        .WithSubject("on_spot_cash_tracked_from");
  }
  if (auto from = Date::Parse(options.case_review_tracked_from); !from.ok()) {
    return InvalidArgumentError(fmt::format("case_review_tracked_from: {}",
                                            from.status().message()))
        .WithSubject("case_review_tracked_from");
  }
  if (auto from = Date::Parse(options.police_period_pauses_d9_from); !from.ok()) {
    return InvalidArgumentError(fmt::format("police_period_pauses_d9_from: {}",
                                            from.status().message()))
        .WithSubject("police_period_pauses_d9_from");
  }
  if (auto from = Date::Parse(options.licence_measure_tracked_from); !from.ok()) {
    return InvalidArgumentError(fmt::format("licence_measure_tracked_from: {}",
                                            from.status().message()))
        .WithSubject("licence_measure_tracked_from");
  }
  if (options.licence_measure_start_working_days <= 0) {
    return InvalidArgumentError(fmt::format("licence_measure_start_working_days {} is not positive",
                                            options.licence_measure_start_working_days))
        .WithSubject("licence_measure_start_working_days");
  }
  if (options.licence_measure_check_days <= 0) {
    return InvalidArgumentError(fmt::format("licence_measure_check_days {} is not positive",
                                            options.licence_measure_check_days))
        .WithSubject("licence_measure_check_days");
  }
  if (options.licence_measure_end_check_working_days < 0) {
    return InvalidArgumentError(fmt::format("licence_measure_end_check_working_days {} is negative",
                                            options.licence_measure_end_check_working_days))
        .WithSubject("licence_measure_end_check_working_days");
  }
  if (auto from = Date::Parse(options.publication_tracked_from); !from.ok()) {
    return InvalidArgumentError(fmt::format("publication_tracked_from: {}",
                                            from.status().message()))
        .WithSubject("publication_tracked_from");
  }
  for (const std::string& kind : options.publication_required_for) {
    if (kind != "penalty" && kind != "on_spot" && kind != "no_penalty") {
      return InvalidArgumentError(fmt::format("publication_required_for: '{}' is none of "
                                              "penalty, on_spot, no_penalty",
                                              kind))
          .WithSubject("publication_required_for");
    }
  }
  if (options.case_review_working_days <= 0) {
    return InvalidArgumentError(fmt::format("case_review_working_days {} is not positive",
                                            options.case_review_working_days))
        .WithSubject("case_review_working_days");
  }
  auto engine = std::make_unique<internal::EngineImpl>(options, std::move(store));
  ZF_RETURN_IF_ERROR(engine->Load());
  return std::unique_ptr<Engine>(std::move(engine));
}

Result<std::unique_ptr<Engine>> Engine::Open(const EngineOptions& options,
                                             std::string_view path) {
  // A postgresql:// URL opens the PostgreSQL store; a path, RocksDB.
  ZF_ASSIGN_OR_RETURN(std::unique_ptr<EventStore> store, OpenEventStore(options.store, path));
  return Open(options, std::shared_ptr<EventStore>(std::move(store)));
}

}  // namespace zf
