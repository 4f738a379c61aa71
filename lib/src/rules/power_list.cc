#include "rules/power_list.h"

#include <fmt/format.h>

#include <algorithm>
#include <utility>
#include <boost/json.hpp>

namespace zf::internal {
namespace {

// The entry of `map` for `key`, made empty if there is none.
template <typename Map>
auto& IndexOf(Map* map, std::string_view key) {
  auto it = map->find(key);
  if (it == map->end()) it = map->emplace(std::string(key), typename Map::mapped_type()).first;
  return it->second;
}

constexpr std::int64_t kMicrosPerDay = 86'400'000'000;
constexpr std::int64_t kChinaOffsetMicros = 8LL * 3600 * 1'000'000;

// Legal-basis texts of the competence answers, in Chinese (stored in the
// filing and transfer events as competence_basis: do not reword) and in the
// short English form of docs/domain.md.
constexpr std::string_view kBasisTerritorial = "《中华人民共和国行政处罚法》第二十二条（地域管辖）";
constexpr std::string_view kBasisDelegation =
    "《中华人民共和国行政处罚法》第二十四条（赋权乡镇街道）";
constexpr std::string_view kBasisVoid =
    "《中华人民共和国行政处罚法》第三十八条（主体无权的处罚无效）";
constexpr std::string_view kBasisTerritorialEn = "APL art. 22 (territorial jurisdiction)";
constexpr std::string_view kBasisDelegationEn =
    "APL art. 24 (powers delegated to townships and subdistricts)";
constexpr std::string_view kBasisVoidEn =
    "APL art. 38 (a penalty by a subject without the power is void)";

// Readers of data the decider already validated: a missing field means the
// stored event is not what its type says, so kCorruption.
Status Corrupt(const EventRecord& event, std::string_view field) {
  return CorruptionError(
      fmt::format("rules/powers v{} {}: no valid '{}'", event.version, event.type, field));
}

const boost::json::object* Data(const EventRecord& event) { return event.data.if_object(); }

bool ReadString(const boost::json::object& data, std::string_view key, std::string* out) {
  const boost::json::value* v = data.if_contains(key);
  if (v == nullptr || !v->is_string()) return false;
  *out = std::string(v->as_string());
  return true;
}

std::string OptionalString(const boost::json::object& data, std::string_view key) {
  std::string out;
  ReadString(data, key, &out);
  return out;
}

bool ReadDate(const boost::json::object& data, std::string_view key, Date* out) {
  std::string text;
  if (!ReadString(data, key, &text)) return false;
  auto date = Date::Parse(text);
  if (!date.ok()) return false;
  *out = *date;
  return true;
}

bool ReadStrings(const boost::json::object& data, std::string_view key,
                 std::vector<std::string>* out) {
  const boost::json::value* v = data.if_contains(key);
  if (v == nullptr || !v->is_array()) return false;
  out->clear();
  for (const boost::json::value& e : v->as_array()) {
    if (!e.is_string()) return false;
    out->emplace_back(e.as_string());
  }
  return true;
}

bool ReadLegalBasis(const boost::json::object& data, std::vector<LegalBasisRef>* out) {
  const boost::json::value* v = data.if_contains("legal_basis");
  if (v == nullptr || !v->is_array()) return false;
  for (const boost::json::value& e : v->as_array()) {
    const boost::json::object* o = e.if_object();
    if (o == nullptr) return false;
    LegalBasisRef ref;
    if (!ReadString(*o, "instrument", &ref.instrument) ||
        !ReadString(*o, "article", &ref.article) || !ReadString(*o, "role", &ref.role)) {
      return false;
    }
    ref.paragraph = OptionalString(*o, "paragraph");
    ref.item = OptionalString(*o, "item");
    out->push_back(std::move(ref));
  }
  return true;
}

}  // namespace

Date ChinaDateOf(std::int64_t unix_micros) {
  const std::int64_t local = unix_micros + kChinaOffsetMicros;
  std::int64_t day = local / kMicrosPerDay;
  if (local % kMicrosPerDay < 0) --day;  // floor for instants before 1970
  return Date::FromDayNumber(day);
}

std::string LegalBasisRef::ToText() const {
  return fmt::format("{}{}{}{}（{}）", instrument, article, paragraph, item,
                     role == "penalty" ? "罚则" : "违则");
}

bool PowerItemVersion::SameContent(const PowerItemVersion& o) const {
  return name == o.name && legal_basis == o.legal_basis && power_type == o.power_type &&
         original_subject == o.original_subject && domain == o.domain &&
         penalty_types == o.penalty_types;
}

bool DelegationBatch::Grants(std::string_view township, std::string_view item) const {
  auto it = grants.find(township);
  return it != grants.end() && it->second.contains(item);
}

bool DelegationBatch::InForce(const std::string& township, const std::string& item,
                              Date date) const {
  if (date < effective_from || !Grants(township, item)) return false;
  auto w = withdrawn.find({township, item});
  return w == withdrawn.end() || date < w->second;
}

// --- Folding --------------------------------------------------------------

Status PowerList::Apply(const EventRecord& event) {
  if (event.type == kPowerItemPublished) return ApplyPublished(event);
  if (event.type == kPowerItemWithdrawn) return ApplyItemWithdrawn(event);
  if (event.type == kDelegationDecided) return ApplyDelegationDecided(event);
  if (event.type == kDelegationWithdrawn) return ApplyDelegationWithdrawn(event);
  if (event.type == kDelegationConfirmed) return ApplyConfirmed(event);
  if (event.type == kItemClaimed) return ApplyClaimed(event);
  return Status::Ok();
}

Status PowerList::ApplyPublished(const EventRecord& event) {
  const boost::json::object* data = Data(event);
  if (data == nullptr) return Corrupt(event, "data");
  PowerItemEntry entry;
  PowerItemVersion& v = entry.version;
  if (!ReadString(*data, "item_code", &v.item_code)) return Corrupt(event, "item_code");
  if (!ReadString(*data, "name", &v.name)) return Corrupt(event, "name");
  if (!ReadLegalBasis(*data, &v.legal_basis)) return Corrupt(event, "legal_basis");
  if (!ReadString(*data, "power_type", &v.power_type)) return Corrupt(event, "power_type");
  if (!ReadString(*data, "original_subject", &v.original_subject)) {
    return Corrupt(event, "original_subject");
  }
  if (!ReadString(*data, "domain", &v.domain)) return Corrupt(event, "domain");
  if (!ReadStrings(*data, "penalty_types", &v.penalty_types))
    return Corrupt(event, "penalty_types");
  if (!ReadDate(*data, "effective_from", &v.effective_from))
    return Corrupt(event, "effective_from");
  const boost::json::value* version = data->if_contains("version");
  if (version == nullptr || !(version->is_int64() || version->is_uint64())) {
    return Corrupt(event, "version");
  }
  const std::int64_t number =
      version->is_int64() ? version->as_int64() : static_cast<std::int64_t>(version->as_uint64());
  if (number < 1 || number > UINT32_MAX) return Corrupt(event, "version");
  v.version = static_cast<std::uint32_t>(number);
  v.change_note = OptionalString(*data, "change_note");
  v.stream_version = event.version;
  entry.effective_from = v.effective_from;
  entry.stream_version = event.version;
  original_subjects_.insert(v.original_subject);
  items_[v.item_code].push_back(std::move(entry));
  return Status::Ok();
}

Status PowerList::ApplyItemWithdrawn(const EventRecord& event) {
  const boost::json::object* data = Data(event);
  if (data == nullptr) return Corrupt(event, "data");
  std::string code;
  if (!ReadString(*data, "item_code", &code)) return Corrupt(event, "item_code");
  auto it = items_.find(code);
  if (it == items_.end() || it->second.empty()) return Corrupt(event, "item_code (unknown item)");
  PowerItemEntry entry;
  entry.withdrawn = true;
  if (!ReadDate(*data, "effective_from", &entry.effective_from)) {
    return Corrupt(event, "effective_from");
  }
  entry.version = it->second.back().version;
  entry.reason = OptionalString(*data, "reason");
  entry.stream_version = event.version;
  it->second.push_back(std::move(entry));
  return Status::Ok();
}

Status PowerList::ApplyDelegationDecided(const EventRecord& event) {
  const boost::json::object* data = Data(event);
  if (data == nullptr) return Corrupt(event, "data");
  DelegationBatch batch;
  if (!ReadString(*data, "batch", &batch.batch)) return Corrupt(event, "batch");
  if (!ReadString(*data, "title", &batch.title)) return Corrupt(event, "title");
  batch.document_number = OptionalString(*data, "document_number");
  if (!ReadDate(*data, "decided_on", &batch.decided_on)) return Corrupt(event, "decided_on");
  if (!ReadDate(*data, "effective_from", &batch.effective_from)) {
    return Corrupt(event, "effective_from");
  }
  const boost::json::value* grants = data->if_contains("grants");
  if (grants == nullptr || !grants->is_array()) return Corrupt(event, "grants");
  for (const boost::json::value& g : grants->as_array()) {
    std::vector<std::string> townships, items;
    if (!g.is_object() || !ReadStrings(g.as_object(), "townships", &townships) ||
        !ReadStrings(g.as_object(), "items", &items)) {
      return Corrupt(event, "grants");
    }
    for (const std::string& t : townships) {
      batch.grants[t].insert(items.begin(), items.end());
    }
  }
  batch.stream_version = event.version;
  for (const auto& [township, items] : batch.grants) {
    IndexOf(&batches_of_township_, township).push_back(batches_.size());
  }
  batches_.push_back(std::move(batch));
  return Status::Ok();
}

Status PowerList::ApplyDelegationWithdrawn(const EventRecord& event) {
  const boost::json::object* data = Data(event);
  if (data == nullptr) return Corrupt(event, "data");
  std::string id;
  Date from;
  if (!ReadString(*data, "batch", &id)) return Corrupt(event, "batch");
  if (!ReadDate(*data, "effective_from", &from)) return Corrupt(event, "effective_from");
  auto batch = std::find_if(batches_.begin(), batches_.end(),
                            [&](const DelegationBatch& b) { return b.batch == id; });
  if (batch == batches_.end()) return Corrupt(event, "batch (unknown batch)");
  const boost::json::value* withdrawn = data->if_contains("withdrawn");
  if (withdrawn == nullptr || !withdrawn->is_array()) return Corrupt(event, "withdrawn");
  for (const boost::json::value& w : withdrawn->as_array()) {
    std::string township;
    std::vector<std::string> items;
    if (!w.is_object() || !ReadString(w.as_object(), "township", &township) ||
        !ReadStrings(w.as_object(), "items", &items)) {
      return Corrupt(event, "withdrawn");
    }
    // The earliest withdrawal of a pair counts; the decider refuses a
    // second one, so this is only a guard for the fold's determinism.
    for (const std::string& item : items) batch->withdrawn.try_emplace({township, item}, from);
  }
  return Status::Ok();
}

Status PowerList::ApplyConfirmed(const EventRecord& event) {
  const boost::json::object* data = Data(event);
  if (data == nullptr) return Corrupt(event, "data");
  DelegationConfirmation c;
  std::vector<std::string> accepted;
  if (!ReadString(*data, "township", &c.township)) return Corrupt(event, "township");
  if (!ReadString(*data, "batch", &c.batch)) return Corrupt(event, "batch");
  if (!ReadDate(*data, "signed_on", &c.signed_on)) return Corrupt(event, "signed_on");
  if (!ReadStrings(*data, "accepted_item_codes", &accepted)) {
    return Corrupt(event, "accepted_item_codes");
  }
  c.accepted.insert(accepted.begin(), accepted.end());
  c.document = OptionalString(*data, "document");
  c.stream_version = event.version;
  IndexOf(&IndexOf(&confirmations_of_, c.township), c.batch).push_back(confirmations_.size());
  confirmations_.push_back(std::move(c));
  return Status::Ok();
}

Status PowerList::ApplyClaimed(const EventRecord& event) {
  const boost::json::object* data = Data(event);
  if (data == nullptr) return Corrupt(event, "data");
  std::string subject;
  std::vector<std::string> items;
  Date on;
  if (!ReadString(*data, "subject_id", &subject)) return Corrupt(event, "subject_id");
  if (!ReadStrings(*data, "item_codes", &items)) return Corrupt(event, "item_codes");
  if (!ReadDate(*data, "claimed_on", &on)) return Corrupt(event, "claimed_on");
  for (const std::string& item : items) claims_.try_emplace({subject, item}, on);
  return Status::Ok();
}

// --- Queries --------------------------------------------------------------

bool PowerList::HasItem(std::string_view item_code) const {
  return items_.find(item_code) != items_.end();
}

std::vector<std::string> PowerList::ItemCodes() const {
  std::vector<std::string> codes;
  for (const auto& [code, history] : items_) codes.push_back(code);
  return codes;
}

const std::vector<PowerItemEntry>* PowerList::History(std::string_view item_code) const {
  auto it = items_.find(item_code);
  return it == items_.end() ? nullptr : &it->second;
}

const PowerItemEntry* PowerList::Latest(std::string_view item_code) const {
  const auto* history = History(item_code);
  return history == nullptr || history->empty() ? nullptr : &history->back();
}

const PowerItemEntry* PowerList::EntryAsOf(std::string_view item_code, Date date) const {
  const auto* history = History(item_code);
  if (history == nullptr) return nullptr;
  // Entries are recorded in non-decreasing effective_from order (the
  // decider enforces it); the last one effective on `date` is in force, so
  // a same-day correction recorded later wins.
  const PowerItemEntry* in_force = nullptr;
  for (const PowerItemEntry& e : *history) {
    if (e.effective_from <= date) in_force = &e;
  }
  return in_force;
}

const PowerItemVersion* PowerList::ItemAsOf(std::string_view item_code, Date date) const {
  const PowerItemEntry* e = EntryAsOf(item_code, date);
  return e == nullptr || e->withdrawn ? nullptr : &e->version;
}

const DelegationBatch* PowerList::Batch(std::string_view batch) const {
  for (const DelegationBatch& b : batches_) {
    if (b.batch == batch) return &b;
  }
  return nullptr;
}

std::span<const std::size_t> PowerList::BatchesOf(std::string_view township) const {
  auto it = batches_of_township_.find(township);
  if (it == batches_of_township_.end()) return {};
  return it->second;
}

std::span<const std::size_t> PowerList::ConfirmationsOf(std::string_view township,
                                                        std::string_view batch) const {
  auto t = confirmations_of_.find(township);
  if (t == confirmations_of_.end()) return {};
  auto b = t->second.find(batch);
  if (b == t->second.end()) return {};
  return b->second;
}

const DelegationBatch* PowerList::DelegationInForce(const std::string& township,
                                                    const std::string& item, Date date) const {
  for (std::size_t i : BatchesOf(township)) {
    if (batches_[i].InForce(township, item, date)) return &batches_[i];
  }
  return nullptr;
}

const DelegationConfirmation* PowerList::ConfirmationAsOf(std::string_view township,
                                                          std::string_view batch, Date date) const {
  const DelegationConfirmation* found = nullptr;
  for (std::size_t i : ConfirmationsOf(township, batch)) {
    if (confirmations_[i].signed_on <= date) found = &confirmations_[i];
  }
  return found;
}

const DelegationConfirmation* PowerList::LatestConfirmation(std::string_view township,
                                                            std::string_view batch) const {
  std::span<const std::size_t> of = ConfirmationsOf(township, batch);
  return of.empty() ? nullptr : &confirmations_[of.back()];
}

bool PowerList::IsAccepted(const std::string& township, const std::string& item, Date date) const {
  for (std::size_t i : BatchesOf(township)) {
    const DelegationBatch& b = batches_[i];
    if (!b.InForce(township, item, date)) continue;
    const DelegationConfirmation* c = ConfirmationAsOf(township, b.batch, date);
    if (c != nullptr && c->accepted.contains(item)) return true;
  }
  return false;
}

bool PowerList::IsClaimed(std::string_view subject, std::string_view item, Date date) const {
  auto it = claims_.find(std::pair<std::string, std::string>(subject, item));
  return it != claims_.end() && it->second <= date;
}

bool PowerList::HasClaim(std::string_view subject, std::string_view item) const {
  return claims_.contains(std::pair<std::string, std::string>(subject, item));
}

std::vector<std::string> PowerList::ClaimedBy(std::string_view item, Date date) const {
  std::vector<std::string> subjects;
  for (const auto& [key, on] : claims_) {
    if (key.second == item && on <= date) subjects.push_back(key.first);
  }
  return subjects;  // map order: sorted by subject
}

std::vector<std::string> PowerList::Townships() const {
  std::vector<std::string> townships;
  townships.reserve(batches_of_township_.size());
  for (const auto& [township, batches] : batches_of_township_) townships.push_back(township);
  return townships;
}

bool PowerList::IsOriginalSubject(std::string_view id) const {
  return original_subjects_.contains(id);
}

// --- Competence -----------------------------------------------------------

Competence PowerList::CompetentAsOf(const std::string& item_code, const std::string& township,
                                    Date date, const CompetenceConfig& config) const {
  Competence answer;
  answer.item_code = item_code;
  answer.township = township;
  answer.as_of = date;
  const PowerItemEntry* entry = EntryAsOf(item_code, date);
  if (entry == nullptr || entry->withdrawn) {
    // Nobody may punish under an item that is not in the list that day:
    // a decision would rest on a power no subject holds.
    answer.reason = entry == nullptr ? kReasonItemNotInForce : kReasonItemWithdrawn;
    if (config.with_legal_basis) {
      answer.legal_basis = std::string(kBasisVoid);
      answer.legal_basis_en = std::string(kBasisVoidEn);
    }
    if (entry != nullptr) {
      answer.item_version = entry->version.version;
      answer.original_subject = entry->version.original_subject;
    }
    return answer;
  }
  const PowerItemVersion& v = entry->version;
  answer.item_version = v.version;
  answer.original_subject = v.original_subject;
  answer.department_retains = config.department_retains_for.contains(item_code);
  // The legal-basis texts are formatted only for a caller that wants them.
  const bool basis = config.with_legal_basis;
  const std::string item_ref =
      basis ? fmt::format("权责清单 {} 第{}版", item_code, v.version) : std::string();
  const std::string item_ref_en =
      basis ? fmt::format("power list {} v{}", item_code, v.version) : std::string();

  const DelegationBatch* batch = DelegationInForce(township, item_code, date);
  // `why` words why the department keeps the power, {Chinese, English}; it
  // is called only when the texts are wanted.
  using Why = std::pair<std::string, std::string>;
  auto to_department = [&](std::string_view reason, const auto& why) {
    answer.subject = v.original_subject;
    answer.reason = reason;
    if (!basis) return answer;
    const Why words = why();
    answer.legal_basis = fmt::format("{}; {}（原实施主体 {}）; {}; {}", kBasisTerritorial, item_ref,
                                     v.original_subject, words.first, kBasisVoid);
    answer.legal_basis_en =
        fmt::format("{}; {} (original subject {}); {}; {}", kBasisTerritorialEn, item_ref_en,
                    v.original_subject, words.second, kBasisVoidEn);
    return answer;
  };
  if (batch == nullptr) {
    // Was (township, item) delegated by a batch already in force whose
    // delegation has since been withdrawn?
    for (std::size_t i : BatchesOf(township)) {
      const DelegationBatch& b = batches_[i];
      if (b.effective_from <= date && b.Grants(township, item_code)) {
        answer.batch = b.batch;
        answer.batch_stream_version = b.stream_version;
        const Date on = b.withdrawn.at({township, item_code});
        return to_department(kReasonDelegationWithdrawn, [&] {
          return Why{fmt::format("赋权决定 {} 已于 {} 收回", b.batch, on.ToString()),
                     fmt::format("delegation {} withdrawn on {}", b.batch, on.ToString())};
        });
      }
    }
    return to_department(kReasonNotDelegated, [] {
      return Why{"未赋予该乡镇（街道）", "not delegated to the township"};
    });
  }
  answer.batch = batch->batch;
  answer.batch_stream_version = batch->stream_version;
  if (!IsAccepted(township, item_code, date)) {
    return to_department(kReasonDelegatedNotAccepted, [&] {
      return Why{fmt::format("赋权决定 {} 已赋予但该乡镇（街道）未承接", batch->batch),
                 fmt::format("delegated by {} but not accepted by the township", batch->batch)};
    });
  }
  if (!IsClaimed(township, item_code, date)) {
    return to_department(kReasonDelegatedNotClaimed, [&] {
      return Why{fmt::format("赋权决定 {} 已承接但未在平台认领", batch->batch),
                 fmt::format("accepted under {} but not claimed on the platform", batch->batch)};
    });
  }
  answer.subject = township;
  answer.delegated = true;
  answer.reason = kReasonDelegatedAcceptedClaimed;
  if (!basis) return answer;
  // The confirmation the texts cite: the township's latest of this batch
  // signed on or before the date.
  const DelegationConfirmation* c = ConfirmationAsOf(township, batch->batch, date);
  answer.legal_basis = fmt::format(
      "{}; {}; {}; 赋权决定 {}{}; 赋权确认书 {}", kBasisDelegation, kBasisTerritorial, item_ref,
      batch->batch, batch->document_number.empty() ? "" : "（" + batch->document_number + "）",
      c->signed_on.ToString());
  answer.legal_basis_en = fmt::format(
      "{}; {}; {}; delegation {}{}; confirmation signed {}", kBasisDelegationEn,
      kBasisTerritorialEn, item_ref_en, batch->batch,
      batch->document_number.empty() ? "" : " (" + batch->document_number + ")",
      c->signed_on.ToString());
  return answer;
}

bool PowerList::IsCompetentAsOf(std::string_view subject, const std::string& item_code,
                                const std::string& township, Date date,
                                const CompetenceConfig& config) const {
  if (!HasItem(item_code)) return false;
  const Competence c = CompetentAsOf(item_code, township, date, config);
  if (c.subject.empty()) return false;
  if (c.subject == subject) return true;
  return c.department_retains && c.original_subject == subject;
}

}  // namespace zf::internal
