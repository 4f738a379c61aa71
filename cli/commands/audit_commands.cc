// The auditor's commands (docs/audit.md): audit verify over the store,
// case dossier to cut one case's self-contained file, dossier verify to
// check such a file offline.
#include <fstream>
#include <iostream>
#include <map>

#include <boost/json.hpp>
#include <fmt/format.h>

#include "cli.h"
#include "zf/audit.h"

namespace po = boost::program_options;

namespace zfcli {
namespace {

// Labels of these commands (kept here so the shared table stays as it is).
std::string_view AuditLabel(const GlobalOptions& global, std::string_view key) {
  static const std::map<std::string_view, std::pair<std::string_view, std::string_view>> kLabels = {
      {"audit_clean", {"审计通过：未发现问题", "audit clean: no findings"}},
      {"audit_findings", {"审计发现问题", "audit found problems"}},
      {"dossier_ok", {"案卷校验通过", "dossier verified"}},
      {"dossier_bad", {"案卷校验未通过", "dossier failed verification"}},
      {"events_read", {"已读事件", "events read"}},
      {"commands_checked", {"已核命令", "commands checked"}},
      {"commands_redecided", {"已重新裁决", "commands re-decided"}},
      {"commands_unrecorded", {"无记录命令", "commands unrecorded"}},
      {"decisions_checked", {"已复核决定", "decisions checked"}},
      {"deadlines_checked", {"已核期限", "deadlines checked"}},
      {"reference_time", {"基准时间", "reference time"}},
      {"ledger_hash", {"总账哈希", "ledger hash"}},
      {"elapsed", {"用时(秒)", "elapsed (s)"}},
      {"rate", {"事件/秒", "events/s"}},
      {"integrity", {"完整性", "integrity"}},
      {"not_rederivable", {"无法重现", "not re-derivable"}},
      {"procedure", {"程序违法", "procedure"}},
      {"deadline", {"期限超期", "deadline"}},
      {"kind", {"类别", "kind"}},
      {"case", {"案件", "case"}},
      {"position", {"位置", "position"}},
      {"version", {"版本", "version"}},
      {"event", {"事件", "event"}},
      {"rule", {"规则", "rule"}},
      {"code", {"代码", "code"}},
      {"basis", {"依据", "basis"}},
      {"dossier_written", {"案卷已写入", "dossier written"}},
  };
  auto it = kLabels.find(key);
  if (it == kLabels.end()) return key;
  return global.lang == Lang::kEn ? it->second.second : it->second.first;
}

boost::json::object FindingJson(const zf::AuditFinding& f) { return zf::AuditFindingToJson(f); }

boost::json::object SummaryJson(const zf::AuditSummary& s) { return zf::AuditSummaryToJson(s); }

// The finding's basis in the chosen language: in English a finding that
// repeats a rejection cites its code's row (zf/legal_sources.h), the others
// the provision or document they name; in Chinese the library's Chinese
// form (legal_basis_zh: the deadline's law, the row, the document).
std::string_view FindingBasis(const GlobalOptions& g, const zf::AuditFinding& f) {
  if (g.lang != Lang::kEn) return f.legal_basis_zh.empty() ? f.legal_basis : f.legal_basis_zh;
  const zf::LegalSource* row = zf::FindLegalSource(f.code);
  return row == nullptr ? f.legal_basis : row->citation_en;
}

// The message in the chosen language (the library writes both).
std::string_view FindingMessage(const GlobalOptions& g, const zf::AuditFinding& f) {
  return g.lang == Lang::kEn ? f.message : f.message_zh;
}

void PrintFinding(const GlobalOptions& g, const zf::AuditFinding& f) {
  std::cout << fmt::format("  [{}] {}={} {}={} {}={} {}={} {}={} {}={}\n      {}\n      {}: {}\n",
                           AuditLabel(g, zf::AuditFindingKindName(f.kind)), AuditLabel(g, "case"),
                           f.case_id.empty() ? f.stream : f.case_id, AuditLabel(g, "position"),
                           f.position, AuditLabel(g, "version"), f.version, AuditLabel(g, "event"),
                           f.event_type, AuditLabel(g, "rule"), f.rule, AuditLabel(g, "code"),
                           f.code, FindingMessage(g, f), AuditLabel(g, "basis"),
                           FindingBasis(g, f));
}

// What "commands unrecorded" counts (docs/audit.md §2), printed under the
// count: without it a reader takes the number for a problem.
void PrintUnrecordedNote(const GlobalOptions& g) {
  std::cout << (g.lang == Lang::kEn
                    ? "    (event groups written without a command, so there is nothing to decide\n"
                      "     again: recorded reads (access/…, by reads with --as-actor) and events\n"
                      "     appended with zfcli store append to a stream the engine does not write,\n"
                      "     such as sample/…; counted, not findings)\n"
                    : "    （不经命令写入、无可重新裁决的事件组：查阅记录（access/…，带 --as-actor\n"
                      "     的读取所写）和用 zfcli store append 直接写入非引擎流（如 sample/…）的\n"
                      "     事件；只计数，不作为问题报告）\n");
}

void PrintSummary(const GlobalOptions& g, const zf::AuditSummary& s, bool dossier) {
  const bool ok = s.TotalFindings() == 0;
  std::cout << AuditLabel(g, ok ? (dossier ? "dossier_ok" : "audit_clean")
                                : (dossier ? "dossier_bad" : "audit_findings"))
            << '\n';
  auto row = [&](std::string_view key, const std::string& value) {
    std::cout << "  " << PadRight(AuditLabel(g, key), 26) << value << '\n';
  };
  row("events_read", std::to_string(s.events_read));
  row("commands_checked", std::to_string(s.commands_checked));
  row("commands_redecided", std::to_string(s.commands_redecided));
  row("commands_unrecorded", std::to_string(s.commands_unrecorded));
  if (s.commands_unrecorded > 0) PrintUnrecordedNote(g);
  row("decisions_checked", std::to_string(s.decisions_checked));
  row("deadlines_checked", std::to_string(s.deadlines_checked));
  row("reference_time", s.reference_time);
  row("ledger_hash", s.ledger_hash);
  for (std::string_view kind : {"integrity", "not_rederivable", "procedure", "deadline"}) {
    auto it = s.findings.find(std::string(kind));
    row(kind, std::to_string(it == s.findings.end() ? 0 : it->second));
  }
  row("elapsed", fmt::format("{:.2f}", s.elapsed_seconds));
  if (s.elapsed_seconds > 0) {
    row("rate", fmt::format("{:.0f}", static_cast<double>(s.events_read) / s.elapsed_seconds));
  }
}

// Prints findings as they come (people) or collects them (--json, --report),
// so a long audit shows progress and memory stays bounded for the table.
class Reporter {
 public:
  Reporter(const GlobalOptions& global, bool collect) : global_(global), collect_(collect) {}
  zf::AuditSink Sink() {
    return [this](const zf::AuditFinding& f) {
      if (collect_) findings_.push_back(FindingJson(f));
      if (!global_.json) PrintFinding(global_, f);
    };
  }
  int Finish(const zf::AuditSummary& summary, bool dossier, const std::string& report_file) {
    boost::json::object report = SummaryJson(summary);
    report["findings_list"] = std::move(findings_);
    if (!report_file.empty()) {
      std::ofstream out(report_file);
      out << boost::json::serialize(report) << '\n';
      if (!out) {
        return ReportError(global_, zf::IOError("cannot write report '" + report_file + "'"));
      }
    }
    if (global_.json) {
      std::cout << boost::json::serialize(report) << '\n';
    } else {
      PrintSummary(global_, summary, dossier);
    }
    return summary.TotalFindings() == 0 ? kExitOk : kExitFindings;
  }

