// Every operational aggregate (cases, grid tickets, joint actions,
// inspections, review campaigns), folded from their streams, with the
// cross-case indexes the deciders need (a party's history for "first
// violation" and I7, who filed a matter first for J5, where a handed-over
// case came from).
//
// Two modes:
//  - In memory (default constructor): every event is folded in; nothing is
//    ever forgotten. Time travel, the audit and dossiers fold this way.
//  - Backed by a store (the engine's committed state): an aggregate is folded
//    from its own stream when first asked for and kept in a cache of bounded
//    size; the cross-case indexes are rows of the store's projections
//    (docs/event-format.md "Index rows"), kept in the same atomic write as
//    the events that change them. So opening costs the rule book, not the
//    history, and memory is set by the cache's capacity.
//    The book records what the events applied since the last Commit() add to
//    the index rows (PendingRows()); Commit() once they are durable, Abort()
//    when the write failed (the book forgets their effects and reads the
//    store again).
//
// Values are immutable once folded and shared between copies (copy on
// write), so a copy of the book (a dry run's) copies pointers, not cases.
// As of a past moment (the audit, time travel), a state nobody else holds
// is folded in place instead (Apply()).
// A pointer returned by a Find*() stays valid until the next Apply() of
// that stream, Trim(), Abort() or RollbackToSavepoint().
// Not thread-safe, not even the const methods (they fill the cache); the
// engine guards it.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "domain/case_state.h"
#include "domain/grid_ticket_state.h"
#include "domain/inspection_state.h"
#include "domain/joint_action_state.h"
#include "domain/review_campaign_state.h"
#include "util/name_set.h"
#include "util/string_table.h"
#include "zf/event.h"
#include "zf/event_store.h"
#include "zf/status.h"

namespace zf::internal {

// The access trail's streams ("access/<case_id>": case_accessed events,
// written by the engine when a case is read with a reader; engine.h
// ReadContext). Not an aggregate: the book skips them.
inline constexpr std::string_view kAccessStreamPrefix = "access/";

// Projection rows of the cross-case indexes: "ix/<index>/<key>\0<seq>" ->
// member id, and "ix/agg/<stream>" -> "" for every aggregate stream (so an
// aggregate family can be listed without the log).
inline constexpr std::string_view kIndexRowPrefix = "ix/";
// The index rows' state (fold version, position): beside, not under, "ix/".
inline constexpr std::string_view kIndexMetaKey = "ixmeta";
// Bumped whenever what the index rows hold changes (a new index, another
// key): rows of another version are rebuilt from the events, never used.
// 2: every row's value is sealed (the member id, NUL, 16 hex digits of SM3
// over key and id), so a row changed or cut short is detected.
inline constexpr int kIndexFoldVersion = 2;

class CaseBook {
 public:
  // In memory: everything applied is kept.
  CaseBook() = default;
  // Backed by `store` (which must outlive the book and every copy), keeping
  // at most about `cache_capacity` aggregates besides those changed since
  // the last Commit(). REQUIRES: cache_capacity >= 1.
  CaseBook(const EventStore* store, std::size_t cache_capacity);
  // Backed by `store`, as of a past moment: an aggregate is folded from its
  // stream up to the first event `admits` refuses (or that does not fold),
  // an index member that does not exist at that moment is left out, and
  // nothing is pending or pinned: Apply() moves the moment on in the cache
  // only, and `admits` must admit what was applied (the auditor admits up
  // to the last position it folded). For the audit and time travel, whose
  // memory is then the cache's too.
  // With `index_from_events`, the index rows (derived data, not hashed) are
  // not read at all: the indexes and the list of aggregates are built from
  // the events applied, which must then be every event from position 1 —
  // the auditor's way, who trusts nothing but the hash-chained log. They
  // stay in memory (small entries: one id per case).
  CaseBook(const EventStore* store, std::size_t cache_capacity,
           std::function<bool(const EventRecord&)> admits, bool index_from_events = false);

  bool backed() const { return store_ != nullptr; }

  // Folds one committed (or about to be committed) event of a stream that
  // is not reference data. Events of stream families the book does not know
  // are only counted (their version is kept).
  Status Apply(const EventRecord& event);

  // The stream's version as folded so far (0 = no events).
  std::uint64_t Version(std::string_view stream) const;

  // The case with this id (the stream is "case/<id>"), or nullptr.
  const CaseState* FindCase(std::string_view case_id) const;
  // Ids of the cases whose party is `party_id`, oldest registration first.
  std::vector<std::string> CasesOfParty(std::string_view party_id) const;
  // Every case, by id. Backed: streamed from the store, cases not in the
  // cache are folded for the call only. With `wanted`, only the cases whose
  // id it accepts (asked before a case is folded).
  void ForEachCase(const std::function<void(const CaseState&)>& fn,
                   const std::function<bool(std::string_view case_id)>& wanted = {}) const;
  // Ids of the cases whose clue names `case_id` as related (J5), oldest
  // registration first.
  std::vector<std::string> CasesRelatedTo(std::string_view case_id) const;
  // Ids of the cases whose accepted handover names `case_id` as the
  // receiving case, in the order the handovers were accepted.
  std::vector<std::string> CasesHandedOverAs(std::string_view case_id) const;
  // J5 first filer: the filed cases about the same act as `c` — the same
  // party, item and act date, or related to it either way — excluding `c`
  // itself and cases whose filing was revoked; earliest filing first.
  std::vector<const CaseState*> FiledCasesOfSameAct(const CaseState& c,
                                                    std::string_view item_code) const;

