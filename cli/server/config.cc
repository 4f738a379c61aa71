// The server's config file: tokens (stored as digests) -> actors, limits, TLS.
#include <openssl/evp.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include <boost/json.hpp>
#include <fmt/format.h>

#include "server/server.h"
#include "zf/event_json.h"
#include "zf/limits.h"

namespace zfcli::server {
namespace {

namespace json = boost::json;

zf::Status Invalid(std::string_view pointer, std::string_view rule) {
  return zf::InvalidArgumentError(fmt::format("config {}: {}", pointer, rule)).WithSubject(pointer);
}

// Refuses fields other than `allowed`, so a misspelt limit is not ignored.
zf::Status OnlyFields(const json::object& o, std::string_view pointer,
                      std::initializer_list<std::string_view> allowed) {
  for (const auto& [key, value] : o) {
    bool known = false;
    for (std::string_view a : allowed) known = known || key == a;
    if (!known) return Invalid(fmt::format("{}/{}", pointer, std::string_view(key)), "unknown field");
  }
  return zf::Status::Ok();
}

zf::Result<std::string> Text(const json::object& o, std::string_view key, std::string_view pointer,
                             bool required) {
  const json::value* v = o.if_contains(key);
  const std::string where = fmt::format("{}/{}", pointer, key);
  if (v == nullptr) {
    if (required) return Invalid(where, "is required");
    return std::string();
  }
  if (!v->is_string() || v->as_string().empty()) return Invalid(where, "must be a non-empty string");
  return std::string(v->as_string());
}

bool IsHex64(std::string_view s) {
  if (s.size() != 64) return false;
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

// How the config's reader knows a token: its comment, else the start of
// its digest (never the token itself).
std::string TokenName(const json::object& token, std::string_view digest) {
  if (const json::value* c = token.if_contains("comment"); c != nullptr && c->is_string()) {
    return fmt::format("\"{}\"", std::string_view(c->as_string()));
  }
  return fmt::format("{}…", digest.substr(0, 12));
}

zf::Status ParseToken(const json::value& v, std::size_t index, ServerConfig* config) {
  const std::string pointer = fmt::format("/tokens/{}", index);
  if (!v.is_object()) return Invalid(pointer, "must be an object");
  const json::object& o = v.as_object();
  ZF_RETURN_IF_ERROR(OnlyFields(o, pointer, {"sha256", "sm3", "actor", "comment", "admin"}));
  bool admin = false;
  if (const json::value* v = o.if_contains("admin")) {
    if (!v->is_bool()) return Invalid(pointer + "/admin", "must be true or false");
    admin = v->as_bool();
  }
  ZF_ASSIGN_OR_RETURN(std::string sha256, Text(o, "sha256", pointer, false));
  ZF_ASSIGN_OR_RETURN(std::string sm3, Text(o, "sm3", pointer, false));
  if (sha256.empty() == sm3.empty()) {
    return Invalid(pointer, "give exactly one of sha256 and sm3 (the token's hex digest)");
  }
  const std::string& digest = sha256.empty() ? sm3 : sha256;
  if (!IsHex64(digest)) {
    return Invalid(pointer + (sha256.empty() ? "/sm3" : "/sha256"),
                   "must be 64 lowercase hex digits (the digest, never the token)");
  }
  const json::value* actor_value = o.if_contains("actor");
  if (actor_value == nullptr || !actor_value->is_object()) {
    return Invalid(pointer + "/actor", "is required: {\"id\", \"role\", \"unit\"}");
  }
  const json::object& a = actor_value->as_object();
  ZF_RETURN_IF_ERROR(OnlyFields(a, pointer + "/actor", {"id", "role", "unit"}));
  zf::Actor actor;
  ZF_ASSIGN_OR_RETURN(actor.id, Text(a, "id", pointer + "/actor", true));
  ZF_ASSIGN_OR_RETURN(actor.role, Text(a, "role", pointer + "/actor", true));
  ZF_ASSIGN_OR_RETURN(actor.unit, Text(a, "unit", pointer + "/actor", true));
  // The store's rule for actors (zf/limits.h): a token whose actor breaks
  // it would have every command refused, so the config is refused instead.
  for (const auto& [field, value] : {std::pair{"id", &actor.id}, {"role", &actor.role},
                                     {"unit", &actor.unit}}) {
    if (zf::Status s = zf::CheckActorField(*value); !s.ok()) {
      return Invalid(fmt::format("{}/actor/{}", pointer, field),
                     fmt::format("actor {} of the token {}: {} (the store's rule for actors: at "
                                 "most {} bytes, no control characters)",
                                 field, TokenName(o, digest), s.message(),
                                 zf::kMaxActorFieldBytes));
    }
  }
  auto& table = sha256.empty() ? config->tokens.sm3 : config->tokens.sha256;
  TokenEntry entry{digest, std::move(actor), TokenName(o, digest), admin};
  if (!table.emplace(digest, std::move(entry)).second) return Invalid(pointer, "duplicate digest");
  return zf::Status::Ok();
}

template <typename T>
zf::Status Positive(const json::object& o, std::string_view key, T* out) {
  const json::value* v = o.if_contains(key);
  if (v == nullptr) return zf::Status::Ok();
  if (!v->is_int64() || v->as_int64() < 0 ||
      (v->as_int64() == 0 && key != "io_threads")) {
    return Invalid(fmt::format("/limits/{}", key), "must be a positive integer");
  }
  *out = static_cast<T>(v->as_int64());
  return zf::Status::Ok();
}

zf::Status Millis(const json::object& o, std::string_view key, std::chrono::milliseconds* out) {
  std::int64_t ms = out->count();
  ZF_RETURN_IF_ERROR(Positive(o, key, &ms));
  *out = std::chrono::milliseconds(ms);
  return zf::Status::Ok();
}

zf::Status ParseLimits(const json::value& v, Limits* l) {
  if (!v.is_object()) return Invalid("/limits", "must be an object");
  const json::object& o = v.as_object();
  ZF_RETURN_IF_ERROR(OnlyFields(
      o, "/limits",
      {"max_body_bytes", "max_header_bytes", "header_timeout_ms", "body_timeout_ms",
       "max_connections", "max_connections_per_client", "max_subscriptions",
       "max_batch_commands", "max_events_per_read",
       "io_threads", "work_threads", "shutdown_grace_ms", "expensive_per_minute",
       "expensive_burst"}));
  ZF_RETURN_IF_ERROR(Positive(o, "max_body_bytes", &l->max_body_bytes));
  ZF_RETURN_IF_ERROR(Positive(o, "max_header_bytes", &l->max_header_bytes));
  ZF_RETURN_IF_ERROR(Millis(o, "header_timeout_ms", &l->header_timeout));
  ZF_RETURN_IF_ERROR(Millis(o, "body_timeout_ms", &l->body_timeout));
  ZF_RETURN_IF_ERROR(Positive(o, "max_connections", &l->max_connections));
  ZF_RETURN_IF_ERROR(
      Positive(o, "max_connections_per_client", &l->max_connections_per_client));
  ZF_RETURN_IF_ERROR(Positive(o, "max_subscriptions", &l->max_subscriptions));
  ZF_RETURN_IF_ERROR(Positive(o, "max_batch_commands", &l->max_batch_commands));
  ZF_RETURN_IF_ERROR(Positive(o, "max_events_per_read", &l->max_events_per_read));
  ZF_RETURN_IF_ERROR(Positive(o, "io_threads", &l->io_threads));
  ZF_RETURN_IF_ERROR(Positive(o, "work_threads", &l->work_threads));
  ZF_RETURN_IF_ERROR(Millis(o, "shutdown_grace_ms", &l->shutdown_grace));
  ZF_RETURN_IF_ERROR(Positive(o, "expensive_per_minute", &l->expensive_per_minute));
  ZF_RETURN_IF_ERROR(Positive(o, "expensive_burst", &l->expensive_burst));
  return zf::Status::Ok();
}

}  // namespace

std::string HexDigest(std::string_view algorithm, std::string_view token) {
  const EVP_MD* md = algorithm == "sm3" ? EVP_sm3() : EVP_sha256();
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  if (md == nullptr || EVP_Digest(token.data(), token.size(), digest, &size, md, nullptr) != 1) {
    return "";
  }
  std::string hex;
  for (unsigned int i = 0; i < size; ++i) hex += fmt::format("{:02x}", digest[i]);
  return hex;
}

const TokenEntry* FindToken(const TokenTable& tokens, std::string_view token) {
  if (token.empty()) return nullptr;
  if (!tokens.sha256.empty()) {
    auto it = tokens.sha256.find(HexDigest("sha256", token));
    if (it != tokens.sha256.end()) return &it->second;
  }
  if (!tokens.sm3.empty()) {
    auto it = tokens.sm3.find(HexDigest("sm3", token));
    if (it != tokens.sm3.end()) return &it->second;
  }
  return nullptr;
}

namespace {

void CompareTables(const std::map<std::string, TokenEntry>& before,
                   const std::map<std::string, TokenEntry>& after, ConfigChange* change) {
  for (const auto& [digest, entry] : after) {
    auto it = before.find(digest);
    if (it == before.end()) {
      change->added.push_back(&entry);
    } else if (it->second.actor.id != entry.actor.id || it->second.actor.role != entry.actor.role ||
               it->second.actor.unit != entry.actor.unit || it->second.admin != entry.admin) {
      change->changed.push_back(&entry);
    }
  }
  for (const auto& [digest, entry] : before) {
    if (!after.contains(digest)) change->removed.push_back(&entry);
  }
}

}  // namespace

ConfigChange CompareConfigs(const ServerConfig& before, const ServerConfig& after) {
  ConfigChange change;
  CompareTables(before.tokens.sha256, after.tokens.sha256, &change);
  CompareTables(before.tokens.sm3, after.tokens.sm3, &change);
  if (!(before.limits == after.limits)) change.need_restart.push_back("limits");
  if (before.tls_cert != after.tls_cert || before.tls_key != after.tls_key) {
    change.need_restart.push_back("tls");
  }
  if (before.checkpoint_key != after.checkpoint_key ||
      before.checkpoint_every != after.checkpoint_every) {
    change.need_restart.push_back("checkpoints");
  }
  if (before.seal_keys != after.seal_keys) change.need_restart.push_back("seal_keys");
  if (before.backup_dir != after.backup_dir) change.need_restart.push_back("admin");
  return change;
}

zf::Result<ServerConfig> LoadServerConfig(const std::string& path) {
  std::ifstream in(path);
  if (!in) return zf::NotFoundError(fmt::format("cannot read config '{}'", path)).WithSubject(path);
  std::stringstream text;
  text << in.rdbuf();
  auto parsed = zf::ParseJson(text.str());
  if (!parsed.ok()) return parsed.status();
  if (!parsed->is_object()) return Invalid("", "the config must be a JSON object");
  const json::object& o = parsed->as_object();
  ZF_RETURN_IF_ERROR(OnlyFields(o, "", {"tokens", "limits", "tls", "checkpoints", "seal_keys",
                                       "admin"}));
  ServerConfig config;
  const json::value* tokens = o.if_contains("tokens");
  if (tokens == nullptr || !tokens->is_array()) {
    return Invalid("/tokens", "is required: an array of {sha256|sm3, actor}");
  }
  for (std::size_t i = 0; i < tokens->as_array().size(); ++i) {
    ZF_RETURN_IF_ERROR(ParseToken(tokens->as_array()[i], i, &config));
  }
  if (const json::value* limits = o.if_contains("limits")) {
    ZF_RETURN_IF_ERROR(ParseLimits(*limits, &config.limits));
  }
  if (const json::value* tls = o.if_contains("tls")) {
    if (!tls->is_object()) return Invalid("/tls", "must be an object {cert, key}");
    ZF_RETURN_IF_ERROR(OnlyFields(tls->as_object(), "/tls", {"cert", "key"}));
    ZF_ASSIGN_OR_RETURN(config.tls_cert, Text(tls->as_object(), "cert", "/tls", true));
    ZF_ASSIGN_OR_RETURN(config.tls_key, Text(tls->as_object(), "key", "/tls", true));
  }
  if (const json::value* checkpoints = o.if_contains("checkpoints")) {
    if (!checkpoints->is_object()) {
      return Invalid("/checkpoints", "must be an object {key, every}");
    }
    const json::object& c = checkpoints->as_object();
    ZF_RETURN_IF_ERROR(OnlyFields(c, "/checkpoints", {"key", "every"}));
    ZF_ASSIGN_OR_RETURN(config.checkpoint_key, Text(c, "key", "/checkpoints", true));
    if (const json::value* every = c.if_contains("every")) {
      if (!every->is_uint64() && !(every->is_int64() && every->as_int64() >= 0)) {
        return Invalid("/checkpoints/every", "must be a whole number of events (0: none)");
      }
      config.checkpoint_every = every->to_number<std::uint64_t>();
    }
  }
  if (const json::value* seal_keys = o.if_contains("seal_keys")) {
    if (!seal_keys->is_string() || seal_keys->as_string().empty()) {
      return Invalid("/seal_keys", "must be the path of a directory of <agency>.pem files");
    }
    config.seal_keys = std::string(seal_keys->as_string());
  }
  if (const json::value* admin = o.if_contains("admin")) {
    if (!admin->is_object()) return Invalid("/admin", "must be an object {backup_dir}");
    ZF_RETURN_IF_ERROR(OnlyFields(admin->as_object(), "/admin", {"backup_dir"}));
    ZF_ASSIGN_OR_RETURN(config.backup_dir,
                        Text(admin->as_object(), "backup_dir", "/admin", true));
    std::error_code ec;
    if (!std::filesystem::is_directory(config.backup_dir, ec)) {
      return Invalid("/admin/backup_dir",
                     fmt::format("'{}' is not a directory (create it for the backups)",
                                 config.backup_dir));
    }
  }
  return config;
}

}  // namespace zfcli::server
