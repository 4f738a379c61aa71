// The rules/powers reference stream (权责清单) folded into a model the
// RuleBook queries: power items with every version, delegation decisions
// (赋权), township acceptance (承接, 赋权确认书), platform claims (事项认领),
// and the competence resolution of docs/domain.md, Competence resolution (J1–J5).
//
// Versioned, never edited in place. Every fact carries the civil date it
// takes effect (China Standard Time), and every query takes the date to
// answer for ("AS OF"): the last entry of an item's timeline whose
// effective_from is on or before that date is the one in force.
//
// Not thread-safe; the engine guards it.
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "zf/calendar.h"
#include "zf/event.h"
#include "zf/status.h"

namespace zf::internal {

// Event types of rules/powers.
inline constexpr std::string_view kPowerItemPublished = "power_item_published";
inline constexpr std::string_view kPowerItemWithdrawn = "power_item_withdrawn";
inline constexpr std::string_view kDelegationDecided = "delegation_decided";
inline constexpr std::string_view kDelegationWithdrawn = "delegation_withdrawn";
inline constexpr std::string_view kDelegationConfirmed = "delegation_confirmed";
inline constexpr std::string_view kItemClaimed = "item_claimed";

// Competence reasons (stable ids; docs/domain.md, Competence resolution).
inline constexpr std::string_view kReasonDelegatedAcceptedClaimed = "delegated_accepted_claimed";
inline constexpr std::string_view kReasonNotDelegated = "not_delegated";
inline constexpr std::string_view kReasonDelegatedNotAccepted = "delegated_not_accepted";
inline constexpr std::string_view kReasonDelegatedNotClaimed = "delegated_not_claimed";
inline constexpr std::string_view kReasonDelegationWithdrawn = "delegation_withdrawn";
inline constexpr std::string_view kReasonItemWithdrawn = "item_withdrawn";
inline constexpr std::string_view kReasonItemNotInForce = "item_not_in_force";

// One provision an item rests on (实施依据).
struct LegalBasisRef {
  std::string instrument;  // 《中华人民共和国安全生产法》
  std::string article;     // 第九十七条
  std::string paragraph;   // 第一款, or ""
  std::string item;        // 第（七）项, or ""
  std::string role;        // "violated" (违则) | "penalty" (罚则)

  // "《…》第九十七条第（七）项（罚则）".
  std::string ToText() const;
  friend bool operator==(const LegalBasisRef&, const LegalBasisRef&) = default;
};

// One version of a power item (权责事项).
struct PowerItemVersion {
  std::string item_code;
  std::string name;  // 权限名称
  std::vector<LegalBasisRef> legal_basis;
  std::string power_type;                  // administrative_penalty, ...
  std::string original_subject;            // agency id (原实施主体)
  std::string domain;                      // safety_production, ...
  std::vector<std::string> penalty_types;  // glossary ids: warning, fine, ...
  std::uint32_t version = 0;               // per item, from 1
  Date effective_from;
  std::string change_note;
  std::uint64_t stream_version = 0;  // rules/powers version that published it

  // True when the two versions say the same thing (ignoring version
  // numbers, dates and notes): a new version must change something.
  bool SameContent(const PowerItemVersion& other) const;
};

// One step of an item's timeline: a version taking effect, or the item
// being withdrawn (收回/取消) from the list.
struct PowerItemEntry {
  bool withdrawn = false;
  Date effective_from;
  PowerItemVersion version;  // the version published, or the one withdrawn
  std::string reason;        // withdrawals
  std::uint64_t stream_version = 0;
};

// A district decision delegating items to townships (赋权决定).
struct DelegationBatch {
  std::string batch;
  std::string title;
  std::string document_number;
  Date decided_on;
  Date effective_from;
  // township -> item codes (transparent: looked up by string_view on every
  // competence check)
  std::map<std::string, std::set<std::string, std::less<>>, std::less<>> grants;
  // (township, item) -> first date the delegation is withdrawn (收回).
  std::map<std::pair<std::string, std::string>, Date> withdrawn;
  std::uint64_t stream_version = 0;

  bool Grants(std::string_view township, std::string_view item) const;
  // Granted and not withdrawn on `date` (effective_from <= date).
  bool InForce(const std::string& township, const std::string& item, Date date) const;
};

// A township's acceptance of (part of) a batch (赋权确认书). A later
// confirmation of the same township and batch restates the accepted set.
struct DelegationConfirmation {
  std::string township;
  std::string batch;
  Date signed_on;
  std::set<std::string> accepted;
  std::string document;
  std::uint64_t stream_version = 0;
};

// J3 configuration (docs/domain.md, Competence resolution, [U][C]).
struct CompetenceConfig {
  // Items whose original department keeps the power inside a township even
  // when the township holds it by delegation. Default: none.
  std::set<std::string, std::less<>> department_retains_for;
  // Whether the answer carries legal_basis and legal_basis_en (formatted
  // sentences). A check that only asks who may act, made for every decision
  // on a case, leaves them empty.
  bool with_legal_basis = true;
};

// The answer of competent_subject(item, township, date).
struct Competence {
  std::string item_code;
  std::string township;
  Date as_of;
  std::string subject;      // "" when the item is not in force
  bool delegated = false;   // subject is the township by delegation
  std::string reason;       // kReason*
  std::string legal_basis;     // Chinese, the law by its official title
  std::string legal_basis_en;  // the same in the short English form (APL art. 22)
  std::uint32_t item_version = 0;
  std::string original_subject;
  std::string batch;  // the delegation batch used or considered
  std::uint64_t batch_stream_version = 0;
  bool department_retains = false;  // J3: the department may also act in T
};

class PowerList {
 public:
  // Folds one event of rules/powers. kCorruption for a known event type
  // whose data lacks a field it must have.
  Status Apply(const EventRecord& event);

