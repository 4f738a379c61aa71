#include "query.h"

#include <set>

#include <fmt/format.h>

#include "server/org_directory.h"

namespace po = boost::program_options;

namespace zfcli {

void AddAsOfOptions(po::options_description& options) {
  options.add_options()
      ("as-of", po::value<std::string>(),
       "answer as of a time: events that occurred by then (DATE = end of that day, or RFC 3339)")
      ("at-position", po::value<std::uint64_t>(),
       "answer with the events recorded at log positions <= N");
}

boost::json::object OrgNames(zf::Engine& engine) {
  auto names = server::OrgDirectory(&engine).Names();
  return names.ok() ? std::move(*names) : boost::json::object();
}

namespace {

void CollectStrings(const boost::json::value& v, std::set<std::string>* out) {
  if (v.is_string()) {
    out->emplace(v.as_string());
  } else if (v.is_array()) {
    for (const auto& e : v.as_array()) CollectStrings(e, out);
  } else if (v.is_object()) {
    for (const auto& [key, e] : v.as_object()) CollectStrings(e, out);
  }
}

}  // namespace

boost::json::object OrgNamesFor(zf::Engine& engine, const boost::json::value& view) {
  std::set<std::string> strings;
  CollectStrings(view, &strings);
  auto org = engine.OrganisationOf(std::vector<std::string>(strings.begin(), strings.end()));
  return org.ok() ? server::NamesJson(*org) : boost::json::object();
}

std::string NamedId(const GlobalOptions& g, const boost::json::object& names,
                    std::initializer_list<std::string_view> kinds, const std::string& id) {
  for (std::string_view kind : kinds) {
    const boost::json::value* units = names.if_contains(kind);
    if (units == nullptr || !units->is_object()) continue;
    if (const boost::json::value* name = units->as_object().if_contains(id);
        name != nullptr && name->is_string() && !name->as_string().empty()) {
      return g.lang == Lang::kEn ? fmt::format("{} ({})", name->as_string().c_str(), id)
                                 : fmt::format("{}（{}）", name->as_string().c_str(), id);
    }
  }
  return id;
}

std::string SubjectName(const GlobalOptions& g, const boost::json::object& names,
                        const std::string& id) {
  return NamedId(g, names, {"legal_names", "departments", "townships", "district"}, id);
}

zf::AsOf AsOfFrom(const po::variables_map& vm) {
  zf::AsOf as_of;
  if (vm.count("as-of")) as_of.time = vm["as-of"].as<std::string>();
  if (vm.count("at-position")) as_of.position = vm["at-position"].as<std::uint64_t>();
  return as_of;
}

std::string OptionText(const po::variables_map& vm, const char* name) {
  return vm.count(name) ? vm[name].as<std::string>() : std::string();
}

void PrintTable(const GlobalOptions& g, std::string_view empty,
                const std::vector<std::string_view>& headers,
                const std::vector<std::size_t>& widths,
                const std::vector<std::vector<std::string>>& rows) {
  if (rows.empty()) {
    std::cout << Label(g, empty) << '\n';
    return;
  }
  auto print_row = [&](const std::vector<std::string>& cells) {
    for (std::size_t i = 0; i + 1 < cells.size(); ++i) {
      std::cout << PadRight(cells[i], widths[i]) << ' ';
    }
    std::cout << cells.back() << '\n';
  };
  std::vector<std::string> labels;
  for (std::string_view h : headers) labels.emplace_back(Label(g, h));
  print_row(labels);
  for (const auto& row : rows) print_row(row);
}

int RunShowView(const GlobalOptions& defaults, const std::vector<std::string>& args,
                const Command& self, const char* id_option, const ViewFetch& fetch,
                const ViewPrint& print_for_people) {
  po::options_description options(self.name);
  options.add_options()(id_option, po::value<std::string>()->required(), "the id");
  AddAsOfOptions(options);
  po::positional_options_description positional;
  positional.add(id_option, 1);
  po::variables_map vm;
  GlobalOptions global = defaults;
  int exit_code = kExitOk;
  if (!ParseCommandLine(self, args, options, positional, &vm, &global, &exit_code)) {
    return exit_code;
  }
  auto engine = OpenEngine(global, StoreAccess::kRead, &exit_code);
  if (!engine) return exit_code;
  auto view = fetch(*engine, vm[id_option].as<std::string>(), AsOfFrom(vm));
  if (!view.ok()) return ReportError(global, view.status());
  if (global.json) {
    std::cout << boost::json::serialize(*view) << '\n';
  } else {
    print_for_people(global, *view, OrgNamesFor(*engine, *view));
  }
  return kExitOk;
}

}  // namespace zfcli
