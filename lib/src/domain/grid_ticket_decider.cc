// Grid tickets (网格工单, docs/domain.md, The grid): a grid worker reports, the smart
// governance centre's dispatcher triages and dispatches to member units,
// a unit receives (签收) and handles it — or returns it as the wrong unit —
// and gives feedback, which the dispatcher verifies before closing.
// A suspected violation becomes a clue at the competent subject
// (register_clue with grid_ticket_id); its D2 clock starts on the day that
// subject received the dispatch (see clue_decider.cc).
#include <algorithm>
#include <utility>

#include <fmt/format.h>

#include "domain/case_helpers.h"
#include "domain/grid_ticket_state.h"

namespace zf::internal {

const TicketDispatch* GridTicketState::DispatchTo(std::string_view subject) const {
  for (auto it = dispatches.rbegin(); it != dispatches.rend(); ++it) {
    if (!it->returned && it->subject == subject) return &*it;
  }
  return nullptr;
}

namespace {

constexpr std::string_view kGridBasis = "《福建省乡镇（街道）片区联合执法试点工作方案》（闽委编办〔2023〕128号） (grid tickets; states [U])";

const GridTicketState* Ticket(const DecisionContext& context) {
  return context.cases.FindGridTicket(context.command.target);
}

std::optional<Rejection> RequireTicket(const DecisionContext& context) {
  if (Ticket(context) != nullptr) return std::nullopt;
  return Rejection{"ticket_not_found",
                   fmt::format("no grid ticket {} was reported", context.command.target),
                   std::string(kGridBasis), "/ticket_id"};
}

Rejection TicketInvalidState(const GridTicketState& t, std::string_view command,
                             std::string_view needed) {
  return Rejection{"invalid_state",
                   fmt::format("grid ticket {} is {}; {} needs {}", t.id, t.state, command, needed),
                   std::string(kGridBasis), "/command"};
}

bool HasRole(const Officer* o, std::string_view role) {
  return o != nullptr && std::find(o->roles.begin(), o->roles.end(), role) != o->roles.end();
}

// The actor must be a dispatcher of the governance centre (docs/domain.md, Roles).
std::optional<Rejection> RequireDispatcher(const DecisionContext& context) {
  const OrgModel& org = context.rules.org();
  const Officer* o = org.FindOfficer(context.command.actor.id);
  const Department* d = o != nullptr ? org.FindDepartment(o->agency) : nullptr;
  if (HasRole(o, "dispatcher") && d != nullptr && d->designation == "governance_center") {
    return std::nullopt;
  }
  return Rejection{"not_dispatcher",
                   fmt::format("{} is not a dispatcher (调度员) of the smart governance centre",
                               context.command.actor.id),
                   "《福建省乡镇（街道）片区联合执法试点工作方案》（闽委编办〔2023〕128号） (the governance centre's dispatcher triages, dispatches, verifies feedback, closes tickets)",
                   "/actor/id"};
}

// The actor's unit must have a live dispatch of the ticket.
std::optional<Rejection> RequireDispatched(const DecisionContext& context,
                                           const GridTicketState& t) {
  const std::string subject = SubjectOfUnit(context);
  if (t.DispatchTo(subject) != nullptr) return std::nullopt;
  return Rejection{"not_dispatched_to_unit",
                   fmt::format("grid ticket {} is not dispatched to {}", t.id, subject),
                   std::string(kGridBasis), "/actor/unit"};
}

boost::json::object WithDate(const DecisionContext& context, std::string_view field) {
  boost::json::object event = Data(context);
  event[field] = context.date().ToString();
  return event;
}

Decision DecideReport(const DecisionContext& context) {
  const boost::json::object& data = Data(context);
  if (Ticket(context) != nullptr) {
    return Reject("ticket_exists",
                  fmt::format("grid ticket {} is already reported", context.command.target),
                  std::string(kGridBasis), "/ticket_id");
  }
  const OrgModel& org = context.rules.org();
  if (!HasRole(org.FindOfficer(context.command.actor.id), "grid_worker")) {
    return Reject("not_grid_worker",
                  fmt::format("{} is not a grid worker (网格员)", context.command.actor.id),
                  "《福建省乡镇（街道）片区联合执法试点工作方案》（闽委编办〔2023〕128号） (a grid worker reports problems with location and photos)", "/actor/id");
  }
  const std::string micro_grid = Text(data, "micro_grid");
  const GridNode* node = org.FindGridNode(micro_grid);
  const Township* township = org.TownshipOfGridNode(micro_grid);
  if (node == nullptr || township == nullptr || node->level != GridLevel::kMicroGrid) {
    return Reject("unknown_grid_node",
                  fmt::format("{} is not a micro-grid registered in org", micro_grid),
                  std::string(kGridBasis), DataPointer("micro_grid"));
  }
  boost::json::object event = WithDate(context, "reported_on");
  event["township"] = township->id;
  event["reported_by"] = context.command.actor.id;
  return Events(Emit("grid_ticket_reported", std::move(event)));
}

Decision DecideTriage(const DecisionContext& context) {
  if (auto r = RequireTicket(context)) return *r;
  const GridTicketState& t = *Ticket(context);
  if (t.state != "reported") return TicketInvalidState(t, "triage_ticket", "a reported ticket");
  if (auto r = RequireDispatcher(context)) return *r;
  return Events(Emit("ticket_triaged", WithDate(context, "triaged_on")));
}

Decision DecideDispatch(const DecisionContext& context) {
  if (auto r = RequireTicket(context)) return *r;
  const GridTicketState& t = *Ticket(context);
  if (t.state != "triaged" && t.state != "returned") {
    return TicketInvalidState(t, "dispatch_ticket", "a triaged or returned ticket");
  }
  if (auto r = RequireDispatcher(context)) return *r;
  const OrgModel& org = context.rules.org();
  boost::json::array units;
  const std::vector<std::string> named = TextList(Data(context), "units");
  for (std::size_t i = 0; i < named.size(); ++i) {
    const Brigade* brigade = org.FindBrigade(named[i]);
    const std::string subject = brigade != nullptr ? brigade->township : named[i];
    if (!org.IsAgency(subject)) {
      return Reject("unknown_unit",
                    fmt::format("{} is not a member unit (agency or brigade) in org", named[i]),
                    std::string(kGridBasis), fmt::format("/data/units/{}", i));
    }
    units.push_back(boost::json::object{{"unit", named[i]}, {"subject", subject}});
  }
  boost::json::object event = WithDate(context, "dispatched_on");
  event["units"] = std::move(units);
  return Events(Emit("ticket_dispatched", std::move(event)));
}

Decision DecideAcceptDispatch(const DecisionContext& context) {
  if (auto r = RequireTicket(context)) return *r;
  const GridTicketState& t = *Ticket(context);
  if (t.state != "dispatched" && t.state != "handling") {
    return TicketInvalidState(t, "accept_dispatch", "a dispatched ticket");
  }
  if (auto r = RequireDispatched(context, t)) return *r;
  if (t.DispatchTo(SubjectOfUnit(context))->accepted_on) {
    return Reject("already_accepted",
                  fmt::format("{} already received grid ticket {}", SubjectOfUnit(context), t.id),
                  std::string(kGridBasis), "/command");
  }
  boost::json::object event = WithDate(context, "accepted_on");
  event["subject"] = SubjectOfUnit(context);
  return Events(Emit("dispatch_accepted", std::move(event)));
}

Decision DecideReturn(const DecisionContext& context) {
  if (auto r = RequireTicket(context)) return *r;
  const GridTicketState& t = *Ticket(context);
  if (t.state != "dispatched" && t.state != "handling") {
    return TicketInvalidState(t, "return_ticket", "a dispatched ticket");
  }
  if (auto r = RequireDispatched(context, t)) return *r;
  boost::json::object event = WithDate(context, "returned_on");
  event["subject"] = SubjectOfUnit(context);
  return Events(Emit("ticket_returned", std::move(event)));
}

Decision DecideSubmitFeedback(const DecisionContext& context) {
  if (auto r = RequireTicket(context)) return *r;
  const GridTicketState& t = *Ticket(context);
  if (t.state != "handling") {
    return TicketInvalidState(t, "submit_feedback", "a ticket being handled");
  }
  if (auto r = RequireDispatched(context, t)) return *r;
  const std::string subject = SubjectOfUnit(context);
  if (!t.DispatchTo(subject)->accepted_on) {
    return TicketInvalidState(t, "submit_feedback",
                              fmt::format("{} to have received the dispatch (accept_dispatch)",
                                          subject));
  }
  const std::vector<std::string> case_ids = TextList(Data(context), "case_ids");
  for (std::size_t i = 0; i < case_ids.size(); ++i) {
    const CaseState* c = context.cases.FindCase(case_ids[i]);
    if (c == nullptr || c->clue.grid_ticket_id != t.id) {
      return Reject("case_not_from_ticket",
                    fmt::format("{} is not a clue raised from grid ticket {}", case_ids[i], t.id),
                    std::string(kGridBasis), fmt::format("/data/case_ids/{}", i));
    }
  }
  boost::json::object event = WithDate(context, "submitted_on");
  event["subject"] = subject;
  return Events(Emit("feedback_submitted", std::move(event)));
}

Decision DecideVerifyFeedback(const DecisionContext& context) {
  if (auto r = RequireTicket(context)) return *r;
  const GridTicketState& t = *Ticket(context);
  if (t.state != "feedback_submitted") {
    return TicketInvalidState(t, "verify_feedback", "submitted feedback");
  }
  if (auto r = RequireDispatcher(context)) return *r;
  return Events(Emit("feedback_verified", WithDate(context, "verified_on")));
}

Decision DecideClose(const DecisionContext& context) {
  if (auto r = RequireTicket(context)) return *r;
  const GridTicketState& t = *Ticket(context);
  if (t.state != "verified") return TicketInvalidState(t, "close_ticket", "verified feedback");
  if (auto r = RequireDispatcher(context)) return *r;
  return Events(Emit("ticket_closed", WithDate(context, "closed_on")));
}

// --- Evolvers ------------------------------------------------------------------

TicketDispatch* LiveDispatch(GridTicketState& t, std::string_view subject) {
  return const_cast<TicketDispatch*>(std::as_const(t).DispatchTo(subject));
}

Status EvolveReported(GridTicketState& t, const EventRecord& e) {
  ZF_ASSIGN_OR_RETURN(t.micro_grid, EventText(e, "micro_grid"));
  ZF_ASSIGN_OR_RETURN(t.township, EventText(e, "township"));
  ZF_ASSIGN_OR_RETURN(t.category, EventText(e, "category"));
  ZF_ASSIGN_OR_RETURN(t.reported_by, EventText(e, "reported_by"));
  ZF_ASSIGN_OR_RETURN(t.reported_on, EventDate(e, "reported_on"));
  if (const auto* photos = e.data.as_object().if_contains("photos"); photos && photos->is_array()) {
    for (const auto& p : photos->as_array()) {
      if (p.is_object()) t.photo_digests.push_back(Text(p.as_object(), "sm3"));
    }
  }
  t.state = "reported";
  return Status::Ok();
}

Status EvolveTriaged(GridTicketState& t, const EventRecord& e) {
  if (const std::string category = Text(e.data.as_object(), "category"); !category.empty()) {
    t.category = category;
  }
  t.state = "triaged";
  return Status::Ok();
}

Status EvolveDispatched(GridTicketState& t, const EventRecord& e) {
  ZF_ASSIGN_OR_RETURN(Date on, EventDate(e, "dispatched_on"));
  const auto* units = e.data.as_object().if_contains("units");
  if (units == nullptr || !units->is_array()) {
    return CorruptionError("ticket_dispatched lacks data.units").WithSubject("units");
  }
  for (const auto& u : units->as_array()) {
    if (!u.is_object()) return CorruptionError("ticket_dispatched: a unit is not an object");
    TicketDispatch d;
    d.unit = Text(u.as_object(), "unit");
    d.subject = Text(u.as_object(), "subject");
    d.dispatched_on = on;
    t.dispatches.push_back(std::move(d));
  }
  t.state = "dispatched";
  return Status::Ok();
}

Status EvolveAccepted(GridTicketState& t, const EventRecord& e) {
  ZF_ASSIGN_OR_RETURN(std::string subject, EventText(e, "subject"));
  ZF_ASSIGN_OR_RETURN(Date on, EventDate(e, "accepted_on"));
  TicketDispatch* d = LiveDispatch(t, subject);
  if (d == nullptr) return CorruptionError(fmt::format("no live dispatch to {}", subject));
  d->accepted_on = on;
  t.state = "handling";
  return Status::Ok();
}

Status EvolveReturned(GridTicketState& t, const EventRecord& e) {
  ZF_ASSIGN_OR_RETURN(std::string subject, EventText(e, "subject"));
  TicketDispatch* d = LiveDispatch(t, subject);
  if (d == nullptr) return CorruptionError(fmt::format("no live dispatch to {}", subject));
  d->returned = true;
  const bool any_live = std::any_of(t.dispatches.begin(), t.dispatches.end(),
                                    [](const TicketDispatch& x) { return !x.returned; });
  if (!any_live) t.state = "returned";
  return Status::Ok();
}

Status EvolveFeedback(GridTicketState& t, const EventRecord& e) {
  ZF_ASSIGN_OR_RETURN(t.feedback_by, EventText(e, "subject"));
  t.case_ids = TextList(e.data.as_object(), "case_ids");
  t.state = "feedback_submitted";
  return Status::Ok();
}

Status EvolveVerified(GridTicketState& t, const EventRecord& e) {
  ZF_ASSIGN_OR_RETURN(std::string outcome, EventText(e, "outcome"));
  t.state = outcome == "accepted" ? "verified" : "handling";
  return Status::Ok();
}

Status EvolveClosed(GridTicketState& t, const EventRecord&) {
  t.state = "closed";
  return Status::Ok();
}

struct TicketEvolver {
  std::string_view type;
  Status (*evolve)(GridTicketState&, const EventRecord&);
};

constexpr TicketEvolver kTicketEvolvers[] = {
    {"grid_ticket_reported", &EvolveReported}, {"ticket_triaged", &EvolveTriaged},
    {"ticket_dispatched", &EvolveDispatched},  {"dispatch_accepted", &EvolveAccepted},
    {"ticket_returned", &EvolveReturned},      {"feedback_submitted", &EvolveFeedback},
    {"feedback_verified", &EvolveVerified},    {"ticket_closed", &EvolveClosed},
};

}  // namespace

Status EvolveGridTicket(GridTicketState& state, const EventRecord& event) {
  const TicketEvolver* evolver = nullptr;
  for (const TicketEvolver& e : kTicketEvolvers) {
    if (e.type == event.type) evolver = &e;
  }
  if (evolver == nullptr || !event.data.is_object()) {
    return CorruptionError(fmt::format("{} v{}: no grid ticket event '{}' with object data",
                                       event.stream, event.version, event.type))
        .WithSubject(event.stream);
  }
  state.version = event.version;
  Status s = evolver->evolve(state, event);
  if (!s.ok()) {
    return CorruptionError(fmt::format("{} v{} ({}): {}", event.stream, event.version, event.type,
                                       s.message()))
        .WithSubject(event.stream);
  }
  return Status::Ok();
}

const std::vector<CommandSpec>& GridTicketCommandSpecs() {
  static const std::vector<CommandSpec> kSpecs = {
      {"report_grid_ticket", "ticket_id", kGridTicketStreamPrefix, &DecideReport},
      {"triage_ticket", "ticket_id", kGridTicketStreamPrefix, &DecideTriage},
      {"dispatch_ticket", "ticket_id", kGridTicketStreamPrefix, &DecideDispatch},
      {"accept_dispatch", "ticket_id", kGridTicketStreamPrefix, &DecideAcceptDispatch},
      {"return_ticket", "ticket_id", kGridTicketStreamPrefix, &DecideReturn},
      {"submit_feedback", "ticket_id", kGridTicketStreamPrefix, &DecideSubmitFeedback},
      {"verify_feedback", "ticket_id", kGridTicketStreamPrefix, &DecideVerifyFeedback},
      {"close_ticket", "ticket_id", kGridTicketStreamPrefix, &DecideClose},
  };
  return kSpecs;
}

}  // namespace zf::internal
