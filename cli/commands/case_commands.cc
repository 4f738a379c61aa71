// Cases: `zfcli case list`, `case show`, `case history`. Public API only
// (zf/engine.h, zf/cases.h, zf/event_store.h).
#include <fmt/format.h>

#include <boost/json.hpp>
#include <functional>
#include <iostream>
#include <optional>

#include "cli.h"
#include "query.h"
#include "zf/cases.h"
#include "zf/engine.h"
#include "zf/event_json.h"

namespace po = boost::program_options;

namespace zfcli {
namespace {

// The docket filters shared by case list and deadlines.
void AddFilterOptions(po::options_description& options) {
  options.add_options()
      ("state", po::value<std::string>(), "lifecycle state id (e.g. investigating)")
      ("subject", po::value<std::string>(), "handling subject: township or department id")
      ("township", po::value<std::string>(), "township where the violation happened")
      ("area", po::value<std::string>(), "enforcement area id (its townships)")
      ("item", po::value<std::string>(), "power item code")
      ("party", po::value<std::string>(), "party id");
}

zf::CaseFilter FilterFrom(const po::variables_map& vm) {
  auto text = [&](const char* name) {
    return vm.count(name) ? vm[name].as<std::string>() : std::string();
  };
  zf::CaseFilter filter;
  filter.state = text("state");
  filter.handling_subject = text("subject");
  filter.township = text("township");
  filter.area = text("area");
  filter.item_code = text("item");
  filter.party = text("party");
  return filter;
}

boost::json::object SummaryJson(const zf::CaseSummary& c) {
  return {{"case_id", c.id},
          {"state", c.state},
          {"procedure", c.procedure},
          {"item_code", c.item_code},
          {"township", c.township},
          {"area", c.area},
          {"handling_subject", c.handling_subject},
          {"party_id", c.party_id},
          {"party_name", c.party_name},
          {"discovered_on", c.discovered_on},
          {"filed_on", c.filed_on},
          {"last_event_at", c.last_event_at},
          {"version", c.version},
          {"open", c.open}};
}

void PrintDocket(const GlobalOptions& g, const std::vector<zf::CaseSummary>& docket) {
  std::vector<std::vector<std::string>> rows;
  for (const zf::CaseSummary& c : docket) {
    rows.push_back({c.id, std::string(Label(g, c.state)), c.item_code, c.township,
                    c.handling_subject, c.filed_on, c.party_name});
  }
  PrintTable(g, "no_cases",
             {"case_id", "state", "item", "township", "handling_subject", "filed_on", "party"},
             {18, 14, 12, 12, 14, 12}, rows);
  if (!docket.empty()) std::cout << fmt::format("{} {}\n", docket.size(), Label(g, "cases"));
}

int RunCaseList(const GlobalOptions& defaults, const std::vector<std::string>& args,
                const Command& self) {
  po::options_description options("case list");
  AddFilterOptions(options);
  options.add_options()("open", po::bool_switch(), "only cases not in a final state");
  AddAsOfOptions(options);
  po::variables_map vm;
  GlobalOptions global = defaults;
  int exit_code = kExitOk;
  if (!ParseCommandLine(self, args, options, {}, &vm, &global, &exit_code)) return exit_code;
  zf::CaseFilter filter = FilterFrom(vm);
  filter.open_only = vm["open"].as<bool>();
  auto engine = OpenEngine(global, /*create=*/false, &exit_code);
  if (!engine) return exit_code;
  return PrintList(global, engine->ListCases(filter, AsOfFrom(vm)), SummaryJson, PrintDocket);
}

std::int64_t Int(const boost::json::object& o, std::string_view key) {
  const boost::json::value* v = o.if_contains(key);
  return v != nullptr && v->is_int64() ? v->as_int64() : 0;
}

std::string Str(const boost::json::object& o, std::string_view key) {
  const boost::json::value* v = o.if_contains(key);
  if (v == nullptr) return "";
  if (v->is_string()) return std::string(v->as_string());
  return boost::json::serialize(*v);
}

// A type's Chinese title (from its schema), or the id in English.
std::string TypeLabel(const GlobalOptions& g, std::string_view type) {
  const std::string title = zf::EventTypeTitle(type);
  return g.lang == Lang::kEn || title.empty() ? std::string(type) : title;
}

void PrintCase(const GlobalOptions& g, const boost::json::object& v) {
  std::cout << fmt::format("{} {}  [{}]\n", Label(g, "case_id"), Str(v, "case_id"),
                           Label(g, Str(v, "state")));
  std::cout << fmt::format("  {}: {} {}\n", Label(g, "item"), Str(v, "item_code"),
                           Str(v, "item_name"));
  std::cout << fmt::format("  {}: {}  {}: {}\n", Label(g, "township"), Str(v, "township"),
                           Label(g, "area"), Str(v, "area"));
  if (const auto* party = v.if_contains("party")) {
    std::cout << fmt::format("  {}: {} ({})\n", Label(g, "party"), Str(party->as_object(), "name"),
                             Str(party->as_object(), "id"));
  }
  if (!Str(v, "handling_subject").empty()) {
    std::cout << fmt::format("  {}: {}\n", Label(g, "handling_subject"),
                             Str(v, "handling_subject_name"));
  }
  std::cout << fmt::format("  {}: {}\n", Label(g, "discovered_on"), Str(v, "discovered_on"));
  if (const auto* filing = v.if_contains("filing")) {
    std::string handlers;
    for (const auto& h : filing->as_object().at("handlers").as_array()) {
      handlers += (handlers.empty() ? "" : ", ") + std::string(h.as_string());
    }
    std::cout << fmt::format("  {}: {}  {}: {}\n", Label(g, "filed_on"),
                             Str(filing->as_object(), "filed_on"), Label(g, "handlers"), handlers);
  }
  if (const auto* decision = v.if_contains("decision")) {
    const auto& d = decision->as_object();
    std::cout << fmt::format("  {}: {} {} {}: {} {}\n", Label(g, "decision"),
                             Label(g, "decision." + Str(d, "type")),
                             Str(d, "decided_on"), Label(g, "fine"),
                             d.at("fine_fen").as_int64() / 100, Label(g, "yuan"));
  }
  for (const auto& w : v.at("warnings").as_array()) {
    std::cout << fmt::format("  {}: {}\n", Label(g, "warnings"), w.as_string().c_str());
  }
  std::cout << fmt::format("  {}:\n", Label(g, "timeline"));
  for (const auto& entry : v.at("timeline").as_array()) {
    const auto& e = entry.as_object();
    std::cout << fmt::format("    {:>3}  {}  {}  {}\n", Str(e, "version"), Str(e, "at"),
                             PadRight(TypeLabel(g, Str(e, "type")), 24), Str(e, "actor"));
  }
}

// --as-actor/--role/--unit/--purpose: who reads the case. Given, the read
// is recorded in the access trail (zfcli access) before it is shown.
void AddReaderOptions(po::options_description& options) {
  options.add_options()
      ("as-actor", po::value<std::string>(), "record this read in the access trail as this officer")
      ("role", po::value<std::string>()->default_value(""), "the reader's role (with --as-actor)")
      ("unit", po::value<std::string>()->default_value(""), "the reader's unit (with --as-actor)")
      ("purpose", po::value<std::string>()->default_value(""), "why the case is read");
}

std::optional<zf::ReadContext> ReaderFrom(const po::variables_map& vm, std::string what) {
  if (!vm.count("as-actor")) return std::nullopt;
  zf::ReadContext read;
  read.reader = {vm["as-actor"].as<std::string>(), vm["role"].as<std::string>(),
                 vm["unit"].as<std::string>()};
  read.what = std::move(what);
  read.purpose = vm["purpose"].as<std::string>();
  return read;
}

// The command line of a command on one case: CASE_ID (positional), and
// --as-of/--at-position when `as_of`.
bool ParseCaseIdCommand(const Command& self, const std::vector<std::string>& args, bool as_of,
                        po::variables_map* vm, GlobalOptions* global, int* exit_code) {
  po::options_description options(self.name);
  options.add_options()("case-id", po::value<std::string>()->required(), "the case id");
  if (as_of) AddAsOfOptions(options);
  AddReaderOptions(options);
  po::positional_options_description positional;
  positional.add("case-id", 1);
  return ParseCommandLine(self, args, options, positional, vm, global, exit_code);
}

int RunCaseShow(const GlobalOptions& defaults, const std::vector<std::string>& args,
                const Command& self) {
  po::variables_map vm;
  GlobalOptions global = defaults;
  int exit_code = kExitOk;
  if (!ParseCaseIdCommand(self, args, /*as_of=*/true, &vm, &global, &exit_code)) return exit_code;
  auto engine = OpenEngine(global, /*create=*/false, &exit_code);
  if (!engine) return exit_code;
  const auto read = ReaderFrom(vm, "view");
  auto view = read ? engine->CaseView(vm["case-id"].as<std::string>(), AsOfFrom(vm), *read)
                   : engine->CaseView(vm["case-id"].as<std::string>(), AsOfFrom(vm));
  if (!view.ok()) return ReportError(global, view.status());
  if (global.json) {
    std::cout << boost::json::serialize(*view) << '\n';
  } else {
    PrintCase(global, *view);
  }
  return kExitOk;
}

// Parses CASE_ID, opens the store read-only and calls fn on every event of
// the case's stream in order. Returns the exit code (3 for no such case).
// With --as-actor the read is recorded (as `what`) before fn sees an event.
int ForEachCaseEvent(const GlobalOptions& defaults, const std::vector<std::string>& args,
                     const Command& self, GlobalOptions* global, std::string_view what,
                     const std::function<void(const zf::EventRecord&)>& fn) {
  po::variables_map vm;
  *global = defaults;
  int exit_code = kExitOk;
  if (!ParseCaseIdCommand(self, args, /*as_of=*/false, &vm, global, &exit_code)) return exit_code;
  const auto read = ReaderFrom(vm, std::string(what));
  std::unique_ptr<zf::EventStore> store;
  std::unique_ptr<zf::Engine> engine;
  if (read) {
    engine = OpenEngine(*global, /*create=*/false, &exit_code);
    if (!engine) return exit_code;
  } else {
    store = OpenStore(*global, /*read_only=*/true, &exit_code);
    if (!store) return exit_code;
  }
  zf::EventStore* events = read ? engine->store() : store.get();
  const std::string id = vm["case-id"].as<std::string>();
  std::vector<zf::EventRecord> stream;
  auto cursor = events->ReadStream("case/" + id, 1, zf::Direction::kForward);
  for (; cursor->Valid(); cursor->Next()) stream.push_back(cursor->event());
  if (!cursor->status().ok()) return ReportError(*global, cursor->status());
  if (stream.empty()) {
    return ReportError(*global, zf::NotFoundError("no case " + id).WithSubject("case_id"));
  }
  if (read) {
    if (zf::Status s = engine->RecordCaseAccess(id, *read); !s.ok()) {
      return ReportError(*global, s);
    }
  }
  for (const zf::EventRecord& e : stream) fn(e);
  return kExitOk;
}

int RunCaseHistory(const GlobalOptions& defaults, const std::vector<std::string>& args,
                   const Command& self) {
  GlobalOptions global;
  boost::json::array events;
  const int exit_code = ForEachCaseEvent(defaults, args, self, &global, "history",
                                         [&](const zf::EventRecord& e) {
    if (global.json) {
      events.push_back(zf::EventToJson(e));
      return;
    }
    std::cout << fmt::format("{:>3}  #{:<8} {}  {}  {}\n", e.version, e.position, e.occurred_at,
                             PadRight(TypeLabel(global, e.type), 24), e.actor.id);
    std::cout << "     " << boost::json::serialize(e.data) << '\n';
  });
  if (exit_code == kExitOk && global.json) std::cout << boost::json::serialize(events) << '\n';
  return exit_code;
}

boost::json::object DeadlineJson(const zf::DeadlineEntry& d) {
  return {{"case_id", d.case_id},   {"deadline", d.deadline_id}, {"label", d.label},
          {"bearer", d.bearer},     {"due_on", d.due_on},        {"days_left", d.days_left},
          {"breached", d.breached}, {"basis", d.basis},          {"state", d.state},
          {"township", d.township}, {"handling_subject", d.handling_subject}};
}

void PrintDeadlines(const GlobalOptions& g, const std::vector<zf::DeadlineEntry>& list) {
  std::vector<std::vector<std::string>> rows;
  for (const zf::DeadlineEntry& d : list) {
    const std::string left = d.breached
                                 ? fmt::format("{} {}", Label(g, "overdue"), -d.days_left)
                                 : std::to_string(d.days_left);
    // The engine names the act in Chinese; the label table has it in English.
    const std::string label =
        g.lang == Lang::kEn ? std::string(Label(g, "act." + d.deadline_id)) : d.label;
    rows.push_back({d.case_id, d.deadline_id, label, d.due_on, left, d.handling_subject, d.basis});
  }
  PrintTable(g, "no_deadlines",
             {"case_id", "deadline", "deadline_name", "due", "days_left", "handling_subject",
              "basis"},
             {18, 8, 22, 12, 12, 14}, rows);
}

int RunDeadlines(const GlobalOptions& defaults, const std::vector<std::string>& args,
                 const Command& self) {
  po::options_description options("deadlines");
  AddFilterOptions(options);
  options.add_options()
      ("within", po::value<int>(), "only deadlines due within N days (not yet breached)")
      ("breached", po::bool_switch(), "only deadlines already breached");
  AddAsOfOptions(options);
  po::variables_map vm;
  GlobalOptions global = defaults;
  int exit_code = kExitOk;
  if (!ParseCommandLine(self, args, options, {}, &vm, &global, &exit_code)) return exit_code;
  zf::DeadlineQuery query;
  query.cases = FilterFrom(vm);
  query.breached_only = vm["breached"].as<bool>();
  if (vm.count("within")) query.due_within_days = vm["within"].as<int>();
  if (query.breached_only && query.due_within_days >= 0) {
    std::cerr << "zfcli deadlines: --within and --breached exclude each other\n";
    return kExitUsage;
  }
  auto engine = OpenEngine(global, /*create=*/false, &exit_code);
  if (!engine) return exit_code;
  return PrintList(global, engine->Deadlines(query, AsOfFrom(vm)), DeadlineJson, PrintDeadlines);
}


// --- case explain ----------------------------------------------------------
// Reads the case's own events: each decision records the rule versions and
// the evaluation it was judged on, so the explanation is what was decided
// then, not a re-computation with today's rules.

void ExplainFiling(const GlobalOptions& g, const boost::json::object& d) {
  std::cout << fmt::format("{} {} — {}\n", Label(g, "filed_on"), Str(d, "filed_on"),
                           Str(d, "issuer_name"));
  std::cout << fmt::format("  {}: {} v{}  {}: {} ({})\n", Label(g, "item"), Str(d, "item_code"),
                           Str(d, "item_version"), Label(g, "reason"),
                           Label(g, Str(d, "competence_reason")), Str(d, "competence_reason"));
  std::cout << fmt::format("  {}: {}\n", Label(g, "legal_basis"), Str(d, "competence_basis"));
  if (d.contains("limitation_years")) {
    std::cout << fmt::format("  {}: {} {}{}\n", Label(g, "limitation"), Str(d, "limitation_years"),
                             Label(g, "years"),
                             d.contains("limitation_last_day")
                                 ? fmt::format(" ({} {})", Label(g, "until"),
                                               Str(d, "limitation_last_day"))
                                 : "");
  }
}

void ExplainEvaluation(const GlobalOptions& g, const boost::json::object& ev) {
  if (const auto* fine = ev.if_contains("fine"); fine != nullptr && fine->is_object()) {
    const auto& f = fine->as_object();
    std::cout << fmt::format("  {}: {} v{} ({}), {} {}..{} {}\n", Label(g, "benchmark"),
                             Str(ev, "benchmark_id"), Str(ev, "benchmark_version"),
                             Str(f, "level"), Str(f, "adjustment"),
                             Int(f, "allowed_min_fen") / 100, Int(f, "allowed_max_fen") / 100,
                             Label(g, "yuan"));
  }
  if (const auto* law = ev.if_contains("law_in_time"); law != nullptr && law->is_object()) {
    std::cout << fmt::format("  {}: {} — {}\n", Label(g, "law_in_time"),
                             Str(law->as_object(), "applied"), Str(law->as_object(), "why"));
  }
  if (const auto* entries = ev.if_contains("entries"); entries != nullptr && entries->is_array()) {
    for (const auto& item : entries->as_array()) {
      const auto& e = item.as_object();
      std::cout << fmt::format("  {} {} v{} [{}{}]: {}\n", Label(g, "list_entry"),
                               Str(e, "entry_id"), Str(e, "version"), Str(e, "list_kind"),
                               e.contains("mandatory") && e.at("mandatory").as_bool() ? ", mandatory" : "",
                               Str(e, "status"));
      if (const auto* conditions = e.if_contains("conditions")) {
        for (const auto& c : conditions->as_array()) {
          const auto& co = c.as_object();
          std::cout << fmt::format("      {} {}: {}\n",
                                   co.at("met").as_bool() ? "✓" : "✗", Str(co, "code"),
                                   Str(co, "why"));
        }
      }
    }
  }
}

void ExplainDecision(const GlobalOptions& g, const boost::json::object& d) {
  std::cout << fmt::format("{} {} {} — {} {}\n", Label(g, "decision"), Str(d, "decided_on"),
                           Label(g, "decision." + Str(d, "decision_type")),
                           Str(d, "document_number"), Str(d, "issuer_name"));
  std::string types;
  if (const auto* list = d.if_contains("penalty_types"); list != nullptr && list->is_array()) {
    for (const auto& t : list->as_array()) {
      types += (types.empty() ? "" : ", ") + std::string(t.as_string());
    }
  }
  std::cout << fmt::format("  {}: {}  {}: {} {}\n", Label(g, "penalty_types"), types,
                           Label(g, "fine"),
                           Int(d, "fine_fen") / 100, Label(g, "yuan"));
  if (d.contains("decision_due_on")) {
    std::cout << fmt::format("  D9 {}: {} ({})\n", Label(g, "due"), Str(d, "decision_due_on"),
                             Str(d, "within_decision_limit"));
  }
  if (const auto* ev = d.if_contains("evaluation"); ev != nullptr && ev->is_object()) {
    ExplainEvaluation(g, ev->as_object());
  }
  if (const auto* relief = d.if_contains("relief"); relief != nullptr && relief->is_object()) {
    std::cout << fmt::format("  {}: {}\n", Label(g, "relief"), Str(relief->as_object(), "text"));
  }
}

// Explains one event, if it is one a decision rests on.
void ExplainEvent(const GlobalOptions& global, const zf::EventRecord& e,
                  boost::json::array* explained) {
  const bool relevant = e.type == "case_filed" || e.type == "decision_made" ||
                        e.type == "on_spot_decision_issued" ||
                        e.type == "investigation_concluded" || e.type == "deadline_breached" ||
                        e.type == "deadline_extended" || e.type == "clock_paused" ||
                        e.type == "competence_warning_raised";
  if (!relevant || !e.data.is_object()) return;
  const auto& d = e.data.as_object();
  if (global.json) {
    explained->push_back({{"version", e.version}, {"type", e.type}, {"occurred_at", e.occurred_at},
                          {"hash", e.hash}, {"data", d}});
    return;
  }
  std::cout << fmt::format("\n#{} {} {}\n", e.version, e.occurred_at, TypeLabel(global, e.type));
  if (e.type == "case_filed") {
    ExplainFiling(global, d);
  } else if (e.type == "decision_made" || e.type == "on_spot_decision_issued") {
    ExplainDecision(global, d);
  } else if (e.type == "investigation_concluded") {
    if (const auto* ev = d.if_contains("evaluation"); ev != nullptr && ev->is_object()) {
      ExplainEvaluation(global, ev->as_object());
    }
  } else {
    std::cout << "  " << boost::json::serialize(d) << '\n';
  }
}

int RunCaseExplain(const GlobalOptions& defaults, const std::vector<std::string>& args,
                   const Command& self) {
  GlobalOptions global;
  boost::json::array explained;
  const int exit_code = ForEachCaseEvent(
      defaults, args, self, &global, "explain",
      [&](const zf::EventRecord& e) { ExplainEvent(global, e, &explained); });
  if (exit_code == kExitOk && global.json) std::cout << boost::json::serialize(explained) << '\n';
  return exit_code;
}

const Registrar kCaseExplain(MakeCommand<RunCaseExplain>(
    "case explain", "why each decision was lawful: competence, rule versions, list entries, "
    "benchmark range, law in time, deadlines", "案件决定说明（主体、规则版本、清单条目、裁量基准、期限）",
    "CASE_ID [--as-actor ID --role R --unit U [--purpose TEXT]]"));
const Registrar kDeadlines(MakeCommand<RunDeadlines>(
    "deadlines", "open deadlines of cases: due soon or breached, with the rule and the dates",
    "办案期限：即将到期或已超期的期限及其依据",
    "[--township ID] [--subject ID] [--area ID] [--state S] [--item CODE] [--party ID] "
    "[--within N | --breached] [--as-of T] [--at-position N]"));
const Registrar kCaseList(MakeCommand<RunCaseList>(
    "case list", "the docket: cases by state, subject, township, area, item or party",
    "案件列表（按状态、执法主体、乡镇、片区、事项、当事人筛选）",
    "[--state S] [--subject ID] [--township ID] [--area ID] [--item CODE] [--party ID] [--open] "
    "[--as-of T] [--at-position N]"));
const Registrar kCaseShow(MakeCommand<RunCaseShow>(
    "case show", "one case: state, party, subject, decision and timeline", "案件详情",
    "CASE_ID [--as-of T] [--at-position N] [--as-actor ID --role R --unit U [--purpose TEXT]]"));
const Registrar kCaseHistory(MakeCommand<RunCaseHistory>(
    "case history", "every event of a case, in order, with its data", "案件事件记录",
    "CASE_ID [--as-actor ID --role R --unit U [--purpose TEXT]]"));

}  // namespace
}  // namespace zfcli
