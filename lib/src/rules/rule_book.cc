#include "rules/rule_book.h"

#include <algorithm>
#include <cstdint>

#include <fmt/format.h>

namespace zf::internal {

bool IsReferenceStream(std::string_view stream) {
  return stream == "org" || stream.starts_with("rules/");
}

Result<std::vector<Date>> ParseDateList(const boost::json::value* json, std::string_view pointer) {
  std::vector<Date> dates;
  const boost::json::array* list = json ? json->if_array() : nullptr;
  if (list == nullptr) {
    return InvalidArgumentError(fmt::format("{}: must be an array of dates", pointer))
        .WithSubject(pointer);
  }
  for (std::size_t i = 0; i < list->size(); ++i) {
    const std::string at = fmt::format("{}/{}", pointer, i);
    const boost::json::string* text = (*list)[i].if_string();
    if (text == nullptr) {
      return InvalidArgumentError(fmt::format("{}: must be a YYYY-MM-DD string", at))
          .WithSubject(at);
    }
    auto date = Date::Parse(*text);
    if (!date.ok()) {
      return InvalidArgumentError(fmt::format("{}: {}", at, date.status().message()))
          .WithSubject(at);
    }
    dates.push_back(*date);
  }
  return dates;
}

Status RuleBook::Apply(const EventRecord& event) {
  versions_[event.stream] = event.version;
  if (event.version > 0) {
    std::shared_ptr<std::vector<Provenance>>& shared = provenance_[event.stream];
    if (shared == nullptr) shared = std::make_shared<std::vector<Provenance>>();
    std::vector<Provenance>& log = Own(shared);
    // A rolled-back provisional event may have left a longer log.
    log.resize(event.version - 1);
    log.push_back({event.stream, event.version, event.position, event.hash, event.type,
                   event.occurred_at});
  }
  if (event.stream == kCalendarStream) return ApplyCalendar(event);
  if (event.stream == kOrgStream) return Own(org_).Apply(event);
  if (event.stream == kPowersStream) return Own(powers_).Apply(event);
  if (event.stream == kLeniencyStream) return Own(leniency_).Apply(event);
  if (event.stream == kBenchmarksStream) return Own(benchmarks_).Apply(event);
  if (event.stream == kHearingThresholdsStream) return Own(hearing_thresholds_).Apply(event);
  if (event.stream == kNonTaxItemsStream) return Own(non_tax_items_).Apply(event);
  if (event.stream == kPermissionsStream) return Own(permissions_).Apply(event);
  return Status::Ok();
}

const RuleBook::Provenance* RuleBook::ProvenanceOf(std::string_view stream,
                                                  std::uint64_t version) const {
  auto it = provenance_.find(stream);
  if (it == provenance_.end() || version == 0 || version > it->second->size()) return nullptr;
  return &(*it->second)[version - 1];
}

void RuleBook::NoteCommitted(const EventRecord& event) {
  auto it = provenance_.find(event.stream);
  if (it == provenance_.end() || event.version == 0 || event.version > it->second->size()) return;
  const Provenance& folded = (*it->second)[event.version - 1];
  if (folded.type != event.type) return;  // not the event folded: leave it unknown
  if (folded.position == event.position && folded.hash == event.hash) return;
  Provenance& p = Own(it->second)[event.version - 1];
  p.position = event.position;
  p.hash = event.hash;
}

std::uint64_t RuleBook::Version(std::string_view stream) const {
  auto it = versions_.find(stream);
  return it == versions_.end() ? 0 : it->second;
}

Status RuleBook::ApplyCalendar(const EventRecord& event) {
  if (event.type != "holiday_calendar_published") return Status::Ok();
  const boost::json::object* data = event.data.if_object();
  const boost::json::value* year = data ? data->if_contains("year") : nullptr;
  if (year == nullptr || !year->is_int64()) {
    return CorruptionError(fmt::format("rules/calendar v{}: no integer year", event.version));
  }
  CalendarYear entry;
  entry.year = static_cast<int>(year->as_int64());
  ZF_ASSIGN_OR_RETURN(entry.holidays, ParseDateList(data->if_contains("holidays"), "/holidays"));
  ZF_ASSIGN_OR_RETURN(entry.makeup_workdays,
                      ParseDateList(data->if_contains("makeup_workdays"), "/makeup_workdays"));
  if (const boost::json::value* notice = data->if_contains("notice"); notice && notice->is_string()) {
    entry.notice = notice->as_string();
  }
  ZF_ASSIGN_OR_RETURN(Timestamp at, ParseRfc3339(event.occurred_at));
  entry.published_at = at.unix_micros;
  entry.stream_version = event.version;
  publication_instants_.insert(
      std::upper_bound(publication_instants_.begin(), publication_instants_.end(), entry.published_at),
      entry.published_at);
  calendar_[entry.year].push_back(std::move(entry));
  calendar_cache_ = std::make_shared<CalendarCache>();
  return Status::Ok();
}

std::vector<const RuleBook::CalendarYear*> RuleBook::CalendarHistory(int year) const {
  std::vector<const CalendarYear*> out;
  if (auto it = calendar_.find(year); it != calendar_.end()) {
    for (const CalendarYear& y : it->second) out.push_back(&y);
  }
  return out;
}

std::vector<int> RuleBook::CalendarYears() const {
  std::vector<int> years;
  for (const auto& [year, history] : calendar_) years.push_back(year);
  return years;
}

const WorkingDayCalendar& RuleBook::CalendarAsOf(std::int64_t instant) const {
  // What is in force changes only at a publication instant.
  auto after = std::upper_bound(publication_instants_.begin(), publication_instants_.end(), instant);
  const std::int64_t epoch =
      after == publication_instants_.begin() ? INT64_MIN : *std::prev(after);
  std::lock_guard lock(calendar_cache_->mu);
  std::unique_ptr<WorkingDayCalendar>& cached = calendar_cache_->by_epoch[epoch];
  if (!cached) cached = std::make_unique<WorkingDayCalendar>(BuildCalendar(epoch));
  return *cached;
}

WorkingDayCalendar RuleBook::BuildCalendar(std::int64_t instant) const {
  WorkingDayCalendar calendar;
  for (const auto& [year, history] : calendar_) {
    const CalendarYear* in_force = nullptr;
    for (const CalendarYear& y : history) {
      if (y.published_at <= instant) in_force = &y;
    }
    // Validated by the decider before it was recorded.
    if (in_force) calendar.AddYear(year, in_force->holidays, in_force->makeup_workdays).IgnoreError();
  }
  return calendar;
}

RuleBookView::RuleBookView(const RuleBook* rules, std::int64_t instant)
    : rules_(rules), instant_(instant), date_(ChinaDateOf(instant)) {}

const WorkingDayCalendar& RuleBookView::Calendar() const { return rules_->CalendarAsOf(instant_); }

Result<Competence> RuleBookView::CompetentSubject(const std::string& item_code,
                                                  const std::string& township,
                                                  const CompetenceConfig& config) const {
  if (!rules_->powers().HasItem(item_code)) {
    return NotFoundError(fmt::format("no power item {}", item_code)).WithSubject("item_code");
  }
  if (rules_->org().FindTownship(township) == nullptr) {
    return NotFoundError(fmt::format("no township {}", township)).WithSubject("township");
  }
  return rules_->powers().CompetentAsOf(item_code, township, date_, config);
}

const PowerItemVersion* RuleBookView::PowerItem(std::string_view item_code) const {
  return rules_->powers().ItemAsOf(item_code, date_);
}

std::vector<const LeniencyEntry*> RuleBookView::LeniencyEntries(std::string_view item_code) const {
  return rules_->leniency().EntriesInForce(item_code, instant_);
}

const DiscretionBenchmark* RuleBookView::Benchmark(std::string_view item_code,
                                                   PartyCategory category) const {
  return rules_->benchmarks().BenchmarkInForce(item_code, category, instant_);
}

Result<bool> RuleBookView::HearingEligible(std::string_view department,
                                           HearingPartyCategory category, std::int64_t fine_fen,
                                           std::int64_t confiscation_fen) const {
  return rules_->hearing_thresholds().IsHearingEligible(department, category, fine_fen,
                                                        confiscation_fen, instant_);
}

const Credential* RuleBookView::ValidCredential(std::string_view officer) const {
  return rules_->org().ValidCredential(officer, date_);
}

const OrgModel& RuleBookView::org() const { return rules_->org(); }

const PermissionMatrix* RuleBookView::Permissions() const {
  return rules_->permissions().AsOf(instant_);
}

const WorkingDayCalendar& RuleBook::CalendarLatest() const {
  return CalendarAsOf(INT64_MAX);
}

}  // namespace zf::internal
