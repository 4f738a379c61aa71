// The grid's tickets and the joint enforcement actions (docs/domain.md, The grid):
// `zfcli grid list|show`, `zfcli joint list|show`. Public API only.
#include <fmt/format.h>

#include <boost/json.hpp>
#include <iostream>

#include "cli.h"
#include "query.h"
#include "zf/cases.h"
#include "zf/engine.h"

namespace po = boost::program_options;

namespace zfcli {
namespace {

std::string Text(const boost::json::object& o, std::string_view key) {
  const boost::json::value* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->as_string()) : std::string();
}

std::size_t Count(const boost::json::object& o, std::string_view key) {
  const boost::json::value* v = o.if_contains(key);
  return v && v->is_array() ? v->as_array().size() : 0;
}

// The label of a state of a register: "ticket.closed" reads differently
// from a case's "closed".
std::string StateLabel(const GlobalOptions& g, std::string_view kind, std::string_view state) {
  const std::string key = fmt::format("{}.{}", kind, state);
  std::string_view label = Label(g, key);
  return std::string(label == key ? state : label);
}

// A grid ticket's category for people. The category is a free code
// (report_grid_ticket's schema); the codes the bundled data use have a
// Chinese label here: 建筑垃圾（construction_waste）. English, and a code
// without a label, show the code; --json keeps it alone. docs/cli.md,
// `grid list`.
std::string CategoryText(const GlobalOptions& g, const std::string& code) {
  static constexpr std::pair<std::string_view, std::string_view> kLabels[] = {
      {"construction_waste", "建筑垃圾"},
  };
  if (g.lang == Lang::kEn) return code;
  for (const auto& [c, label] : kLabels) {
    if (c == code) return fmt::format("{}（{}）", label, code);
  }
  return code;
}

// The units a ticket is (still) dispatched to, by name, comma-separated.
std::string DispatchedTo(const GlobalOptions& g, const boost::json::object& ticket,
                         const boost::json::object& names) {
  std::string units;
  for (const auto& d : ticket.at("dispatches").as_array()) {
    const auto& o = d.as_object();
    if (o.at("returned").as_bool()) continue;
    if (!units.empty()) units += g.lang == Lang::kEn ? ", " : "、";
    units += NamedId(g, names, kUnitKinds, Text(o, "unit"));
  }
  return units;
}

// Tickets for people: the township and the units dispatched to by name
// from the organisation (`names`, OrgNames), the id beside each.
void PrintTickets(const GlobalOptions& g, const std::vector<boost::json::object>& list,
                  const boost::json::object& names) {
  std::vector<std::vector<std::string>> rows;
  for (const auto& t : list) {
    rows.push_back({Text(t, "ticket_id"), StateLabel(g, "ticket", Text(t, "state")),
                    NamedId(g, names, {"townships"}, Text(t, "township")), Text(t, "micro_grid"),
                    Text(t, "reported_on"), CategoryText(g, Text(t, "category")),
                    DispatchedTo(g, t, names)});
  }
  PrintTable(g, "no_tickets",
             {"ticket_id", "state", "township", "micro_grid", "reported_on", "category",
              "dispatched_to"},
             {20, 10, 20, 16, 12, 30}, rows);
  if (!list.empty()) std::cout << fmt::format("{} {}\n", list.size(), Label(g, "tickets"));
}

// Joint actions for people: the area and the leader by name.
void PrintActions(const GlobalOptions& g, const std::vector<boost::json::object>& list,
                  const boost::json::object& names) {
  std::vector<std::vector<std::string>> rows;
  for (const auto& a : list) {
    rows.push_back({Text(a, "joint_action_id"), StateLabel(g, "joint", Text(a, "state")),
                    Text(a, "date"), NamedId(g, names, {"areas"}, Text(a, "area")),
                    NamedId(g, names, {"officers"}, Text(a, "leader")),
                    std::to_string(Count(a, "participants")), std::to_string(Count(a, "findings")),
                    Text(a, "title")});
  }
  PrintTable(g, "no_joint_actions",
             {"joint_action_id", "state", "date", "area", "leader", "participants", "findings",
              "title"},
             {20, 8, 12, 22, 22, 6, 6}, rows);
  if (!list.empty()) std::cout << fmt::format("{} {}\n", list.size(), Label(g, "joint_actions"));
}

boost::json::object Same(const boost::json::object& o) { return o; }

// A list's printer for PrintList, with the organisation's names (read only
// for people).
template <void (*kPrintRows)(const GlobalOptions&, const std::vector<boost::json::object>&,
                             const boost::json::object&)>
auto WithNames(const GlobalOptions& global, zf::Engine& engine) {
  boost::json::object names = global.json ? boost::json::object() : OrgNames(engine);
  return [names = std::move(names)](const GlobalOptions& g,
                                    const std::vector<boost::json::object>& list) {
    kPrintRows(g, list, names);
  };
}

// Shared by the two list commands: filters, --from/--to, as-of.
void AddPeriodOptions(po::options_description& options) {
  options.add_options()
      ("from", po::value<std::string>(), "first day (YYYY-MM-DD), inclusive")
      ("to", po::value<std::string>(), "last day (YYYY-MM-DD), inclusive");
  AddAsOfOptions(options);
}

int RunGridList(const GlobalOptions& defaults, const std::vector<std::string>& args,
                const Command& self) {
  po::options_description options("grid list");
  options.add_options()
      ("township", po::value<std::string>(), "township of the micro-grid")
      ("state", po::value<std::string>(), "ticket state (reported, dispatched, …, closed)")
      ("unit", po::value<std::string>(), "dispatched to this unit or the subject it works for");
  AddPeriodOptions(options);
  po::variables_map vm;
  GlobalOptions global = defaults;
  int exit_code = kExitOk;
  if (!ParseCommandLine(self, args, options, {}, &vm, &global, &exit_code)) return exit_code;
  zf::GridTicketFilter filter{OptionText(vm, "township"), OptionText(vm, "state"),
                              OptionText(vm, "unit"), OptionText(vm, "from"),
                              OptionText(vm, "to")};
  auto engine = OpenEngine(global, StoreAccess::kRead, &exit_code);
  if (!engine) return exit_code;
  return PrintList(global, engine->ListGridTickets(filter, AsOfFrom(vm)), Same,
                   WithNames<PrintTickets>(global, *engine));
}

int RunJointList(const GlobalOptions& defaults, const std::vector<std::string>& args,
                 const Command& self) {
  po::options_description options("joint list");
  options.add_options()
      ("area", po::value<std::string>(), "enforcement area id")
      ("state", po::value<std::string>(), "planned | closed");
  AddPeriodOptions(options);
  po::variables_map vm;
  GlobalOptions global = defaults;
  int exit_code = kExitOk;
  if (!ParseCommandLine(self, args, options, {}, &vm, &global, &exit_code)) return exit_code;
  zf::JointActionFilter filter{OptionText(vm, "area"), OptionText(vm, "state"),
                               OptionText(vm, "from"), OptionText(vm, "to")};
  auto engine = OpenEngine(global, StoreAccess::kRead, &exit_code);
  if (!engine) return exit_code;
  return PrintList(global, engine->ListJointActions(filter, AsOfFrom(vm)), Same,
                   WithNames<PrintActions>(global, *engine));
}

// `grid show ID` / `joint show ID`: for people, the list line and then the
// view's details, indented.
template <void (*kPrintRow)(const GlobalOptions&, const std::vector<boost::json::object>&,
                           const boost::json::object&)>
void PrintViewDetails(const GlobalOptions& g, const boost::json::object& view,
                      const boost::json::object& names) {
  kPrintRow(g, {view}, names);
  for (std::string_view part : {"dispatches", "findings", "participants"}) {
    const boost::json::value* v = view.if_contains(part);
    if (v == nullptr || !v->is_array() || v->as_array().empty()) continue;
    std::cout << Label(g, part) << ":\n";
    for (const auto& item : v->as_array()) std::cout << "  " << boost::json::serialize(item) << '\n';
  }
}

int RunGridShow(const GlobalOptions& g, const std::vector<std::string>& args,
                const Command& self) {
  return RunShowView(
      g, args, self, "id",
      [](zf::Engine& e, const std::string& id, const zf::AsOf& as_of) {
        return e.GridTicketView(id, as_of);
      },
      PrintViewDetails<PrintTickets>);
}

int RunJointShow(const GlobalOptions& g, const std::vector<std::string>& args,
                 const Command& self) {
  return RunShowView(
      g, args, self, "id",
      [](zf::Engine& e, const std::string& id, const zf::AsOf& as_of) {
        return e.JointActionView(id, as_of);
      },
      PrintViewDetails<PrintActions>);
}

const Registrar kGridList(MakeCommand<RunGridList>(
    "grid list", "grid tickets: reported, dispatched, handled and closed", "网格工单列表",
    "[--township ID] [--state S] [--unit ID] [--from DATE] [--to DATE] [--as-of T] "
    "[--at-position N]"));
const Registrar kGridShow(MakeCommand<RunGridShow>(
    "grid show", "one grid ticket: dispatches, feedback, cases raised", "网格工单详情",
    "TICKET_ID [--as-of T] [--at-position N]"));
const Registrar kJointList(MakeCommand<RunJointList>(
    "joint list", "joint enforcement actions: area, leader, participants, findings",
    "联合执法行动列表",
    "[--area ID] [--state S] [--from DATE] [--to DATE] [--as-of T] [--at-position N]"));
const Registrar kJointShow(MakeCommand<RunJointShow>(
    "joint show", "one joint action: participants and findings routed by competence",
    "联合执法行动详情", "JOINT_ACTION_ID [--as-of T] [--at-position N]"));

}  // namespace
}  // namespace zfcli
