// Cases: `zfcli case list`, `case show`, `case history`. Public API only
// (zf/engine.h, zf/cases.h, zf/event_store.h).
#include <fmt/format.h>

#include <boost/json.hpp>
#include <functional>
#include <iostream>
#include <optional>

#include "cli.h"
#include "explain_text.h"
#include "json_forms.h"
#include "query.h"
#include "server/org_directory.h"
#include "zf/cases.h"
#include "zf/engine.h"
#include "zf/event_json.h"
#include "zf/text_format.h"

namespace po = boost::program_options;

namespace zfcli {
namespace {

// Who reads (--as-actor, below).
void AddReaderOptions(po::options_description& options);
std::optional<zf::ReadContext> ReaderFrom(const po::variables_map& vm, std::string what);
bool CheckReaderOptions(const GlobalOptions& global, const Command& self,
                        const po::variables_map& vm, int* exit_code);
zf::Status LimitListToTownship(const GlobalOptions& g, zf::Engine& engine,
                               const std::optional<zf::ReadContext>& read, std::string* township);

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

// The docket for people: township and handling subject by name from the
// organisation (`names`, OrgNames), the id beside each.
void PrintDocket(const GlobalOptions& g, const std::vector<zf::CaseSummary>& docket,
                 const boost::json::object& names) {
  std::vector<std::vector<std::string>> rows;
  for (const zf::CaseSummary& c : docket) {
    rows.push_back({c.id, std::string(Label(g, c.state)), c.item_code,
                    NamedId(g, names, {"townships"}, c.township),
                    SubjectName(g, names, c.handling_subject), c.filed_on, c.party_name});
  }
  PrintTable(g, "no_cases",
             {"case_id", "state", "item", "township", "handling_subject", "filed_on", "party"},
             {18, 14, 12, 22, 32, 12}, rows);
  if (!docket.empty()) std::cout << fmt::format("{} {}\n", docket.size(), Label(g, "cases"));
}

int RunCaseList(const GlobalOptions& defaults, const std::vector<std::string>& args,
                const Command& self) {
  po::options_description options("case list");
  AddFilterOptions(options);
  options.add_options()("open", po::bool_switch(), "only cases not in a final state");
  AddAsOfOptions(options);
  AddReaderOptions(options);
  po::variables_map vm;
  GlobalOptions global = defaults;
  int exit_code = kExitOk;
  if (!ParseCommandLine(self, args, options, {}, &vm, &global, &exit_code)) return exit_code;
  if (!CheckReaderOptions(global, self, vm, &exit_code)) return exit_code;
  zf::CaseFilter filter = FilterFrom(vm);
  filter.open_only = vm["open"].as<bool>();
  auto engine = OpenEngine(global, StoreAccess::kRead, &exit_code);
  if (!engine) return exit_code;
  if (zf::Status s = LimitListToTownship(global, *engine, ReaderFrom(vm, "view"), &filter.township);
      !s.ok()) {
    return ReportError(global, s);
  }
  auto docket = engine->ListCases(filter, AsOfFrom(vm));
  const boost::json::object names = global.json ? boost::json::object() : OrgNames(*engine);
  return PrintList(global, docket, SummaryJson,
                   [&](const GlobalOptions& g, const std::vector<zf::CaseSummary>& list) {
                     PrintDocket(g, list, names);
                   });
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

// One case for people: township, area, handlers and the timeline's actors by
// name from the organisation (`names`, OrgDirectory::Names), with the id.
void PrintCase(const GlobalOptions& g, const boost::json::object& v,
               const boost::json::object& names) {
  std::cout << fmt::format("{} {}  [{}]\n", Label(g, "case_id"), Str(v, "case_id"),
                           Label(g, Str(v, "state")));
  std::cout << fmt::format("  {}: {} {}\n", Label(g, "item"), Str(v, "item_code"),
                           Str(v, "item_name"));
  std::cout << fmt::format("  {}: {}  {}: {}\n", Label(g, "township"),
                           NamedId(g, names, {"townships"}, Str(v, "township")), Label(g, "area"),
                           NamedId(g, names, {"areas"}, Str(v, "area")));
  if (const auto* party = v.if_contains("party")) {
    std::cout << fmt::format("  {}: {} ({})\n", Label(g, "party"), Str(party->as_object(), "name"),
                             Str(party->as_object(), "id"));
  }
  if (!Str(v, "handling_subject").empty()) {
    std::cout << fmt::format("  {}: {}\n", Label(g, "handling_subject"),
                             SubjectName(g, names, Str(v, "handling_subject")));
  }
  std::cout << fmt::format("  {}: {}\n", Label(g, "discovered_on"), Str(v, "discovered_on"));
  if (const auto* filing = v.if_contains("filing")) {
    std::string handlers;
    for (const auto& h : filing->as_object().at("handlers").as_array()) {
      handlers += (handlers.empty() ? "" : ", ") +
                  NamedId(g, names, {"officers"}, std::string(h.as_string()));
    }
    std::cout << fmt::format("  {}: {}  {}: {}\n", Label(g, "filed_on"),
                             Str(filing->as_object(), "filed_on"), Label(g, "handlers"), handlers);
  }
  if (const auto* decision = v.if_contains("decision")) {
    const auto& d = decision->as_object();
    std::cout << fmt::format("  {}: {} {} {}: {}\n", Label(g, "decision"),
                             Label(g, "decision." + Str(d, "type")),
                             Str(d, "decided_on"), Label(g, "fine"),
                             zf::YuanText(d.at("fine_fen").as_int64(),
                                          g.lang == Lang::kEn ? zf::Language::kEn
                                                              : zf::Language::kZh));
  }
  for (const auto& w : v.at("warnings").as_array()) {
    std::cout << fmt::format("  {}: {}\n", Label(g, "warnings"), w.as_string().c_str());
  }
  std::cout << fmt::format("  {}:\n", Label(g, "timeline"));
  for (const auto& entry : v.at("timeline").as_array()) {
    const auto& e = entry.as_object();
    std::cout << fmt::format("    {:>3}  {}  {}  {}\n", Str(e, "version"), Str(e, "at"),
                             PadRight(TypeLabel(g, Str(e, "type")), 24),
                             NamedId(g, names, {"officers"}, Str(e, "actor")));
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

// The reader options name one reader in full (issue 17: the trail took any
// --as-actor, with an empty role or unit, and --role alone was ignored):
// --role, --unit and --purpose only with --as-actor, and --as-actor with a
// role and a unit. Otherwise a usage error naming the option.
bool CheckReaderOptions(const GlobalOptions& global, const Command& self,
                        const po::variables_map& vm, int* exit_code) {
  const bool en = global.lang == Lang::kEn;
  if (!vm.count("as-actor")) {
    for (const char* option : {"role", "unit", "purpose"}) {
      if (vm[option].as<std::string>().empty()) continue;
      *exit_code = ReportUsage(
          global, self.name,
          en ? fmt::format("--{} describes the reader of --as-actor; give --as-actor too", option)
             : fmt::format("--{} 说明 --as-actor 所指查阅人，须同时给出 --as-actor", option));
      return false;
    }
    return true;
  }
  for (const char* option : {"as-actor", "role", "unit"}) {
    const std::string& value = vm[option].as<std::string>();
    if (!value.empty() && value.find_first_not_of(" \t") != std::string::npos) continue;
    *exit_code = ReportUsage(
        global, self.name,
        en ? fmt::format("--{} must not be empty: the access trail names the reader's id, role "
                         "and unit",
                         option)
           : fmt::format("--{} 不能为空：查阅记录须写明查阅人的编号、角色和单位", option));
    return false;
  }
  return true;
}

// A reader whose unit is a township or its brigade reads only that
// township's cases, as a township token does through the server
// (docs/cli.md, "Who may read which case"). The township of the reader's
// unit (--unit), or "" when the reader is not limited.
zf::Result<std::string> ReaderTownship(zf::Engine& engine, const zf::ReadContext& read) {
  ZF_ASSIGN_OR_RETURN(zf::Organisation org, engine.OrganisationNow());
  return org.TownshipOf(read.reader.unit);
}

// The refusal (exit 4, failed_precondition, field --as-actor) when a
// limited reader names another township's case; OK otherwise, and when
// there is no such case (the read itself then says so).
zf::Status OutsideTownship(const GlobalOptions& g, zf::Engine& engine,
                           const zf::ReadContext& read, const std::string& case_id) {
  ZF_ASSIGN_OR_RETURN(std::string township, ReaderTownship(engine, read));
  if (township.empty()) return zf::Status::Ok();
  auto view = engine.CaseView(case_id);
  if (!view.ok()) return zf::Status::Ok();
  const std::string where = Str(*view, "township");
  const std::string subject = Str(*view, "handling_subject");
  if (where == township || subject == township) return zf::Status::Ok();
  const bool en = g.lang == Lang::kEn;
  // People read this: the units by name, the ids beside them.
  const boost::json::object names = OrgNames(engine);
  const std::string reader = NamedId(g, names, {"officers"}, read.reader.id);
  const std::string unit = NamedId(g, names, kUnitKinds, read.reader.unit);
  const std::string own = NamedId(g, names, {"townships"}, township);
  const std::string place = NamedId(g, names, {"townships"}, where);
  // A clue not yet taken up has no handling subject.
  const std::string handler =
      subject.empty() ? ""
      : en            ? fmt::format(" and is handled by {}", SubjectName(g, names, subject))
                      : fmt::format("，由 {} 办理", SubjectName(g, names, subject));
  return zf::FailedPreconditionError(
             en ? fmt::format("outside_township: reader {}, of unit {}, reads only the cases of "
                              "the township {}; case {} happened in {}{}",
                              reader, unit, own, case_id, place, handler)
                : fmt::format("outside_township：查阅人 {}，单位 {}，只能查阅本乡镇 {} 的案件；"
                              "案件 {} 发生在 {}{}",
                              reader, unit, own, case_id, place, handler))
      .WithSubject("--as-actor");
}

// For a list read with --as-actor: a limited reader's list is its
// township's (`township`, the filter's, is set to it); another township is
// refused as above.
zf::Status LimitListToTownship(const GlobalOptions& g, zf::Engine& engine,
                               const std::optional<zf::ReadContext>& read, std::string* township) {
  if (!read) return zf::Status::Ok();
  ZF_ASSIGN_OR_RETURN(std::string own, ReaderTownship(engine, *read));
  if (own.empty()) return zf::Status::Ok();
  if (township->empty()) *township = own;
  if (*township == own) return zf::Status::Ok();
  const bool en = g.lang == Lang::kEn;
  return zf::FailedPreconditionError(
             en ? fmt::format("outside_township: reader {} (unit {}) lists only township {}, not {}",
                              read->reader.id, read->reader.unit, own, *township)
                : fmt::format("outside_township：查阅人 {}（单位 {}）只能列出本乡镇（{}）的案件，"
                              "不能列出 {} 的",
                              read->reader.id, read->reader.unit, own, *township))
      .WithSubject("--township");
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
  if (!ParseCommandLine(self, args, options, positional, vm, global, exit_code)) return false;
  return CheckReaderOptions(*global, self, *vm, exit_code);
}

int RunCaseShow(const GlobalOptions& defaults, const std::vector<std::string>& args,
                const Command& self) {
  po::variables_map vm;
  GlobalOptions global = defaults;
  int exit_code = kExitOk;
  if (!ParseCaseIdCommand(self, args, /*as_of=*/true, &vm, &global, &exit_code)) return exit_code;
  const auto read = ReaderFrom(vm, "view");
  // Recording the read appends to the access trail; a plain read does not.
  auto engine = OpenEngine(global, read ? StoreAccess::kWrite : StoreAccess::kLookup, &exit_code);
  if (!engine) return exit_code;
  if (read) {
    if (zf::Status s = OutsideTownship(global, *engine, *read, vm["case-id"].as<std::string>());
        !s.ok()) {
      return ReportError(global, s);
    }
  }
  auto view = read ? engine->CaseView(vm["case-id"].as<std::string>(), AsOfFrom(vm), *read)
                   : engine->CaseView(vm["case-id"].as<std::string>(), AsOfFrom(vm));
  if (!view.ok()) {
    return ReportError(global,
                       CaseStatusInLanguage(global, view.status(), vm["case-id"].as<std::string>()));
  }
  if (global.json) {
    std::cout << boost::json::serialize(*view) << '\n';
  } else {
    PrintCase(global, *view, OrgNamesFor(*engine, *view));
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
    engine = OpenEngine(*global, StoreAccess::kWrite, &exit_code);
    if (!engine) return exit_code;
  } else {
    store = OpenStore(*global, StoreAccess::kLookup, &exit_code);
    if (!store) return exit_code;
  }
  zf::EventStore* events = read ? engine->store() : store.get();
  const std::string id = vm["case-id"].as<std::string>();
  std::vector<zf::EventRecord> stream;
  auto cursor = events->ReadStream("case/" + id, 1, zf::Direction::kForward);
  for (; cursor->Valid(); cursor->Next()) stream.push_back(cursor->event());
  if (!cursor->status().ok()) return ReportError(*global, cursor->status());
  if (stream.empty()) {
    return ReportError(*global, NoCaseError(*global, id));
  }
  if (read) {
    if (zf::Status s = OutsideTownship(*global, *engine, *read, id); !s.ok()) {
      return ReportError(*global, s);
    }
    if (zf::Status s = engine->RecordCaseAccess(id, *read); !s.ok()) {
      return ReportError(*global, CaseStatusInLanguage(*global, s, id));
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


void PrintDeadlines(const GlobalOptions& g, const std::vector<zf::DeadlineEntry>& list,
                    const boost::json::object& names) {
  std::vector<std::vector<std::string>> rows;
  for (const zf::DeadlineEntry& d : list) {
    const std::string left = d.breached
                                 ? fmt::format("{} {}", Label(g, "overdue"), -d.days_left)
                                 : std::to_string(d.days_left);
    // The engine names the act in Chinese; the label table has it in English.
    const std::string label =
        g.lang == Lang::kEn ? std::string(Label(g, "act." + d.deadline_id)) : d.label;
    rows.push_back({d.case_id, d.deadline_id, label, d.due_on, left,
                    SubjectName(g, names, d.handling_subject),
                    g.lang == Lang::kEn ? d.basis : d.basis_zh});
  }
  PrintTable(g, "no_deadlines",
             {"case_id", "deadline", "deadline_name", "due", "days_left", "handling_subject",
              "basis"},
             {18, 8, 22, 12, 12, 32}, rows);
}

int RunDeadlines(const GlobalOptions& defaults, const std::vector<std::string>& args,
                 const Command& self) {
  po::options_description options("deadlines");
  AddFilterOptions(options);
  options.add_options()
      ("within", po::value<int>(), "only deadlines due within N days (not yet breached)")
      ("breached", po::bool_switch(), "only deadlines already breached")
      ("past-limit", po::bool_switch(),
       "only deadlines past their plain legal period (e.g. 90 days from filing): breached, or "
       "moved by pauses and extensions, which the basis column names");
  AddAsOfOptions(options);
  AddReaderOptions(options);
  po::variables_map vm;
  GlobalOptions global = defaults;
  int exit_code = kExitOk;
  if (!ParseCommandLine(self, args, options, {}, &vm, &global, &exit_code)) return exit_code;
  if (!CheckReaderOptions(global, self, vm, &exit_code)) return exit_code;
  zf::DeadlineQuery query;
  query.cases = FilterFrom(vm);
  query.breached_only = vm["breached"].as<bool>();
  query.past_limit_only = vm["past-limit"].as<bool>();
  if (vm.count("within")) query.due_within_days = vm["within"].as<int>();
  if (query.breached_only && query.due_within_days >= 0) {
    return ReportUsage(global, "deadlines",
                       global.lang == Lang::kEn ? "--within and --breached exclude each other" : "--within 与 --breached 不能同时使用");
  }
  auto engine = OpenEngine(global, StoreAccess::kRead, &exit_code);
  if (!engine) return exit_code;
  if (zf::Status s =
          LimitListToTownship(global, *engine, ReaderFrom(vm, "view"), &query.cases.township);
      !s.ok()) {
    return ReportError(global, s);
  }
  // The subjects' names, from the organisation (as the console reads them).
  boost::json::object names;
  if (!global.json) {
    auto read = server::OrgDirectory(&*engine).Names();
    if (read.ok()) names = std::move(*read);
  }
  return PrintList(global, engine->Deadlines(query, AsOfFrom(vm)), DeadlineJson,
                   [&](const GlobalOptions& g, const std::vector<zf::DeadlineEntry>& list) {
                     PrintDeadlines(g, list, names);
                   });
}


// --- case explain ----------------------------------------------------------
// Engine::ExplainCase: for each decision, the rule versions it used with the
// reference event that defined each (stream, version, position, hash), the
// inputs, the computation, and the deadlines with the days that moved them;
// as text, the reasoning of a decision (cli/explain_text.cc).

int RunCaseExplain(const GlobalOptions& defaults, const std::vector<std::string>& args,
                   const Command& self) {
  po::variables_map vm;
  GlobalOptions global = defaults;
  int exit_code = kExitOk;
  if (!ParseCaseIdCommand(self, args, /*as_of=*/true, &vm, &global, &exit_code)) return exit_code;
  const auto read = ReaderFrom(vm, "explain");
  auto engine = OpenEngine(global, read ? StoreAccess::kWrite : StoreAccess::kLookup, &exit_code);
  if (!engine) return exit_code;
  const std::string id = vm["case-id"].as<std::string>();
  if (read) {
    if (zf::Status s = OutsideTownship(global, *engine, *read, id); !s.ok()) {
      return ReportError(global, s);
    }
  }
  auto explained = engine->ExplainCase(id, AsOfFrom(vm));
  if (!explained.ok()) {
    return ReportError(global, CaseStatusInLanguage(global, explained.status(), id));
  }
  // Recorded before anything is shown; a read that cannot be recorded fails.
  if (read) {
    if (zf::Status s = engine->RecordCaseAccess(id, *read); !s.ok()) {
      return ReportError(global, CaseStatusInLanguage(global, s, id));
    }
  }
  if (global.json) {
    std::cout << boost::json::serialize(*explained) << '\n';
  } else {
    PrintExplanationText(global, *explained);
  }
  return kExitOk;
}

const Registrar kCaseExplain(MakeCommand<RunCaseExplain>(
    "case explain", "why each decision was lawful: the rule versions used with the reference "
    "event of each (position, hash), the inputs, the computation, the deadlines and the "
    "calendar days that moved them", "案件决定说明（规则版本及来源、输入、计算、期限及节假日）",
    "CASE_ID [--as-of T] [--at-position N] [--as-actor ID --role R --unit U [--purpose TEXT]]"));
const Registrar kDeadlines(MakeCommand<RunDeadlines>(
    "deadlines", "open deadlines of cases: due soon or breached, with the rule and the dates",
    "办案期限：即将到期或已超期的期限及其依据",
    "[--township ID] [--subject ID] [--area ID] [--state S] [--item CODE] [--party ID] "
    "[--within N | --breached] [--as-of T] [--at-position N] [--as-actor ID --role R --unit U]"));
const Registrar kCaseList(MakeCommand<RunCaseList>(
    "case list", "the docket: cases by state, subject, township, area, item or party",
    "案件列表（按状态、执法主体、乡镇、片区、事项、当事人筛选）",
    "[--state S] [--subject ID] [--township ID] [--area ID] [--item CODE] [--party ID] [--open] "
    "[--as-of T] [--at-position N] [--as-actor ID --role R --unit U]"));
const Registrar kCaseShow(MakeCommand<RunCaseShow>(
    "case show", "one case: state, party, subject, decision and timeline", "案件详情",
    "CASE_ID [--as-of T] [--at-position N] [--as-actor ID --role R --unit U [--purpose TEXT]]"));
const Registrar kCaseHistory(MakeCommand<RunCaseHistory>(
    "case history", "every event of a case, in order, with its data", "案件事件记录",
    "CASE_ID [--as-actor ID --role R --unit U [--purpose TEXT]]"));

}  // namespace
}  // namespace zfcli
