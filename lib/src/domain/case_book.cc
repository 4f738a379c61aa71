#include "domain/case_book.h"

#include <algorithm>
#include <optional>
#include <thread>

#include <fmt/format.h>

#include "util/sm3.h"
#include "util/worker_pool.h"

namespace zf::internal {
namespace {

constexpr std::string_view kAggregateRowPrefix = "ix/agg/";

// The index keys (row prefixes) of the three cross-case indexes. A party id
// or case id may hold any character but NUL, so NUL ends the key.
// (Built by concatenation: they are made for every event that names a
// party, where fmt's parse of a format string cost more than the key.)
std::string IndexKey(std::string_view prefix, std::string_view id) {
  std::string key;
  key.reserve(prefix.size() + id.size() + 1);
  key.append(prefix).append(id).push_back('\0');
  return key;
}
std::string PartyKey(std::string_view party_id) { return IndexKey("ix/party/", party_id); }
std::string RelatedKey(std::string_view case_id) { return IndexKey("ix/related/", case_id); }
std::string HandoverKey(std::string_view receiving_case_id) {
  return IndexKey("ix/handover/", receiving_case_id);
}
std::string MemberRowKey(const std::string& index_key, std::uint32_t seq) {
  return index_key + fmt::format("{:08x}", seq);
}
// The sequence number of a member row: its key's hex digits after the NUL.
std::uint32_t SeqOf(std::string_view hex) {
  std::uint32_t seq = 0;
  for (char ch : hex) {
    seq = seq * 16 + static_cast<std::uint32_t>(ch <= '9' ? ch - '0' : (ch | 0x20) - 'a' + 10);
  }
  return seq;
}

// An index row's value is sealed: the member id (empty for an "ix/agg/"
// row), NUL, and the first 16 hex digits of SM3(key NUL id). The rows are
// derived data outside the hash chain; a row changed or cut short no longer
// matches its key and is never taken for a member.
constexpr std::size_t kSealDigits = 16;
std::string Seal(std::string_view key, std::string_view id) {
  std::string material;
  material.reserve(key.size() + 1 + id.size());
  material.append(key).push_back('\0');
  material.append(id);
  std::string sealed(id);
  sealed.push_back('\0');
  sealed.append(Sm3Hex(material), 0, kSealDigits);
  return sealed;
}

// The member id of a sealed value, or nullopt when the seal does not match.
std::optional<std::string> Unseal(std::string_view key, std::string_view value) {
  if (value.size() < kSealDigits + 1 || value[value.size() - kSealDigits - 1] != '\0') {
    return std::nullopt;
  }
  const std::string_view id = value.substr(0, value.size() - kSealDigits - 1);
  if (Seal(key, id) != value) return std::nullopt;
  return std::string(id);
}

std::string Printable(std::string_view key) {
  std::string out(key);
  std::replace(out.begin(), out.end(), '\0', '#');
  return out;
}

Status BrokenSeal(std::string_view key) {
  return CorruptionError(fmt::format(
             "index row '{}' does not match its seal (changed or cut short outside the "
             "engine); it is not used, and the index rows are rebuilt from the events",
             Printable(key)))
      .WithSubject(Printable(key));
}

// Folds `event` into a copy of `state` (copy on write: whoever holds the old
// value keeps it) — or, with `in_place`, into `state` itself: a fold from
// the store owns its state alone, and a failure discards it whole, so it
// need not pay a copy of the whole aggregate per event.
template <typename State>
Status EvolveCopy(std::shared_ptr<const void>& state, std::string_view id, const EventRecord& event,
                  Status (*evolve)(State&, const EventRecord&), bool wrap_errors,
                  bool set_version, bool in_place) {
  std::shared_ptr<State> next;
  if (state == nullptr) {
    next = std::make_shared<State>();
  } else if (in_place && state.use_count() == 1) {
    // Made by make_shared<State>() below, so not const in truth.
    next = std::const_pointer_cast<State>(std::static_pointer_cast<const State>(state));
  } else {
    next = std::make_shared<State>(*static_cast<const State*>(state.get()));
  }
  if (next->id.empty()) next->id = std::string(id);
  Status s = evolve(*next, event);
  if (!s.ok()) {
    if (!wrap_errors) return s;
    return CorruptionError(fmt::format("{} v{} ({}): {}", event.stream, event.version, event.type,
                                       s.message()))
        .WithSubject(event.stream);
  }
  if (set_version) next->version = event.version;
  state = std::move(next);
  return Status::Ok();
}

}  // namespace

CaseBook::CaseBook(const EventStore* store, std::size_t cache_capacity)
    : store_(store), capacity_(std::max<std::size_t>(cache_capacity, 1)) {}

CaseBook::CaseBook(const EventStore* store, std::size_t cache_capacity,
                   std::function<bool(const EventRecord&)> admits, bool index_from_events)
    : store_(store),
      admits_(std::move(admits)),
      index_from_events_(index_from_events),
      capacity_(std::max<std::size_t>(cache_capacity, 1)) {}

CaseBook::Family CaseBook::FamilyOf(std::string_view stream) {
  if (stream.starts_with(kCaseStreamPrefix)) return Family::kCase;
  if (stream.starts_with(kGridTicketStreamPrefix)) return Family::kGridTicket;
  if (stream.starts_with(kJointActionStreamPrefix)) return Family::kJointAction;
  if (stream.starts_with(kInspectionScenarioStreamPrefix)) return Family::kInspectionScenario;
  if (stream.starts_with(kInspectionStreamPrefix)) return Family::kInspection;
  if (stream.starts_with(kReviewCampaignStreamPrefix)) return Family::kReviewCampaign;
  return Family::kOther;
}

std::string_view CaseBook::PrefixOf(Family family) {
  switch (family) {
    case Family::kCase: return kCaseStreamPrefix;
    case Family::kGridTicket: return kGridTicketStreamPrefix;
    case Family::kJointAction: return kJointActionStreamPrefix;
    case Family::kInspectionScenario: return kInspectionScenarioStreamPrefix;
    case Family::kInspection: return kInspectionStreamPrefix;
    case Family::kReviewCampaign: return kReviewCampaignStreamPrefix;
    case Family::kOther: break;
  }
  return {};
}

Status CaseBook::Evolve(Slot& slot, Family family, std::string_view id, const EventRecord& event,
                        bool in_place) {
  // Cases and grid tickets report their evolvers' errors as they are; the
  // other families name the event (as they always have).
  switch (family) {
    case Family::kCase:
      ZF_RETURN_IF_ERROR(
          EvolveCopy(slot.state, id, event, &EvolveCase, false, false, in_place));
      break;
    case Family::kGridTicket:
      ZF_RETURN_IF_ERROR(
          EvolveCopy(slot.state, id, event, &EvolveGridTicket, false, false, in_place));
      break;
    case Family::kJointAction:
      ZF_RETURN_IF_ERROR(
          EvolveCopy(slot.state, id, event, &EvolveJointAction, true, true, in_place));
      break;
    case Family::kInspectionScenario:
      ZF_RETURN_IF_ERROR(
          EvolveCopy(slot.state, id, event, &EvolveInspectionScenario, true, true, in_place));
      break;
    case Family::kInspection:
      ZF_RETURN_IF_ERROR(
          EvolveCopy(slot.state, id, event, &EvolveInspection, true, true, in_place));
      break;
    case Family::kReviewCampaign:
      ZF_RETURN_IF_ERROR(
          EvolveCopy(slot.state, id, event, &EvolveReviewCampaign, true, true, in_place));
      break;
    case Family::kOther:
      break;
  }
  slot.version = event.version;
  return Status::Ok();
}

Result<CaseBook::Slot> CaseBook::LoadSlot(std::string_view stream, Family family,
                                          std::uint64_t through_version) const {
  Slot slot;
  if (family == Family::kOther && !frozen()) {
    auto head = store_->Head(stream);
    if (head.ok()) {
      slot.version = head->version;
    } else if (head.status().code() != StatusCode::kNotFound) {
      return head.status();
    }
    return slot;
  }
  const std::string_view id = stream.substr(PrefixOf(family).size());
  auto cursor = store_->ReadStream(stream, 1, Direction::kForward);
  for (; cursor->Valid(); cursor->Next()) {
    const EventRecord& event = cursor->event();
    // As of a moment: the stream ends at the first event not admitted; an
    // event that does not fold ends it too, as it does a fold of the log
    // (whose later events then fail their version check).
    if (event.version > through_version || (frozen() && !admits_(event))) break;
    const std::uint64_t folded = slot.version;
    Status evolved = Evolve(slot, family, id, event, /*in_place=*/true);
    if (evolved.ok()) continue;
    if (!frozen() || through_version != UINT64_MAX) return evolved;
    // The state may have been changed half way: fold again what folded.
    return LoadSlot(stream, family, folded);
  }
  ZF_RETURN_IF_ERROR(cursor->status());
  return slot;
}

const CaseBook::Slot& CaseBook::SlotOf(std::string_view stream) const {
  static const Slot kAbsent;
  if (Slot* held = slots_.Find(stream)) {
    held->used = ++clock_;
    return *held;
  }
  if (!backed()) return kAbsent;
  const Family family = FamilyOf(stream);
  // Built from every event since position 1, the list of aggregates is
  // complete: one not in it has no event folded yet, so its stream need
  // not be read (the auditor looks up every new case before its first
  // event is folded).
  if (index_from_events_ && family != Family::kOther && !created_.Contains(stream)) {
    return kAbsent;
  }
  Result<Slot> loaded = LoadSlot(stream, family);
  if (!loaded.ok()) {
    if (read_error_.ok()) read_error_ = loaded.status();
    return kAbsent;
  }
  loaded->used = ++clock_;
  return *slots_.Emplace(stream, std::move(*loaded)).first;
}

Status CaseBook::TakeReadError() const {
  Status s = std::move(read_error_);
  read_error_ = Status::Ok();
  return s;
}

template <typename State>
const State* CaseBook::Find(std::string_view prefix, std::string_view id) const {
  // Found for nearly every command (both the audit and the import): the
  // name is built without fmt's format-string pass.
  std::string stream;
  stream.reserve(prefix.size() + id.size());
  stream.append(prefix).append(id);
  const Slot& slot = SlotOf(stream);
  return static_cast<const State*>(slot.state.get());
}

const CaseState* CaseBook::FindCase(std::string_view case_id) const {
  return Find<CaseState>(kCaseStreamPrefix, case_id);
}
const GridTicketState* CaseBook::FindGridTicket(std::string_view ticket_id) const {
  return Find<GridTicketState>(kGridTicketStreamPrefix, ticket_id);
}
const JointActionState* CaseBook::FindJointAction(std::string_view joint_action_id) const {
  return Find<JointActionState>(kJointActionStreamPrefix, joint_action_id);
}
const InspectionScenarioState* CaseBook::FindInspectionScenario(
    std::string_view scenario_id) const {
  return Find<InspectionScenarioState>(kInspectionScenarioStreamPrefix, scenario_id);
}
const InspectionState* CaseBook::FindInspection(std::string_view inspection_id) const {
  return Find<InspectionState>(kInspectionStreamPrefix, inspection_id);
}
const ReviewCampaignState* CaseBook::FindReviewCampaign(std::string_view campaign_id) const {
  return Find<ReviewCampaignState>(kReviewCampaignStreamPrefix, campaign_id);
}

std::uint64_t CaseBook::Version(std::string_view stream) const {
  // The access trail is not folded, so not counted (engine writes it with
  // ExpectedVersion::Any).
  if (stream.starts_with(kAccessStreamPrefix)) return 0;
  return SlotOf(stream).version;
}

// In memory the held slots are all there is. Backed, the aggregate rows
// list what is stored, merged with what was created since the last commit;
// an aggregate not in the cache is folded for the call and not kept (a scan
// of every case must not evict the working set).
// The aggregates not cached are folded a chunk at a time on every core
// (each fold reads only its own stream, and the store is thread-safe),
// then visited in order on the calling thread.
template <typename State>
void CaseBook::ForEach(Family family, const std::function<void(const State&)>& fn,
                       const std::function<bool(std::string_view id)>& wanted) const {
  const std::string_view prefix = PrefixOf(family);
  constexpr std::size_t kChunk = 256;
  std::vector<std::string_view> chunk;  // names that outlive the chunk
  std::optional<WorkerPool> pool;
  auto flush = [&] {
    std::vector<std::shared_ptr<const void>> states(chunk.size());
    std::vector<Status> failed(chunk.size());
    std::vector<std::size_t> to_fold;
    for (std::size_t i = 0; i < chunk.size(); ++i) {
      if (const Slot* held = slots_.Find(chunk[i])) {
        states[i] = held->state;
      } else {
        to_fold.push_back(i);
      }
    }
    auto fold = [&](std::size_t k) {
      const std::size_t i = to_fold[k];
      Result<Slot> loaded = LoadSlot(chunk[i], family);
      if (loaded.ok()) {
        states[i] = std::move(loaded->state);
      } else {
        failed[i] = loaded.status();
      }
    };
    if (to_fold.size() > 1) {
      if (!pool) pool.emplace(std::max(std::thread::hardware_concurrency(), 1u) - 1);
      pool->Run(to_fold.size(), fold);
    } else if (!to_fold.empty()) {
      fold(0);
    }
    for (std::size_t i = 0; i < chunk.size(); ++i) {
      if (!failed[i].ok()) {
        if (read_error_.ok()) read_error_ = failed[i];
        continue;
      }
      if (states[i] != nullptr) fn(*static_cast<const State*>(states[i].get()));
    }
    chunk.clear();
  };
  auto visit = [&](std::string_view stream) {
    if (wanted && !wanted(stream.substr(prefix.size()))) return;
    chunk.push_back(stream);
    if (chunk.size() == kChunk) flush();
  };
  if (!backed()) {
    std::vector<std::pair<std::string_view, const Slot*>> held;
    slots_.ForEach([&](std::string_view stream, const Slot& slot) {
      if (stream.starts_with(prefix) && slot.state != nullptr) held.emplace_back(stream, &slot);
    });
    std::sort(held.begin(), held.end(),
              [](const auto& a, const auto& b) { return a.first < b.first; });
    for (const auto& [stream, slot] : held) {
      if (wanted && !wanted(stream.substr(prefix.size()))) continue;
      fn(*static_cast<const State*>(slot->state.get()));
    }
    return;
  }
  if (!reads_rows()) {
    // Every aggregate created by the events applied.
    created_.ForEachWithPrefix(prefix, visit);
    flush();
    return;
  }
  // The names first, then the folds: a store may hold a lock while it
  // scans, and folding reads the store.
  // TODO(zf): scan in chunks from a start key; the names of a province's
  // cases are tens of MB.
  std::vector<std::string> streams;
  const std::string row_prefix = fmt::format("{}{}", kAggregateRowPrefix, prefix);
  Status broken;
  Status scanned =
      store_->ScanProjections(row_prefix, [&](std::string_view key, std::string_view value) {
        if (std::optional<std::string> id = Unseal(key, value); !id || !id->empty()) {
          broken = BrokenSeal(key);
          return false;
        }
        streams.emplace_back(key.substr(kAggregateRowPrefix.size()));
        return true;
      });
  if (!broken.ok()) {
    scanned = broken;
    if (index_corruption_.ok()) index_corruption_ = broken;
  }
  if (!scanned.ok()) {
    if (read_error_.ok()) read_error_ = scanned;
    return;
  }
  std::vector<std::string_view> created;
  created_.ForEachWithPrefix(prefix, [&](std::string_view name) { created.push_back(name); });
  auto next = created.begin();
  for (const std::string& stream : streams) {
    for (; next != created.end() && *next < stream; ++next) visit(*next);
    visit(stream);
  }
  for (; next != created.end(); ++next) visit(*next);
  flush();
}

void CaseBook::ForEachCase(const std::function<void(const CaseState&)>& fn,
                           const std::function<bool(std::string_view case_id)>& wanted) const {
  ForEach(Family::kCase, fn, wanted);
}
void CaseBook::ForEachGridTicket(const std::function<void(const GridTicketState&)>& fn) const {
  ForEach(Family::kGridTicket, fn);
}
void CaseBook::ForEachJointAction(const std::function<void(const JointActionState&)>& fn) const {
  ForEach(Family::kJointAction, fn);
}
void CaseBook::ForEachInspection(const std::function<void(const InspectionState&)>& fn) const {
  ForEach(Family::kInspection, fn);
}
void CaseBook::ForEachReviewCampaign(
    const std::function<void(const ReviewCampaignState&)>& fn) const {
  ForEach(Family::kReviewCampaign, fn);
}

// --- Cross-case indexes ---------------------------------------------------------

CaseBook::Members& CaseBook::MembersOf(const std::string& index_key) const {
  auto [it, inserted] = index_.try_emplace(index_key);
  it->second.used = ++clock_;
  // Built from the events alone, a list is all there is: never evicted.
  if (index_from_events_) it->second.dirty = true;
  if (!inserted || !reads_rows()) return it->second;
  Status broken;
  // Named, not the binding: clang before 16 cannot capture a structured binding.
  Members& members = it->second;
  Status scanned =
      store_->ScanProjections(index_key, [&](std::string_view key, std::string_view value) {
        std::optional<std::string> id = Unseal(key, value);
        if (!id) {
          broken = BrokenSeal(key);
          return false;
        }
        members.list.emplace_back(SeqOf(key.substr(index_key.size())), std::move(*id));
        return true;
      });
  if (!broken.ok()) {
    scanned = broken;
    if (index_corruption_.ok()) index_corruption_ = broken;
  }
  if (!scanned.ok()) {
    if (read_error_.ok()) read_error_ = scanned;
    index_.erase(it);
    static Members empty;
    empty.list.clear();
    return empty;
  }
  return it->second;
}

std::vector<std::string> CaseBook::MemberIds(const std::string& index_key) const {
  std::vector<std::string> ids;
  if (!reads_rows()) {
    auto it = index_.find(index_key);
    if (it == index_.end()) return ids;
    for (const auto& [seq, id] : it->second.list) ids.push_back(id);
    return ids;
  }
  for (const auto& [seq, id] : MembersOf(index_key).list) ids.push_back(id);
  if (frozen()) {
    // The rows are the store's latest: a member registered after the
    // moment is not one yet. Every index lists cases.
    std::erase_if(ids, [&](const std::string& id) { return FindCase(id) == nullptr; });
  }
  return ids;
}

std::vector<std::string> CaseBook::CasesOfParty(std::string_view party_id) const {
  return MemberIds(PartyKey(party_id));
}
std::vector<std::string> CaseBook::CasesRelatedTo(std::string_view case_id) const {
  return MemberIds(RelatedKey(case_id));
}
std::vector<std::string> CaseBook::CasesHandedOverAs(std::string_view case_id) const {
  return MemberIds(HandoverKey(case_id));
}

void CaseBook::AddRow(std::string key, std::optional<std::string> value) {
  if (pending()) pending_rows_.push_back({std::move(key), std::move(value)});
}

void CaseBook::NoteSlotChange(std::string_view stream) {
  if (!savepoint_ || savepoint_->slots.contains(stream)) return;
  const Slot* held = slots_.Find(stream);
  savepoint_->slots.emplace(std::string(stream),
                            held == nullptr ? std::optional<Slot>() : std::optional<Slot>(*held));
}

void CaseBook::NoteIndexChange(const std::string& index_key) {
  if (!savepoint_ || savepoint_->index.contains(index_key)) return;
  auto it = index_.find(index_key);
  savepoint_->index.emplace(index_key, it == index_.end() ? std::optional<Members>()
                                                          : std::optional<Members>(it->second));
}

// Membership is idempotent (a member already listed keeps its place), so
// indexing the same case twice — a catch-up over events already indexed —
// changes nothing.
void CaseBook::AddMember(const std::string& index_key, const std::string& id) {
  Members& probe = MembersOf(index_key);
  // A list that could not be read is not written to (Apply() fails).
  if (!read_error_.ok()) return;
  for (const auto& member : probe.list) {
    if (member.second == id) return;
  }
  NoteIndexChange(index_key);
  Members& m = index_[index_key];
  const std::uint32_t seq = m.list.empty() ? 0 : m.list.back().first + 1;
  m.list.emplace_back(seq, id);
  m.dirty = pending() || index_from_events_;
  if (pending()) dirty_index_.push_back(index_key);
  std::string key = MemberRowKey(index_key, seq);
  std::string value = Seal(key, id);
  AddRow(std::move(key), std::move(value));
}

void CaseBook::RemoveMember(const std::string& index_key, const std::string& id) {
  Members& probe = MembersOf(index_key);
  if (!read_error_.ok()) return;
  auto it = std::find_if(probe.list.begin(), probe.list.end(),
                         [&](const auto& member) { return member.second == id; });
  if (it == probe.list.end()) return;
  const std::uint32_t seq = it->first;
  NoteIndexChange(index_key);
  Members& m = index_[index_key];
  m.list.erase(std::find_if(m.list.begin(), m.list.end(),
                            [&](const auto& member) { return member.second == id; }));
  m.dirty = pending() || index_from_events_;
  if (pending()) dirty_index_.push_back(index_key);
  AddRow(MemberRowKey(index_key, seq), std::nullopt);
}

CaseBook::CaseKeys CaseBook::CaseKeysOf(const CaseState& c) {
  return CaseKeys{c.party.id, c.clue.related_case_id, c.execution.handover.receiving_case_id};
}

bool CaseBook::FoldsInPlace(const Slot* slot) const {
  // Only as of a past moment (the audit, time travel): there a slot dropped
  // is folded again from the store as it was (admits_), and nothing is
  // pending or saved. The use count is 1 when no copy of the book, no
  // savepoint and no reader of SharedState() holds the state; only this
  // thread hands out new references, so it cannot grow behind our back.
  return frozen() && slot != nullptr && slot->state != nullptr && slot->state.use_count() == 1 &&
         !savepoint_;
}

void CaseBook::UpdateCaseIndexes(const CaseKeys& before, const CaseState& after) {
  if (after.party.id != before.party) {
    if (!before.party.empty()) RemoveMember(PartyKey(before.party), after.id);
    if (!after.party.id.empty()) AddMember(PartyKey(after.party.id), after.id);
  }
  if (after.clue.related_case_id != before.related && !after.clue.related_case_id.empty()) {
    AddMember(RelatedKey(after.clue.related_case_id), after.id);
  }
  const std::string& receiving = after.execution.handover.receiving_case_id;
  if (receiving != before.receiving && !receiving.empty()) {
    AddMember(HandoverKey(receiving), after.id);
  }
}

Status CaseBook::Apply(const EventRecord& event) {
  // The access trail (who read which case, engine.h ReadContext) is no
  // aggregate: nothing is decided on it, so it is not folded or counted.
  if (std::string_view(event.stream).starts_with(kAccessStreamPrefix)) return Status::Ok();
  const std::uint64_t expected = Version(event.stream) + 1;
  ZF_RETURN_IF_ERROR(TakeReadError());
  if (event.version != expected) {
    return CorruptionError(fmt::format("stream {} event version {} follows version {}",
                                       event.stream, event.version, expected - 1))
        .WithSubject(event.stream);
  }
  const Family family = FamilyOf(event.stream);
  const std::string_view id = std::string_view(event.stream).substr(PrefixOf(family).size());
  Slot* slot = slots_.Find(event.stream);
  // What the case indexes compare, as it was before the event.
  CaseKeys before;
  if (family == Family::kCase && slot != nullptr && slot->state != nullptr) {
    before = CaseKeysOf(*static_cast<const CaseState*>(slot->state.get()));
  }
  if (FoldsInPlace(slot)) {
    // Nobody else holds the state: fold into it rather than into a copy of
    // the whole aggregate. An event that does not fold may have changed it
    // half way, so the slot is dropped; the next lookup folds the stream
    // again from the store, and that fold stops where this one failed
    // (LoadSlot), which is the state a copy would have kept.
    Status evolved = Evolve(*slot, family, id, event, /*in_place=*/true);
    if (!evolved.ok()) {
      slots_.Erase(event.stream);
      return evolved;
    }
    NoteSlotChange(event.stream);
    slot->used = ++clock_;
  } else {
    Slot next = slot == nullptr ? Slot() : *slot;
    ZF_RETURN_IF_ERROR(Evolve(next, family, id, event));
    NoteSlotChange(event.stream);
    next.dirty = pending();
    next.used = ++clock_;
    if (slot == nullptr) {
      slot = slots_.Emplace(event.stream, std::move(next)).first;
    } else {
      *slot = std::move(next);
    }
  }
  if (pending()) dirty_slots_.push_back(event.stream);
  if (event.version == 1 && family != Family::kOther) {
    if (pending() || index_from_events_) created_.Insert(event.stream);
    if (pending()) {  // (the row's seal is an SM3: not for a pass that writes no rows)
      std::string key = fmt::format("{}{}", kAggregateRowPrefix, event.stream);
      std::string value = Seal(key, "");
      AddRow(std::move(key), std::move(value));
    }
  }
  if (family == Family::kCase) {
    // `slot` stays valid: nothing above erases from slots_.
    UpdateCaseIndexes(before, *static_cast<const CaseState*>(slot->state.get()));
    ZF_RETURN_IF_ERROR(TakeReadError());
  }
  return Status::Ok();
}

Status CaseBook::Reindex(std::string_view stream) {
  const Family family = FamilyOf(stream);
  if (!backed() || family == Family::kOther) return Status::Ok();
  slots_.Erase(stream);
  const Slot& slot = SlotOf(stream);
  ZF_RETURN_IF_ERROR(TakeReadError());
  if (slot.state == nullptr) return Status::Ok();
  const std::string row = fmt::format("{}{}", kAggregateRowPrefix, stream);
  ZF_ASSIGN_OR_RETURN(std::optional<std::string> stored, store_->ReadProjection(row));
  if (!stored) AddRow(row, Seal(row, ""));
  if (family == Family::kCase) {
    const auto state = slot.state;  // keeps the case while the indexes load
    UpdateCaseIndexes(CaseKeys{}, *static_cast<const CaseState*>(state.get()));
    ZF_RETURN_IF_ERROR(TakeReadError());
  }
  return Status::Ok();
}

std::vector<const CaseState*> CaseBook::FiledCasesOfSameAct(const CaseState& c,
                                                            std::string_view item_code) const {
  std::vector<const CaseState*> out;
  auto consider = [&](const CaseState* other) {
    if (other == nullptr || other->id == c.id || !other->filed_on) return;
    // A filing revoked, or a case handed over or ended before a decision,
    // no longer holds the act for its subject.
    if (other->state == "filing_revoked" || other->state == "transferred_out" ||
        other->state == "terminated") {
      return;
    }
    if (std::find(out.begin(), out.end(), other) == out.end()) out.push_back(other);
  };
  // The same party, item and act date: the same act reported twice.
  if (!c.party.id.empty() && c.act_ended_on) {
    for (const std::string& id : CasesOfParty(c.party.id)) {
      const CaseState* other = FindCase(id);
      if (other != nullptr && other->item_code == item_code &&
          other->act_ended_on == c.act_ended_on) {
        consider(other);
      }
    }
  }
  // An explicit link, either way.
  if (!c.clue.related_case_id.empty()) consider(FindCase(c.clue.related_case_id));
  for (const std::string& id : CasesRelatedTo(c.id)) consider(FindCase(id));
  std::sort(out.begin(), out.end(), [](const CaseState* a, const CaseState* b) {
    return a->filed_at != b->filed_at ? a->filed_at < b->filed_at : a->id < b->id;
  });
  return out;
}

// --- Commit, abort, savepoints, eviction --------------------------------------

void CaseBook::Commit() {
  if (index_from_events_) return;  // nothing is pending; the lists are the only copy
  for (const std::string& stream : dirty_slots_) {
    if (Slot* held = slots_.Find(stream)) held->dirty = false;
  }
  for (const std::string& key : dirty_index_) {
    if (auto it = index_.find(key); it != index_.end()) it->second.dirty = false;
  }
  dirty_slots_.clear();
  dirty_index_.clear();
  pending_rows_.clear();
  created_.Clear();
  savepoint_.reset();
}

void CaseBook::Abort() {
  for (const std::string& stream : dirty_slots_) {
    if (const Slot* held = slots_.Find(stream); held != nullptr && held->dirty) {
      slots_.Erase(stream);
    }
  }
  for (const std::string& key : dirty_index_) {
    if (auto it = index_.find(key); it != index_.end() && it->second.dirty) index_.erase(it);
  }
  dirty_slots_.clear();
  dirty_index_.clear();
  pending_rows_.clear();
  created_.Clear();
  savepoint_.reset();
}

void CaseBook::BeginSavepoint() {
  // From a temporary: clang-14 decides is_constructible<Savepoint>() inside
  // CaseBook's definition, before Savepoint's member initializers, as false.
  savepoint_.emplace(Savepoint{});
  savepoint_->rows = pending_rows_.size();
  savepoint_->created = created_;
}

void CaseBook::RollbackToSavepoint() {
  if (!savepoint_) return;
  Savepoint saved = std::move(*savepoint_);
  savepoint_.reset();
  for (auto& [stream, slot] : saved.slots) {
    if (slot) {
      slots_.InsertOrAssign(stream, std::move(*slot));
    } else {
      slots_.Erase(stream);
    }
  }
  for (auto& [key, members] : saved.index) {
    if (members) {
      index_.insert_or_assign(key, std::move(*members));
    } else {
      index_.erase(key);
    }
  }
  pending_rows_.resize(saved.rows);
  created_ = std::move(saved.created);
}

void CaseBook::ReleaseSavepoint() { savepoint_.reset(); }

namespace {

// Erases the least recently used clean entries of `map` until at most
// `keep` remain (dirty ones stay whatever the count).
template <typename Map>
void EvictLeastUsed(Map& map, std::size_t keep) {
  if (map.size() <= keep) return;
  std::vector<std::pair<std::uint64_t, typename Map::iterator>> clean;
  for (auto it = map.begin(); it != map.end(); ++it) {
    if (!it->second.dirty) clean.emplace_back(it->second.used, it);
  }
  const std::size_t excess = map.size() - keep;
  const std::size_t n = std::min(excess, clean.size());
  std::nth_element(clean.begin(), clean.begin() + static_cast<std::ptrdiff_t>(n), clean.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  for (std::size_t i = 0; i < n; ++i) map.erase(clean[i].second);
}

}  // namespace

void CaseBook::Trim() const {
  if (!backed() || savepoint_) return;
  // Evict in bulk, down to 7/8 of the capacity, so that the cost of finding
  // the least used is shared by the many lookups before the next eviction.
  const std::size_t keep = capacity_ - capacity_ / 8;
  if (slots_.size() > capacity_) {
    // The walk for the least used (the same slots go as from the node map
    // this replaced) visits entries that lie side by side; the node map's
    // walk was 5 % of the audit's deciding thread at 10^7 events, a cache
    // miss per node.
    slots_.EvictLeastUsed(keep, [](const Slot& slot) {
      return slot.dirty ? SlotMap::kPinned : slot.used;
    });
  }
  // Lists built from the events alone are pinned: walking them would find
  // nothing to evict, on every call.
  if (!index_from_events_ && index_.size() > capacity_) EvictLeastUsed(index_, keep);
}

void CaseBook::Forget(std::string_view stream) const {
  if (!backed() || savepoint_) return;
  if (const Slot* held = slots_.Find(stream); held != nullptr && !held->dirty) {
    slots_.Erase(stream);
  }
}

void CaseBook::ForgetIndexLists() const {
  if (!backed() || index_from_events_ || savepoint_) return;
  std::erase_if(index_, [](const auto& entry) { return !entry.second.dirty; });
}

void CaseBook::ForEachIndexRow(
    const std::function<void(std::string_view key, std::string_view value)>& fn) const {
  auto aggregate = [&](std::string_view stream) {
    const std::string key = fmt::format("{}{}", kAggregateRowPrefix, stream);
    fn(key, Seal(key, ""));
  };
  if (index_from_events_) {
    // The cache holds some aggregates; created_ names them all.
    created_.ForEachWithPrefix("", aggregate);
  } else {
    std::vector<std::string_view> streams;
    slots_.ForEach([&](std::string_view stream, const Slot& slot) {
      if (slot.version != 0 && FamilyOf(stream) != Family::kOther) streams.push_back(stream);
    });
    std::sort(streams.begin(), streams.end());
    for (std::string_view stream : streams) aggregate(stream);
  }
  std::vector<const std::pair<const std::string, Members>*> lists;
  lists.reserve(index_.size());
  for (const auto& entry : index_) lists.push_back(&entry);
  std::sort(lists.begin(), lists.end(), [](const auto* a, const auto* b) { return a->first < b->first; });
  for (const auto* entry : lists) {
    for (const auto& [seq, id] : entry->second.list) {
      const std::string row = MemberRowKey(entry->first, seq);
      fn(row, Seal(row, id));
    }
  }
}

bool CaseBook::Created(std::string_view stream) const {
  if (index_from_events_) return created_.Contains(stream);
  const Slot* held = slots_.Find(stream);
  return held != nullptr && held->state != nullptr;
}

std::optional<std::string_view> CaseBook::ImpliedMember(std::string_view key) const {
  if (key.starts_with(kAggregateRowPrefix)) {
    const std::string_view stream = key.substr(kAggregateRowPrefix.size());
    if (FamilyOf(stream) == Family::kOther || !Created(stream)) return std::nullopt;
    return std::string_view();
  }
  // "ix/<index>/<key>\0<8 hex digits>": the list of <key>, member <seq>.
  const std::size_t nul = key.find('\0');
  if (nul == std::string_view::npos || key.size() != nul + 1 + 8) return std::nullopt;
  auto it = index_.find(key.substr(0, nul + 1));
  if (it == index_.end()) return std::nullopt;
  const std::uint32_t seq = SeqOf(key.substr(nul + 1));
  for (const auto& [member_seq, id] : it->second.list) {
    if (member_seq == seq) return std::string_view(id);
  }
  return std::nullopt;
}

bool CaseBook::ImpliesIndexRow(std::string_view key) const {
  return ImpliedMember(key).has_value();
}

std::optional<std::string> CaseBook::IndexRowValue(std::string_view key) const {
  std::optional<std::string_view> id = ImpliedMember(key);
  if (!id) return std::nullopt;
  return Seal(key, *id);
}

std::size_t CaseBook::IndexRowCount() const {
  std::size_t rows = 0;
  if (index_from_events_) {
    rows = created_.size();
  } else {
    slots_.ForEach([&](std::string_view stream, const Slot& slot) {
      if (slot.version != 0 && FamilyOf(stream) != Family::kOther) ++rows;
    });
  }
  for (const auto& [key, members] : index_) rows += members.list.size();
  return rows;
}

}  // namespace zf::internal
