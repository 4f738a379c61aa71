// The command pipeline: validate → load state → decide → append, with the
// expected version, in one atomic write.
//
// Commands run one batch at a time under mu_: a batch's commands are judged
// in order on the state the earlier ones left (an overlay), then appended
// with one write and one sync. Everything is held folded in memory: the
// reference data (rules/*, org) in a RuleBook, the cases and other
// operational aggregates in a CaseBook. A batch works on a copy (cheap: the
// books share their immutable values) that replaces the committed one only
// once the batch is durable.
#include <algorithm>
#include <mutex>

#include <fmt/format.h>

#include "domain/case_book.h"
#include "domain/decider.h"
#include "io/command_json.h"
#include "rules/rule_book.h"
#include "util/rfc3339.h"
#include "zf/clock.h"
#include "zf/engine.h"

namespace zf {
namespace internal {
namespace {

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

  // Folds the reference streams into the RuleBook.
  Status Load() {
    std::lock_guard lock(mu_);
    return Reload();
  }

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
    return world_.rules.CalendarLatest();
  }

  Result<WorkingDayCalendar> CalendarAsOf(std::string_view as_of) const override;

  Result<std::vector<PowerItemView>> PowerItems(std::string_view as_of, std::string_view item_code,
                                                std::string_view subject) const override;
  Result<CompetenceAnswer> Competent(std::string_view item_code, std::string_view township,
                                     std::string_view as_of) const override;

  EventStore* store() override { return store_.get(); }

 private:
  // The date an as_of argument names ("" = today in China).
  Result<Date> AsOfDate(std::string_view as_of) const;

  // A command judged but not yet written.
  struct Pending {
    std::size_t index;             // into the batch
    std::size_t request;           // into the AppendRequests
    std::vector<std::string> types;
  };

  // Reference streams first, in their fixed order (later reference data may
  // name earlier: a benchmark names a power item); then every other event
  // in commit order. Evolving a case needs no rules, so the two can be
  // folded apart.
  Status Reload() {
    World fresh;
    for (std::string_view stream : kReferenceStreams) {
      auto cursor = store_->ReadStream(stream, 1, Direction::kForward);
      for (; cursor->Valid(); cursor->Next()) {
        ZF_RETURN_IF_ERROR(fresh.rules.Apply(cursor->event()));
      }
      ZF_RETURN_IF_ERROR(cursor->status());
    }
    auto cursor = store_->ReadAll(1);
    for (; cursor->Valid(); cursor->Next()) {
      if (IsReferenceStream(cursor->event().stream)) continue;
      ZF_RETURN_IF_ERROR(fresh.cases.Apply(cursor->event()));
    }
    ZF_RETURN_IF_ERROR(cursor->status());
    world_ = std::move(fresh);
    return Status::Ok();
  }

  Result<CommandResult> Judge(const Command& command, World* overlay,
                              std::vector<AppendRequest>* requests);

