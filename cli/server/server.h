// zfcli serve: the engine behind a JSON-over-HTTP/1.1 API (docs/api.md),
// built on Boost.Asio and Boost.Beast over the public API only.
#pragma once

#include <chrono>
#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "zf/engine.h"
#include "zf/event.h"
#include "zf/result.h"

namespace zfcli::server {

// Bounds that keep one client from holding the server (docs/api.md).
struct Limits {
  std::size_t max_body_bytes = 1 << 20;
  std::size_t max_header_bytes = 8 << 10;
  // A request's header must arrive within this (also the keep-alive idle
  // time), its body within body_timeout after the header.
  std::chrono::milliseconds header_timeout{10'000};
  std::chrono::milliseconds body_timeout{30'000};
  std::size_t max_connections = 256;
  // Connections from one client address at once. At either limit the
  // oldest idle connection (waiting for a request) is closed to make room;
  // a new one is refused (503) only when none is idle.
  std::size_t max_connections_per_client = 64;
  std::size_t max_subscriptions = 64;
  std::size_t max_batch_commands = 1000;
  std::size_t max_events_per_read = 10'000;
  // 0: the number of hardware threads.
  unsigned io_threads = 0;
  // Threads that run engine calls (they block on the store's sync, so more
  // of them let more commands share one group commit).
  unsigned work_threads = 64;
  // SIGTERM: how long in-flight requests may take before the server stops.
  std::chrono::milliseconds shutdown_grace{30'000};
  // Expensive reads (a case's audit, dossier, explain) per token: a bucket
  // of `expensive_burst` requests refilled at `expensive_per_minute`; an
  // empty bucket answers 429 with Retry-After.
  std::size_t expensive_per_minute = 60;
  std::size_t expensive_burst = 10;

  bool operator==(const Limits&) const = default;
};

// A token of the config: the actor it stands for and how the config's
// reader knows it (its "comment", else the start of its digest; never the
// token itself), for the reload log.
struct TokenEntry {
  std::string digest;  // lowercase hex
  zf::Actor actor;
  std::string name;
  // May use the operator's endpoints (/v1/admin/...): "admin": true.
  bool admin = false;
};

// Token digests -> entries, one table per digest algorithm.
struct TokenTable {
  std::map<std::string, TokenEntry> sha256;
  std::map<std::string, TokenEntry> sm3;
};

struct ServerConfig {
  TokenTable tokens;
  Limits limits;
  // TLS when both are set (PEM files).
  std::string tls_cert;
  std::string tls_key;
  // Signed ledger checkpoints ("checkpoints": {"key", "every"}): the SM2
  // private key (PEM path) and the interval in events (0: none on its
  // own). The command line's --checkpoint-key/--checkpoint-every win.
  std::string checkpoint_key;
  std::optional<std::uint64_t> checkpoint_every;
  // Electronic seals ("seal_keys": "DIR"): the directory of the agencies'
  // seal private keys, <agency>.pem. The command line's --seal-keys wins.
  std::string seal_keys;
  // The directory POST /v1/admin/backup writes into ("admin":
  // {"backup_dir"}); "" = no backups over HTTP.
  std::string backup_dir;
};

// Reads the JSON config file (format: docs/api.md, "Configuration").
// kInvalidArgument names the offending field as a JSON pointer.
zf::Result<ServerConfig> LoadServerConfig(const std::string& path);

// Lowercase hex digest of `token` ("sha256" or "sm3").
std::string HexDigest(std::string_view algorithm, std::string_view token);

// The entry of a bearer token, or nullptr.
const TokenEntry* FindToken(const TokenTable& tokens, std::string_view token);

// What a reload of the config changes: the tokens added, removed, or
// standing for another actor than before (by digest), and the settings
// other than tokens that differ but take a restart ("limits", "tls", ...).
struct ConfigChange {
  std::vector<const TokenEntry*> added;    // into the new table
  std::vector<const TokenEntry*> removed;  // into the old table
  std::vector<const TokenEntry*> changed;  // into the new table
  std::vector<std::string> need_restart;
};
ConfigChange CompareConfigs(const ServerConfig& before, const ServerConfig& after);

struct ServeOptions {
  std::string host = "127.0.0.1";
  std::string port = "8080";
  std::string store_path;  // for the store-size metric
  // Access log (JSON lines); "" = stderr.
  std::string access_log;
  // The config file, read again on SIGHUP for its tokens.
  std::string config_path;
};

// Serves until SIGTERM or SIGINT, then stops accepting, lets in-flight
// requests finish (up to limits.shutdown_grace) and returns. On SIGHUP it
// reads options.config_path again and swaps in its tokens without closing a
// connection; a config that fails to load leaves the old tokens in force
// (both are logged). Returns a zfcli exit code.
int Serve(zf::Engine* engine, const ServerConfig& config, const ServeOptions& options);

}  // namespace zfcli::server
