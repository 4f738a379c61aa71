// Signed ledger checkpoints (docs/audit.md §6): `checkpoint export` writes
// the store's checkpoints for safekeeping elsewhere, `checkpoint write`
// signs the head now; the --anchor options of `store verify` and
// `audit verify` compare a store with checkpoints kept elsewhere.
#include <filesystem>
#include <fstream>
#include <iostream>

#include <boost/json.hpp>
#include <fmt/format.h>

#include "cli.h"
#include "zf/checkpoint.h"

namespace po = boost::program_options;

namespace zfcli {

void AddAnchorOptions(po::options_description* options) {
  options->add_options()
      ("anchor", po::value<std::vector<std::string>>(),
       "checkpoints kept elsewhere: a file of `checkpoint export` lines, or POS:HASH; repeatable")
      ("anchor-key", po::value<std::string>(),
       "the SM2 public key (PEM) the anchors must be signed with (default: the key each "
       "line carries, which proves only that the line is intact)");
}

bool LoadAnchors(const GlobalOptions& global, const po::variables_map& vm,
                 std::vector<zf::LedgerAnchor>* anchors, int* exit_code) {
  if (!vm.count("anchor")) {
    if (vm.count("anchor-key")) {
      *exit_code = ReportUsage(global, "",
                               global.lang == Lang::kEn ? "--anchor-key needs --anchor"
                                                        : "--anchor-key 须与 --anchor 一起给出");
      return false;
    }
    return true;
  }
  std::optional<zf::CheckpointKey> trusted;
  if (vm.count("anchor-key")) {
    auto key = zf::CheckpointKey::FromPemFile(vm["anchor-key"].as<std::string>());
    if (!key.ok()) {
      *exit_code = ReportError(global, key.status());
      return false;
    }
    trusted = std::move(*key);
  }
  for (const std::string& anchor : vm["anchor"].as<std::vector<std::string>>()) {
    // A file when one exists by that name; else POS:HASH.
    if (std::filesystem::exists(anchor)) {
      if (zf::Status s = CheckInputFile(global, anchor); !s.ok()) {
        *exit_code = ReportError(global, s);
        return false;
      }
      std::ifstream in(anchor);
      auto read = zf::ReadAnchors(in, anchor, trusted ? &*trusted : nullptr);
      if (!read.ok()) {
        *exit_code = ReportError(global, read.status());
        return false;
      }
      anchors->insert(anchors->end(), read->begin(), read->end());
      continue;
    }
    auto parsed = zf::ParseAnchorArgument(anchor);
    if (!parsed.ok()) {
      *exit_code = ReportError(global, parsed.status());
      return false;
    }
    anchors->push_back(std::move(*parsed));
  }
  return true;
}

namespace {

// The form for paper: every field on its own line, the long hex split in
// groups of eight so that it can be read back and typed as POS:HASH.
void PrintForPaper(std::ostream& out, const zf::Checkpoint& c) {
  auto grouped = [](const std::string& hex) {
    std::string text;
    for (std::size_t i = 0; i < hex.size(); i += 8) {
      if (i > 0) text += (i % 32 == 0) ? "\n            " : " ";
      text += hex.substr(i, 8);
    }
    return text;
  };
  out << fmt::format("zf 总账检查点 {}\n", zf::kCheckpointFormat);
  out << fmt::format("  位置      {}\n", c.position);
  out << fmt::format("  时间      {}\n", c.time);
  out << fmt::format("  总账哈希  {}\n", grouped(c.ledger_hash));
  out << fmt::format("  密钥      {}\n", grouped(c.key_id));
  out << fmt::format("  签名      {}\n", grouped(c.signature));
  out << fmt::format("  核对：zfcli store verify --anchor {}:{}\n\n", c.position, c.ledger_hash);
}

int RunCheckpointExport(const GlobalOptions& defaults, const std::vector<std::string>& args,
                        const Command& self) {
  po::options_description options("checkpoint export");
  options.add_options()
      ("out", po::value<std::string>(), "write to FILE (default: stdout)")
      ("from-position", po::value<std::uint64_t>()->default_value(0), "only checkpoints at or after POS")
      ("text", po::bool_switch(), "a form for printing on paper instead of JSON lines");
  po::variables_map vm;
  GlobalOptions global = defaults;
  int exit_code = kExitOk;
  if (!ParseCommandLine(self, args, options, {}, &vm, &global, &exit_code)) return exit_code;
  auto store = OpenStore(global, StoreAccess::kRead, &exit_code);
  if (!store) return exit_code;
  auto checkpoints = zf::ReadCheckpoints(*store);
  if (!checkpoints.ok()) return ReportError(global, checkpoints.status());
  std::ofstream file;
  if (vm.count("out")) {
    file.open(vm["out"].as<std::string>());
    if (!file) {
      return ReportError(global,
                         zf::IOError(fmt::format("cannot write '{}'", vm["out"].as<std::string>())));
    }
  }
  std::ostream& out = vm.count("out") ? file : std::cout;
  const std::uint64_t from = vm["from-position"].as<std::uint64_t>();
  std::size_t n = 0;
  for (const zf::Checkpoint& c : *checkpoints) {
    if (c.position < from) continue;
    ++n;
    if (vm["text"].as<bool>()) {
      PrintForPaper(out, c);
    } else {
      out << boost::json::serialize(zf::CheckpointToJson(c)) << '\n';
    }
  }
  out.flush();
  if (!out) return ReportError(global, zf::IOError("cannot write the checkpoints"));
  if (vm.count("out")) {
    const std::string& file = vm["out"].as<std::string>();
    std::cerr << (global.lang == Lang::kEn
                      ? fmt::format("{} checkpoints written to {}\n", n, file)
                      : fmt::format("已写出 {} 个检查点到 {}\n", n, file));
  }
  return kExitOk;
}

int RunCheckpointWrite(const GlobalOptions& defaults, const std::vector<std::string>& args,
                       const Command& self) {
  po::options_description options("checkpoint write");
  po::variables_map vm;
  GlobalOptions global = defaults;
  int exit_code = kExitOk;
  if (!ParseCommandLine(self, args, options, {}, &vm, &global, &exit_code)) return exit_code;
  if (global.checkpoint_key.empty()) {
    return ReportUsage(global, "checkpoint write",
                       global.lang == Lang::kEn ? "--checkpoint-key FILE (or $ZF_CHECKPOINT_KEY) is required" : "需要 --checkpoint-key 文件（或环境变量 $ZF_CHECKPOINT_KEY）");
  }
  auto signer = zf::CheckpointSigner::FromPemFile(global.checkpoint_key);
  if (!signer.ok()) return ReportError(global, signer.status());
  auto store = OpenStore(global, StoreAccess::kWrite, &exit_code);
  if (!store) return exit_code;
  auto c = zf::WriteCheckpointAtHead(*store, **signer, *zf::SystemClock());
  if (!c.ok()) return ReportError(global, c.status());
  std::cout << boost::json::serialize(zf::CheckpointToJson(*c)) << '\n';
  return kExitOk;
}

const Registrar kExport(MakeCommand<RunCheckpointExport>(
    "checkpoint export", "write the store's signed ledger checkpoints for safekeeping",
    "导出已签名的总账检查点以便异地保存", "[--out FILE] [--from-position N] [--text]"));
const Registrar kWrite(MakeCommand<RunCheckpointWrite>(
    "checkpoint write", "sign the ledger head now and keep the checkpoint",
    "立即签署总账头并保存检查点", "--checkpoint-key FILE"));

}  // namespace
}  // namespace zfcli
