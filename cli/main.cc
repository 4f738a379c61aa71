// zfcli — the command-line shell over the zf library (public API only).
#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <iostream>
#include <map>
#include <sstream>

#include <fmt/format.h>

#include "build_info.h"
#include "cli.h"
#include "option_help.h"
#include "zf/version.h"

namespace po = boost::program_options;

namespace zfcli {
namespace {

void AddGlobalOptions(po::options_description* options) {
  options->add_options()
      ("db", po::value<std::string>(),
       "store: a directory (RocksDB) or a postgresql:// URL (default: $ZF_DB, else ./zf-data)")
      ("lang", po::value<std::string>()->default_value("zh"), "labels: zh | en")
      ("json", po::bool_switch(), "machine-readable JSON output")
      ("checkpoint-key", po::value<std::string>(),
       "SM2 private key (PEM) to sign ledger checkpoints with (default: $ZF_CHECKPOINT_KEY)")
      ("checkpoint-every", po::value<std::uint64_t>(),
       "sign a checkpoint each N events (default: $ZF_CHECKPOINT_EVERY, else 1000; 0: only "
       "on backup)")
      ("seal-keys", po::value<std::string>(),
       "directory of agencies' seal private keys, <agency>.pem (default: $ZF_SEAL_KEYS)")
      ("help,h", po::bool_switch(), "show help");
}

// The global options followed by a value, which is no command word.
bool IsGlobalWithValue(std::string_view a) {
  return a == "--db" || a == "--lang" || a == "--checkpoint-key" || a == "--checkpoint-every" ||
         a == "--seal-keys";
}

std::string Environment(const char* name) {
  const char* env = std::getenv(name);
  return env != nullptr ? env : "";
}

// --checkpoint-every, else $ZF_CHECKPOINT_EVERY, else 1000; false when the
// variable is not a whole number.
bool CheckpointEvery(const po::variables_map& vm, std::uint64_t* every) {
  if (vm.count("checkpoint-every")) {
    *every = vm["checkpoint-every"].as<std::uint64_t>();
    return true;
  }
  const std::string text = Environment("ZF_CHECKPOINT_EVERY");
  if (text.empty()) return true;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), *every);
  return ec == std::errc() && end == text.data() + text.size();
}

std::string DefaultDb() {
  const char* env = std::getenv("ZF_DB");
  return env != nullptr && *env != '\0' ? env : "./zf-data";
}

void PrintOverview(std::ostream& out, Lang lang) {
  out << (lang == Lang::kEn ? "zfcli — township joint administrative enforcement engine\n\n"
                             : "zfcli — 乡镇片区联合执法案件引擎\n\n");
  out << (lang == Lang::kEn ? "usage: zfcli [--db DIR] [--lang zh|en] [--json] COMMAND ...\n\n"
                             : "用法: zfcli [--db 目录] [--lang zh|en] [--json] 命令 ...\n\n");
  out << (lang == Lang::kEn ? "commands:\n" : "命令:\n");
  for (const Command& c : Registry()) {
    out << fmt::format("  {:<16} {}\n", c.name, lang == Lang::kEn ? c.summary_en : c.summary_zh);
  }
  out << (lang == Lang::kEn ? "\n`zfcli help COMMAND` shows a command's options. Exit codes: "
                              "docs/cli.md.\n"
                            : "\n`zfcli help 命令` 查看该命令的选项。退出码见 docs/cli.md。\n");
}

// The leading command words of argv (at most two), skipping global options
// and their values; `index` (optional) gets where each stands in argv.
std::vector<std::string> CommandWords(const std::vector<std::string>& argv,
                                      std::vector<std::size_t>* index = nullptr) {
  std::vector<std::string> words;
  for (std::size_t i = 0; i < argv.size() && words.size() < 2; ++i) {
    if (IsGlobalWithValue(argv[i])) {
      ++i;
    } else if (!argv[i].empty() && argv[i][0] != '-') {
      words.push_back(argv[i]);
      if (index != nullptr) index->push_back(i);
    }
  }
  return words;
}

// Finds the longest registered command name made of the leading command
// words of argv; *rest gets the other arguments.
const Command* MatchCommand(const std::vector<std::string>& argv, std::vector<std::string>* rest) {
  std::vector<std::size_t> word_index;
  const std::vector<std::string> words = CommandWords(argv, &word_index);
  for (std::size_t n = words.size(); n > 0; --n) {
    std::string name = words[0];
    for (std::size_t k = 1; k < n; ++k) name += " " + words[k];
    for (const Command& c : Registry()) {
      if (c.name != name) continue;
      rest->clear();
      for (std::size_t i = 0; i < argv.size(); ++i) {
        bool is_word = false;
        for (std::size_t k = 0; k < n; ++k) is_word = is_word || i == word_index[k];
        if (!is_word) rest->push_back(argv[i]);
      }
      return &c;
    }
  }
  return nullptr;
}

