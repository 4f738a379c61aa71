#include "json_forms.h"

namespace zfcli {
namespace {

boost::json::array Strings(const std::vector<std::string>& values) {
  boost::json::array out;
  for (const std::string& v : values) out.emplace_back(v);
  return out;
}

}  // namespace

boost::json::object SummaryJson(const zf::CaseSummary& c) {
  return {{"case_id", c.id},
          {"state", c.state},
          {"procedure", c.procedure},
          {"item_code", c.item_code},
          {"township", c.township},
          {"area", c.area},
          {"handling_subject", c.handling_subject},
          {"party_id", c.party_id},
          {"party_name", c.party_name},
          {"discovered_on", c.discovered_on},
          {"filed_on", c.filed_on},
          {"last_event_at", c.last_event_at},
          {"version", c.version},
          {"open", c.open}};
}

boost::json::object DeadlineJson(const zf::DeadlineEntry& d) {
  return {{"case_id", d.case_id},   {"deadline", d.deadline_id}, {"label", d.label},
          {"bearer", d.bearer},     {"due_on", d.due_on},        {"days_left", d.days_left},
          {"breached", d.breached}, {"limit_on", d.limit_on},    {"past_limit", d.past_limit},
          {"basis", d.basis},       {"basis_en", d.basis},       {"basis_zh", d.basis_zh},
          {"state", d.state},
          {"township", d.township}, {"handling_subject", d.handling_subject}};
}

boost::json::object AnswerJson(const zf::CompetenceAnswer& a) {
  return {
      {"item_code", a.item_code},
      {"township", a.township},
      {"as_of", a.as_of},
      {"subject", a.subject.empty() ? boost::json::value(nullptr) : boost::json::value(a.subject)},
      {"delegated", a.delegated},
      {"reason", a.reason},
      {"legal_basis", a.legal_basis},
      {"legal_basis_zh", a.legal_basis},
      {"legal_basis_en", a.legal_basis_en},
      {"item_version", a.item_version},
      {"original_subject", a.original_subject},
      {"delegation_batch", a.delegation_batch},
      {"department_retains", a.department_retains}};
}

boost::json::object ItemJson(const zf::PowerItemView& v) {
  boost::json::array by_township;
  for (const zf::CompetenceAnswer& a : v.by_township) by_township.push_back(AnswerJson(a));
  return {{"item_code", v.item_code},
          {"name", v.name},
          {"power_type", v.power_type},
          {"original_subject", v.original_subject},
          {"domain", v.domain},
          {"legal_basis", Strings(v.legal_basis)},
          {"penalty_types", Strings(v.penalty_types)},
          {"version", v.version},
          {"effective_from", v.effective_from},
          {"effective_to", v.effective_to},
          {"delegated_to", Strings(v.delegated_to)},
          {"accepted_by", Strings(v.accepted_by)},
          {"claimed_by", Strings(v.claimed_by)},
          {"by_township", std::move(by_township)}};
}

boost::json::object AccessJson(const zf::AccessRecord& r) {
  return {{"case_id", r.case_id},
          {"what", r.what},
          {"purpose", r.purpose},
          {"as_of", r.as_of},
          {"reader", {{"id", r.reader.id}, {"role", r.reader.role}, {"unit", r.reader.unit}}},
          {"at", r.at},
          {"position", r.position},
          {"hash", r.hash}};
}

boost::json::object ChainReportJson(const zf::ChainReport& report) {
  boost::json::array findings;
  for (const auto& f : report.findings) {
    findings.push_back({{"kind", zf::ChainFindingKindName(f.kind)},
                        {"position", f.position},
                        {"stream", f.stream},
                        {"version", f.version},
                        {"detail", f.detail},
                        {"detail_zh", f.detail_zh}});
  }
  return {{"ok", report.ok()},
          {"from", report.from_position},
          {"to", report.to_position},
          {"events_checked", report.events_checked},
          {"ledger_hash", report.ledger_hash},
          {"findings", std::move(findings)}};
}

}  // namespace zfcli
