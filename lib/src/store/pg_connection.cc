#include "store/pg_connection.h"

#include <sys/socket.h>

#include <algorithm>
#include <cstring>
#include <string>
#include <thread>

#include <fmt/format.h>
#include <libpq-fe.h>

namespace zf::internal {

namespace {

constexpr char kHexDigits[] = "0123456789abcdef";

// SQLSTATE classes: 08 connection exception, 57P01..03 the server shutting
// down or not accepting connections.
bool IsConnectionState(std::string_view state) {
  return state.starts_with("08") || state.starts_with("57P");
}

}  // namespace

std::string RedactUrl(std::string_view url) {
  // postgresql://user:secret@host/db -> postgresql://user:***@host/db
  const std::size_t scheme = url.find("://");
  if (scheme == std::string_view::npos) return std::string(url);
  const std::size_t at = url.find('@', scheme + 3);
  if (at == std::string_view::npos) return std::string(url);
  const std::size_t colon = url.find(':', scheme + 3);
  if (colon == std::string_view::npos || colon > at) return std::string(url);
  return fmt::format("{}:***{}", url.substr(0, colon), url.substr(at));
}

PgResult::PgResult(pg_result* result) : result_(result) {}

void PgResult::Free::operator()(pg_result* r) const { PQclear(r); }

int PgResult::rows() const { return result_ ? PQntuples(result_.get()) : 0; }

bool PgResult::null(int row, int column) const {
  return PQgetisnull(result_.get(), row, column) != 0;
}

std::string_view PgResult::bytes(int row, int column) const {
  return std::string_view(PQgetvalue(result_.get(), row, column),
                          static_cast<std::size_t>(PQgetlength(result_.get(), row, column)));
}

std::uint64_t PgResult::u64(int row, int column) const {
  if (null(row, column)) return 0;
  const std::string_view b = bytes(row, column);
  std::uint64_t v = 0;
  for (unsigned char c : b) v = (v << 8) | c;
  return v;
}

Result<PgLocation> ParsePgLocation(std::string_view url) {
  PgLocation location;
  const std::size_t query = url.find('?');
  if (query == std::string_view::npos) {
    location.url = std::string(url);
    return location;
  }
  std::string kept(url.substr(0, query));
  char separator = '?';
  std::string_view rest = url.substr(query + 1);
  while (!rest.empty()) {
    const std::size_t amp = rest.find('&');
    const std::string_view pair = rest.substr(0, amp);
    rest = amp == std::string_view::npos ? std::string_view() : rest.substr(amp + 1);
    const std::size_t eq = pair.find('=');
    const std::string_view key = pair.substr(0, eq);
    const std::string_view value =
        eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1);
    if (!key.starts_with("zf_")) {
      if (pair.empty()) continue;
      kept += separator;
      kept += pair;
      separator = '&';
      continue;
    }
    if (key != "zf_reconnect_timeout") {
      return InvalidArgumentError(
                 fmt::format("unknown zf parameter '{}' in the PostgreSQL URL (zf reads "
                             "zf_reconnect_timeout; every other parameter is libpq's)",
                             key))
          .WithSubject(std::string(key));
    }
    // Seconds, as libpq's connect_timeout, with decimals for tests.
    double seconds = -1;
    std::size_t used = 0;
    try {
      seconds = std::stod(std::string(value), &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (value.empty() || used != value.size() || !(seconds >= 0 && seconds <= 3600)) {
      return InvalidArgumentError(
                 fmt::format("zf_reconnect_timeout must be a number of seconds from 0 to 3600, "
                             "not '{}'",
                             value))
          .WithSubject("zf_reconnect_timeout");
    }
    location.reconnect_timeout =
        std::chrono::milliseconds(static_cast<std::int64_t>(seconds * 1000 + 0.5));
  }
  location.url = std::move(kept);
  return location;
}

Result<std::unique_ptr<PgConnection>> PgConnection::Connect(const std::string& url) {
  // Later keywords win, and the expanded URL comes last: its own
  // connect_timeout, application_name or keepalive settings override
  // these defaults. Keepalives: a writer waiting for an answer from a
  // server whose machine or network is gone would otherwise wait for the
  // kernel's two-hour default; the user timeout bounds unacknowledged
  // sends the same way.
  const char* keywords[] = {"connect_timeout",     "application_name", "keepalives",
                            "keepalives_idle",     "keepalives_interval",
                            "keepalives_count",    "tcp_user_timeout", "dbname",
                            nullptr};
  const char* values[] = {"5", "zf", "1", "10", "5", "3", "30000", url.c_str(), nullptr};
  pg_conn* conn = PQconnectdbParams(keywords, values, /*expand_dbname=*/1);
  if (conn == nullptr) return UnavailableError("libpq could not allocate a connection");
  if (PQstatus(conn) != CONNECTION_OK) {
    std::string why = PQerrorMessage(conn);
    while (!why.empty() && (why.back() == '\n' || why.back() == ' ')) why.pop_back();
    PQfinish(conn);
    return UnavailableError(
               fmt::format("cannot connect to the PostgreSQL store {}: {}", RedactUrl(url), why))
        .WithSubject("db");
  }
  // Notices (e.g. "relation already exists, skipping") are not errors and
  // must not reach stderr.
  PQsetNoticeProcessor(conn, [](void*, const char*) {}, nullptr);
  return std::unique_ptr<PgConnection>(new PgConnection(conn, url));
}

Result<std::unique_ptr<PgConnection>> PgConnection::ConnectWithRetry(
    const std::string& url, std::chrono::milliseconds bound, bool writable) {
  const auto deadline = std::chrono::steady_clock::now() + bound;
  std::chrono::milliseconds pause(50);
  Status last;
  for (int attempt = 1;; ++attempt) {
    auto conn = Connect(url);
    if (conn.ok() && !writable) return conn;
    if (conn.ok()) {
      auto can_write = (*conn)->Writable();
      if (can_write.ok() && *can_write) return conn;
      last = can_write.ok()
                 ? UnavailableError(fmt::format(
                       "the PostgreSQL server of {} is read-only (a standby, or "
                       "default_transaction_read_only): zf writes only to a primary; list every "
                       "server with target_session_attrs=read-write, or name the primary",
                       RedactUrl(url)))
                 : can_write.status();
    } else {
      last = conn.status();
    }
    if (std::chrono::steady_clock::now() + pause > deadline) {
      return UnavailableError(fmt::format("{} (gave up after {} attempt{} in {} ms, the bound "
                                          "zf_reconnect_timeout sets)",
                                          last.message(), attempt, attempt == 1 ? "" : "s",
                                          bound.count()))
          .WithSubject("db");
    }
    std::this_thread::sleep_for(pause);
    pause = std::min(pause * 2, std::chrono::milliseconds(1000));
  }
}

PgConnection::~PgConnection() { PQfinish(conn_); }

void PgConnection::TEST_Sever() {
  ::shutdown(PQsocket(conn_), SHUT_RDWR);
  PQclear(PQexec(conn_, "SELECT 1"));  // fails: libpq marks the connection bad
}

std::string PgConnection::Option(std::string_view keyword) const {
  std::string value;
  PQconninfoOption* options = PQconninfo(conn_);
  if (options == nullptr) return value;
  for (PQconninfoOption* o = options; o->keyword != nullptr; ++o) {
    if (keyword == o->keyword && o->val != nullptr) value = o->val;
  }
  PQconninfoFree(options);
  return value;
}

Result<bool> PgConnection::Writable() {
  ZF_ASSIGN_OR_RETURN(PgResult rows,
                      Exec("SELECT pg_is_in_recovery() OR "
                           "current_setting('default_transaction_read_only') = 'on'"));
  if (rows.rows() != 1) return InternalError("the read-only check returned no row");
  return rows.bytes(0, 0) != std::string_view("\x01", 1);
}

bool PgConnection::broken() const { return PQstatus(conn_) != CONNECTION_OK; }

int PgConnection::backend_pid() const { return PQbackendPID(conn_); }

bool PgConnection::idle() const { return PQtransactionStatus(conn_) == PQTRANS_IDLE; }

Status PgConnection::Reset() {
  PQreset(conn_);
  if (broken()) {
    return UnavailableError(fmt::format("cannot reconnect to the PostgreSQL store {}: {}",
                                        RedactUrl(url_), PQerrorMessage(conn_)));
  }
  return Status::Ok();
}

Status PgConnection::ErrorOf(pg_result* result, std::string_view sql) {
  const char* state = result ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
  last_sqlstate_ = state != nullptr ? state : "";
  std::string message = result ? PQresultErrorMessage(result) : PQerrorMessage(conn_);
  if (message.empty()) message = PQerrorMessage(conn_);
  while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) {
    message.pop_back();
  }
  const std::string_view first_words = sql.substr(0, std::min<std::size_t>(sql.size(), 40));
  const std::string text = fmt::format("PostgreSQL ({}…): {}", first_words, message);
  if (broken() || (state != nullptr && IsConnectionState(state))) return UnavailableError(text);
  if (last_sqlstate_ == kReadOnlySqlState) {
    // A standby, or a primary that was demoted: the write may succeed on
    // the server that is primary now.
    return UnavailableError(fmt::format(
        "{} (the server is read-only: zf writes only to a primary; list every server with "
        "target_session_attrs=read-write)",
        text));
  }
  if (state != nullptr && (std::strcmp(state, "40001") == 0 || std::strcmp(state, "40P01") == 0)) {
    return ConflictError(text);
  }
  return IOError(text);
}

Result<PgResult> PgConnection::Exec(std::string_view sql, const std::vector<PgParam>& params) {
  std::vector<const char*> values;
  std::vector<int> lengths;
  std::vector<int> formats;
  values.reserve(params.size());
  for (const PgParam& p : params) {
    values.push_back(p.null ? nullptr : p.value.data());
    lengths.push_back(static_cast<int>(p.value.size()));
    formats.push_back(p.binary ? 1 : 0);
  }
  const std::string text(sql);
  pg_result* raw = PQexecParams(conn_, text.c_str(), static_cast<int>(params.size()), nullptr,
                                values.data(), lengths.data(), formats.data(),
                                /*resultFormat=*/1);
  PgResult result(raw);
  const ExecStatusType status = raw ? PQresultStatus(raw) : PGRES_FATAL_ERROR;
  if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK) return ErrorOf(raw, sql);
  return result;
}