Lang SniffLang(const std::vector<std::string>& argv) {
  for (std::size_t i = 0; i + 1 < argv.size(); ++i) {
    if (argv[i] == "--lang" && argv[i + 1] == "en") return Lang::kEn;
  }
  for (const std::string& a : argv) {
    if (a == "--lang=en") return Lang::kEn;
  }
  return Lang::kZh;
}

bool IsGroup(std::string_view word) {
  const std::string prefix = std::string(word) + " ";
  return std::any_of(Registry().begin(), Registry().end(),
                     [&](const Command& c) { return c.name.rfind(prefix, 0) == 0; });
}

bool SniffJson(const std::vector<std::string>& argv) {
  return std::find(argv.begin(), argv.end(), "--json") != argv.end();
}

// program_options' error, in the chosen language: its own messages are
// English only.
std::string OptionErrorMessage(const po::error& e, Lang lang) {
  if (lang == Lang::kEn) return e.what();
  const auto* named = dynamic_cast<const po::error_with_option_name*>(&e);
  const std::string option = named != nullptr ? named->get_option_name() : "";
  if (dynamic_cast<const po::required_option*>(&e)) {
    return fmt::format("缺少必需的选项“{}”", option);
  }
  if (dynamic_cast<const po::unknown_option*>(&e)) return fmt::format("未知选项“{}”", option);
  if (dynamic_cast<const po::invalid_command_line_syntax*>(&e)) {
    return fmt::format("选项“{}”的写法不对（缺少值，或给了不接受值的选项一个值）", option);
  }
  if (dynamic_cast<const po::multiple_occurrences*>(&e)) {
    return fmt::format("选项“{}”只能给一次", option);
  }
  if (dynamic_cast<const po::validation_error*>(&e)) {
    return fmt::format("选项“{}”的值无效", option);
  }
  if (dynamic_cast<const po::too_many_positional_options_error*>(&e)) {
    return "参数过多";
  }
  if (dynamic_cast<const po::ambiguous_option*>(&e)) {
    return fmt::format("选项“{}”有歧义（可能是多个选项的缩写）", option);
  }
  return std::string("命令行有误：") + e.what();
}

// A value as program_options shows it ("arg", "arg (=zh)"), in Chinese.
std::string ParameterZh(std::string parameter) {
  if (parameter.rfind("arg", 0) == 0) parameter = "值" + parameter.substr(3);
  if (const auto at = parameter.find(" (="); at != std::string::npos) {
    parameter = parameter.substr(0, at) + "（默认 " + parameter.substr(at + 3);
    if (parameter.back() == ')') parameter = parameter.substr(0, parameter.size() - 1) + "）";
  }
  return parameter;
}

// Columns a terminal gives `text` (UTF-8): two for each character outside
// the two-byte range (CJK and full-width forms), one for the rest.
std::size_t DisplayWidth(std::string_view text) {
  std::size_t width = 0;
  for (std::size_t i = 0; i < text.size();) {
    const auto c = static_cast<unsigned char>(text[i]);
    const std::size_t bytes = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
    width += bytes >= 3 ? 2 : 1;
    i += bytes;
  }
  return width;
}

// The options of a command: program_options' own table in English; in
// Chinese the same layout with each description from cli/option_help.cc
// (the English one where there is none, which cli.help_chinese reports).
void PrintOptions(std::ostream& out, const po::options_description& options, Lang lang) {
  if (lang == Lang::kEn) {
    out << options << '\n';
    return;
  }
  std::vector<std::pair<std::string, std::string>> rows;
  std::size_t width = 0;
  for (const auto& o : options.options()) {
    std::string name = o->format_name();
    const std::string parameter = o->format_parameter();
    if (!parameter.empty()) name += " " + ParameterZh(parameter);
    const auto zh = OptionDescriptionZh(o->description());
    rows.emplace_back(name, zh ? std::string(*zh) : o->description());
    width = std::max(width, DisplayWidth(name));
  }
  constexpr std::size_t kMaxNameWidth = 36;
  width = std::min(width, kMaxNameWidth);
  out << "选项:\n";
  for (const auto& [name, text] : rows) {
    const std::size_t name_width = DisplayWidth(name);
    if (name_width > width) {
      out << "  " << name << '\n' << std::string(width + 4, ' ') << text << '\n';
    } else {
      out << "  " << name << std::string(width - name_width + 2, ' ') << text << '\n';
    }
  }
  out << '\n';
}

