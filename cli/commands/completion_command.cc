// zfcli completion bash|zsh: a shell completion script. Command words come
// from the registry when the script is written; a command's options come
// from `zfcli help COMMAND` when they are completed, so the script never
// falls behind the option tables it completes from.
#include <iostream>
#include <set>
#include <string>

#include <fmt/format.h>

#include "cli.h"

namespace zfcli {
namespace {

namespace po = boost::program_options;

// The first words of the registered commands ("case", "import", ...) and,
// per group, its second words.
std::string RegistryWords(std::string* groups_case) {
  std::set<std::string> first;
  std::map<std::string, std::set<std::string>> second;
  for (const Command& c : Registry()) {
    const std::size_t space = c.name.find(' ');
    first.insert(c.name.substr(0, space));
    if (space != std::string::npos) second[c.name.substr(0, space)].insert(c.name.substr(space + 1));
  }
  for (const auto& [group, words] : second) {
    *groups_case += fmt::format("      {}) words=\"{}\" ;;\n", group, fmt::join(words, " "));
  }
  return fmt::format("{} help", fmt::join(first, " "));
}

std::string BashScript() {
  std::string groups;
  const std::string commands = RegistryWords(&groups);
  return fmt::format(R"(# zfcli bash completion: source <(zfcli completion bash)
_zfcli() {{
  local cur=${{COMP_WORDS[COMP_CWORD]}} prev=${{COMP_WORDS[COMP_CWORD-1]}}
  local i word cmd=() words
  case $prev in
    --db|--checkpoint-key|--seal-keys) COMPREPLY=($(compgen -f -- "$cur")); return ;;
    --lang) COMPREPLY=($(compgen -W "zh en" -- "$cur")); return ;;
  esac
  for ((i = 1; i < COMP_CWORD; i++)); do
    word=${{COMP_WORDS[i]}}
    case $word in
      --db|--lang|--checkpoint-key|--checkpoint-every|--seal-keys) ((i++)) ;;
      -*) ;;
      *) ((${{#cmd[@]}} < 2)) && cmd+=("$word") ;;
    esac
  done
  if ((${{#cmd[@]}} == 0)); then
    words="{commands}"
  elif ((${{#cmd[@]}} == 1)); then
    case ${{cmd[0]}} in
{groups}      *) words="" ;;
    esac
  fi
  if [[ -n $words && $cur != -* ]]; then
    COMPREPLY=($(compgen -W "$words" -- "$cur"))
    return
  fi
  if [[ $cur == -* ]]; then
    words=$(zfcli --lang en help "${{cmd[@]}}" 2>/dev/null | grep -o -- '--[a-z][a-z-]*' | sort -u)
    COMPREPLY=($(compgen -W "$words --db --lang --json --help" -- "$cur"))
    return
  fi
  COMPREPLY=($(compgen -f -- "$cur"))
}}
complete -F _zfcli zfcli
)",
                     fmt::arg("commands", commands), fmt::arg("groups", groups));
}

int RunCompletion(const GlobalOptions& defaults, const std::vector<std::string>& args,
                  const Command& self) {
  po::options_description options("completion");
  options.add_options()("shell", po::value<std::string>()->required(), "bash or zsh");
  po::positional_options_description positional;
  positional.add("shell", 1);
  po::variables_map vm;
  GlobalOptions global = defaults;
  int exit_code = kExitOk;
  if (!ParseCommandLine(self, args, options, positional, &vm, &global, &exit_code)) {
    return exit_code;
  }
  const std::string shell = vm["shell"].as<std::string>();
  if (shell == "bash") {
    std::cout << BashScript();
  } else if (shell == "zsh") {
    // zsh runs bash completion functions through bashcompinit.
    std::cout << "# zfcli zsh completion: source <(zfcli completion zsh)\n"
                 "autoload -U +X bashcompinit && bashcompinit\n"
              << BashScript();
  } else {
    return ReportUsage(global, "completion",
                       global.lang == Lang::kEn
                           ? fmt::format("the shell must be bash or zsh, not '{}'", shell)
                           : fmt::format("shell 只能是 bash 或 zsh，不能是“{}”", shell));
  }
  return kExitOk;
}

const Registrar kCompletion(MakeCommand<RunCompletion>(
    "completion", "print a shell completion script (bash or zsh)",
    "输出命令行补全脚本（bash 或 zsh）", "bash|zsh"));

}  // namespace
}  // namespace zfcli