 private:
  const GlobalOptions& global_;
  bool collect_;
  boost::json::array findings_;
};

constexpr unsigned kMaxAuditJobs = 256;

int RunAuditVerify(const GlobalOptions& defaults, const std::vector<std::string>& args,
                   const Command& self) {
  po::options_description options("audit verify");
  options.add_options()
      ("case", po::value<std::string>(), "only this case's commands")
      ("from-position", po::value<std::uint64_t>()->default_value(1), "first position checked")
      ("to-position", po::value<std::uint64_t>(), "last position checked")
      ("jobs", po::value<unsigned>()->default_value(0),
       "threads to use (0: one per hardware thread; 1: no other thread)")
      ("report", po::value<std::string>(), "also write the JSON report to FILE");
  AddAnchorOptions(&options);
  po::variables_map vm;
  GlobalOptions global = defaults;
  int exit_code = kExitOk;
  if (!ParseCommandLine(self, args, options, {}, &vm, &global, &exit_code)) return exit_code;
  zf::AuditOptions audit;
  if (!LoadAnchors(global, vm, &audit.anchors, &exit_code)) return exit_code;
  if (vm.count("case")) audit.case_id = vm["case"].as<std::string>();
  audit.from_position = vm["from-position"].as<std::uint64_t>();
  if (vm.count("to-position")) audit.to_position = vm["to-position"].as<std::uint64_t>();
  audit.jobs = vm["jobs"].as<unsigned>();
  // A thread per job: a mistyped count (or "-1", which the option parser
  // wraps around) must not start millions.
  if (audit.jobs > kMaxAuditJobs) {
    return ReportUsage(global, "audit verify",
                       global.lang == Lang::kEn ? fmt::format("--jobs {} is more than {}", audit.jobs, kMaxAuditJobs)
                                                : fmt::format("--jobs {} 超过上限 {}", audit.jobs, kMaxAuditJobs));
  }
  if (audit.to_position < audit.from_position) {
    return ReportUsage(global, "audit verify",
                       global.lang == Lang::kEn ? fmt::format("--to {} is before --from {}", audit.to_position, audit.from_position)
                                                : fmt::format("--to {} 在 --from {} 之前", audit.to_position, audit.from_position));
  }
  zf::EngineOptions engine_options;
  if (zf::Status s = CacheFromEnvironment(&engine_options); !s.ok()) {
    return ReportError(global, s);
  }
  auto store = OpenStore(global, StoreAccess::kRead, &exit_code);
  if (!store) return exit_code;
  if (!audit.case_id.empty() && !store->Head("case/" + audit.case_id).ok()) {
    return ReportError(global, NoCaseError(global, audit.case_id, "--case"));
  }
  const std::string report_file = vm.count("report") ? vm["report"].as<std::string>() : "";
  Reporter reporter(global, global.json || !report_file.empty());
  auto summary = zf::AuditStore(*store, engine_options, audit, reporter.Sink());
  if (!summary.ok()) return ReportError(global, summary.status());
  return reporter.Finish(*summary, /*dossier=*/false, report_file);
}

int RunCaseDossier(const GlobalOptions& defaults, const std::vector<std::string>& args,
                   const Command& self) {
  po::options_description options("case dossier");
  options.add_options()("case-id", po::value<std::string>()->required(), "the case id")
      ("out", po::value<std::string>(), "write to FILE instead of stdout");
  po::positional_options_description positional;
  positional.add("case-id", 1);
  po::variables_map vm;
  GlobalOptions global = defaults;
  int exit_code = kExitOk;
  if (!ParseCommandLine(self, args, options, positional, &vm, &global, &exit_code)) {
    return exit_code;
  }
  auto store = OpenStore(global, StoreAccess::kRead, &exit_code);
  if (!store) return exit_code;
  const std::string case_id = vm["case-id"].as<std::string>();
  if (!vm.count("out")) {
    zf::Status written = zf::WriteDossier(*store, case_id, std::cout);
    if (written.ok()) return kExitOk;
    return ReportError(global, CaseStatusInLanguage(global, written, case_id));
  }
  const std::string file = vm["out"].as<std::string>();
  std::ofstream out(file);
  if (!out) return ReportError(global, zf::IOError("cannot write '" + file + "'"));
  zf::Status written = zf::WriteDossier(*store, case_id, out);
  if (!written.ok()) return ReportError(global, CaseStatusInLanguage(global, written, case_id));
  std::cerr << fmt::format("{}: {}\n", AuditLabel(global, "dossier_written"), file);
  return kExitOk;
}

int RunDossierVerify(const GlobalOptions& defaults, const std::vector<std::string>& args,
                     const Command& self) {
  po::options_description options("dossier verify");
  options.add_options()("file", po::value<std::string>()->required(), "the dossier")
      ("report", po::value<std::string>(), "also write the JSON report to FILE");
  po::positional_options_description positional;
  positional.add("file", 1);
  po::variables_map vm;
  GlobalOptions global = defaults;
  int exit_code = kExitOk;
  if (!ParseCommandLine(self, args, options, positional, &vm, &global, &exit_code)) {
    return exit_code;
  }
  const std::string file = vm["file"].as<std::string>();
  if (zf::Status s = CheckInputFile(global, file); !s.ok()) return ReportError(global, s);
  std::ifstream in(file);
  if (!in) return ReportError(global, zf::NotFoundError("cannot read '" + file + "'"));
  const std::string report_file = vm.count("report") ? vm["report"].as<std::string>() : "";
  Reporter reporter(global, global.json || !report_file.empty());
  auto summary = zf::VerifyDossier(in, zf::EngineOptions(), reporter.Sink());
  if (in.bad()) {
    // A read error is no end of file: the dossier was not read whole.
    return ReportError(global, ReadError(global, file, errno, 0));
  }
  if (!summary.ok()) {
    // Not a dossier at all: a failed verification too.
    ReportError(global, summary.status());
    return kExitFindings;
  }
  return reporter.Finish(*summary, /*dossier=*/true, report_file);
}

const Registrar kAuditVerify(MakeCommand<RunAuditVerify>(
    "audit verify",
    "re-verify the whole log: chains, re-decision, procedure, deadlines",
    "审计：校验哈希链、重新裁决、复核程序与期限",
    "[--case ID] [--from-position N] [--to-position N] [--jobs N] [--report FILE] "
    "[--anchor FILE|POS:HASH]... [--anchor-key FILE]"));
const Registrar kCaseDossier(MakeCommand<RunCaseDossier>(
    "case dossier", "write one case's self-verifying dossier", "导出可自证的案件审计卷宗",
    "CASE_ID [--out FILE]"));
const Registrar kDossierVerify(MakeCommand<RunDossierVerify>(
    "dossier verify", "verify a dossier offline (no store needed)",
    "离线校验审计卷宗（无需数据库）", "FILE [--report FILE]"));

}  // namespace
}  // namespace zfcli