// Lists the commands whose name starts with `group` ("store").
bool PrintGroup(std::ostream& out, std::string_view group, Lang lang) {
  bool any = false;
  for (const Command& c : Registry()) {
    if (c.name.rfind(std::string(group) + " ", 0) != 0) continue;
    out << fmt::format("  {:<16} {}\n", c.name, lang == Lang::kEn ? c.summary_en : c.summary_zh);
    any = true;
  }
  return any;
}

// `zfcli case` lists the group's commands (as `git stash -h` and kubectl's
// groups do); `zfcli case bogus` names the word that is not one of them.
int RunGroup(const std::vector<std::string>& words, Lang lang, bool json) {
  const bool en = lang == Lang::kEn;
  if (words.size() == 1) {
    std::cout << fmt::format(fmt::runtime(en ? "zfcli {} — commands:\n" : "zfcli {} — 子命令:\n"),
                             words[0]);
    PrintGroup(std::cout, words[0], lang);
    std::cout << (en ? "\n`zfcli help COMMAND` shows a command's options.\n"
                     : "\n`zfcli help 命令` 查看该命令的选项。\n");
    return kExitOk;
  }
  GlobalOptions global;
  global.lang = lang;
  global.json = json;
  std::ostringstream commands;
  PrintGroup(commands, words[0], lang);
  return ReportUsage(global, "",
                     fmt::format(fmt::runtime(en ? "'{0}' has no command '{1}'; the commands of "
                                                   "'{0}':\n{2}"
                                                 : "“{0}”没有子命令“{1}”; “{0}”的子命令:\n{2}"),
                                 words[0], words[1], commands.str()));
}

int Help(const std::vector<std::string>& argv, Lang lang) {
  std::vector<std::string> topic;
  for (std::size_t i = 0; i < argv.size(); ++i) {
    if (IsGlobalWithValue(argv[i])) {
      ++i;
    } else if (argv[i] != "help" && !argv[i].empty() && argv[i][0] != '-') {
      topic.push_back(argv[i]);
    }
  }
  if (topic.empty()) {
    PrintOverview(std::cout, lang);
    return kExitOk;
  }
  std::vector<std::string> rest;
  const Command* c = MatchCommand(topic, &rest);
  if (c == nullptr && topic.size() == 1 && PrintGroup(std::cout, topic[0], lang)) return kExitOk;
  if (c == nullptr) {
    std::cerr << fmt::format(fmt::runtime(lang == Lang::kEn ? "error: unknown command '{}'\n"
                                                            : "错误: 未知命令“{}”\n"),
                             topic[0]);
    return kExitUsage;
  }
  std::vector<std::string> args = {"--help"};
  if (lang == Lang::kEn) args = {"--help", "--lang", "en"};
  return c->run(GlobalOptions{}, args);
}

}  // namespace

namespace {

// One name per meaning (issue 17): a power item is --item everywhere (as in
// `case list` and HTTP's item=), a log position range --from-position /
// --to-position (as --at-position), and --from/--to are dates. The old
// spellings still work; help shows only the new ones.
const std::map<std::string, std::vector<std::pair<std::string, std::string>>>& OptionAliases() {
  static const std::vector<std::pair<std::string, std::string>> kPositions = {
      {"--from", "--from-position"}, {"--to", "--to-position"}};
  static const std::map<std::string, std::vector<std::pair<std::string, std::string>>> kAliases = {
      {"rules show", {{"--power", "--item"}}},
      {"rules competent", {{"--power", "--item"}}},
      {"audit verify", kPositions},
      {"store verify", kPositions},
      {"export", kPositions},
      {"log", {{"--from", "--from-position"}}},
      {"checkpoint export", {{"--from", "--from-position"}}},
  };
  return kAliases;
}

// `args` with the command's old option spellings ("--power X",
// "--power=X") in their new form.
std::vector<std::string> WithAliasesResolved(const Command& command,
                                             const std::vector<std::string>& args) {
  const auto it = OptionAliases().find(command.name);
  if (it == OptionAliases().end()) return args;
  std::vector<std::string> out = args;
  for (std::string& a : out) {
    for (const auto& [old_name, new_name] : it->second) {
      if (a == old_name || a.starts_with(old_name + "=")) {
        a = new_name + a.substr(old_name.size());
        break;
      }
    }
  }
  return out;
}

}  // namespace

