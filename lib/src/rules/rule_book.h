// The reference data in force: a fold over the reference streams (rules/*,
// org). Versioned, never edited in place: every publication is kept, and
// the AsOf queries pick what was in force at an instant.
//
// So far: the holiday calendar (rules/calendar). The power list, four
// lists, benchmarks, hearing thresholds, the organisation and the
// permission matrix join it.
//
// Copies are cheap: a copy shares each part (the organisation, the power
// list, ...) with the original until one of them folds an event into that
// part, which then gets its own (copy-on-write). At 10^7 events the parts
// hold about 120 MB, and an atomic batch and a dry run keep a copy to go
// back to.
//
// Not thread-safe; the engine guards it. Distinct copies may be used from
// distinct threads, including folding into them.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "rules/benchmarks.h"
#include "rules/hearing_thresholds.h"
#include "rules/leniency_lists.h"
#include "rules/non_tax_items.h"
#include "rules/org_model.h"
#include "rules/permissions.h"
#include "rules/power_list.h"
#include "util/rfc3339.h"
#include "zf/calendar.h"
#include "zf/event.h"
#include "zf/result.h"

namespace zf::internal {

inline constexpr std::string_view kCalendarStream = "rules/calendar";
inline constexpr std::string_view kOrgStream = "org";
inline constexpr std::string_view kPowersStream = "rules/powers";
inline constexpr std::string_view kLeniencyStream = "rules/leniency";
inline constexpr std::string_view kBenchmarksStream = "rules/benchmarks";
inline constexpr std::string_view kHearingThresholdsStream = "rules/hearing_thresholds";

// Every reference stream, in the order the engine folds them on open.
inline constexpr std::string_view kReferenceStreams[] = {
    kOrgStream,       kCalendarStream,   kPowersStream,
    kLeniencyStream,  kBenchmarksStream, kHearingThresholdsStream,
    kNonTaxItemsStream, kPermissionsStream};

// True for the streams the RuleBook folds.
bool IsReferenceStream(std::string_view stream);

class RuleBook;

// The reference data in force at one instant: RuleBook::AsOf(instant).
// A view: it must not outlive the RuleBook, and a later Apply() may change
// what it answers.
class RuleBookView {
 public:
  RuleBookView(const RuleBook* rules, std::int64_t instant);

  std::int64_t instant() const { return instant_; }
  // The instant's civil date in China (UTC+8): the day dated rules use.
  Date date() const { return date_; }

  // The holiday calendar published by then (docs/domain.md, Conventions). Valid until the
  // RuleBook next changes.
  const WorkingDayCalendar& Calendar() const;
  // Who may handle `item_code` for a violation in `township` (docs/domain.md, Competence resolution,
  // J1-J3), with the reason when it is not the township. kNotFound for an
  // unknown item (subject "item_code") or township (subject "township").
  Result<Competence> CompetentSubject(const std::string& item_code, const std::string& township,
                                      const CompetenceConfig& config = {}) const;
  // The power item version in force, or nullptr.
  const PowerItemVersion* PowerItem(std::string_view item_code) const;
  // Every leniency entry in force for the item, over the four lists.
  std::vector<const LeniencyEntry*> LeniencyEntries(std::string_view item_code) const;
  // The discretion benchmark in force for the item and party category.
  const DiscretionBenchmark* Benchmark(std::string_view item_code, PartyCategory category) const;
  // Whether the proposed fine/confiscation makes the case hearing-eligible.
  Result<bool> HearingEligible(std::string_view department, HearingPartyCategory category,
                               std::int64_t fine_fen, std::int64_t confiscation_fen) const;
  // The officer's enforcement credential valid on the date, or nullptr.
  const Credential* ValidCredential(std::string_view officer) const;
  // The permission matrix in force, or nullptr before the first takes
  // effect (then actors are not checked against one).
  const PermissionMatrix* Permissions() const;
  // The organisation as folded (registrations carry their instants).
  const OrgModel& org() const;

 private:
  const RuleBook* rules_;
  std::int64_t instant_;
  Date date_;
};

class RuleBook {
 public:
  // What was in force at `instant` (unix micros).
  RuleBookView AsOf(std::int64_t instant) const { return RuleBookView(this, instant); }

  // Folds one committed (or about to be committed) reference event.
  // kCorruption when a stored event does not have the shape its type needs.
  Status Apply(const EventRecord& event);

  // The stream's version as folded so far (0 = no events).
  std::uint64_t Version(std::string_view stream) const;

