// A thin layer over libpq for the PostgreSQL store: one connection, its
// results, and a small pool of connections. Every query asks for binary
// results, so bytea columns arrive as raw bytes and bigints as 8 big-endian
// bytes, with no text escaping to undo.
//
// Not thread-safe: a PgConnection is used by one thread at a time (the pool
// hands each one to a single borrower). The pool is thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "zf/result.h"
#include "zf/status.h"

struct pg_conn;
struct pg_result;

namespace zf::internal {

// One query parameter, sent in text form unless `binary` (then the raw
// bytes of a bytea). A null parameter is SQL NULL.
struct PgParam {
  std::string value;
  bool binary = false;
  bool null = false;

  static PgParam Text(std::string_view s) { return PgParam{std::string(s), false, false}; }
  static PgParam Bytes(std::string_view s) { return PgParam{std::string(s), true, false}; }
  static PgParam Int(std::uint64_t v) { return PgParam{std::to_string(v), false, false}; }
  static PgParam Null() { return PgParam{std::string(), false, true}; }
};

// One statement of a pipeline (PgConnection::ExecPipeline).
struct PgStatement {
  std::string sql;
  std::vector<PgParam> params;
};

// The rows of one query, binary format.
class PgResult {
 public:
  PgResult() = default;
  explicit PgResult(pg_result* result);
  int rows() const;
  bool null(int row, int column) const;
  std::string_view bytes(int row, int column) const;
  // A bigint column (8 big-endian bytes); 0 for NULL.
  std::uint64_t u64(int row, int column) const;

 private:
  struct Free {
    void operator()(pg_result* r) const;
  };
  std::unique_ptr<pg_result, Free> result_;
};

// How a store reaches its server: the libpq URL (zf's own parameters
// removed) and the bound on reconnecting.
struct PgLocation {
  std::string url;
  // How long a connection is retried, with backoff, before kUnavailable:
  // long enough to ride out a failover (the standby's promotion), short
  // enough that a caller hears of a server that is gone.
  std::chrono::milliseconds reconnect_timeout{10000};
};

// Splits zf's parameters off a postgresql:// URL: zf_reconnect_timeout
// (seconds, 0 to 3600, decimals allowed; 0: one attempt). Anything else
// stays in the URL for libpq, which judges it. kInvalidArgument naming the
// parameter for a bad value or an unknown zf_ parameter.
Result<PgLocation> ParsePgLocation(std::string_view url);

// The SQLSTATE a read-only server answers a write with (a hot standby, or
// default_transaction_read_only).
inline constexpr std::string_view kReadOnlySqlState = "25006";

class PgConnection {
 public:
  // Connects to `url` (postgresql://…), with a connect timeout of 5 s and
  // TCP keepalives (idle 10 s, then every 5 s, 3 lost probes: a writer
  // whose server or network is gone notices within about 25 s instead of
  // the kernel's two hours) and a TCP user timeout of 30 s, unless the URL
  // sets them. kUnavailable naming the server when it cannot.
  static Result<std::unique_ptr<PgConnection>> Connect(const std::string& url);
  // Connect(), tried again with a growing pause (50 ms doubling to 1 s)
  // until `bound` has passed. With `writable`, a server that is read-only
  // (a standby not yet promoted, default_transaction_read_only) counts as
  // not reached. kUnavailable with the last reason and the attempts made.
  static Result<std::unique_ptr<PgConnection>> ConnectWithRetry(
      const std::string& url, std::chrono::milliseconds bound, bool writable);
  ~PgConnection();
  PgConnection(const PgConnection&) = delete;
  PgConnection& operator=(const PgConnection&) = delete;

