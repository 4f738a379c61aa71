// zfcli man: the manual page (roff, man(7) macros), generated from the same
// registry and option tables as `zfcli help`, so it never disagrees with
// them. The build installs it as share/man/man1/zfcli.1.
#include <iostream>
#include <sstream>
#include <string>

#include <fmt/format.h>

#include "cli.h"
#include "zf/version.h"

namespace zfcli {
namespace {

namespace po = boost::program_options;

// Text as roff: a backslash is "\e", a line starting with '.' or '\''
// would be read as a request, and a character outside ASCII is written
// \[uXXXX] so groff reads it whatever its input encoding.
std::string Roff(std::string_view text) {
  std::string out;
  bool line_start = true;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (line_start && (c == '.' || c == '\'')) out += "\\&";
    line_start = c == '\n';
    if (c >= 0x80) {
      // The input is UTF-8 (help texts); decode one code point.
      const int extra = c >= 0xF0 ? 3 : c >= 0xE0 ? 2 : 1;
      char32_t cp = c & (0x3F >> extra);
      for (int k = 0; k < extra && i + 1 < text.size(); ++k) {
        cp = (cp << 6) | (static_cast<unsigned char>(text[++i]) & 0x3F);
      }
      out += fmt::format("\\[u{:04X}]", static_cast<std::uint32_t>(cp));
    } else if (c == '\\') {
      out += "\\e";
    } else if (c == '-') {
      out += "\\-";
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

// What `zfcli help COMMAND --lang en` prints, captured.
std::string CommandHelp(const Command& command) {
  std::ostringstream captured;
  std::streambuf* const saved = std::cout.rdbuf(captured.rdbuf());
  command.run(GlobalOptions{}, {"--help", "--lang", "en"});
  std::cout.rdbuf(saved);
  return captured.str();
}

// The option lines of a command's help: its own options, before the
// global ones every command shares.
std::string OwnOptions(const std::string& help) {
  const std::size_t start = help.find("\n\n", help.find("usage"));
  if (start == std::string::npos) return "";
  std::string options = help.substr(start + 2);
  const std::size_t global = options.find("  --db ");
  if (global != std::string::npos) options.erase(global);
  while (!options.empty() && (options.back() == '\n' || options.back() == ' ')) options.pop_back();
  return options;
}

int RunMan(const GlobalOptions& defaults, const std::vector<std::string>& args,
           const Command& self) {
  po::options_description options("man");
  po::variables_map vm;
  GlobalOptions global = defaults;
  int exit_code = kExitOk;
  if (!ParseCommandLine(self, args, options, {}, &vm, &global, &exit_code)) return exit_code;
  std::cout << fmt::format(".TH ZFCLI 1 \"\" \"zf {}\" \"zf manual\"\n", zf::kVersionString)
            << ".SH NAME\nzfcli \\- township joint administrative enforcement case engine\n"
            << ".SH SYNOPSIS\n.B zfcli\n[\\-\\-db LOCATION] [\\-\\-lang zh|en] [\\-\\-json] "
               "COMMAND [options]\n"
            << ".SH DESCRIPTION\nzfcli runs commands of the zf engine on an event store: a "
               "RocksDB directory or a PostgreSQL database. Every enforcement action is an "
               "immutable event; case state is rebuilt from them.\n"
            << ".SH GLOBAL OPTIONS\n.nf\n"
            << Roff("  --db LOCATION    the store (default: $ZF_DB, else ./zf-data)\n"
                    "  --lang zh|en     language for people (default zh)\n"
                    "  --json           machine-readable output; errors as JSON on stderr\n"
                    "  --checkpoint-key FILE, --checkpoint-every N, --seal-keys DIR\n")
            << ".fi\n.SH COMMANDS\n";
  for (const Command& c : Registry()) {
    std::cout << fmt::format(".SS {}\n{}\n.PP\n.B zfcli {}\n{}\n", Roff(c.name), Roff(c.summary_en),
                             Roff(c.name), Roff(c.usage));
    const std::string own = OwnOptions(CommandHelp(c));
    if (!own.empty()) std::cout << ".nf\n" << Roff(own) << "\n.fi\n";
  }
  std::cout << ".SH EXIT STATUS\n.nf\n"
            << Roff("0  ok\n1  storage or internal error\n2  usage: unknown command, bad option\n"
                    "3  invalid input (a field broke a rule of form)\n"
                    "4  rejected by a rule of the law or the state machine\n"
                    "5  conflict (stale expected version, command id reused)\n"
                    "6  audit or verification found problems\n"
                    "7  the store is held by another process\n")
            << ".fi\n.SH ENVIRONMENT\nZF_DB, ZF_CACHE_AGGREGATES, ZF_CHECKPOINT_KEY, "
               "ZF_CHECKPOINT_EVERY, ZF_SEAL_KEYS\n"
            << ".SH SEE ALSO\ndocs/cli.md and docs/api.md in the zf sources.\n";
  return kExitOk;
}

const Registrar kMan(MakeCommand<RunMan>("man", "print the manual page (roff)",
                                         "输出手册页（roff 格式）", ""));

}  // namespace
}  // namespace zfcli
