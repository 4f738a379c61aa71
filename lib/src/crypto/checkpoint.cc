// Signed ledger checkpoints and anchors (zf/checkpoint.h).
#include "zf/checkpoint.h"

#include <charconv>

#include <boost/json.hpp>
#include <fmt/format.h>

#include "crypto/sm2.h"
#include "util/hex.h"
#include "util/rfc3339.h"
#include "zf/event_json.h"

namespace zf {

using internal::Sm2Key;

struct CheckpointKey::Impl {
  Sm2Key key;
  std::string key_id;
};

struct CheckpointSigner::Impl {
  Sm2Key key;
  std::string key_id;
  std::string public_key;  // base64 DER
};

namespace {

bool IsHash(std::string_view s) { return internal::IsLowerHex(s, 64); }

using internal::SignatureFault;

// The reason in `lang`.
std::string In(Language lang, SignatureFault fault) {
  return lang == Language::kZh ? std::move(fault.zh) : std::move(fault.en);
}

// The signature of `checkpoint` checked with `key`; empty when it verifies.
SignatureFault SignatureProblem(const Checkpoint& checkpoint, const Sm2Key& key) {
  std::string der;
  if (!internal::HexDecode(checkpoint.signature, &der) || der.empty()) {
    return {"签名不是十六进制", "the signature is not hexadecimal"};
  }
  if (!internal::Sm2Verify(key, CheckpointSigningText(checkpoint), der)) {
    return {"签名验证失败（检查点内容或签名被改动）",
            "the signature does not verify (the checkpoint or its signature was changed)"};
  }
  return {};
}

// CheckpointKey::Check, in both languages.
SignatureFault KeyProblem(const CheckpointKey::Impl& key, const Checkpoint& checkpoint) {
  if (checkpoint.key_id != key.key_id) {
    return {fmt::format("由另一密钥 {} 签名，而非受信任的密钥 {}", checkpoint.key_id, key.key_id),
            fmt::format("signed by another key, {}, not by the trusted key {}",
                        checkpoint.key_id, key.key_id)};
  }
  return SignatureProblem(checkpoint, key.key);
}

// CheckCheckpointSelf, in both languages.
SignatureFault SelfProblem(const Checkpoint& checkpoint) {
  std::string der;
  if (!internal::Base64Decode(checkpoint.public_key, &der)) {
    return {"公钥不是 base64", "the public key is not base64"};
  }
  auto key = internal::ParseSm2PublicKeyDer(der, "checkpoint public_key");
  if (!key.ok()) {
    return {fmt::format("公钥无法解析：{}", key.status().message()),
            fmt::format("the public key does not parse: {}", key.status().message())};
  }
  if (key->Fingerprint() != checkpoint.key_id) {
    return {fmt::format("key_id {} 不是所附公钥的指纹 {}", checkpoint.key_id, key->Fingerprint()),
            fmt::format("key_id {} is not the fingerprint of the public key it carries, {}",
                        checkpoint.key_id, key->Fingerprint())};
  }
  return SignatureProblem(checkpoint, *key);
}

Result<std::string> TextField(const boost::json::object& o, std::string_view key) {
  const boost::json::value* v = o.if_contains(key);
  if (v == nullptr || !v->is_string()) {
    return InvalidArgumentError(fmt::format("checkpoint field '{}' is missing or not a string", key))
        .WithSubject(key);
  }
  return std::string(v->as_string());
}

}  // namespace

std::string CheckpointSigningText(const Checkpoint& c) {
  return fmt::format("zf-checkpoint-v1\n{}\n{}\n{}\n{}\n", c.position, c.ledger_hash, c.time,
                     c.key_id);
}

Result<CheckpointKey> CheckpointKey::FromPemFile(const std::string& path) {
  ZF_ASSIGN_OR_RETURN(Sm2Key key, internal::LoadSm2PublicKeyPem(path));
  CheckpointKey result;
  result.impl_ = std::make_shared<Impl>(Impl{key, key.Fingerprint()});
  return result;
}

const std::string& CheckpointKey::key_id() const { return impl_->key_id; }

std::string CheckpointKey::Check(const Checkpoint& checkpoint, Language lang) const {
  return In(lang, KeyProblem(*impl_, checkpoint));
}

Result<std::shared_ptr<const CheckpointSigner>> CheckpointSigner::FromPemFile(
    const std::string& path) {
  ZF_ASSIGN_OR_RETURN(Sm2Key key, internal::LoadSm2PrivateKeyPem(path));
  auto impl = std::make_shared<Impl>(
      Impl{key, key.Fingerprint(), internal::Base64Encode(key.PublicDer())});
  return std::make_shared<const CheckpointSigner>(std::move(impl));
}

const std::string& CheckpointSigner::key_id() const { return impl_->key_id; }

Result<Checkpoint> CheckpointSigner::Sign(const LedgerHead& head, std::string_view time) const {
  Checkpoint c{head.position, head.ledger_hash, std::string(time), impl_->key_id,
               impl_->public_key, ""};
  ZF_ASSIGN_OR_RETURN(std::string der, internal::Sm2Sign(impl_->key, CheckpointSigningText(c)));
  c.signature = internal::HexEncode(
      std::span(reinterpret_cast<const std::uint8_t*>(der.data()), der.size()));
  return c;
}

std::string CheckCheckpointSelf(const Checkpoint& checkpoint, Language lang) {
  return In(lang, SelfProblem(checkpoint));
}

boost::json::object CheckpointToJson(const Checkpoint& c) {
  return {{"format", kCheckpointFormat}, {"position", c.position},
          {"ledger_hash", c.ledger_hash},  {"time", c.time},
          {"key_id", c.key_id},            {"public_key", c.public_key},
          {"signature", c.signature}};
}

Result<Checkpoint> CheckpointFromJson(const boost::json::value& json) {
  if (!json.is_object()) return InvalidArgumentError("a checkpoint must be a JSON object");
  const auto& o = json.as_object();
  ZF_ASSIGN_OR_RETURN(std::string format, TextField(o, "format"));
  if (format != kCheckpointFormat) {
    return InvalidArgumentError(fmt::format("unknown checkpoint format '{}'", format))
        .WithSubject("format");
  }
  Checkpoint c;
  const boost::json::value* position = o.if_contains("position");
  if (position == nullptr || !(position->is_uint64() || (position->is_int64() &&
                                                          position->as_int64() >= 0))) {
    return InvalidArgumentError("checkpoint field 'position' is missing or not a whole number")
        .WithSubject("position");
  }
  c.position = position->to_number<std::uint64_t>();
  ZF_ASSIGN_OR_RETURN(c.ledger_hash, TextField(o, "ledger_hash"));
  ZF_ASSIGN_OR_RETURN(c.time, TextField(o, "time"));
  ZF_ASSIGN_OR_RETURN(c.key_id, TextField(o, "key_id"));
  ZF_ASSIGN_OR_RETURN(c.public_key, TextField(o, "public_key"));
  ZF_ASSIGN_OR_RETURN(c.signature, TextField(o, "signature"));
  if (!IsHash(c.ledger_hash)) {
    return InvalidArgumentError("checkpoint ledger_hash must be 64 lowercase hex digits")
        .WithSubject("ledger_hash");
  }
  return c;
}

Result<std::vector<Checkpoint>> ReadCheckpoints(const EventStore& store) {
  std::vector<Checkpoint> result;
  Status bad;
  ZF_RETURN_IF_ERROR(store.ScanCheckpoints([&](std::uint64_t position, std::string_view record) {
    auto json = ParseJson(record);
    auto c = json.ok() ? CheckpointFromJson(*json) : Result<Checkpoint>(json.status());
    if (!c.ok() || c->position != position) {
      bad = CorruptionError(fmt::format("the checkpoint kept at position {} is malformed: {}",
                                        position,
                                        c.ok() ? "its position differs" : c.status().message()));
      return false;
    }
    result.push_back(std::move(*c));
    return true;
  }));
  ZF_RETURN_IF_ERROR(bad);
  return result;
}

Result<Checkpoint> WriteCheckpointAtHead(EventStore& store, const CheckpointSigner& signer,
                                         const Clock& clock) {
  ZF_ASSIGN_OR_RETURN(Checkpoint c,
                      signer.Sign(store.Ledger(), internal::FormatRfc3339Utc(clock.NowMicros())));
  ZF_RETURN_IF_ERROR(store.PutCheckpoint(c.position, boost::json::serialize(CheckpointToJson(c))));
  return c;
}

Result<std::vector<LedgerAnchor>> ReadAnchors(std::istream& in, std::string_view name,
                                              const CheckpointKey* trusted) {
  std::vector<LedgerAnchor> anchors;
  std::string line;
  for (std::size_t line_no = 1; std::getline(in, line); ++line_no) {
    const auto first = line.find_first_not_of(" \t\r");
    if (first == std::string::npos || line[first] == '#') continue;
    const std::string where = fmt::format("{}:{}", name, line_no);
    auto json = ParseJson(line);
    auto c = json.ok() ? CheckpointFromJson(*json) : Result<Checkpoint>(json.status());
    if (!c.ok()) {
      return InvalidArgumentError(fmt::format("{}: not a checkpoint: {}", where,
                                              c.status().message()))
          .WithSubject(where);
    }
    SignatureFault fault = trusted != nullptr ? KeyProblem(trusted->impl(), *c) : SelfProblem(*c);
    LedgerAnchor a{c->position,      c->ledger_hash, c->time,
                   c->key_id,        where,          std::move(fault.zh),
                   std::move(fault.en)};
    anchors.push_back(std::move(a));
  }
  if (in.bad()) return IOError(fmt::format("cannot read anchors from '{}'", name));
  return anchors;
}

Result<LedgerAnchor> ParseAnchorArgument(std::string_view text) {
  const auto colon = text.find(':');
  std::uint64_t position = 0;
  const std::string_view pos = text.substr(0, colon);
  auto [end, ec] = std::from_chars(pos.data(), pos.data() + pos.size(), position);
  if (colon == std::string_view::npos || ec != std::errc() || end != pos.data() + pos.size() ||
      pos.empty() || !IsHash(text.substr(colon + 1))) {
    return InvalidArgumentError(
               fmt::format("anchor '{}' is neither a file nor POS:HASH (a position and 64 "
                           "lowercase hex digits)",
                           text))
        .WithSubject(text);
  }
  return LedgerAnchor{position, std::string(text.substr(colon + 1)), "", "", std::string(text), "",
                      ""};
}

}  // namespace zf
