#include "store/chain_verifier.h"

#include <algorithm>
#include <array>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "util/coding.h"
#include "util/multiset_digest.h"
#include "util/name_set.h"
#include "util/sm3.h"
#include "util/sm3_multi.h"

namespace zf::internal {
namespace {

ChainSm3Many chain_sm3_many = &Sm3Many;

struct StreamTip {
  std::uint64_t version;
  Hash hash;
  std::uint64_t position;
};

class Verifier {
 public:
  Verifier(const RawLog& log, const VerifyOptions& options, IndexCheck index_check,
           ChainReport* report)
      : log_(log), options_(options), index_check_(index_check), report_(report) {}

  Status Run();
  // After Run in the digest mode: the index and the log hold different
  // triples, so the report does not name the index's findings yet.
  bool IndexDigestDiffers() const { return digest_differs_; }

 private:
  bool Full() const { return report_->findings.size() >= options_.max_findings; }
  // Every finding is written in English and in Chinese: the store verify
  // and the audit report show one language, never a mix (docs/cli.md).
  void Add(ChainFinding::Kind kind, std::uint64_t position, std::string_view stream,
           std::uint64_t version, std::string detail, std::string detail_zh) {
    if (Full()) return;
    report_->findings.push_back(ChainFinding{kind, position, std::string(stream), version,
                                             std::move(detail), std::move(detail_zh)});
  }
  Status StartLedger();
  Status ReportGap(std::uint64_t first_missing, std::uint64_t next_present);
  Status NameTruncated(std::uint64_t first_missing, std::uint64_t last_recorded);
  // One stored event, stored at `position` as `value`, in log order; its
  // content hashes to `computed` and, after the ledger hash before it, the
  // ledger step gives `expected_ledger` (HashBatch; either is ignored when
  // the value does not split).
  Status CheckEvent(std::uint64_t position, std::string_view value, const Hash& computed,
                    const Hash& expected_ledger);
  // The two hashes of each event of a batch read in log order: of its
  // content, and the ledger step from the ledger hash stored before it
  // (ledger_ before the batch's first). Both depend on stored bytes only,
  // so a batch is hashed at once, one message per SIMD lane (Sm3Many):
  // hashed one at a time, SM3 was half of the chain check's CPU.
  // One event of each batch (a different lane each time) is hashed again
  // with OpenSSL alone, so that the check never rests on our SIMD code only
  // (the append path uses it too): a difference is kInternal, not a finding.
  Status HashBatch(std::span<const std::pair<std::uint64_t, std::string>> batch,
                   std::span<Hash> computed, std::span<Hash> expected_ledger);
  Result<std::optional<StreamTip>> AnchorBeforeRange(const EventRecord& e);
  Status CheckStreamLink(std::uint64_t position, const EventRecord& e, const Hash& hash);
  // The last event seen of `stream`, or null.
  const StreamTip* FindTip(std::string_view stream) const {
    const std::optional<std::uint32_t> number = streams_.Find(stream);
    return number ? &tips_[*number] : nullptr;
  }
  void SetTip(std::string_view stream, const StreamTip& tip) {
    const auto [number, added] = streams_.Insert(stream);
    if (added) {
      tips_.push_back(tip);
    } else {
      tips_[number] = tip;
    }
  }
  Status CheckHeads();
  Status CheckHeadsAndDigest(std::uint64_t last_seen);
  void CheckHead(std::string_view stream, std::uint64_t version, std::uint64_t position);
  void ReportAnchorSignature(const LedgerAnchor& a);
  void CheckAnchorsUpTo(std::uint64_t position);
  void CheckAnchorsPastEnd(std::uint64_t last_seen, bool range_reaches_end);