  // The grid ticket with this id (the stream is "grid_ticket/<id>"), or
  // nullptr.
  const GridTicketState* FindGridTicket(std::string_view ticket_id) const;
  // Every grid ticket, by id.
  void ForEachGridTicket(const std::function<void(const GridTicketState&)>& fn) const;

  // Joint enforcement and inspect-once (docs/domain.md, Joint enforcement): the aggregate with this
  // id (stream "joint_action/<id>", "inspection_scenario/<id>",
  // "inspection/<id>"), or nullptr.
  const JointActionState* FindJointAction(std::string_view joint_action_id) const;
  // Every joint action, by id.
  void ForEachJointAction(const std::function<void(const JointActionState&)>& fn) const;
  const InspectionScenarioState* FindInspectionScenario(std::string_view scenario_id) const;
  const InspectionState* FindInspection(std::string_view inspection_id) const;
  // Every inspection visit, by id (the inspect-once statistics, docs/domain.md, Statistics).
  void ForEachInspection(const std::function<void(const InspectionState&)>& fn) const;

  // Case-file review campaigns (docs/domain.md, Closing, archiving and case-file review; stream "review/<id>"), or nullptr.
  const ReviewCampaignState* FindReviewCampaign(std::string_view campaign_id) const;
  // Every review campaign, by id.
  void ForEachReviewCampaign(const std::function<void(const ReviewCampaignState&)>& fn) const;

  // --- Backed mode -----------------------------------------------------------
  // The index rows the events applied since the last Commit() or Abort()
  // write or delete, in order (empty in memory).
  const std::vector<ProjectionWrite>& PendingRows() const { return pending_rows_; }
  // The pending rows are durable: what was applied is now the store's.
  void Commit();
  // The events applied since the last Commit() were not written: forget
  // everything they changed; it is read from the store again when needed.
  void Abort();
  // Evicts the least recently used aggregates and index lists not changed
  // since the last Commit() until at most the capacity are held.
  void Trim() const;
  // The folded state of `stream` (a CaseState, GridTicketState, … by its
  // stream's family), or null while absent. Immutable and shared, so it may
  // be read on another thread while the book goes on.
  std::shared_ptr<const void> SharedState(std::string_view stream) const {
    return SlotOf(stream).state;
  }
  // Backed: drops `stream` from the cache unless it changed since the last
  // Commit() (a pass that is done with an aggregate frees its place at once
  // instead of waiting for it to be the least recently used).
  void Forget(std::string_view stream) const;
  // Backed: drops every cached index list not changed since the last
  // Commit(); each is read from the store again when next needed (another
  // writer changed the stored rows).
  void ForgetIndexLists() const;
  // A failure to read the store while a lookup filled the cache (a lookup
  // cannot return it: it answers "absent"), cleared by the call. Whoever
  // decided on lookups since the last call must check it.
  Status TakeReadError() const;
  // The first stored index row found not to match its seal (changed or cut
  // short outside the engine), or Ok. Such a row is never used: the lookup
  // that read it fails with this status (TakeReadError), and the book stays
  // marked until it is replaced; the engine rebuilds the rows from the log.
  Status IndexCorruption() const { return index_corruption_; }
  // How many aggregates the cache holds (all of them in memory).
  std::size_t CachedAggregates() const { return slots_.size(); }

  // An atomic batch's way back: RollbackToSavepoint() undoes every Apply()
  // since BeginSavepoint(); ReleaseSavepoint() keeps them. One at a time.
  void BeginSavepoint();
  void RollbackToSavepoint();
  void ReleaseSavepoint();

  // Backed: folds `stream` again from the store and adds the index rows its
  // state implies that are missing (rows already there keep their place).
  // For events written without their rows (a catch-up at open).
  Status Reindex(std::string_view stream);

  // In memory, or with index_from_events: every index row this book
  // implies, in key order (for rebuilding and verifying the stored rows).
  void ForEachIndexRow(const std::function<void(std::string_view key, std::string_view value)>&
                           fn) const;
  // In memory, or with index_from_events: whether the events applied call
  // for the index row `key` (whatever its value) — a stored row they do not
  // call for is extra.
  bool ImpliesIndexRow(std::string_view key) const;
  // The same, with the sealed value the row must hold (nullopt: none).
  std::optional<std::string> IndexRowValue(std::string_view key) const;
  // How many rows ForEachIndexRow() visits.
  std::size_t IndexRowCount() const;
  // In memory, or with index_from_events: whether the events applied
  // created the aggregate stream `stream`.
  bool Created(std::string_view stream) const;