  // --- Items --------------------------------------------------------------
  bool HasItem(std::string_view item_code) const;
  std::vector<std::string> ItemCodes() const;  // sorted
  // The item's timeline, oldest first; nullptr for an unknown item.
  const std::vector<PowerItemEntry>* History(std::string_view item_code) const;
  // The last entry recorded, or nullptr.
  const PowerItemEntry* Latest(std::string_view item_code) const;
  // The entry in force on `date` (version or withdrawal), or nullptr when
  // the item had not yet taken effect.
  const PowerItemEntry* EntryAsOf(std::string_view item_code, Date date) const;
  // The version in force on `date`, or nullptr (not yet, or withdrawn).
  const PowerItemVersion* ItemAsOf(std::string_view item_code, Date date) const;

  // --- Delegation, acceptance, claims ------------------------------------
  const DelegationBatch* Batch(std::string_view batch) const;
  // Batches in record order.
  const std::vector<DelegationBatch>& Batches() const { return batches_; }
  // The first batch (record order) delegating `item` to `township` in force
  // on `date`, or nullptr.
  const DelegationBatch* DelegationInForce(const std::string& township, const std::string& item,
                                           Date date) const;
  // The latest confirmation of (township, batch) signed on or before
  // `date`, or nullptr.
  const DelegationConfirmation* ConfirmationAsOf(std::string_view township, std::string_view batch,
                                                 Date date) const;
  // The latest confirmation of (township, batch) recorded, or nullptr.
  const DelegationConfirmation* LatestConfirmation(std::string_view township,
                                                   std::string_view batch) const;
  bool IsAccepted(const std::string& township, const std::string& item, Date date) const;
  bool IsClaimed(std::string_view subject, std::string_view item, Date date) const;
  bool HasClaim(std::string_view subject, std::string_view item) const;
  // Subjects with a claim on `item` dated on or before `date`, sorted.
  std::vector<std::string> ClaimedBy(std::string_view item, Date date) const;

  // Townships named by any delegation decision, sorted. Whether a township
  // exists is org's to say (OrgModel::FindTownship); these are only the
  // ones the decisions name.
  std::vector<std::string> Townships() const;
  // True when `id` is the original subject of any version of any item.
  bool IsOriginalSubject(std::string_view id) const;

  // --- Competence (docs/domain.md, Competence resolution) --------------------------------------------
  // competent_subject(item, township, date). REQUIRES: HasItem(item_code).
  Competence CompetentAsOf(const std::string& item_code, const std::string& township, Date date,
                           const CompetenceConfig& config = {}) const;
  // J1/J4 check: may `subject` handle `item` for a violation in `township`
  // on `date`? The competent subject may; under J3 the original department
  // may too. False for an unknown or not-in-force item.
  bool IsCompetentAsOf(std::string_view subject, const std::string& item_code,
                       const std::string& township, Date date,
                       const CompetenceConfig& config = {}) const;

 private:
  Status ApplyPublished(const EventRecord& event);
  Status ApplyItemWithdrawn(const EventRecord& event);
  Status ApplyDelegationDecided(const EventRecord& event);
  Status ApplyDelegationWithdrawn(const EventRecord& event);
  Status ApplyConfirmed(const EventRecord& event);
  Status ApplyClaimed(const EventRecord& event);
  // Indexes into batches_ (those granting anything to `township`) and into
  // confirmations_ (of `township` and `batch`), in record order.
  std::span<const std::size_t> BatchesOf(std::string_view township) const;
  std::span<const std::size_t> ConfirmationsOf(std::string_view township,
                                               std::string_view batch) const;

  std::map<std::string, std::vector<PowerItemEntry>, std::less<>> items_;
  std::vector<DelegationBatch> batches_;
  std::vector<DelegationConfirmation> confirmations_;  // record order
  // Indexes into batches_ and confirmations_, in record order (the keys of
  // batches_of_township_ are the townships the decisions name). A competence
  // check asks about one township; scanning every batch and every
  // confirmation instead made it grow with the province (at 10^7 events,
  // 85 batches and 1,124 confirmations: a fifth of the audit's deciding
  // thread, docs/performance.md "Competence checks"). Indexes, not
  // pointers, so that a copied list stays right.
  std::map<std::string, std::vector<std::size_t>, std::less<>> batches_of_township_;
  std::map<std::string, std::map<std::string, std::vector<std::size_t>, std::less<>>, std::less<>>
      confirmations_of_;  // township -> batch -> confirmations
  // (subject, item) -> earliest claimed_on.
  std::map<std::pair<std::string, std::string>, Date, std::less<>> claims_;
  std::set<std::string, std::less<>> original_subjects_;
};

// The civil date in China (UTC+8) of an instant in unix micros.
Date ChinaDateOf(std::int64_t unix_micros);

}  // namespace zf::internal