  const RawLog& log_;
  const VerifyOptions& options_;
  IndexCheck index_check_;
  ChainReport* report_;
  // The digest mode (IndexCheck::kAuto over the whole log): the triples
  // of the events checked, and of the index entries.
  bool digest_mode_ = false;
  bool digest_differs_ = false;
  MultisetKey digest_key_ = MultisetKey::Random();
  MultisetDigest log_triples_{digest_key_};
  Hash ledger_{};
  std::uint64_t batches_hashed_ = 0;  // picks the lane HashBatch checks
  // The last event seen of each stream, by the stream's number in
  // streams_. A province has ≈ 1.1 M streams: in an unordered_map keyed by
  // std::string each cost ≈ 170 bytes, here its name's bytes and ≈ 72.
  NameSet streams_;
  std::vector<StreamTip> tips_;
  std::vector<LedgerAnchor> anchors_;  // by position
  std::size_t next_anchor_ = 0;        // the first anchor not yet looked at
};

// One index entry, or what an event says its entry is, as digest input:
// the stream length-prefixed, so that no two triples encode alike.
std::string IndexTriple(std::string_view stream, std::uint64_t version, std::uint64_t position) {
  std::string item;
  item.reserve(stream.size() + 20);
  PutLengthPrefixed(&item, stream);
  PutFixed64BE(&item, version);
  PutFixed64BE(&item, position);
  return item;
}

// How a finding names an anchor, in Chinese (`zh`) or English: where it
// came from, its position and, for a signed checkpoint, when and by which
// key it was signed.
std::string DescribeAnchor(const LedgerAnchor& a, bool zh) {
  std::string text = fmt::format(fmt::runtime(zh ? "检查点 {}（位置 {}" : "checkpoint {} (position {}"),
                                 a.source, a.position);
  if (!a.time.empty()) text += fmt::format(fmt::runtime(zh ? "，签于 {}" : ", signed {}"), a.time);
  if (!a.key_id.empty()) {
    text += fmt::format(fmt::runtime(zh ? "，密钥 {}…" : ", key {}…"), a.key_id.substr(0, 16));
  }
  return text + (zh ? "）" : ")");
}

// An anchor whose signature fails is reported, never compared.
void Verifier::ReportAnchorSignature(const LedgerAnchor& a) {
  // An anchor made by an older caller has its reason in Chinese only.
  const std::string& why_en =
      a.signature_problem_en.empty() ? a.signature_problem : a.signature_problem_en;
  Add(ChainFinding::Kind::kAnchorSignature, a.position, "", 0,
      fmt::format("the signature of {} does not verify: {}; it was not compared",
                  DescribeAnchor(a, false), why_en),
      fmt::format("{} 的签名无效：{}；未用它比对", DescribeAnchor(a, true), a.signature_problem));
}

// Anchors up to `position` (the event just checked, whose stored ledger is
// ledger_): those before it lie before the range or on a hole and cannot
// be compared; the one at it is compared with the ledger.
void Verifier::CheckAnchorsUpTo(std::uint64_t position) {
  for (; next_anchor_ < anchors_.size() && anchors_[next_anchor_].position <= position;
       ++next_anchor_) {
    const LedgerAnchor& a = anchors_[next_anchor_];
    if (!a.signature_problem.empty()) {
      ReportAnchorSignature(a);
    } else if (a.position == position && ToHex(ledger_) != a.ledger_hash) {
      Add(ChainFinding::Kind::kAnchorMismatch, a.position, "", 0,
          fmt::format("contradicts {}: the ledger hash there should be {}, the store holds {}; "
                      "the log up to this position was rewritten",
                      DescribeAnchor(a, false), a.ledger_hash, ToHex(ledger_)),
          fmt::format("与{}不符：该位置的总账哈希应为 {}，存储中为 {}；此位置及之前的日志被改写",
                      DescribeAnchor(a, true), a.ledger_hash, ToHex(ledger_)));
    }
  }
}

// Anchors past the last event: a rollback when the range runs to the end
// of the log; otherwise outside the range.
void Verifier::CheckAnchorsPastEnd(std::uint64_t last_seen, bool range_reaches_end) {
  for (; next_anchor_ < anchors_.size(); ++next_anchor_) {
    const LedgerAnchor& a = anchors_[next_anchor_];
    if (!a.signature_problem.empty()) {
      ReportAnchorSignature(a);
    } else if (range_reaches_end && a.position > last_seen) {
      Add(ChainFinding::Kind::kAnchorBeyondHead, a.position, "", 0,
          fmt::format("{} lies past the end of the log (position {}): the log was rolled back "
                      "and at least {} events are gone",
                      DescribeAnchor(a, false), last_seen, a.position - last_seen),
          fmt::format("{}超出日志末尾（位置 {}）：日志被回滚，至少 {} 个事件不见了",
                      DescribeAnchor(a, true), last_seen, a.position - last_seen));
    }
  }
}

Status Verifier::StartLedger() {
  if (options_.from_position <= 1) return Status::Ok();
  ZF_ASSIGN_OR_RETURN(std::optional<std::string> before,
                      log_.GetRaw(options_.from_position - 1));
  if (!before) {
    Add(ChainFinding::Kind::kPositionGap, options_.from_position - 1, "", 0,
        "the event before the range is missing; the ledger cannot be anchored",
        "范围之前的事件缺失，总账无从起算");
    return Status::Ok();
  }
  auto view = SplitStored(*before);
  if (view.ok()) ledger_ = view->ledger_hash;
  return Status::Ok();
}

Status Verifier::ReportGap(std::uint64_t first_missing, std::uint64_t next_present) {
  for (std::uint64_t p = first_missing; p < next_present && !Full(); ++p) {
    ZF_ASSIGN_OR_RETURN(auto entry, log_.FindIndexEntry(p));
    if (entry) {
      Add(ChainFinding::Kind::kPositionGap, p, entry->first, entry->second,
          fmt::format("event {} of stream '{}' at position {} is missing", entry->second,
                      entry->first, p),
          fmt::format("事件流 {} 的第 {} 个事件（位置 {}）缺失", entry->first, entry->second, p));
    } else {
      Add(ChainFinding::Kind::kPositionGap, p, "", 0,
          fmt::format("position {} is missing and no index entry names it", p),
          fmt::format("位置 {} 的事件缺失，索引中也没有记载", p));
    }
    // Naming every position of a huge hole adds nothing.
    if (p - first_missing >= 16) break;
  }
  return Status::Ok();
}

// The events a rolled-back tail lost, named by the stream index where it
// still knows them (a rollback that also rewrote the index and the ledger
// head needs an outside anchor: docs/audit.md).
Status Verifier::NameTruncated(std::uint64_t first_missing, std::uint64_t last_recorded) {
  for (std::uint64_t p = first_missing; p <= last_recorded && !Full(); ++p) {
    ZF_ASSIGN_OR_RETURN(auto entry, log_.FindIndexEntry(p));
    if (!entry) continue;
    Add(ChainFinding::Kind::kTruncated, p, entry->first, entry->second,
        fmt::format("event {} of stream '{}' at position {} was cut from the tail of the log",
                    entry->second, entry->first, p),
        fmt::format("事件流 {} 的第 {} 个事件（位置 {}）已从日志末尾被截去", entry->first,
                    entry->second, p));
    if (p - first_missing >= 16) break;
  }
  return Status::Ok();
}

Result<std::optional<StreamTip>> Verifier::AnchorBeforeRange(const EventRecord& e) {
  ZF_ASSIGN_OR_RETURN(auto prev_pos, log_.IndexLookup(e.stream, e.version - 1));
  if (!prev_pos) return std::optional<StreamTip>();
  ZF_ASSIGN_OR_RETURN(auto prev_raw, log_.GetRaw(*prev_pos));
  if (!prev_raw) return std::optional<StreamTip>();
  auto view = SplitStored(*prev_raw);
  if (!view.ok()) return std::optional<StreamTip>();
  return std::optional(StreamTip{e.version - 1, view->hash, *prev_pos});
}

Status Verifier::CheckStreamLink(std::uint64_t position, const EventRecord& e,
                                 const Hash& hash) {
  std::optional<StreamTip> tip;
  if (const StreamTip* seen = FindTip(e.stream)) {
    tip = *seen;
  } else if (e.version > 1 && options_.from_position > 1) {
    // The stream's earlier events lie before the range: anchor on the index.
    ZF_ASSIGN_OR_RETURN(tip, AnchorBeforeRange(e));
    if (!tip) {
      Add(ChainFinding::Kind::kVersionGap, position, e.stream, e.version,
          fmt::format("the previous event of stream '{}' (version {}) is missing, so this "
                      "event cannot be chained",
                      e.stream, e.version - 1),
          fmt::format("事件流 {} 的前一个事件（版本 {}）缺失，本事件无法接入哈希链", e.stream,
                      e.version - 1));
      SetTip(e.stream, StreamTip{e.version, hash, position});
      return Status::Ok();
    }
  }
  const std::uint64_t expected_version = tip ? tip->version + 1 : 1;
  if (e.version != expected_version) {
    Add(ChainFinding::Kind::kVersionGap, position, e.stream, e.version,
        fmt::format("stream '{}' has version {} where version {} was expected", e.stream,
                    e.version, expected_version),
        fmt::format("事件流 {} 的版本为 {}，应为 {}", e.stream, e.version, expected_version));
  }
  const std::string expected_prev = tip ? ToHex(tip->hash) : std::string();
  if (e.prev_hash != expected_prev) {
    Add(ChainFinding::Kind::kPrevHashMismatch, position, e.stream, e.version,
        fmt::format("prev_hash '{}' does not match the previous event's hash '{}'",
                    e.prev_hash, expected_prev),
        fmt::format("记载的前一事件哈希 {} 与前一事件的哈希 {} 不符",
                    e.prev_hash.empty() ? "（空）" : e.prev_hash,
                    expected_prev.empty() ? "（空）" : expected_prev));
  }
  SetTip(e.stream, StreamTip{e.version, hash, position});
  return Status::Ok();
}

Status Verifier::HashBatch(std::span<const std::pair<std::uint64_t, std::string>> batch,
                           std::span<Hash> computed, std::span<Hash> expected_ledger) {
  std::vector<std::size_t> split;  // which events split into their parts
  std::vector<std::string_view> contents;
  std::vector<std::array<char, kLedgerHashInputBytes>> steps;
  Hash previous = ledger_;
  for (std::size_t i = 0; i < batch.size(); ++i) {
    auto view = SplitStored(batch[i].second);
    if (!view.ok()) continue;  // CheckEvent leaves the ledger hash as it was
    split.push_back(i);
    contents.push_back(view->canonical);
    steps.push_back(LedgerHashInput(previous, batch[i].first, view->hash));
    previous = view->ledger_hash;  // CheckEvent re-anchors on what is stored
  }
  std::vector<std::string_view> step_bytes;
  step_bytes.reserve(steps.size());
  for (const auto& step : steps) step_bytes.emplace_back(step.data(), step.size());
  std::vector<Hash> content_hashes(split.size()), ledger_hashes(split.size());
  chain_sm3_many(contents, content_hashes);
  chain_sm3_many(step_bytes, ledger_hashes);
  for (std::size_t k = 0; k < split.size(); ++k) {
    computed[split[k]] = content_hashes[k];
    expected_ledger[split[k]] = ledger_hashes[k];
  }
  if (split.empty()) return Status::Ok();
  const std::size_t k = batches_hashed_++ % split.size();
  if (Sm3(contents[k]) != content_hashes[k] || Sm3(step_bytes[k]) != ledger_hashes[k]) {
    return InternalError(fmt::format(
        "SM3 of the event at position {} differs between the multi-buffer code and OpenSSL",
        batch[split[k]].first));
  }
  return Status::Ok();
}

Status Verifier::CheckEvent(std::uint64_t position, std::string_view value,
                            const Hash& computed, const Hash& expected_ledger) {
  auto view = SplitStored(value);
  EventRecord e;
  Status decoded = view.ok() ? DecodeCanonical(view->canonical, &e, /*parse_data=*/false)
                             : view.status();
  if (!decoded.ok()) {
    // The decoder's reason is English technical text: the Chinese names the
    // fault, the English carries the reason.
    Add(ChainFinding::Kind::kUndecodable, position, "", 0, std::string(decoded.message()),
        fmt::format("位置 {} 存储的内容不是有效的事件", position));
    if (view.ok()) ledger_ = view->ledger_hash;
    return Status::Ok();
  }
  if (e.position != position) {
    Add(ChainFinding::Kind::kPositionMismatch, position, e.stream, e.version,
        fmt::format("the event stored at position {} says it is position {}", position,
                    e.position),
        fmt::format("存储在位置 {} 的事件自称位于位置 {}", position, e.position));
  }
  if (computed != view->hash) {
    Add(ChainFinding::Kind::kHashMismatch, position, e.stream, e.version,
        fmt::format("stored hash {} but the content hashes to {}", ToHex(view->hash),
                    ToHex(computed)),
        fmt::format("存储的哈希为 {}，而内容的哈希为 {}：事件内容被改动", ToHex(view->hash),
                    ToHex(computed)));
  }
  ZF_RETURN_IF_ERROR(CheckStreamLink(position, e, view->hash));
  if (expected_ledger != view->ledger_hash) {
    Add(ChainFinding::Kind::kLedgerMismatch, position, e.stream, e.version,
        fmt::format("ledger hash {} where {} was computed", ToHex(view->ledger_hash),
                    ToHex(expected_ledger)),
        fmt::format("总账哈希为 {}，计算结果为 {}", ToHex(view->ledger_hash),
                    ToHex(expected_ledger)));
  }
  // Re-anchor on what is stored so that one bad event is one finding.
  ledger_ = view->ledger_hash;
  CheckAnchorsUpTo(position);
  if (digest_mode_) {
    log_triples_.Add(IndexTriple(e.stream, e.version, position));
  } else if (options_.check_indexes) {
    ZF_ASSIGN_OR_RETURN(auto indexed, log_.IndexLookup(e.stream, e.version));
    if (indexed != position) {
      Add(ChainFinding::Kind::kIndexMismatch, position, e.stream, e.version,
          indexed ? fmt::format("the stream index points at position {}", *indexed)
                  : std::string("the stream index has no entry for this event"),
          indexed ? fmt::format("事件流索引指向位置 {}", *indexed)
                  : std::string("事件流索引中没有本事件的条目"));
    }
  }
  return Status::Ok();
}

// The head of a stream is its last index entry: it must name the stream's
// last event, or appends would chain to the wrong event.
void Verifier::CheckHead(std::string_view stream, std::uint64_t version,
                         std::uint64_t position) {
  const StreamTip* tip = FindTip(stream);
  if (tip == nullptr) {
    Add(ChainFinding::Kind::kIndexMismatch, position, stream, version,
        fmt::format("the stream index ends at version {} but the log holds no event of "
                    "the stream",
                    version),
        fmt::format("事件流索引止于版本 {}，而日志中没有该流的事件", version));
  } else if (tip->version != version || tip->position != position) {
    Add(ChainFinding::Kind::kIndexMismatch, position, stream, version,
        fmt::format("the stream index ends at version {} (position {}) but the log ends "
                    "at version {} (position {})",
                    version, position, tip->version, tip->position),
        fmt::format("事件流索引止于版本 {}（位置 {}），而日志止于版本 {}（位置 {}）", version,
                    position, tip->version, tip->position));
  }
}

Status Verifier::CheckHeads() {
  return log_.ForEachStreamEnd(
      [&](std::string_view stream, std::uint64_t version, std::uint64_t position) {
        CheckHead(stream, version, position);
      });
}

// The digest mode's one pass of the index: every entry that names a
// position the log pass reached goes into the index's digest (what a point
// lookup per event would have compared), and each stream's last entry is
// checked as CheckHeads does. The index scan yields a stream's entries
// together, in version order.
Status Verifier::CheckHeadsAndDigest(std::uint64_t last_seen) {
  MultisetDigest index_triples(digest_key_);
  const StreamEndTracker::Fn check_head = [&](std::string_view stream, std::uint64_t version,
                                              std::uint64_t position) {
    CheckHead(stream, version, position);
  };
  StreamEndTracker heads(check_head);
  ZF_RETURN_IF_ERROR(log_.ForEachIndexEntry(
      [&](std::string_view stream, std::uint64_t version, std::uint64_t position) {
        if (position <= last_seen) index_triples.Add(IndexTriple(stream, version, position));
        heads.Add(stream, version, position);
      }));
  heads.Finish();
  digest_differs_ = !(index_triples == log_triples_);
  return Status::Ok();
}

Status Verifier::Run() {
  const LedgerState recorded = log_.RecordedLedger();
  const std::uint64_t from = std::max<std::uint64_t>(options_.from_position, 1);
  const std::uint64_t to = options_.to_position;
  report_->from_position = from;
  anchors_ = options_.anchors;
  std::stable_sort(anchors_.begin(), anchors_.end(),
                   [](const LedgerAnchor& a, const LedgerAnchor& b) { return a.position < b.position; });
  // The digest needs every event and every entry: the whole log.
  digest_mode_ = index_check_ == IndexCheck::kAuto && options_.check_indexes && from == 1 &&
                 to >= recorded.position && log_.HasIndexScan();
  ZF_RETURN_IF_ERROR(StartLedger());
  // An anchor at from - 1 or before cannot be compared (but its signature
  // is still reported); position 0 is the empty log.
  CheckAnchorsUpTo(from - 1);
  std::uint64_t expected = from;
  std::uint64_t last_seen = from - 1;
  // Read a batch (copies: a scan's value lasts until its next step), hash
  // it, check its events in order.
  constexpr std::size_t kBatch = 64;
  std::vector<std::pair<std::uint64_t, std::string>> batch(kBatch);
  std::vector<Hash> computed(kBatch), expected_ledger(kBatch);
  std::size_t held = 0;
  auto check_batch = [&]() -> Status {
    ZF_RETURN_IF_ERROR(HashBatch(std::span(batch).first(held), computed, expected_ledger));
    for (std::size_t i = 0; i < held; ++i) {
      const std::uint64_t position = batch[i].first;
      if (position > expected) ZF_RETURN_IF_ERROR(ReportGap(expected, position));
      ZF_RETURN_IF_ERROR(CheckEvent(position, batch[i].second, computed[i], expected_ledger[i]));
      ++report_->events_checked;
      expected = position + 1;
      last_seen = position;
    }
    held = 0;
    return Status::Ok();
  };
  auto scan = log_.ScanFrom(from);
  for (; scan->Valid() && scan->position() <= to; scan->Next()) {
    batch[held].first = scan->position();
    batch[held].second.assign(scan->value());
    if (++held == kBatch) ZF_RETURN_IF_ERROR(check_batch());
  }
  ZF_RETURN_IF_ERROR(check_batch());
  ZF_RETURN_IF_ERROR(scan->status());
  report_->to_position = last_seen;
  report_->ledger_hash = ToHex(ledger_);
  CheckAnchorsPastEnd(last_seen, to >= std::max(recorded.position, last_seen));
  if (to < recorded.position) return Status::Ok();
  if (last_seen < recorded.position) {
    Add(ChainFinding::Kind::kTruncated, last_seen + 1, "", 0,
        fmt::format("the log ends at position {} but the ledger head records position {}",
                    last_seen, recorded.position),
        fmt::format("日志止于位置 {}，而总账头记载的是位置 {}", last_seen, recorded.position));
    ZF_RETURN_IF_ERROR(NameTruncated(last_seen + 1, recorded.position));
  } else if (last_seen > recorded.position) {
    Add(ChainFinding::Kind::kLedgerMismatch, recorded.position, "", 0,
        fmt::format("the log runs to position {} past the ledger head at {}", last_seen,
                    recorded.position),
        fmt::format("日志延续到位置 {}，超出总账头记载的位置 {}", last_seen, recorded.position));
  } else if (ledger_ != recorded.hash) {
    Add(ChainFinding::Kind::kLedgerMismatch, recorded.position, "", 0,
        fmt::format("the recorded ledger head {} does not match the log's {}",
                    ToHex(recorded.hash), ToHex(ledger_)),
        fmt::format("记载的总账头 {} 与日志计算的 {} 不符", ToHex(recorded.hash),
                    ToHex(ledger_)));
  }
  if (digest_mode_) return CheckHeadsAndDigest(last_seen);
  if (options_.check_indexes && from == 1) ZF_RETURN_IF_ERROR(CheckHeads());
  return Status::Ok();
}

}  // namespace

Result<ChainReport> VerifyRawLog(const RawLog& log, const VerifyOptions& options,
                                 IndexCheck index_check) {
  ChainReport report;
  Verifier verifier(log, options, index_check, &report);
  ZF_RETURN_IF_ERROR(verifier.Run());
  // Something in the index differs: the pass that looks every event up
  // names it (a damaged store pays for a second pass, a sound one never).
  if (verifier.IndexDigestDiffers()) return VerifyRawLog(log, options, IndexCheck::kPerEvent);
  return report;
}

ChainSm3Many SetChainSm3ManyForTesting(ChainSm3Many fn) {
  return std::exchange(chain_sm3_many, fn);
}

}  // namespace zf::internal