  // Where a rule version came from: the reference event that put it in
  // force. Every versioned entry (power item, delegation, acceptance, list
  // entry, benchmark, hearing threshold, calendar year) keeps the stream
  // version of its event, and this answers the rest, so an explanation can
  // cite the event an auditor can check in the hash chain.
  struct Provenance {
    std::string stream;
    std::uint64_t version = 0;
    std::uint64_t position = 0;  // 0 until the event is committed
    std::string hash;            // "" until the event is committed
    std::string type;
    std::string occurred_at;
  };
  // The provenance of (stream, version), or nullptr when not folded.
  const Provenance* ProvenanceOf(std::string_view stream, std::uint64_t version) const;
  // Records the position and hash of an event folded before it was
  // committed (the engine folds decided events provisionally).
  void NoteCommitted(const EventRecord& event);

  // One published arrangement of a year's holidays.
  struct CalendarYear {
    int year;
    std::vector<Date> holidays;
    std::vector<Date> makeup_workdays;
    std::string notice;           // the State Council notice it comes from
    std::int64_t published_at;    // unix micros (the command's `at`)
    std::uint64_t stream_version; // rules/calendar version that published it
  };

  // Every publication of `year`, oldest first.
  std::vector<const CalendarYear*> CalendarHistory(int year) const;
  std::vector<int> CalendarYears() const;

  // The calendar in force at `instant` (unix micros): per year, the latest
  // arrangement published at or before it. Years not yet published then are
  // absent, so a deadline that needs one fails rather than guesses.
  // Built once per publication and kept: deadlines ask for it on every
  // command and every query row. The reference is valid until the RuleBook
  // next changes.
  const WorkingDayCalendar& CalendarAsOf(std::int64_t instant) const;
  // Every year, latest publication.
  const WorkingDayCalendar& CalendarLatest() const;

  const OrgModel& org() const { return *org_; }
  const PowerList& powers() const { return *powers_; }
  const LeniencyLists& leniency() const { return *leniency_; }
  const Benchmarks& benchmarks() const { return *benchmarks_; }
  const HearingThresholds& hearing_thresholds() const { return *hearing_thresholds_; }
  const NonTaxItems& non_tax_items() const { return *non_tax_items_; }
  const PermissionMatrices& permissions() const { return *permissions_; }

 private:
  // The part to fold into: `part` itself when no other RuleBook shares it,
  // else a copy that replaces it here. The acquire fence pairs with the
  // release of the last other owner's drop, so its reads are done.
  template <typename T>
  static T& Own(std::shared_ptr<T>& part) {
    if (part.use_count() != 1) {
      part = std::make_shared<T>(static_cast<const T&>(*part));
    } else {
      std::atomic_thread_fence(std::memory_order_acquire);
    }
    return *part;
  }

  Status ApplyCalendar(const EventRecord& event);
  // Per year, the latest arrangement published at or before `instant`.
  WorkingDayCalendar BuildCalendar(std::int64_t instant) const;

  std::map<std::string, std::uint64_t, std::less<>> versions_;
  // stream -> provenance by version (index version - 1), shared like the
  // parts below.
  std::map<std::string, std::shared_ptr<std::vector<Provenance>>, std::less<>> provenance_;
  std::map<int, std::vector<CalendarYear>> calendar_;
  // The calendars asked for, by the publication instant that made each
  // (the latest at or before the instant asked about). Copies of the
  // RuleBook share it until one of them changes its calendar, which gives
  // that one a new, empty cache.
  struct CalendarCache {
    std::mutex mu;
    std::map<std::int64_t, std::unique_ptr<WorkingDayCalendar>> by_epoch;  // GUARDED_BY(mu)
  };
  std::vector<std::int64_t> publication_instants_;  // sorted
  std::shared_ptr<CalendarCache> calendar_cache_ = std::make_shared<CalendarCache>();
  std::shared_ptr<OrgModel> org_ = std::make_shared<OrgModel>();
  std::shared_ptr<PowerList> powers_ = std::make_shared<PowerList>();
  std::shared_ptr<LeniencyLists> leniency_ = std::make_shared<LeniencyLists>();
  std::shared_ptr<Benchmarks> benchmarks_ = std::make_shared<Benchmarks>();
  std::shared_ptr<HearingThresholds> hearing_thresholds_ = std::make_shared<HearingThresholds>();
  std::shared_ptr<NonTaxItems> non_tax_items_ = std::make_shared<NonTaxItems>();
  std::shared_ptr<PermissionMatrices> permissions_ = std::make_shared<PermissionMatrices>();
};

// Parses a list of "YYYY-MM-DD" strings from `json`; names the first bad
// entry with its JSON pointer under `pointer`.
Result<std::vector<Date>> ParseDateList(const boost::json::value* json, std::string_view pointer);

}  // namespace zf::internal