Result<std::vector<PgResult>> PgConnection::ExecPipeline(
    std::span<const PgStatement> statements) {
  if (PQenterPipelineMode(conn_) != 1) return ErrorOf(nullptr, "pipeline");
  bool sent = true;
  for (const PgStatement& st : statements) {
    std::vector<const char*> values;
    std::vector<int> lengths, formats;
    for (const PgParam& p : st.params) {
      values.push_back(p.null ? nullptr : p.value.data());
      lengths.push_back(static_cast<int>(p.value.size()));
      formats.push_back(p.binary ? 1 : 0);
    }
    sent = PQsendQueryParams(conn_, st.sql.c_str(), static_cast<int>(st.params.size()), nullptr,
                             values.data(), lengths.data(), formats.data(),
                             /*resultFormat=*/1) == 1;
    if (!sent) break;
  }
  sent = sent && PQpipelineSync(conn_) == 1;
  if (!sent) {
    Status s = ErrorOf(nullptr, statements.empty() ? "pipeline" : statements.front().sql);
    PQexitPipelineMode(conn_);
    return s;
  }
  // Each statement's result is followed by a null; the sync's result ends
  // the pipeline. A lost connection ends it early with null results.
  std::vector<PgResult> out;
  Status failure;
  for (const PgStatement& st : statements) {
    pg_result* raw = PQgetResult(conn_);
    if (raw == nullptr) {
      if (failure.ok()) failure = ErrorOf(nullptr, st.sql);
      break;
    }
    PgResult result(raw);
    const ExecStatusType status = PQresultStatus(raw);
    while (pg_result* extra = PQgetResult(conn_)) PQclear(extra);
    if (!failure.ok()) continue;  // aborted after the failed statement
    if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK) {
      failure = ErrorOf(raw, st.sql);
      continue;
    }
    out.push_back(std::move(result));
  }
  if (!broken()) {
    while (pg_result* raw = PQgetResult(conn_)) {
      const bool sync = PQresultStatus(raw) == PGRES_PIPELINE_SYNC;
      PQclear(raw);
      if (sync) break;
    }
  }
  PQexitPipelineMode(conn_);
  if (!failure.ok()) return failure;
  return out;
}

