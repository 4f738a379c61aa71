#include "query.h"

namespace po = boost::program_options;

namespace zfcli {

void AddAsOfOptions(po::options_description& options) {
  options.add_options()
      ("as-of", po::value<std::string>(),
       "answer as of a time: events that occurred by then (DATE = end of that day, or RFC 3339)")
      ("at-position", po::value<std::uint64_t>(),
       "answer with the events recorded at log positions <= N");
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

}  // namespace zfcli