bool ParseCommandLine(const Command& command, const std::vector<std::string>& raw_args,
                      po::options_description& options,
                      const po::positional_options_description& positional,
                      po::variables_map* vm, GlobalOptions* global, int* exit_code) {
  AddGlobalOptions(&options);
  const std::vector<std::string> args = WithAliasesResolved(command, raw_args);
  try {
    po::store(po::command_line_parser(args).options(options).positional(positional).run(), *vm);
    // --help wins over missing required arguments, so notify() comes later.
    if (!(*vm)["help"].as<bool>()) po::notify(*vm);
  } catch (const po::error& e) {
    GlobalOptions sniffed;
    sniffed.lang = SniffLang(args);
    sniffed.json = SniffJson(args);
    *exit_code = ReportUsage(sniffed, command.name,
                             fmt::format("{}; {}: zfcli {} {}", OptionErrorMessage(e, sniffed.lang),
                                         Label(sniffed, "usage"), command.name, command.usage));
    return false;
  }
  const std::string lang = (*vm)["lang"].as<std::string>();
  if (lang != "zh" && lang != "en") {
    GlobalOptions sniffed;
    sniffed.json = SniffJson(args);
    *exit_code = ReportUsage(sniffed, command.name,
                             fmt::format("--lang 只能是 zh 或 en，不能是“{0}” / --lang must be zh "
                                         "or en, not '{0}'",
                                         lang));
    return false;
  }
  global->lang = lang == "en" ? Lang::kEn : Lang::kZh;
  global->json = (*vm)["json"].as<bool>();
  global->db = vm->count("db") ? (*vm)["db"].as<std::string>() : DefaultDb();
  global->checkpoint_key = vm->count("checkpoint-key") ? (*vm)["checkpoint-key"].as<std::string>()
                                                       : Environment("ZF_CHECKPOINT_KEY");
  global->seal_keys = vm->count("seal-keys") ? (*vm)["seal-keys"].as<std::string>()
                                             : Environment("ZF_SEAL_KEYS");
  if (!CheckpointEvery(*vm, &global->checkpoint_every)) {
    *exit_code = ReportUsage(*global, command.name,
                             global->lang == Lang::kEn
                                 ? "$ZF_CHECKPOINT_EVERY must be a whole number"
                                 : "环境变量 $ZF_CHECKPOINT_EVERY 必须是非负整数");
    return false;
  }
  if ((*vm)["help"].as<bool>()) {
    std::cout << fmt::format("zfcli {} — {}\n\n{}: zfcli {} {}\n\n", command.name,
                             global->lang == Lang::kEn ? command.summary_en : command.summary_zh,
                             Label(*global, "usage"), command.name, command.usage);
    PrintOptions(std::cout, options, global->lang);
    *exit_code = kExitOk;
    return false;
  }
  return true;
}

}  // namespace zfcli

int main(int argc, char** argv) {
  using namespace zfcli;
  std::vector<std::string> args(argv + 1, argv + argc);
  const Lang lang = SniffLang(args);
  if (args.empty()) {
    PrintOverview(std::cerr, lang);
    return kExitUsage;
  }
  auto has = [&](std::string_view flag) {
    return std::find(args.begin(), args.end(), flag) != args.end();
  };
  std::vector<std::string> rest;
  const Command* command = MatchCommand(args, &rest);
  if (command == nullptr && (has("--version") || has("version"))) {
    std::cout << "zfcli " << zf::kVersionString << " (" << kBuildCommit << ")\n";
    return kExitOk;
  }
  if (command == nullptr && (has("--help") || has("-h") || has("help"))) return Help(args, lang);
  if (command == nullptr) {
    const std::vector<std::string> words = CommandWords(args);
    if (!words.empty() && IsGroup(words[0])) return RunGroup(words, lang, SniffJson(args));
    const std::string& word = words.empty() ? args[0] : words[0];
    GlobalOptions global;
    global.lang = lang;
    global.json = SniffJson(args);
    return ReportUsage(global, "",
                       fmt::format(fmt::runtime(lang == Lang::kEn
                                                    ? "unknown command '{}'; see `zfcli help`"
                                                    : "未知命令“{}”; 见 `zfcli help`"),
                                   word));
  }
  return command->run(GlobalOptions{}, rest);
}