Status PgConnection::Run(std::string_view sql) {
  const std::string text(sql);
  pg_result* raw = PQexec(conn_, text.c_str());
  PgResult result(raw);
  const ExecStatusType status = raw ? PQresultStatus(raw) : PGRES_FATAL_ERROR;
  if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK) return ErrorOf(raw, sql);
  return Status::Ok();
}

int PgConnection::socket() const { return PQsocket(conn_); }

Result<std::vector<std::string>> PgConnection::TakeNotifications() {
  if (PQconsumeInput(conn_) == 0) {
    return UnavailableError(fmt::format("PostgreSQL listener: {}", PQerrorMessage(conn_)));
  }
  std::vector<std::string> out;
  while (PGnotify* n = PQnotifies(conn_)) {
    out.emplace_back(n->extra != nullptr ? n->extra : "");
    PQfreemem(n);
  }
  return out;
}

Result<PgPool::Lease> PgPool::Acquire() {
  {
    std::lock_guard lock(mu_);
    if (!idle_.empty()) {
      std::unique_ptr<PgConnection> conn = std::move(idle_.back());
      idle_.pop_back();
      return Lease(this, std::move(conn));
    }
  }
  ZF_ASSIGN_OR_RETURN(std::unique_ptr<PgConnection> conn,
                      PgConnection::ConnectWithRetry(url_, reconnect_timeout_, false));
  return Lease(this, std::move(conn));
}

void PgPool::Return(std::unique_ptr<PgConnection> conn) {
  // A connection left inside a transaction (a borrower's error path) is
  // not handed to the next borrower.
  if (conn->broken() || !conn->idle()) return;
  std::lock_guard lock(mu_);
  if (idle_.size() < max_idle_) idle_.push_back(std::move(conn));
}

void PgArray::Separate() {
  if (count_++ > 0) text_ += ',';
}

void PgArray::AddInt(std::uint64_t v) {
  Separate();
  text_ += std::to_string(v);
}

void PgArray::AddText(std::string_view s) {
  Separate();
  text_ += '"';
  for (char c : s) {
    if (c == '"' || c == '\\') text_ += '\\';
    text_ += c;
  }
  text_ += '"';
}

void PgArray::AddBytes(std::string_view s) {
  Separate();
  // "\\x…": the array parser turns \\ into \, and bytea's input reads \x.
  text_ += "\"\\\\x";
  for (unsigned char c : s) {
    text_ += kHexDigits[c >> 4];
    text_ += kHexDigits[c & 15];
  }
  text_ += '"';
}

void PgArray::AddNull() {
  Separate();
  text_ += "NULL";
}

}  // namespace zf::internal
