// zf/checkpoint.h — signed ledger checkpoints and anchors.
//
// The hash chain and the ledger (docs/event-format.md §3–§4) make every
// change to the stored bytes visible, except one that is rewritten
// consistently: a tail removed together with its index entries, command
// records and the ledger head, or a payload changed with every hash after
// it recomputed. Such a store is only caught by comparing it with a ledger
// hash kept elsewhere. A checkpoint is that hash, signed: {position,
// ledger_hash, time, key_id, signature}, SM2 with SM3 over a fixed text
// (CheckpointSigningText). The store keeps its checkpoints beside the log
// (not in it, so no event's bytes change); `zfcli checkpoint export`
// writes them out for safekeeping, and `store verify --anchor` /
// `audit verify --anchor` compare a store with them (docs/audit.md §6).
//
// Example:
//   auto signer = zf::CheckpointSigner::FromPemFile("keys/checkpoint.pem");
//   zf::StoreOptions options;
//   options.checkpoint_signer = *signer;
//   options.checkpoint_every = 1000;  // a checkpoint each 1000 events
#pragma once

#include <cstdint>
#include <istream>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/object.hpp>

#include "zf/clock.h"
#include "zf/event_store.h"
#include "zf/export.h"
#include "zf/legal_sources.h"  // Language
#include "zf/result.h"

namespace zf {

inline constexpr std::string_view kCheckpointFormat = "zf.checkpoint.v1";

struct Checkpoint {
  std::uint64_t position = 0;  // the ledger head signed
  std::string ledger_hash;     // hex, the running ledger hash after `position`
  std::string time;            // RFC 3339 UTC, when it was signed (store clock)
  std::string key_id;          // hex SM3 of the signer's DER public key
  std::string public_key;      // base64 DER SubjectPublicKeyInfo of the signer
  std::string signature;       // hex DER SM2 signature of CheckpointSigningText
};

// The exact bytes signed: "zf-checkpoint-v1\n<position>\n<ledger_hash>\n
// <time>\n<key_id>\n" (decimal position, every line ending in "\n").
ZF_EXPORT std::string CheckpointSigningText(const Checkpoint& checkpoint);

// A public key that checkpoints are verified with (an SM2 PEM file:
// "PUBLIC KEY", or a private key whose public half is used).
class ZF_EXPORT CheckpointKey {
 public:
  static Result<CheckpointKey> FromPemFile(const std::string& path);
  const std::string& key_id() const;
  // Why `checkpoint` is not this key's: an empty string when it is (its
  // key_id names this key and its signature verifies), else the reason,
  // in `lang`.
  std::string Check(const Checkpoint& checkpoint, Language lang = Language::kZh) const;

  struct Impl;
  const Impl& impl() const { return *impl_; }  // for the library (ReadAnchors)

 private:
  std::shared_ptr<const Impl> impl_;
};

// The private key a store signs its checkpoints with.
class ZF_EXPORT CheckpointSigner {
 public:
  // Errors: kNotFound (no such file), kInvalidArgument (not an SM2 PEM
  // private key); the message names the file.
  static Result<std::shared_ptr<const CheckpointSigner>> FromPemFile(const std::string& path);
  const std::string& key_id() const;
  // Signs the ledger head `head` at `time`.
  Result<Checkpoint> Sign(const LedgerHead& head, std::string_view time) const;

  struct Impl;
  explicit CheckpointSigner(std::shared_ptr<const Impl> impl) : impl_(std::move(impl)) {}

 private:
  std::shared_ptr<const Impl> impl_;
};

// Why `checkpoint` is not self-consistent: its public key does not parse,
// its key_id is not that key's fingerprint, or its signature does not
// verify with that key. Empty when it is. This proves the line was not
// corrupted, not who made it: pin the key (CheckpointKey::Check) for that.
// The reason is in `lang`.
ZF_EXPORT std::string CheckCheckpointSelf(const Checkpoint& checkpoint,
                                          Language lang = Language::kZh);

// One JSON line of `zfcli checkpoint export`:
// {"format":"zf.checkpoint.v1","position","ledger_hash","time","key_id",
//  "public_key","signature"}.
ZF_EXPORT boost::json::object CheckpointToJson(const Checkpoint& checkpoint);
// kInvalidArgument naming the field that is missing or malformed.
ZF_EXPORT Result<Checkpoint> CheckpointFromJson(const boost::json::value& json);

// The checkpoints a store keeps, in position order.
ZF_EXPORT Result<std::vector<Checkpoint>> ReadCheckpoints(const EventStore& store);
// Signs the store's ledger head at clock's time and keeps the checkpoint
// in the store. kFailedPrecondition for a read-only store.
ZF_EXPORT Result<Checkpoint> WriteCheckpointAtHead(EventStore& store,
                                                   const CheckpointSigner& signer,
                                                   const Clock& clock);

// Anchors for VerifyOptions::anchors from a file of checkpoint lines (blank
// lines and lines starting with '#' are skipped). Each signature is
// checked: against `trusted` when given (a checkpoint of another key or
// with a bad signature is kept with its signature_problem set, and not
// compared), else against the key the line carries (CheckCheckpointSelf).
// kInvalidArgument for a line that is not a checkpoint, naming the line.
ZF_EXPORT Result<std::vector<LedgerAnchor>> ReadAnchors(std::istream& in, std::string_view name,
                                                        const CheckpointKey* trusted);
// "POS:HASH" (a ledger hash without a signature, e.g. read off paper).
ZF_EXPORT Result<LedgerAnchor> ParseAnchorArgument(std::string_view text);

}  // namespace zf
