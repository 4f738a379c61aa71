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
  std::string key;
  SetStreamIndexKey(stream, version, &key);
  return key;
}

void SetStreamIndexKey(std::string_view stream, std::uint64_t version, std::string* key) {
  key->assign(stream);
  key->push_back('\0');
  PutFixed64BE(key, version);
}

bool DecodeStreamIndexKey(std::string_view key, std::string_view* stream,
                          std::uint64_t* version) {
  if (key.size() < 10 || key[key.size() - 9] != '\0') return false;
  *stream = key.substr(0, key.size() - 9);
  *version = DecodeFixed64BE(key.data() + key.size() - 8);
  return true;
}

AppendResult ToAppendResult(const CommandRecord& record) {
  AppendResult r;
  r.stream = record.stream;
  r.first_version = record.first_version;
  r.last_version = record.last_version;
  r.first_position = record.first_position;
  r.last_position = record.last_position;
  r.last_hash = ToHex(record.last_hash);
  return r;
}

void SetCommandValue(std::uint64_t first_position, std::uint64_t last_position,
                     std::uint64_t first_version, std::uint64_t last_version,
                     const Hash& last_hash, std::string_view stream, std::string_view command,
                     std::string* value) {
  value->clear();
  PutFixed64BE(value, first_position);
  PutFixed64BE(value, last_position);
  PutFixed64BE(value, first_version);
  PutFixed64BE(value, last_version);
  value->append(reinterpret_cast<const char*>(last_hash.data()), last_hash.size());
  value->append(stream);
  if (!command.empty()) {
    value->push_back('\0');
    value->append(command);
  }
}

std::string EncodeCommand(const CommandRecord& r) {
  std::string value;
  SetCommandValue(r.first_position, r.last_position, r.first_version, r.last_version,
                  r.last_hash, r.stream, r.command, &value);
  return value;
}

bool DecodeCommand(std::string_view value, CommandRecord* r) {
  if (value.size() <= 64) return false;
  r->first_position = DecodeFixed64BE(value.data());
  r->last_position = DecodeFixed64BE(value.data() + 8);
  r->first_version = DecodeFixed64BE(value.data() + 16);
  r->last_version = DecodeFixed64BE(value.data() + 24);
  std::memcpy(r->last_hash.data(), value.data() + 32, 32);
  std::string_view rest = value.substr(64);
  const std::size_t nul = rest.find('\0');
  r->stream.assign(rest.substr(0, nul));
  r->command.assign(nul == std::string_view::npos ? std::string_view() : rest.substr(nul + 1));
  return !r->stream.empty() && r->last_position >= r->first_position &&
         r->last_version - r->first_version == r->last_position - r->first_position;
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

std::string CheckpointKey(std::uint64_t position) {
  return std::string(kCheckpointKeyPrefix) + PositionKey(position);
}

}  // namespace zf::internal