  const EngineOptions options_;
  const CompetenceConfig competence_{
      {options_.department_retains_for.begin(), options_.department_retains_for.end()}};
  const std::shared_ptr<EventStore> store_;
  mutable std::mutex mu_;
  World world_;  // GUARDED_BY(mu_): what the committed events say
};

Result<CommandResult> EngineImpl::Judge(const Command& command, World* overlay,
                                        std::vector<AppendRequest>* requests) {
  ZF_RETURN_IF_ERROR(CheckCommand(command));
  const CommandSpec& spec = *FindCommandSpec(command.type);
  CommandResult result;
  result.stream = StreamFor(spec, command);

  // A command seen before (in the store or earlier in this batch) is not
  // judged again: the state has moved on, the answer has not.
  for (const AppendRequest& r : *requests) {
    if (r.command_id == command.command_id) {
      return AlreadyExistsError(fmt::format("command_id '{}' appears twice in the batch",
                                            command.command_id))
          .WithSubject("/command_id");
    }
  }
  if (auto prior = store_->FindCommand(command.command_id); prior.ok()) {
    if (prior->stream != result.stream) {
      return AlreadyExistsError(fmt::format("command_id '{}' was already used for stream '{}'",
                                            command.command_id, prior->stream))
          .WithSubject("/command_id");
    }
    result.outcome = CommandResult::Outcome::kAlreadyApplied;
    result.append = *prior;
    result.append.already_applied = true;
    return result;
  } else if (prior.status().code() != StatusCode::kNotFound) {
    return prior.status();
  }

  ZF_ASSIGN_OR_RETURN(Timestamp at, ParseRfc3339(command.at));
  const DecisionContext context{command, at, overlay->rules, overlay->cases, options_};
  Decision decision = spec.decide(context);
  if (auto* rejection = std::get_if<Rejection>(&decision)) {
    result.outcome = CommandResult::Outcome::kRejected;
    result.rejection = std::move(*rejection);
    return result;
  }
  AppendRequest request;
  request.stream = result.stream;
  request.command_id = command.command_id;
  const std::uint64_t version = overlay->Version(result.stream);
  request.expected = ExpectedVersion::Exact(version);
  for (NewEvent& event : std::get<std::vector<NewEvent>>(decision)) {
    event.occurred_at = command.at;
    event.actor = command.actor;
    result.event_types.push_back(event.type);
    request.events.push_back(std::move(event));
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
    provisional.data = request.events[i].data;
    if (Status s = overlay->Apply(provisional); !s.ok()) {
      return InternalError(fmt::format("{}: the decided event does not fold: {}", command.type,
                                       s.message()));
    }
  }
  result.outcome = CommandResult::Outcome::kApplied;
  requests->push_back(std::move(request));
  return result;
}

Result<std::vector<Result<CommandResult>>> EngineImpl::ExecuteBatch(
    std::span<const Command> commands, BatchMode mode) {
  std::lock_guard lock(mu_);
  World overlay = world_;
  std::vector<Result<CommandResult>> results;
  std::vector<AppendRequest> requests;
  std::vector<std::size_t> request_owner;  // result index of each request
  bool failed = false;
  for (const Command& command : commands) {
    Result<CommandResult> judged = Judge(command, &overlay, &requests);
    failed = !judged.ok() || judged->outcome == CommandResult::Outcome::kRejected;
    if (judged.ok() && judged->outcome == CommandResult::Outcome::kApplied) {
      request_owner.push_back(results.size());
    }
    results.push_back(std::move(judged));
    if (failed && mode != BatchMode::kIndependent) break;
  }
  if (failed && mode == BatchMode::kAtomic) return results;  // nothing written
  if (requests.empty()) return results;

  // The deciders saw consistent state, so a store-level failure here is a
  // storage error or a concurrent writer outside this engine.
  auto appended = store_->AppendBatch(requests, AppendOptions{.mode = BatchMode::kAtomic});
  if (!appended.ok()) {
    ZF_RETURN_IF_ERROR(Reload());
    return appended.status();
  }
  for (std::size_t i = 0; i < appended->size(); ++i) {
    results[request_owner[i]]->append = *(*appended)[i];
  }
  world_ = std::move(overlay);
  return results;
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
  return world_.rules.CalendarAsOf(instant);
}

Result<std::vector<PowerItemView>> EngineImpl::PowerItems(std::string_view as_of,
                                                          std::string_view item_code,
                                                          std::string_view subject) const {
  ZF_ASSIGN_OR_RETURN(Date date, AsOfDate(as_of));
  std::lock_guard lock(mu_);
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
  auto engine = std::make_unique<internal::EngineImpl>(options, std::move(store));
  ZF_RETURN_IF_ERROR(engine->Load());
  return std::unique_ptr<Engine>(std::move(engine));
}

Result<std::unique_ptr<Engine>> Engine::Open(const EngineOptions& options,
                                             std::string_view path) {
  ZF_ASSIGN_OR_RETURN(std::unique_ptr<EventStore> store,
                      OpenRocksDbEventStore(options.store, path));
  return Open(options, std::shared_ptr<EventStore>(std::move(store)));
}

}  // namespace zf
