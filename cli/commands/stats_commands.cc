// Statistics: `zfcli stats --from DATE --to DATE` (docs/domain.md, Statistics). Public API only
// (zf/engine.h): the JSON keys are the metric names of docs/domain.md, Statistics; the table shows
// them with labels in the chosen language.
#include <fmt/format.h>

#include <boost/json.hpp>
#include <iostream>

#include "cli.h"
#include "zf/engine.h"

namespace po = boost::program_options;

namespace zfcli {
namespace {

// The metrics shown in the table, in order; the rest (maps) follow.
constexpr const char* kScalarMetrics[] = {
    "cases_total",          "cases_online",          "cases_offline",
    "delegated_cases",      "delegated_cases_prior_year", "yoy_growth",
    "cases_total_prior_year", "enterprise_cases",    "leniency_applied",
    "inspections",          "inspection_visits",     "inspection_visits_saved",
    "inspection_reduction_rate", "officers_distinct", "officer_assignments",
};
constexpr const char* kMapMetrics[] = {"leniency_by_list", "delegated_cases_by_township",
                                       "area_headcount"};
// Ratios shown as percentages.
bool IsRate(std::string_view key) {
  return key == "yoy_growth" || key == "inspection_reduction_rate";
}

std::string Cell(const boost::json::value* v, bool rate, bool signed_rate = false) {
  if (v == nullptr || v->is_null()) return "-";
  if (rate && v->is_number()) {
    const double x = v->is_double() ? v->as_double() : static_cast<double>(v->to_number<double>());
    // Growth carries its sign; a reduction rate is a share.
    return signed_rate ? fmt::format("{:+.1f}%", x * 100) : fmt::format("{:.1f}%", x * 100);
  }
  if (v->is_string()) return std::string(v->as_string());
  return boost::json::serialize(*v);
}

std::string Text(const boost::json::object& stats, std::string_view key) {
  const boost::json::value* v = stats.if_contains(key);
  return v != nullptr && v->is_string() ? std::string(v->as_string()) : "-";
}

bool PriorIncomplete(const boost::json::object& stats) {
  const boost::json::value* v = stats.if_contains("prior_period_incomplete");
  return v != nullptr && v->is_bool() && v->as_bool();
}

// The compared periods; an incomplete base period is marked with "*" here
// and on the growth, so a growth against a partial year is not read as a
// like-for-like figure.
void PrintPeriods(const GlobalOptions& g, const boost::json::object& stats) {
  const bool en = g.lang == Lang::kEn;
  std::cout << fmt::format("{} {}  {} {}\n", Label(g, "from"), Text(stats, "from"), Label(g, "to"),
                           Text(stats, "to"));
  const std::string prior_from = Text(stats, "prior_from");
  const std::string prior_to = Text(stats, "prior_to");
  std::cout << (en ? fmt::format("compared with {} to {}\n", prior_from, prior_to)
                   : fmt::format("同比基期 {} 至 {}\n", prior_from, prior_to));
  if (!PriorIncomplete(stats)) return;
  const std::string first = Text(stats, "cases_recorded_from");
  if (en) {
    std::cout << fmt::format(
        "* incomplete base period: {}; the year-on-year figures are not like for like\n",
        first == "-" ? "no case is recorded" : "cases are recorded from " + first);
  } else {
    std::cout << fmt::format("* 基期数据不完整：{}，同比数字不可比\n",
                             first == "-" ? "无案件记录" : "案件记录自 " + first + " 起");
  }
}

std::string MetricCell(const boost::json::object& stats, std::string_view key) {
  const bool growth = key == "yoy_growth";
  std::string cell = Cell(stats.if_contains(key), IsRate(key), growth);
  if (growth && PriorIncomplete(stats) && cell != "-") cell += " *";
  return cell;
}

void PrintTable(const GlobalOptions& g, const boost::json::object& stats) {
  PrintPeriods(g, stats);
  for (const char* key : kScalarMetrics) {
    std::cout << PadRight(Label(g, key), 36) << ' ' << PadLeft(MetricCell(stats, key), 10) << '\n';
  }
  for (const char* key : kMapMetrics) {
    const boost::json::value* v = stats.if_contains(key);
    if (v == nullptr || !v->is_object()) continue;
    std::cout << Label(g, key) << '\n';
    if (v->as_object().empty()) std::cout << "  " << Label(g, "none") << '\n';
    for (const auto& [sub, count] : v->as_object()) {
      std::cout << "  " << PadRight(Label(g, sub), 34) << ' '
                << PadLeft(Cell(&count, false), 10) << '\n';
    }
  }
}

int RunStats(const GlobalOptions& defaults, const std::vector<std::string>& args,
             const Command& self) {
  po::options_description options("stats");
  options.add_options()
      ("from", po::value<std::string>()->required(), "first day of the period (YYYY-MM-DD)")
      ("to", po::value<std::string>()->required(), "last day of the period (YYYY-MM-DD)")
      ("area", po::value<std::string>()->default_value(""),
       "only the cases and visits of this enforcement area's townships (片区)")
      ("township", po::value<std::string>()->default_value(""),
       "only the cases and visits that happened in this township")
      ("as-of", po::value<std::string>(),
       "answer as of a time: events that occurred by then (DATE = end of that day, or RFC 3339)")
      ("at-position", po::value<std::uint64_t>(),
       "answer with the events recorded at log positions <= N");
  po::variables_map vm;
  GlobalOptions global = defaults;
  int exit_code = kExitOk;
  if (!ParseCommandLine(self, args, options, {}, &vm, &global, &exit_code)) return exit_code;
  zf::AsOf as_of;
  if (vm.count("as-of")) as_of.time = vm["as-of"].as<std::string>();
  if (vm.count("at-position")) as_of.position = vm["at-position"].as<std::uint64_t>();
  auto engine = OpenEngine(global, StoreAccess::kRead, &exit_code);
  if (!engine) return exit_code;
  const zf::StatisticsScope scope{vm["area"].as<std::string>(), vm["township"].as<std::string>()};
  auto stats =
      engine->Statistics(vm["from"].as<std::string>(), vm["to"].as<std::string>(), as_of, scope);
  if (!stats.ok()) {
    const zf::Status& s = stats.status();
    // The library speaks English; an unknown area or township in Chinese.
    if (global.lang != Lang::kEn && s.code() == zf::StatusCode::kInvalidArgument &&
        (s.subject() == "area" || s.subject() == "township")) {
      const bool area = s.subject() == "area";
      return ReportError(
          global, zf::InvalidArgumentError(
                      fmt::format("--{} 须为组织中登记的{}，不是“{}”", s.subject(),
                                  area ? "执法片区" : "乡镇（街道）",
                                  area ? scope.area : scope.township))
                      .WithSubject(s.subject()));
    }
    return ReportError(global, s);
  }
  if (global.json) {
    std::cout << boost::json::serialize(*stats) << '\n';
  } else {
    PrintTable(global, *stats);
  }
  return kExitOk;
}

const Registrar kStats(MakeCommand<RunStats>(
    "stats", "statistics for a period (docs/domain.md, Statistics) (cases, delegated, leniency, inspect once, officers)",
    "统计（案件数、赋权事项案件、四张清单、综合查一次、执法人员）",
    "--from DATE --to DATE [--area ID] [--township ID] [--as-of T] [--at-position N]"));

}  // namespace
}  // namespace zfcli
