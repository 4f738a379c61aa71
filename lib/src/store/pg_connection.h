// A thin layer over libpq for the PostgreSQL store: one connection, its
// results, and a small pool of connections. Every query asks for binary
// results, so bytea columns arrive as raw bytes and bigints as 8 big-endian
// bytes, with no text escaping to undo.
//
// Not thread-safe: a PgConnection is used by one thread at a time (the pool
// hands each one to a single borrower). The pool is thread-safe.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
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

class PgConnection {
 public:
  // Connects to `url` (postgresql://…), with a connect timeout of 5 s
  // unless the URL sets one. kUnavailable naming the server when it cannot.
  static Result<std::unique_ptr<PgConnection>> Connect(const std::string& url);
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

  // True once the connection is known to be lost.
  bool broken() const;
  // The server process serving this connection (pg_backend_pid()).
  int backend_pid() const;
  // True when connected and outside any transaction.
  bool idle() const;
  // Reconnects a broken connection. kUnavailable when the server cannot
  // be reached.
  Status Reset();

  // LISTEN support: the socket to poll, and the payloads of notifications
  // received since the last call (after reading what the socket holds).
  int socket() const;
  Result<std::vector<std::string>> TakeNotifications();

 private:
  PgConnection(pg_conn* conn, std::string url) : conn_(conn), url_(std::move(url)) {}
  Status ErrorOf(pg_result* result, std::string_view sql) const;

  pg_conn* conn_;
  const std::string url_;
};

// A set of idle connections to one database; borrowers take one and give it
// back (a broken one is dropped). Shared by the store and its cursors, so a
// cursor may outlive the store's Close().
class PgPool {
 public:
  explicit PgPool(std::string url, std::size_t max_idle = 4)
      : url_(std::move(url)), max_idle_(max_idle) {}

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

  // An idle connection, or a new one. kUnavailable when none can be made.
  Result<Lease> Acquire();
  const std::string& url() const { return url_; }

 private:
  void Return(std::unique_ptr<PgConnection> conn);

  const std::string url_;
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
