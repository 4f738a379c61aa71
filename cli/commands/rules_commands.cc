// The power list and competence (docs/domain.md, The power list and delegation): `zfcli rules show` and
// `zfcli rules competent`. Public API only (zf/engine.h, zf/rules.h).
#include <fmt/format.h>

#include <boost/json.hpp>
#include <filesystem>
#include <iostream>
#include <map>

#include "cli.h"
#include "json_forms.h"
#include "zf/engine.h"
#include "zf/rules.h"

namespace po = boost::program_options;

namespace zfcli {
namespace {

std::string Join(const std::vector<std::string>& values, std::string_view sep = ", ") {
  std::string out;
  for (const std::string& v : values) out += (out.empty() ? "" : std::string(sep)) + v;
  return out;
}

std::size_t CompetentTownships(const zf::PowerItemView& v) {
  std::size_t n = 0;
  for (const zf::CompetenceAnswer& a : v.by_township) n += a.delegated ? 1 : 0;
  return n;
}

// One item in full: provisions, then who is competent in each township.
void PrintItemDetail(const GlobalOptions& g, const zf::PowerItemView& v) {
  std::cout << fmt::format("\n{} ({} {})\n", v.item_code, Label(g, "version"), v.version);
  std::cout << fmt::format("  {}: {}\n", Label(g, "name"), v.name);
  std::cout << fmt::format("  {}: {}\n", Label(g, "original_subject"), v.original_subject);
  std::cout << fmt::format("  {}: {}{}\n", Label(g, "effective_from"), v.effective_from,
                           v.effective_to.empty()
                               ? ""
                               : fmt::format("  {}: {}", Label(g, "effective_to"), v.effective_to));
  std::cout << fmt::format("  {}: {}\n", Label(g, "penalty_types"), Join(v.penalty_types));
  for (const std::string& basis : v.legal_basis) {
    std::cout << fmt::format("  {}: {}\n", Label(g, "legal_basis"), basis);
  }
  std::cout << fmt::format("  {}:\n", Label(g, "by_township"));
  for (const zf::CompetenceAnswer& a : v.by_township) {
    std::cout << fmt::format(
        "    {} {} {}{}\n", PadRight(a.township, 10),
        PadRight(a.subject.empty() ? Label(g, "none") : a.subject, 14), Label(g, a.reason),
        a.department_retains ? fmt::format("; {}", Label(g, "department_retains")) : "");
  }
}

int RunRulesShow(const GlobalOptions& defaults, const std::vector<std::string>& args,
                 const Command& self) {
  po::options_description options("rules show");
  options.add_options()("as-of", po::value<std::string>()->default_value(""),
                        "date YYYY-MM-DD or RFC 3339 time (default: today)")(
      "item", po::value<std::string>()->default_value(""), "only this power item code")(
      "subject", po::value<std::string>()->default_value(""),
      "only items this department holds or this township was delegated");
  po::variables_map vm;
  GlobalOptions global = defaults;
  int exit_code = kExitOk;
  if (!ParseCommandLine(self, args, options, {}, &vm, &global, &exit_code)) return exit_code;
  auto engine = OpenEngine(global, StoreAccess::kRead, &exit_code);
  if (!engine) return exit_code;
  auto items = engine->PowerItems(vm["as-of"].as<std::string>(), vm["item"].as<std::string>(),
                                  vm["subject"].as<std::string>());
  if (!items.ok()) return ReportError(global, items.status());

  if (global.json) {
    boost::json::array out;
    for (const zf::PowerItemView& v : *items) out.push_back(ItemJson(v));
    std::cout << boost::json::serialize(out) << '\n';
    return kExitOk;
  }
  if (items->empty()) {
    std::cout << Label(global, "no_items") << '\n';
    return kExitOk;
  }
  const std::size_t townships = items->front().by_township.size();
  // Wide enough for the Chinese and the English headers.
  constexpr std::size_t kWidths[] = {12, 17, 8, 14, 10, 9, 8, 20};
  const std::string_view headers[] = {"item_code",      "original_subject",   "version",
                                      "effective_from", "delegated",          "accepted",
                                      "claimed",        "competent_townships"};
  for (std::size_t i = 0; i < std::size(headers); ++i) {
    std::cout << PadRight(Label(global, headers[i]), kWidths[i]) << ' ';
  }
  std::cout << Label(global, "name") << '\n';
  for (const zf::PowerItemView& v : *items) {
    const std::string cells[] = {v.item_code,
                                 v.original_subject,
                                 std::to_string(v.version),
                                 v.effective_from,
                                 std::to_string(v.delegated_to.size()),
                                 std::to_string(v.accepted_by.size()),
                                 std::to_string(v.claimed_by.size()),
                                 fmt::format("{}/{}", CompetentTownships(v), townships)};
    for (std::size_t i = 0; i < std::size(cells); ++i) {
      std::cout << PadRight(cells[i], kWidths[i]) << ' ';
    }
    std::cout << v.name << '\n';
  }
  // A single item: say who is competent where, and why.
  if (items->size() == 1) PrintItemDetail(global, items->front());
  return kExitOk;
}

int RunRulesCompetent(const GlobalOptions& defaults, const std::vector<std::string>& args,
                      const Command& self) {
  po::options_description options("rules competent");
  options.add_options()("item", po::value<std::string>()->required(), "power item code, e.g. SAFE-017")(
      "township", po::value<std::string>()->required(), "township id, e.g. gaosha")(
      "as-of", po::value<std::string>()->default_value(""),
      "date YYYY-MM-DD or RFC 3339 time (default: today)");
  po::variables_map vm;
  GlobalOptions global = defaults;
  int exit_code = kExitOk;
  if (!ParseCommandLine(self, args, options, {}, &vm, &global, &exit_code)) return exit_code;
  auto engine = OpenEngine(global, StoreAccess::kRead, &exit_code);
  if (!engine) return exit_code;
  auto answer = engine->Competent(vm["item"].as<std::string>(), vm["township"].as<std::string>(),
                                  vm["as-of"].as<std::string>());
  if (!answer.ok()) return ReportError(global, answer.status());
  const zf::CompetenceAnswer& a = *answer;
  if (global.json) {
    std::cout << boost::json::serialize(AnswerJson(a)) << '\n';
    return kExitOk;
  }
  std::cout << fmt::format("{}: {}  {}: {}  {}: {}\n", Label(global, "item_code"), a.item_code,
                           Label(global, "township"), a.township, Label(global, "as_of"), a.as_of);
  std::cout << fmt::format("{}: {}\n", Label(global, "subject"),
                           a.subject.empty() ? Label(global, "none") : a.subject);
  std::cout << fmt::format("{}: {} [{}]\n", Label(global, "reason"), Label(global, a.reason),
                           a.reason);
  std::cout << fmt::format("{}: {}\n", Label(global, "legal_basis"),
                           global.lang == Lang::kEn ? a.legal_basis_en : a.legal_basis);
  if (a.item_version != 0) {
    std::cout << fmt::format("{}: {}", Label(global, "version"), a.item_version);
    if (!a.delegation_batch.empty()) {
      std::cout << fmt::format("  {}: {}", Label(global, "batch"), a.delegation_batch);
    }
    std::cout << '\n';
  }
  if (a.department_retains) std::cout << Label(global, "department_retains") << '\n';
  return kExitOk;
}

const Registrar kRulesShow(MakeCommand<RunRulesShow>(
    "rules show", "the power list in force and who is competent for each item",
    "显示在施权责清单及各事项的有权主体", "[--as-of T] [--item CODE] [--subject ID]"));
const Registrar kRulesCompetent(MakeCommand<RunRulesCompetent>(
    "rules competent", "the competent subject for an item in a township, and why",
    "查询某事项在某乡镇（街道）的有权执法主体及理由", "--item CODE --township ID [--as-of T]"));

}  // namespace
}  // namespace zfcli
