#include "store/key_codec.h"

#include <cstring>

#include "util/coding.h"

namespace zf::internal {

std::string PositionKey(std::uint64_t position) {
  std::string key;
  PutFixed64BE(&key, position);
  return key;
}

std::uint64_t DecodePositionKey(std::string_view key) { return DecodeFixed64BE(key.data()); }

std::string StreamIndexPrefix(std::string_view stream) {
  std::string key(stream);
  key.push_back('\0');
  return key;
}

std::string StreamIndexKey(std::string_view stream, std::uint64_t version) {
  std::string key = StreamIndexPrefix(stream);
  PutFixed64BE(&key, version);
  return key;
}

bool DecodeStreamIndexKey(std::string_view key, std::string_view* stream,
                          std::uint64_t* version) {
  if (key.size() < 10 || key[key.size() - 9] != '\0') return false;
  *stream = key.substr(0, key.size() - 9);
  *version = DecodeFixed64BE(key.data() + key.size() - 8);
  return true;
}

std::string EncodeHead(const HeadState& head) {
  std::string value;
  PutFixed64BE(&value, head.version);
  PutFixed64BE(&value, head.position);
  value.append(reinterpret_cast<const char*>(head.hash.data()), head.hash.size());
  return value;
}

bool DecodeHead(std::string_view value, HeadState* head) {
  if (value.size() != 48) return false;
  head->version = DecodeFixed64BE(value.data());
  head->position = DecodeFixed64BE(value.data() + 8);
  std::memcpy(head->hash.data(), value.data() + 16, 32);
  return true;
}

std::string EncodeCommand(const CommandRecord& record) {
  const AppendResult& r = record.result;
  std::string value;
  PutFixed64BE(&value, r.first_position);
  PutFixed64BE(&value, r.last_position);
  PutFixed64BE(&value, r.first_version);
  PutFixed64BE(&value, r.last_version);
  Hash hash{};
  FromHex(r.last_hash, &hash);
  value.append(reinterpret_cast<const char*>(hash.data()), hash.size());
  value.append(reinterpret_cast<const char*>(record.digest.data()), record.digest.size());
  value.append(r.stream);
  return value;
}

bool DecodeCommand(std::string_view value, CommandRecord* record) {
  AppendResult* r = &record->result;
  if (value.size() < 96) return false;
  r->first_position = DecodeFixed64BE(value.data());
  r->last_position = DecodeFixed64BE(value.data() + 8);
  r->first_version = DecodeFixed64BE(value.data() + 16);
  r->last_version = DecodeFixed64BE(value.data() + 24);
  Hash hash;
  std::memcpy(hash.data(), value.data() + 32, 32);
  r->last_hash = ToHex(hash);
  std::memcpy(record->digest.data(), value.data() + 64, 32);
  r->stream.assign(value.substr(96));
  return true;
}

std::string EncodeLedger(const LedgerState& ledger) {
  std::string value;
  PutFixed64BE(&value, ledger.position);
  value.append(reinterpret_cast<const char*>(ledger.hash.data()), ledger.hash.size());
  return value;
}

bool DecodeLedger(std::string_view value, LedgerState* ledger) {
  if (value.size() != 40) return false;
  ledger->position = DecodeFixed64BE(value.data());
  std::memcpy(ledger->hash.data(), value.data() + 8, 32);
  return true;
}

StreamHead ToPublicHead(const HeadState& head) {
  return StreamHead{head.version, head.position, ToHex(head.hash)};
}

LedgerHead ToPublicLedger(const LedgerState& ledger) {
  return LedgerHead{ledger.position, ToHex(ledger.hash)};
}

}  // namespace zf::internal
