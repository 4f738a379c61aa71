#include "cli.h"

#include <sys/stat.h>

#include <cstring>
#include <iostream>
#include <map>

#include <boost/json.hpp>
#include <fmt/format.h>

namespace zfcli {

int ExitCodeFor(const zf::Status& status) {
  switch (status.code()) {
    case zf::StatusCode::kOk: return kExitOk;
    case zf::StatusCode::kInvalidArgument:
    case zf::StatusCode::kNotFound: return kExitInvalid;
    case zf::StatusCode::kFailedPrecondition: return kExitRejected;
    case zf::StatusCode::kConflict:
    case zf::StatusCode::kAlreadyExists: return kExitConflict;
    case zf::StatusCode::kCorruption:
    case zf::StatusCode::kIOError:
    case zf::StatusCode::kUnavailable:
    case zf::StatusCode::kInternal: return kExitStorage;
  }
  return kExitStorage;
}

namespace {

// One JSON object on one line of stderr: what --json callers parse instead
// of the text. The keys are stable; "message" is in the chosen language.
void PrintJsonError(boost::json::object error, std::string_view where, std::uint64_t line) {
  error["ok"] = false;
  if (!where.empty()) error["where"] = where;
  if (line != 0) error["line"] = line;
  std::cerr << boost::json::serialize(error) << '\n';
}

// "行 12" / "line 12" for an input line, else `context` as given.
std::string Where(const GlobalOptions& global, std::string_view context, std::uint64_t line) {
  if (line == 0) return std::string(context);
  return fmt::format("{} {}", Label(global, "line"), line);
}

}  // namespace

int ReportError(const GlobalOptions& global, const zf::Status& status,
                std::string_view context_text, std::uint64_t input_line) {
  const std::string context = Where(global, context_text, input_line);
  const int exit_code = ExitCodeFor(status);
  if (global.json) {
    boost::json::object error{{"kind", "error"},
                              {"exit_code", exit_code},
                              {"code", zf::StatusCodeName(status.code())},
                              {"message", status.message()}};
    if (!status.subject().empty()) error["field"] = status.subject();
    if (status.version()) error["version"] = *status.version();
    PrintJsonError(std::move(error), context, input_line);
    return exit_code;
  }
  std::string line = fmt::format("{}: {} [{}]", Label(global, "error"), status.message(),
                                 zf::StatusCodeName(status.code()));
  if (!status.subject().empty()) {
    line += fmt::format(" {}={}", Label(global, "field"), status.subject());
  }
  if (status.version()) line += fmt::format(" {}={}", Label(global, "version"), *status.version());
  if (!context.empty()) line = fmt::format("{}: {}", context, line);
  std::cerr << line << '\n';
  return exit_code;
}

int ReportUsage(const GlobalOptions& global, std::string_view command,
                std::string_view message) {
  if (global.json) {
    PrintJsonError({{"kind", "usage"},
                    {"exit_code", static_cast<int>(kExitUsage)},
                    {"code", "usage"},
                    {"message", message}},
                   command.empty() ? std::string() : "zfcli " + std::string(command), 0);
    return kExitUsage;
  }
  if (command.empty()) {
    std::cerr << fmt::format("{}: {}\n", Label(global, "error"), message);
  } else {
    std::cerr << fmt::format("zfcli {}: {}\n", command, message);
  }
  return kExitUsage;
}

zf::Status CheckInputFile(const GlobalOptions& global, const std::string& file) {
  if (file == "-") return zf::Status::Ok();
  const bool en = global.lang == Lang::kEn;
  struct stat st {};
  if (::stat(file.c_str(), &st) != 0) {
    const int error = errno;
    return zf::NotFoundError(en ? fmt::format("cannot read '{}': {}", file, std::strerror(error))
                                : fmt::format("无法读取“{}”：{}", file, std::strerror(error)))
        .WithSubject(file);
  }
  if (S_ISDIR(st.st_mode)) {
    return zf::InvalidArgumentError(en ? fmt::format("'{}' is a directory, not a file", file)
                                       : fmt::format("“{}”是目录，不是文件", file))
        .WithSubject(file);
  }
  return zf::Status::Ok();
}

zf::Status NoCaseError(const GlobalOptions& global, std::string_view case_id,
                       std::string_view subject, bool at_that_moment) {
  const bool en = global.lang == Lang::kEn;
  std::string message =
      en ? fmt::format("no case {}{}", case_id, at_that_moment ? " at that moment" : "")
         : fmt::format("{}没有案件 {}", at_that_moment ? "在该时点" : "", case_id);
  return zf::NotFoundError(std::move(message)).WithSubject(std::string(subject));
}

zf::Status CaseStatusInLanguage(const GlobalOptions& global, const zf::Status& status,
                                std::string_view case_id) {
  // The library speaks English and marks this error by code and subject;
  // its one variant (a read as of a moment) is told by the text's end.
  if (status.code() != zf::StatusCode::kNotFound || status.subject() != "case_id") return status;
  if (!status.message().starts_with("no case ")) return status;
  return NoCaseError(global, case_id, "case_id", status.message().ends_with("at that moment"));
}

zf::Status ReadError(const GlobalOptions& global, const std::string& file, int error,
                     std::size_t lines) {
  const std::string name = file == "-" ? "stdin" : file;
  const std::string why = error != 0 ? std::strerror(error) : "read error";
  const bool en = global.lang == Lang::kEn;
  std::string where;
  if (lines > 0) where = en ? fmt::format(" after line {}", lines) : fmt::format("在第 {} 行之后", lines);
  return zf::IOError(en ? fmt::format("reading '{}' failed{}: {}; the input is incomplete, "
                                      "nothing after that was read",
                                      name, where, why)
                        : fmt::format("读取“{}”{}失败：{}；输入不完整，其后的内容未读取", name,
                                      where, why))
      .WithSubject(name);
}

int ReportRejection(const GlobalOptions& global, const zf::Rejection& r,
                    std::string_view where_text, std::uint64_t input_line) {
  const std::string where = Where(global, where_text, input_line);
  // The code stays as decided; what people read comes from the table of
  // legal sources in their language (nothing of it is stored).
  const std::string_view message = zf::RejectionMessage(r, LanguageOf(global));
  const std::string_view basis = zf::RejectionCitation(r, LanguageOf(global));
  if (global.json) {
    boost::json::object error{{"kind", "rejected"},
                              {"exit_code", static_cast<int>(kExitRejected)},
                              {"code", r.code},
                              {"message", message}};
    if (!basis.empty()) error["legal_basis"] = basis;
    if (!r.pointer.empty()) error["field"] = r.pointer;
    PrintJsonError(std::move(error), where, input_line);
    return kExitRejected;
  }
  std::string line = fmt::format("{}{}: {} [{}]", where.empty() ? "" : std::string(where) + ": ",
                                 Label(global, "rejected"), message, r.code);
  if (!basis.empty()) line += fmt::format(" {}: {}", Label(global, "legal_basis"), basis);
  if (!r.pointer.empty()) line += fmt::format(" {}={}", Label(global, "field"), r.pointer);
  std::cerr << line << '\n';
  return kExitRejected;
}

int PrintCommandResult(const GlobalOptions& global, const zf::CommandResult& result) {
  if (global.json) {
    boost::json::object o = zf::CommandResultToJson(result);
    if (result.rejection) {
      o["message"] = zf::RejectionMessage(*result.rejection, LanguageOf(global));
      o["legal_basis"] = zf::RejectionCitation(*result.rejection, LanguageOf(global));
    }
    std::cout << boost::json::serialize(o) << '\n';
  } else if (result.outcome != zf::CommandResult::Outcome::kRejected) {
    std::cout << fmt::format("{}: {} {} {}..{}\n",
                             Label(global, std::string(zf::OutcomeName(result.outcome))),
                             result.stream, Label(global, "position"),
                             result.append.first_position, result.append.last_position);
  }
  if (result.outcome == zf::CommandResult::Outcome::kRejected) {
    return ReportRejection(global, *result.rejection, "");
  }
  return kExitOk;
}

std::string_view Label(const GlobalOptions& global, std::string_view key) {
  // {zh, en}; a key missing here is shown as itself.
  static const std::map<std::string_view, std::pair<std::string_view, std::string_view>> kLabels = {
      {"error", {"错误", "error"}},
      {"field", {"字段", "field"}},
      {"line", {"行", "line"}},
      {"position", {"位置", "position"}},
      {"stream", {"事件流", "stream"}},
      {"type", {"事件类型", "type"}},
      {"occurred_at", {"发生时间", "occurred at"}},
      {"actor", {"操作人", "actor"}},
      {"hash", {"哈希", "hash"}},
      {"applied", {"已写入", "applied"}},
      {"already_applied", {"已存在(跳过)", "already applied (skipped)"}},
      {"rejected", {"被拒绝", "rejected"}},
      {"events", {"事件", "events"}},
      {"events_checked", {"已校验事件", "events checked"}},
      {"ledger_hash", {"总账哈希", "ledger hash"}},
      {"chain_ok", {"哈希链完整", "hash chain intact"}},
      {"chain_broken", {"哈希链异常", "hash chain broken"}},
      {"finding", {"问题", "finding"}},
      {"backup_written", {"备份已写入", "backup written"}},
      {"from", {"起", "from"}},
      {"to", {"止", "to"}},
      {"commands", {"命令", "commands"}},
      {"usage", {"用法", "usage"}},
      {"due", {"届满日", "due"}},
      // zfcli rules.

      {"item_code", {"事项编码", "item"}},
      {"name", {"权限名称", "name"}},
      {"original_subject", {"原实施主体", "original subject"}},
      {"version", {"版本", "version"}},
      {"effective_from", {"生效日期", "in force from"}},
      {"effective_to", {"失效日期", "in force to"}},
      {"delegated", {"赋权", "delegated"}},
      {"accepted", {"承接", "accepted"}},
      {"claimed", {"认领", "claimed"}},
      {"competent_townships", {"乡镇有权", "townships competent"}},
      {"township", {"乡镇（街道）", "township"}},
      {"subject", {"有权主体", "competent subject"}},
      {"reason", {"理由", "reason"}},
      {"legal_basis", {"法律依据", "legal basis"}},
      {"as_of", {"日期", "as of"}},
      {"batch", {"赋权批次", "delegation batch"}},
      {"penalty_types", {"处罚种类", "penalty types"}},
      {"by_township", {"各乡镇（街道）有权主体", "competent subject per township"}},
      {"none", {"无", "none"}},
      {"no_items", {"（无在施事项）", "(no items in force)"}},
      {"department_retains", {"部门保留管辖（J3）", "department retains (J3)"}},
      // Reasons (zf/rules.h).
      {"delegated_accepted_claimed", {"已赋权、已承接、已认领", "delegated, accepted and claimed"}},
      {"not_delegated", {"未赋权该乡镇（街道）", "not delegated to the township"}},
      {"delegated_not_accepted", {"已赋权但未承接", "delegated but not accepted"}},
      {"delegated_not_claimed", {"已承接但未认领", "accepted but not claimed"}},
      {"delegation_withdrawn", {"赋权已收回", "delegation withdrawn"}},
      {"item_withdrawn", {"事项已取消", "item withdrawn from the list"}},
      {"item_not_in_force", {"事项尚未生效", "item not yet in force"}},
      {"invalid", {"无效", "invalid"}},
      {"dry_run", {"（试运行，未写入）", "(dry run, nothing written)"}},
      {"eta", {"预计剩余", "ETA"}},
      {"lines_per_second", {"行/秒", "lines/s"}},
      // Cases (zfcli case ...).
      {"case_id", {"案件编号", "case"}},
      {"state", {"状态", "state"}},
      {"handling_subject", {"执法主体", "handling subject"}},
      {"party", {"当事人", "party"}},
      {"filed_on", {"立案日期", "filed on"}},
      {"discovered_on", {"发现日期", "discovered on"}},
      {"area", {"片区", "area"}},
      {"no_cases", {"（无案件）", "(no cases)"}},
      {"no_tickets", {"（无网格工单）", "(no grid tickets)"}},
      {"tickets", {"件工单", "tickets"}},
      {"no_joint_actions", {"（无联合执法行动）", "(no joint actions)"}},
      {"joint_actions", {"次联合执法行动", "joint actions"}},
      {"ticket_id", {"工单号", "ticket"}},
      {"micro_grid", {"微网格", "micro-grid"}},
      {"reported_on", {"上报日期", "reported"}},
      {"category", {"类别", "category"}},
      {"dispatched_to", {"派遣单位", "dispatched to"}},
      {"dispatches", {"派遣记录", "dispatches"}},
      {"joint_action_id", {"行动编号", "action"}},
      {"date", {"日期", "date"}},
      {"leader", {"牵头人", "leader"}},
      {"participants", {"参与人员", "participants"}},
      {"findings", {"发现问题", "findings"}},
      {"title", {"名称", "title"}},
      {"ticket.reported", {"已上报", "reported"}},
      {"ticket.triaged", {"已研判", "triaged"}},
      {"ticket.dispatched", {"已派遣", "dispatched"}},
      {"ticket.handling", {"处置中", "handling"}},
      {"ticket.returned", {"已退回", "returned"}},
      {"ticket.feedback_submitted", {"已反馈", "feedback submitted"}},
      {"ticket.verified", {"已核查", "verified"}},
      {"ticket.closed", {"已办结", "closed"}},
      {"joint.planned", {"已部署", "planned"}},
      {"joint.closed", {"已结束", "closed"}},
      {"cases", {"件", "case(s)"}},
      {"timeline", {"办案经过", "timeline"}},
      {"decision", {"处理决定", "decision"}},
      {"warnings", {"提示", "warnings"}},
      {"source", {"线索来源", "source"}},
      {"item", {"违法事项", "item"}},
      {"handlers", {"承办人员", "handlers"}},
      {"fine", {"罚款", "fine"}},
      {"yuan", {"元", "yuan"}},
      {"no_deadlines", {"（无未届满或超期的期限）", "(no open deadlines)"}},
      {"deadline", {"期限", "deadline"}},
      {"deadline_name", {"期限事项", "what"}},
      {"days_left", {"剩余天数", "days left"}},
      {"overdue", {"超期", "overdue"}},
      {"basis", {"依据", "basis"}},
      {"decision.penalty", {"行政处罚", "penalty"}},
      {"decision.no_penalty", {"不予行政处罚", "no penalty"}},
      {"decision.criminal_transfer", {"移送司法机关", "criminal transfer"}},
      {"decision.jurisdiction_transfer", {"移送管辖", "jurisdiction transfer"}},
      {"limitation", {"追责时效", "limitation"}},
      {"years", {"年", "years"}},
      {"until", {"至", "until"}},
      {"benchmark", {"裁量基准", "benchmark"}},
      {"law_in_time", {"从旧兼从轻", "law in time"}},
      {"list_entry", {"清单条目", "list entry"}},
      {"relief", {"救济途径", "relief"}},
      {"act.D2", {"核查线索并决定是否立案", "verify the clue, decide on filing"}},
      {"act.D9", {"作出行政处罚决定", "make the decision"}},
      {"act.D10", {"审批涉嫌犯罪案件移送", "approve the criminal transfer"}},
      {"act.D11", {"向公安机关移送", "send it to the police"}},
      {"act.D12", {"送达处罚决定书", "serve the decision"}},
      {"act.D13", {"当场处罚决定备案", "report the on-the-spot decision"}},
      {"act.D5", {"案件审核", "internal case review"}},
      {"act.D14", {"公开行政处罚决定", "publish the decision"}},
      {"act.D15", {"撤回已公开的行政处罚决定信息", "take the publication down"}},
      {"act.D18", {"交付当场收缴的罚款", "hand over or deposit the cash collected on the spot"}},
      {"act.D26", {"许可类处罚措施的执行监督", "follow up the licence measure"}},
      {"act.D16", {"缴纳罚款", "pay the fine"}},
      {"act.D22", {"申请人民法院强制执行", "apply to the court"}},
      // case explain (Engine::ExplainCase).
      {"act.D6", {"陈述、申辩", "statement and defence"}},
      {"act.D7", {"申请听证", "request a hearing"}},
      {"rules_used", {"所用规则版本（←定义该版本的参照事件）", "rule versions used (← the reference event)"}},
      {"rule.power_item", {"权责事项", "power item"}},
      {"rule.delegation", {"赋权决定", "delegation"}},
      {"rule.acceptance", {"承接确认", "acceptance"}},
      {"rule.leniency_entry", {"清单条目", "list entry"}},
      {"rule.benchmark", {"裁量基准", "benchmark"}},
      {"rule.hearing_threshold", {"听证标准", "hearing threshold"}},
      {"recorded", {"决定记载", "recorded"}},
      {"effective", {"生效", "effective"}},
      {"circumstance_level", {"违法情节", "circumstance level"}},
      {"adjustment", {"裁量幅度", "adjustment"}},
      {"party_category", {"当事人类别", "party category"}},
      {"facts", {"事实", "facts"}},
      {"party_history", {"当事人违法记录", "party history"}},
      {"first_violation", {"首次违法", "first violation"}},
      {"not_first_violation", {"非首次违法", "not a first violation"}},
      {"lookback", {"回溯", "lookback"}},
      {"months", {"个月", "months"}},
      {"since", {"自", "since"}},
      {"within_lookback", {"在回溯期内", "within the lookback"}},
      {"outside_lookback", {"在回溯期外", "outside the lookback"}},
      {"statutory_range", {"法定幅度", "statutory range"}},
      {"level_range", {"情节幅度", "level range"}},
      {"allowed_range", {"允许幅度", "allowed range"}},
      {"hearing_threshold", {"听证标准", "hearing threshold"}},
      {"deadlines", {"期限", "deadlines"}},
      {"unit.working_days", {"个工作日", "working days"}},
      {"unit.calendar_days", {"日", "days"}},
      {"deadline.open", {"未届满", "open"}},
      {"deadline.met", {"已按期完成", "met"}},
      {"deadline.met_late", {"逾期完成", "met late"}},
      {"deadline.breached", {"已超期", "breached"}},
      {"deadline.elapsed", {"已届满", "elapsed"}},
      {"holidays_skipped", {"跳过的法定节假日", "holidays skipped"}},
      {"weekends_skipped", {"跳过的周末", "weekends skipped"}},
      {"makeup_counted", {"计入的调休工作日", "make-up workdays counted"}},
      {"paused", {"中止计算", "paused"}},
      {"extended", {"延长", "extended"}},
      {"discrepancies", {"记载与规则不一致（审计提示）", "discrepancies (audit signals)"}},
      {"rows", {"读模型行", "rows"}},
      {"index_rows", {"索引行", "index rows"}},
      {"reference_rows", {"参照名称行", "reference name rows"}},
      {"missing", {"缺失", "missing"}},
      {"extra", {"多余", "extra"}},
      {"different", {"不一致", "different"}},
      {"repaired", {"已按事件重建", "rebuilt from the events"}},
      // Lifecycle states (docs/domain.md, "The case lifecycle").
      {"registered", {"已登记", "registered"}},
      {"assigned", {"已分派", "assigned"}},
      {"verifying", {"核查中", "verifying"}},
      {"not_filed", {"不予立案", "not filed"}},
      {"transferred", {"线索已移送", "clue transferred"}},
      {"merged", {"已并案", "merged"}},
      {"filed", {"已立案", "filed"}},
      {"investigating", {"调查中", "investigating"}},
      {"suspended", {"中止调查", "suspended"}},
      {"terminated", {"终止调查", "terminated"}},
      {"filing_revoked", {"撤销立案", "filing revoked"}},
      {"concluded", {"调查终结", "concluded"}},
      {"pre_notice", {"待告知", "awaiting notice"}},
      {"notice_served", {"已告知", "notice served"}},
      {"hearing_requested", {"已申请听证", "hearing requested"}},
      {"hearing_scheduled", {"听证已通知", "hearing scheduled"}},
      {"hearing_held", {"已听证", "hearing held"}},
      {"ready_to_decide", {"待决定", "ready to decide"}},
      {"decided", {"已决定", "decided"}},
      {"served", {"已送达", "served"}},
      {"executing", {"执行中", "executing"}},
      {"closed", {"已结案", "closed"}},
      {"archived", {"已归档", "archived"}},
      {"transferred_out", {"已移交", "handed over"}},
      {"criminal_transferred", {"已移送司法机关", "transferred to the police"}},
      // Statistics (zfcli stats, docs/domain.md, Statistics).
      {"cases_total", {"案件总数", "cases"}},
      {"cases_online", {"线上办理", "handled online"}},
      {"cases_offline", {"线下办理", "handled offline"}},
      {"delegated_cases", {"乡镇赋权事项案件", "township cases on delegated items"}},
      {"delegated_cases_prior_year", {"上年同期赋权事项案件", "same period a year before"}},
      {"yoy_growth", {"同比增长", "year-on-year growth"}},
      {"cases_total_prior_year", {"上年同期案件总数", "cases a year before"}},
      {"enterprise_cases", {"涉企案件", "enterprise-related cases"}},
      {"leniency_applied", {"适用四张清单", "four lists applied"}},
      {"inspections", {"综合查一次检查对象", "enterprises inspected once"}},
      {"inspection_visits", {"综合检查次数", "combined visits"}},
      {"inspection_visits_saved", {"减少检查次数", "visits saved"}},
      {"inspection_reduction_rate", {"检查频次下降", "inspection frequency reduced"}},
      {"officers_distinct", {"执法人员数", "officers"}},
      {"officer_assignments", {"片区派驻人次", "officer-area assignments"}},
      {"leniency_by_list", {"四张清单适用情况", "four lists, by outcome"}},
      {"delegated_cases_by_township", {"各乡镇赋权事项案件", "delegated cases by township"}},
      {"area_headcount", {"各片区执法人员", "officers per area"}},
      {"no_penalty", {"不予处罚或免予处罚", "no penalty or exempted"}},
      {"mitigated_penalty", {"减轻处罚", "mitigated penalty"}},
      {"lighter_penalty", {"从轻处罚", "lighter penalty"}},
      {"compliance_reminder_letter", {"行政执法提示函", "compliance reminder letters"}},
      {"correction_notice", {"责令改正通知书", "correction notices"}},
      // Case-file review campaigns and the access trail (zfcli review, access).
      {"no_review_campaigns", {"无案卷评查活动", "no review campaigns"}},
      {"campaign_id", {"评查活动", "campaign"}},
      {"campaign_state", {"状态", "state"}},
      {"campaign.open", {"进行中", "open"}},
      {"campaign.closed", {"已结束", "closed"}},
      {"reviewer_org", {"评查单位", "reviewing unit"}},
      {"review_period", {"评查期间", "period"}},
      {"scored_of_sampled", {"已评/抽查", "scored/sampled"}},
      {"average_total", {"平均分", "average"}},
      {"grades", {"等次", "grades"}},
      {"grade.excellent", {"优秀", "excellent"}},
      {"grade.qualified", {"合格", "qualified"}},
      {"grade.unqualified", {"不合格", "unqualified"}},
      {"selection", {"抽取方式", "selection"}},
      {"selection.explicit", {"指定案卷", "explicit list"}},
      {"selection.sampling", {"随机抽取", "seeded sample"}},
      {"population", {"期间归档", "archived in period"}},
      {"not_scored", {"未评查", "not scored"}},
      {"no_access_records", {"无查阅记录", "no access records"}},
      {"access_records", {"条查阅记录", "access records"}},
      {"access_time", {"查阅时间", "read at"}},
      {"reader", {"查阅人", "reader"}},
      {"unit", {"单位", "unit"}},
      {"access_what", {"查阅方式", "what"}},
      {"purpose", {"查阅目的", "purpose"}},
      {"closed_on", {"结束日期", "closed on"}},
      {"access.view", {"查看", "view"}},
      {"access.history", {"事件记录", "history"}},
      {"access.explain", {"决定说明", "explain"}},
      {"access.dossier", {"案卷", "dossier"}},
      {"access.export", {"导出", "export"}},
      {"access.events", {"事件", "events"}},
  };
  auto it = kLabels.find(key);
  if (it == kLabels.end()) return key;
  return global.lang == Lang::kEn ? it->second.second : it->second.first;
}

namespace {

// Terminal columns of UTF-8 text: East Asian wide characters count two.
std::size_t DisplayWidth(std::string_view text) {
  std::size_t width = 0;
  for (std::size_t i = 0; i < text.size();) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    const std::size_t len = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
    std::uint32_t cp = len == 1 ? c : c & (0xFF >> (len + 1));
    for (std::size_t k = 1; k < len && i + k < text.size(); ++k) {
      cp = (cp << 6) | (static_cast<unsigned char>(text[i + k]) & 0x3F);
    }
    const bool wide = (cp >= 0x1100 && cp <= 0x115F) || (cp >= 0x2E80 && cp <= 0xA4CF) ||
                      (cp >= 0xAC00 && cp <= 0xD7A3) || (cp >= 0xF900 && cp <= 0xFAFF) ||
                      (cp >= 0xFE30 && cp <= 0xFE4F) || (cp >= 0xFF00 && cp <= 0xFF60) ||
                      (cp >= 0xFFE0 && cp <= 0xFFE6) || (cp >= 0x20000 && cp <= 0x3FFFD);
    width += wide ? 2 : 1;
    i += len;
  }
  return width;
}

}  // namespace

std::string PadRight(std::string_view text, std::size_t width) {
  const std::size_t w = DisplayWidth(text);
  return std::string(text) + std::string(w < width ? width - w : 0, ' ');
}

std::string PadLeft(std::string_view text, std::size_t width) {
  const std::size_t w = DisplayWidth(text);
  return std::string(w < width ? width - w : 0, ' ') + std::string(text);
}

std::vector<Command>& Registry() {
  static std::vector<Command> commands;
  return commands;
}

}  // namespace zfcli