  // Runs one statement with parameters ($1, $2, …) and returns its rows.
  // Errors: kUnavailable when the connection is lost (broken() is then
  // true), kConflict for a serialization failure or deadlock, kIOError for
  // any other error the server reports; the message holds the server's.
  Result<PgResult> Exec(std::string_view sql, const std::vector<PgParam>& params = {});
  // Runs one or more statements without parameters (DDL, BEGIN, COMMIT).
  Status Run(std::string_view sql);
  // Runs the statements in order in one pipeline (libpq's pipeline mode):
  // one round trip to the server for all of them. Each statement is run
  // after the one before it has finished, so within a transaction a later
  // one sees what an earlier one locked or wrote. Returns each one's rows;
  // on the first error, that statement's error as Exec() gives it (the
  // later ones are not run, and an open transaction is left aborted).
  Result<std::vector<PgResult>> ExecPipeline(std::span<const PgStatement> statements);

  // True once the connection is known to be lost.
  bool broken() const;
  // The SQLSTATE of the last failed Exec() or Run(), "" if none had one.
  const std::string& last_sqlstate() const { return last_sqlstate_; }
  // The value of a connection option in use (PQconninfo), "" if unset.
  std::string Option(std::string_view keyword) const;
  // Whether the server takes writes: not in recovery and not
  // default_transaction_read_only. kUnavailable when the check fails.
  Result<bool> Writable();
  // The server process serving this connection (pg_backend_pid()).
  int backend_pid() const;
  // True when connected and outside any transaction.
  bool idle() const;
  // Test only: cuts the connection's socket under libpq, which then finds
  // it broken, as after a network failure.
  void TEST_Sever();
  // Reconnects a broken connection. kUnavailable when the server cannot
  // be reached.
  Status Reset();

  // LISTEN support: the socket to poll, and the payloads of notifications
  // received since the last call (after reading what the socket holds).
  int socket() const;
  Result<std::vector<std::string>> TakeNotifications();

 private:
  PgConnection(pg_conn* conn, std::string url) : conn_(conn), url_(std::move(url)) {}
  Status ErrorOf(pg_result* result, std::string_view sql);

  pg_conn* conn_;
  const std::string url_;
  std::string last_sqlstate_;
};

// A set of idle connections to one database; borrowers take one and give it
// back (a broken one is dropped). Shared by the store and its cursors, so a
// cursor may outlive the store's Close().
class PgPool {
 public:
  explicit PgPool(PgLocation location, std::size_t max_idle = 4)
      : url_(std::move(location.url)),
        reconnect_timeout_(location.reconnect_timeout),
        max_idle_(max_idle) {}

  class Lease {
   public:
    Lease(PgPool* pool, std::unique_ptr<PgConnection> conn)
        : pool_(pool), conn_(std::move(conn)) {}
    Lease(Lease&&) = default;
    Lease& operator=(Lease&&) = default;
    ~Lease() {
      if (pool_ != nullptr && conn_ != nullptr) pool_->Return(std::move(conn_));
    }
    PgConnection* operator->() const { return conn_.get(); }
    PgConnection& operator*() const { return *conn_; }

   private:
    PgPool* pool_;
    std::unique_ptr<PgConnection> conn_;
  };

  // An idle connection, or a new one (tried until the reconnect bound).
  // kUnavailable when none can be made.
  Result<Lease> Acquire();
  const std::string& url() const { return url_; }
  std::chrono::milliseconds reconnect_timeout() const { return reconnect_timeout_; }

 private:
  void Return(std::unique_ptr<PgConnection> conn);

  const std::string url_;
  const std::chrono::milliseconds reconnect_timeout_;
  const std::size_t max_idle_;
  std::mutex mu_;
  std::vector<std::unique_ptr<PgConnection>> idle_;  // GUARDED_BY(mu_)
};

// A PostgreSQL array literal ('{…}') built element by element, for passing
// many rows in one parameter (unnest($1::bigint[], …)).
class PgArray {
 public:
  void AddInt(std::uint64_t v);
  void AddText(std::string_view s);
  // bytea in hex form.
  void AddBytes(std::string_view s);
  void AddNull();
  std::string Finish() const { return text_ + "}"; }
  bool empty() const { return count_ == 0; }

 private:
  void Separate();
  std::string text_ = "{";
  std::size_t count_ = 0;
};

// Hides the password of a connection URL for messages.
std::string RedactUrl(std::string_view url);

}  // namespace zf::internal
