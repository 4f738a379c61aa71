// The server's config file: tokens (stored as digests) -> actors, limits, TLS.
#include <openssl/evp.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include <boost/json.hpp>
#include <fmt/format.h>

#include "server/server.h"
#include "zf/event_json.h"
#include "zf/json_schema.h"
#include "zf/limits.h"

namespace zfcli::server {
namespace {

namespace json = boost::json;

zf::Status Invalid(std::string_view pointer, std::string_view rule) {
  return zf::InvalidArgumentError(fmt::format("config {}: {}", pointer, rule)).WithSubject(pointer);
}

// The config's shape (fields, types, bounds, one digest per token) is
// schemas/serve-config.schema.json's to check; what follows reads a
// document that passed it, and checks only what a schema cannot.
std::string Str(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  return v == nullptr ? std::string() : std::string(v->as_string());
}

template <typename T>
void Number(const json::object& o, std::string_view key, T* out) {
  if (const json::value* v = o.if_contains(key)) *out = v->to_number<T>();
}

void Millis(const json::object& o, std::string_view key, std::chrono::milliseconds* out) {
  if (const json::value* v = o.if_contains(key)) {
    *out = std::chrono::milliseconds(v->to_number<std::int64_t>());
  }
}

// How the config's reader knows a token: its comment, else the start of
// its digest (never the token itself).
std::string TokenName(const json::object& token, std::string_view digest) {
  if (const json::value* c = token.if_contains("comment"); c != nullptr && c->is_string()) {
    return fmt::format("\"{}\"", std::string_view(c->as_string()));
  }
  return fmt::format("{}…", digest.substr(0, 12));
}

zf::Status ParseToken(const json::object& o, std::size_t index, ServerConfig* config) {
  const std::string pointer = fmt::format("/tokens/{}", index);
  const bool sm3 = o.contains("sm3");
  const std::string digest = Str(o, sm3 ? "sm3" : "sha256");
  const json::object& a = o.at("actor").as_object();
  zf::Actor actor{Str(a, "id"), Str(a, "role"), Str(a, "unit")};
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
  const json::value* admin = o.if_contains("admin");
  auto& table = sm3 ? config->tokens.sm3 : config->tokens.sha256;
  TokenEntry entry{digest, std::move(actor), TokenName(o, digest),
                   admin != nullptr && admin->as_bool()};
  if (!table.emplace(digest, std::move(entry)).second) return Invalid(pointer, "duplicate digest");
  return zf::Status::Ok();
}

void ReadLimits(const json::object& o, Limits* l) {
  Number(o, "max_body_bytes", &l->max_body_bytes);
  Number(o, "max_header_bytes", &l->max_header_bytes);
  Millis(o, "header_timeout_ms", &l->header_timeout);
  Millis(o, "body_timeout_ms", &l->body_timeout);
  Number(o, "max_connections", &l->max_connections);
  Number(o, "max_connections_per_client", &l->max_connections_per_client);
  Number(o, "max_subscriptions", &l->max_subscriptions);
  Number(o, "max_batch_commands", &l->max_batch_commands);
  Number(o, "max_events_per_read", &l->max_events_per_read);
  Number(o, "io_threads", &l->io_threads);
  Number(o, "work_threads", &l->work_threads);
  Millis(o, "shutdown_grace_ms", &l->shutdown_grace);
  Number(o, "expensive_per_minute", &l->expensive_per_minute);
  Number(o, "expensive_burst", &l->expensive_burst);
}

// The shipped schema, compiled once.
zf::Status CheckShape(const json::value& config) {
  static const auto* const kSchema = new zf::Result<zf::JsonSchema>(
      zf::JsonSchema::Shipped("serve-config.schema.json"));
  if (!kSchema->ok()) return kSchema->status();
  zf::Status s = (*kSchema)->Validate(config);
  if (s.ok()) return s;
  // "<pointer>: <rule>" -> "config <pointer>: <rule>", as the other errors.
  std::string_view rule = s.message();
  if (const std::size_t colon = rule.find(": "); colon != std::string_view::npos) {
    rule.remove_prefix(colon + 2);
  }
  return Invalid(s.subject().empty() ? "/" : s.subject(), rule);
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
  ZF_RETURN_IF_ERROR(CheckShape(*parsed));
  const json::object& o = parsed->as_object();
  ServerConfig config;
  const json::array& tokens = o.at("tokens").as_array();
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    ZF_RETURN_IF_ERROR(ParseToken(tokens[i].as_object(), i, &config));
  }
  if (const json::value* limits = o.if_contains("limits")) {
    ReadLimits(limits->as_object(), &config.limits);
  }
  if (const json::value* tls = o.if_contains("tls")) {
    config.tls_cert = Str(tls->as_object(), "cert");
    config.tls_key = Str(tls->as_object(), "key");
  }
  if (const json::value* checkpoints = o.if_contains("checkpoints")) {
    config.checkpoint_key = Str(checkpoints->as_object(), "key");
    if (const json::value* every = checkpoints->as_object().if_contains("every")) {
      config.checkpoint_every = every->to_number<std::uint64_t>();
    }
  }
  config.seal_keys = Str(o, "seal_keys");
  if (const json::value* admin = o.if_contains("admin")) {
    config.backup_dir = Str(admin->as_object(), "backup_dir");
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