 private:
  enum class Family {
    kCase,
    kGridTicket,
    kJointAction,
    kInspectionScenario,
    kInspection,
    kReviewCampaign,
    kOther
  };
  struct Slot {
    std::uint64_t version = 0;
    std::shared_ptr<const void> state;  // the family's state; null while absent
    bool dirty = false;                 // changed since the last Commit()
    std::uint64_t used = 0;             // last use, for eviction
  };
  // Hashes std::string and std::string_view alike (lookups by view).
  struct KeyHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view key) const {
      return std::hash<std::string_view>{}(key);
    }
  };
  using SlotMap = StringTable<Slot>;
  // One index key's members in order: (sequence, member id).
  struct Members {
    std::vector<std::pair<std::uint32_t, std::string>> list;
    bool dirty = false;
    std::uint64_t used = 0;
  };
  struct Savepoint {
    std::map<std::string, std::optional<Slot>, std::less<>> slots;
    std::map<std::string, std::optional<Members>, std::less<>> index;
    std::size_t rows = 0;
    NameSet created;
  };

  static Family FamilyOf(std::string_view stream);
  static std::string_view PrefixOf(Family family);

  // The slot of `stream`, folded from the store if it is not held (backed),
  // or an absent one (in memory, not inserted).
  const Slot& SlotOf(std::string_view stream) const;
  // Folds `stream` from the store (up to `through_version`).
  Result<Slot> LoadSlot(std::string_view stream, Family family,
                        std::uint64_t through_version = UINT64_MAX) const;
  // With `in_place`, a state no one else holds is changed rather than
  // copied (a fold from the store, which discards the slot on failure).
  static Status Evolve(Slot& slot, Family family, std::string_view id, const EventRecord& event,
                       bool in_place = false);
  template <typename State>
  const State* Find(std::string_view prefix, std::string_view id) const;
  template <typename State>
  void ForEach(Family family, const std::function<void(const State&)>& fn,
               const std::function<bool(std::string_view id)>& wanted = {}) const;

  Members& MembersOf(const std::string& index_key) const;
  std::vector<std::string> MemberIds(const std::string& index_key) const;
  void AddMember(const std::string& index_key, const std::string& id);
  void RemoveMember(const std::string& index_key, const std::string& id);
  void NoteSlotChange(std::string_view stream);
  void NoteIndexChange(const std::string& index_key);
  void AddRow(std::string key, std::optional<std::string> value);
  // What UpdateCaseIndexes() compares of a case before an event (a state
  // folded in place is gone by then).
  struct CaseKeys {
    std::string party;      // party.id
    std::string related;    // clue.related_case_id
    std::string receiving;  // execution.handover.receiving_case_id
  };
  static CaseKeys CaseKeysOf(const CaseState& c);
  // Whether Apply() may fold into `slot` (null: none) instead of a copy.
  bool FoldsInPlace(const Slot* slot) const;
  void UpdateCaseIndexes(const CaseKeys& before, const CaseState& after);
  // The member id the index row `key` names ("" for an aggregate row), or
  // nullopt when the events applied call for no such row.
  std::optional<std::string_view> ImpliedMember(std::string_view key) const;

  const EventStore* store_ = nullptr;  // null: in memory
  // Backed as of a past moment (see the constructor): what is folded.
  std::function<bool(const EventRecord&)> admits_;
  bool frozen() const { return static_cast<bool>(admits_); }
  bool index_from_events_ = false;
  // The stored index rows are read (backed, unless index_from_events_).
  bool reads_rows() const { return backed() && !index_from_events_; }
  // Backed and recording what it changes for the store.
  bool pending() const { return backed() && !frozen(); }
  std::size_t capacity_ = 0;
  mutable std::uint64_t clock_ = 0;
  // Backed: a failure to read the store while filling the cache; reported
  // by the next Apply() (a const lookup cannot return it).
  mutable Status read_error_;
  mutable Status index_corruption_;  // see IndexCorruption()
  // By stream (what needs an order sorts: ForEach in memory,
  // ForEachIndexRow). Not a node map: at a province's size nearly every
  // lookup of an event's stream misses the CPU's caches, and a node map
  // misses about twice as often per lookup (util/string_table.h).
  mutable SlotMap slots_;
  // A province's index lists number in the millions in the audit and the
  // rebuild (built from the events): hashed, not ordered, since ordered
  // lookups of these long shared-prefix keys were a tenth of the rebuild's
  // fold. ForEachIndexRow() sorts.
  mutable std::unordered_map<std::string, Members, KeyHash, std::equal_to<>> index_;
  std::vector<ProjectionWrite> pending_rows_;
  // What Apply() marked dirty since the last Commit()/Abort(), so that
  // those cost the group's changes, not the cache's size (may repeat).
  std::vector<std::string> dirty_slots_;
  std::vector<std::string> dirty_index_;
  // Aggregate streams created since the last Commit() (not in "ix/agg/"
  // yet); with index_from_events_, every one the events applied created (a
  // province's: hence the compact set).
  NameSet created_;
  std::optional<Savepoint> savepoint_;
};

}  // namespace zf::internal
