// The transport of zfcli serve: Asio I/O threads run the connections (one
// strand each, Beast's parser with header and body limits, tcp_stream
// timeouts), a separate pool runs the engine calls, which block on the
// store's sync: many of them in flight at once share one group commit.
#include <signal.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <iostream>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/json.hpp>
#include <fmt/format.h>

#include "cli.h"
#include "server/api.h"
#include "server/error_messages.h"
#include "server/metrics.h"
#include "server/server.h"

namespace zfcli::server {
namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace ssl = boost::asio::ssl;
namespace json = boost::json;
using tcp = net::ip::tcp;
using Clock = std::chrono::steady_clock;

constexpr std::size_t kEventsPerPoll = 256;
// A caught-up live stream looks for new events this often ...
constexpr auto kPollInterval = std::chrono::milliseconds(50);
// ... and writes a comment after this long without one, which also finds
// clients that went away.
constexpr auto kKeepAliveInterval = std::chrono::seconds(10);

class SessionBase;

// What every connection shares.
struct Shared {
  Api* api = nullptr;
  Metrics* metrics = nullptr;
  AccessLog* log = nullptr;
  const Limits* limits = nullptr;
  net::io_context* ioc = nullptr;
  net::thread_pool* pool = nullptr;

  std::mutex mu;
  std::map<std::uint64_t, std::weak_ptr<SessionBase>> sessions;  // oldest first
  std::map<std::string, std::size_t> per_client;  // open connections by peer address
  std::uint64_t next_id = 0;
};

class SessionBase : public std::enable_shared_from_this<SessionBase> {
 public:
  explicit SessionBase(std::string client_address) : client(std::move(client_address)) {}
  virtual ~SessionBase() = default;
  // Shutdown: close the connection once the request in hand (if any) is
  // answered.
  virtual void Drain() = 0;
  // Closes the connection if it is still idle: room for a new one.
  virtual void Evict() = 0;

  // The peer's address without its port: connections are limited per client.
  const std::string client;
  // Waiting for a request's header (a new or keep-alive connection, or a
  // header still arriving): holds no request, so it may be closed to make
  // room (issue 14 §6: idle connections kept health checks out).
  std::atomic<bool> idle{false};
  // Picked by Admit() to make room; Evict() has yet to run.
  std::atomic<bool> evicting{false};
};

template <class Stream>
class Session : public SessionBase {
 public:
  template <class... Args>
  Session(Shared* shared, std::string client, std::string remote, Args&&... args)
      : SessionBase(std::move(client)), stream_(std::forward<Args>(args)...), shared_(shared),
        remote_(std::move(remote)) {
    ++shared_->metrics->connections;
  }

  ~Session() override {
    --shared_->metrics->connections;
    if (subscription_) --shared_->metrics->subscriptions;
    std::lock_guard lock(shared_->mu);
    shared_->sessions.erase(id_);
    if (auto it = shared_->per_client.find(client); it != shared_->per_client.end()) {
      if (--it->second == 0) shared_->per_client.erase(it);
    }
  }

  void Evict() override {
    net::post(stream_.get_executor(), [self = Self()] {
      self->evicting = false;
      if (!self->idle.load()) return;  // a request came in meanwhile: keep it
      self->evicted_ = true;
      beast::error_code ec;
      self->Socket().socket().close(ec);
    });
  }

  void Start(std::uint64_t id) {
    id_ = id;
    net::dispatch(stream_.get_executor(), [self = Self()] { self->Handshake(); });
  }

  void Drain() override {
    net::post(stream_.get_executor(), [self = Self()] {
      self->draining_ = true;
      if (self->subscription_) self->subscription_->Cancel();
      if (self->timer_) self->timer_->cancel();
      if (!self->busy_ || self->streaming_) beast::get_lowest_layer(self->stream_).cancel();
    });
  }

 private:
  std::shared_ptr<Session> Self() {
    return std::static_pointer_cast<Session>(shared_from_this());
  }
  auto& Socket() { return beast::get_lowest_layer(stream_); }
  const Limits& limits() const { return *shared_->limits; }

  void Handshake() {
    if constexpr (std::is_same_v<Stream, beast::tcp_stream>) {
      DoRead();
    } else {
      Socket().expires_after(limits().header_timeout);
      stream_.async_handshake(ssl::stream_base::server, [self = Self()](beast::error_code ec) {
        if (ec) return self->Log("tls_handshake", 0, ec.message());
        self->DoRead();
      });
    }
  }

  void DoRead() {
    busy_ = false;
    if (draining_ || shared_->api->draining.load()) return Close();
    parser_.emplace();
    parser_->header_limit(static_cast<std::uint32_t>(limits().max_header_bytes));
    parser_->body_limit(limits().max_body_bytes);
    // A client has header_timeout to send the next request's header.
    Socket().expires_after(limits().header_timeout);
    idle = true;
    http::async_read_header(stream_, buffer_, *parser_,
                            [self = Self()](beast::error_code ec, std::size_t) {
                              self->OnHeader(ec);
                            });
  }

  // Read errors that deserve an answer before closing; false for the rest.
  bool AnswerReadError(beast::error_code ec) {
    if (ec == http::error::body_limit) {
      RefuseAndClose(http::status::payload_too_large, "body_too_large",
                     fmt::format("the body exceeds {} bytes", limits().max_body_bytes));
    } else if (ec == http::error::header_limit) {
      RefuseAndClose(http::status::request_header_fields_too_large, "header_too_large",
                     fmt::format("the header exceeds {} bytes", limits().max_header_bytes));
    } else if (ec == beast::error::timeout && parser_ && parser_->got_some()) {
      // The stream closed the socket when the time ran out: no answer can
      // be sent, but the log says what happened.
      Log(std::string(parser_->get().target()), 408, "");
      return false;
    } else if (ec.category() == http::make_error_code(http::error::end_of_stream).category() &&
               ec != http::error::end_of_stream && ec != http::error::partial_message) {
      RefuseAndClose(http::status::bad_request, "bad_request", ec.message());
    } else {
      return false;
    }
    return true;
  }

  void OnHeader(beast::error_code ec) {
    idle = false;
    if (evicted_) {
      shared_->log->Write(json::object{{"ts", NowUtc()},
                                       {"event", "evicted"},
                                       {"remote", remote_},
                                       {"reason", "idle at the connection limit"}});
      return;
    }
    if (ec) {
      if (AnswerReadError(ec)) return;
      return Close();
    }
    busy_ = true;
    if (parser_->is_done()) return OnRequest();
    // A client that asks `Expect: 100-continue` waits for the interim
    // answer before it sends the body (curl waits a second, others until
    // the body timeout): send it now, the header having passed its checks
    // (a body over the limit was refused from Content-Length already).
    if (beast::iequals(parser_->get()[http::field::expect], "100-continue")) {
      continue_ = std::make_shared<http::response<http::empty_body>>(http::status::continue_,
                                                                     parser_->get().version());
      Socket().expires_after(limits().body_timeout);
      return http::async_write(stream_, *continue_,
                               [self = Self()](beast::error_code ec, std::size_t) {
                                 self->continue_.reset();
                                 if (ec) return self->Close();
                                 self->ReadBody();
                               });
    }
    ReadBody();
  }

  void ReadBody() {
    Socket().expires_after(limits().body_timeout);
    http::async_read(stream_, buffer_, *parser_, [self = Self()](beast::error_code ec, std::size_t) {
      if (ec) {
        if (self->AnswerReadError(ec)) return;
        return self->Close();
      }
      self->OnRequest();
    });
  }

  void OnRequest() {
    request_ = parser_->release();
    started_ = Clock::now();
    Socket().expires_never();
    if (Api::IsStream(request_)) return StartStream();
    // Engine calls block: run them on the work pool. The work guard keeps
    // the I/O threads running until the answer is written.
    net::post(*shared_->pool, [self = Self(), work = net::make_work_guard(*shared_->ioc)] {
      std::string actor;
      Response res;
      try {
        res = self->shared_->api->Handle(self->request_, &actor);
      } catch (const std::exception& e) {
        // Nothing in zf throws; this guards the server against a library
        // that does (Beast, Boost.JSON) on input nobody foresaw.
        res = Api::Error(self->request_, http::status::internal_server_error, "internal",
                         e.what());
      }
      net::post(self->stream_.get_executor(),
                [self, res = std::move(res), actor = std::move(actor)]() mutable {
                  self->Write(std::move(res), actor);
                });
    });
  }

  void Write(Response res, const std::string& actor) {
    if (draining_) res.keep_alive(false);
    response_ = std::make_shared<Response>(std::move(res));
    Log(std::string(request_.target()), response_->result_int(), actor);
    Socket().expires_after(limits().body_timeout);
    http::async_write(stream_, *response_, [self = Self()](beast::error_code ec, std::size_t) {
      if (ec || !self->response_->keep_alive()) return self->Close();
      self->response_.reset();
      self->DoRead();
    });
  }

  // Answers a request that cannot be read, then closes.
  void RefuseAndClose(http::status status, std::string_view code, std::string_view message) {
    Request req;
    req.version(11);
    req.keep_alive(false);
    Response res = Api::Error(req, status, code, message);
    shared_->metrics->CountResponse(static_cast<unsigned>(status));
    // What was read of the request, for the log (its method may be junk).
    request_ = {};
    if (parser_) {
      request_.target(parser_->get().target());
      if (parser_->get().method() != http::verb::unknown) request_.method(parser_->get().method());
    }
    busy_ = true;
    response_ = std::make_shared<Response>(std::move(res));
    Log(std::string(request_.target()), response_->result_int(), "");
    Socket().expires_after(limits().body_timeout);
    http::async_write(stream_, *response_, [self = Self()](beast::error_code, std::size_t) {
      self->LingerClose();
    });
  }

  // Stops sending, then reads and drops what the client still sends for a
  // moment, so that closing with unread data (a reset) does not destroy the
  // error response before the client reads it.
  void LingerClose() {
    beast::error_code ec;
    Socket().socket().shutdown(tcp::socket::shutdown_send, ec);
    Socket().expires_after(std::chrono::seconds(2));
    Socket().async_read_some(net::buffer(scratch_),
                             [self = Self()](beast::error_code ec, std::size_t) {
                               if (ec) return;
                               self->LingerRead();
                             });
  }
  void LingerRead() {
    Socket().async_read_some(net::buffer(scratch_),
                             [self = Self()](beast::error_code ec, std::size_t) {
                               if (!ec) self->LingerRead();
                             });
  }

  void Close() {
    beast::error_code ec;
    Socket().socket().shutdown(tcp::socket::shutdown_send, ec);
  }

  void Log(const std::string& target, unsigned status, const std::string& actor) {
    const auto us =
        std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - started_).count();
    json::object entry{{"ts", NowUtc()},
                       {"remote", remote_},
                       {"method", request_.method() == http::verb::unknown
                                      ? std::string("?")
                                      : std::string(request_.method_string())},
                       {"target", target},
                       {"status", status},
                       {"us", static_cast<std::int64_t>(us)}};
    if (!actor.empty()) entry["actor"] = actor;
    if (response_) entry["bytes"] = response_->body().size();
    shared_->log->Write(entry);
  }

  // --- The live event feed (Server-Sent Events) ------------------------------

  void StartStream() {
    Response refusal;
    const std::shared_ptr<const TokenEntry> token = shared_->api->Authenticate(request_, &refusal);
    if (token == nullptr) return Write(std::move(refusal), "");
    const zf::Actor* actor = &token->actor;
    if (!shared_->api->ParseStream(request_, &query_, &refusal)) {
      return Write(std::move(refusal), actor->id);
    }
    auto township = shared_->api->TownshipOf(*actor);
    if (!township.ok()) {
      return Write(Api::Error(request_, http::status::internal_server_error,
                              zf::StatusCodeName(township.status().code()),
                              township.status().message()),
                   actor->id);
    }
    query_.township = *township;
    if (static_cast<std::size_t>(++shared_->metrics->subscriptions) >
        limits().max_subscriptions) {
      --shared_->metrics->subscriptions;
      return Write(Api::Error(request_, http::status::service_unavailable, "too_many_subscriptions",
                              fmt::format("at most {} live subscriptions",
                                          limits().max_subscriptions)),
                   actor->id);
    }
    subscription_ = shared_->api->store()->Subscribe(query_.from);
    streaming_ = true;
    shared_->metrics->CountResponse(200);
    Log(std::string(request_.target()), 200, actor->id);
    // No length and no chunking: the stream ends when the connection does.
    out_ = fmt::format(
        "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream; charset=utf-8\r\n"
        "Cache-Control: no-cache\r\nConnection: close\r\n\r\n"
        "retry: 1000\n: from position {}\n\n",
        query_.from);
    WatchClient();
    WriteStream(/*more=*/true);
  }

  // A read beside the feed's writes: it ends when the client goes away, so
  // a closed feed is let go at once rather than at its next write.
  void WatchClient() {
    stream_.async_read_some(net::buffer(scratch_), [self = Self()](beast::error_code ec,
                                                                    std::size_t) {
      if (!ec) return self->WatchClient();  // a client has nothing to say here
      self->draining_ = true;
      self->subscription_->Cancel();
      if (self->timer_) self->timer_->cancel();
    });
  }

  // Reads the next events off the I/O thread.
  void Poll() {
    if (draining_) return Close();
    net::post(*shared_->pool, [self = Self(), work = net::make_work_guard(*shared_->ioc)] {
      auto batch = self->subscription_->Next(kEventsPerPoll, std::chrono::milliseconds(0));
      const bool full = batch.ok() && batch->size() == kEventsPerPoll;
      // A township's reader gets its cases' events only; the check reads
      // the engine, so it runs here, off the I/O thread.
      if (batch.ok() && !self->query_.township.empty()) {
        std::erase_if(*batch, [&](const zf::EventRecord& e) {
          return !self->shared_->api->EventInTownship(self->query_.township, e, &self->scope_);
        });
      }
      net::post(self->stream_.get_executor(), [self, batch = std::move(batch), full]() mutable {
        self->OnBatch(std::move(batch), full);
      });
    });
  }

  // `full`: the subscription had more events than one poll takes.
  void OnBatch(zf::Result<std::vector<zf::EventRecord>> batch, bool full = false) {
    if (draining_ || !batch.ok()) return Close();
    out_.clear();
    for (const zf::EventRecord& e : *batch) {
      if (Api::Matches(query_, e)) out_ += Api::SseFrame(e);
    }
    const bool more = full;
    if (out_.empty() && Clock::now() - last_write_ >= kKeepAliveInterval) {
      out_ = fmt::format(": position {}\n\n", subscription_->position());
    }
    if (!out_.empty()) return WriteStream(more || !batch->empty());
    if (more || !batch->empty()) return Poll();
    if (!timer_) timer_.emplace(stream_.get_executor());
    timer_->expires_after(kPollInterval);
    timer_->async_wait([self = Self()](beast::error_code ec) {
      if (ec) return self->Close();
      self->Poll();
    });
  }

  void WriteStream(bool more) {
    // A client that stops reading is dropped after body_timeout.
    Socket().expires_after(limits().body_timeout);
    net::async_write(stream_, net::buffer(out_),
                     [self = Self(), more](beast::error_code ec, std::size_t) {
                       if (ec) return self->Close();
                       self->last_write_ = Clock::now();
                       self->Socket().expires_never();
                       if (more) return self->Poll();
                       self->OnBatch(std::vector<zf::EventRecord>{});
                     });
  }

  Stream stream_;
  Shared* const shared_;
  const std::string remote_;
  std::uint64_t id_ = 0;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  Request request_;
  std::shared_ptr<Response> response_;
  Clock::time_point started_ = Clock::now();
  std::shared_ptr<http::response<http::empty_body>> continue_;  // 100 Continue being written
  bool evicted_ = false;  // closed by Evict() to make room
  bool busy_ = false;      // a request is being answered
  bool draining_ = false;  // shutdown: close after the answer in hand
  std::array<char, 4096> scratch_{};
  // Live stream.
  bool streaming_ = false;
  StreamQuery query_;
  CaseScopeCache scope_;  // used by one Poll() at a time
  std::unique_ptr<zf::Subscription> subscription_;
  std::optional<net::steady_timer> timer_;
  std::string out_;
  Clock::time_point last_write_ = Clock::now();
};

class Listener : public std::enable_shared_from_this<Listener> {
 public:
  Listener(Shared* shared, ssl::context* tls)
      : shared_(shared), tls_(tls), acceptor_(net::make_strand(*shared->ioc)) {}

  zf::Status Listen(const tcp::endpoint& endpoint) {
    beast::error_code ec;
    acceptor_.open(endpoint.protocol(), ec);
    if (!ec) acceptor_.set_option(net::socket_base::reuse_address(true), ec);
    if (!ec) acceptor_.bind(endpoint, ec);
    if (!ec) acceptor_.listen(net::socket_base::max_listen_connections, ec);
    if (ec) {
      return zf::UnavailableError(fmt::format("cannot listen on {}:{}: {}",
                                              endpoint.address().to_string(), endpoint.port(),
                                              ec.message()));
    }
    return zf::Status::Ok();
  }

  std::uint16_t port() const { return acceptor_.local_endpoint().port(); }

  void Accept() {
    acceptor_.async_accept(net::make_strand(*shared_->ioc),
                           [self = shared_from_this()](beast::error_code ec, tcp::socket socket) {
                             self->OnAccept(ec, std::move(socket));
                           });
  }

  void Stop() {
    net::post(acceptor_.get_executor(), [self = shared_from_this()] {
      beast::error_code ec;
      self->acceptor_.close(ec);
    });
  }

 private:
  void OnAccept(beast::error_code ec, tcp::socket socket) {
    if (!acceptor_.is_open()) return;
    if (!ec) Admit(std::move(socket));
    Accept();
  }

  void Admit(tcp::socket socket) {
    beast::error_code ec;
    const auto peer = socket.remote_endpoint(ec);
    const std::string remote =
        ec ? "?" : fmt::format("{}:{}", peer.address().to_string(), peer.port());
    const std::string client = ec ? "?" : peer.address().to_string();
    // At capacity — the server's, or this client's — the oldest idle
    // connection makes room (this client's own when it is the client that
    // is at its limit, else one of the client holding the most); only when
    // none is idle is the new one refused.
    std::shared_ptr<SessionBase> evict;
    bool refuse = false;
    {
      std::lock_guard lock(shared_->mu);
      const auto own = shared_->per_client.find(client);
      const std::size_t mine = own == shared_->per_client.end() ? 0 : own->second;
      const bool client_full = mine >= shared_->limits->max_connections_per_client;
      const bool server_full = static_cast<std::size_t>(shared_->metrics->connections.load()) >=
                               shared_->limits->max_connections;
      if (client_full || server_full) {
        std::size_t best_count = 0;
        for (const auto& [id, weak] : shared_->sessions) {
          auto candidate = weak.lock();
          if (!candidate || !candidate->idle.load() || candidate->evicting.load()) continue;
          if (client_full && candidate->client != client) continue;
          const auto held = shared_->per_client.find(candidate->client);
          const std::size_t count = held == shared_->per_client.end() ? 0 : held->second;
          if (!evict || count > best_count) {
            evict = std::move(candidate);
            best_count = count;
          }
        }
        refuse = evict == nullptr;
      }
      if (!refuse) ++shared_->per_client[client];
    }
    if (evict) {
      evict->evicting = true;  // not picked twice
      evict->Evict();
    }
    if (refuse) {
      ++shared_->metrics->connections_refused;
      auto s = std::make_shared<tcp::socket>(std::move(socket));
      static const std::string kBusy = [] {
        const std::string body =
            json::serialize(json::object{{"error", "too_many_connections"},
                                         {"message", "the server is at capacity"},
                                         {"message_zh", ErrorMessageZh("too_many_connections")}});
        return fmt::format(
            "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json; charset=utf-8\r\n"
            "Connection: close\r\nRetry-After: 1\r\nContent-Length: {}\r\n\r\n{}",
            body.size(), body);
      }();
      net::async_write(*s, net::buffer(kBusy), [s](beast::error_code, std::size_t) {
        beast::error_code ignored;
        s->shutdown(tcp::socket::shutdown_both, ignored);
      });
      return;
    }
    std::shared_ptr<SessionBase> session;
    std::uint64_t id = 0;
    {
      std::lock_guard lock(shared_->mu);
      id = ++shared_->next_id;
    }
    if (tls_ != nullptr) {
      auto s = std::make_shared<Session<beast::ssl_stream<beast::tcp_stream>>>(
          shared_, client, remote, std::move(socket), *tls_);
      Register(id, s);
      s->Start(id);
    } else {
      auto s = std::make_shared<Session<beast::tcp_stream>>(shared_, client, remote,
                                                             std::move(socket));
      Register(id, s);
      s->Start(id);
    }
  }

  void Register(std::uint64_t id, const std::shared_ptr<SessionBase>& session) {
    std::lock_guard lock(shared_->mu);
    shared_->sessions[id] = session;
  }

  Shared* const shared_;
  ssl::context* const tls_;
  tcp::acceptor acceptor_;
};

json::array TokenList(const std::vector<const TokenEntry*>& entries) {
  json::array list;
  for (const TokenEntry* e : entries) {
    list.push_back(json::object{{"name", e->name},
                                {"actor", e->actor.id},
                                {"role", e->actor.role},
                                {"unit", e->actor.unit}});
  }
  return list;
}

// SIGHUP: reopens the access log, reads the config file again and puts its
// tokens in force. The other settings (limits, TLS, checkpoints, seal keys)
// size or open things made at startup, so a change to them is logged as
// needing a restart and not applied. A config that does not load changes
// nothing.
void ReloadTokens(const std::string& path, ServerConfig* current, Api* api, AccessLog* log) {
  // The access log first, so that the reload's own entry goes to the new
  // file after logrotate moved the old one (cli/dist/zf.logrotate).
  if (!log->Reopen()) {
    log->Write({{"event", "access_log_reopen_failed"}});
  }
  auto loaded = LoadServerConfig(path);
  if (!loaded.ok()) {
    json::object entry{{"event", "config_reload_failed"},
                       {"config", path},
                       {"error", loaded.status().message()}};
    if (!loaded.status().subject().empty()) entry["field"] = loaded.status().subject();
    log->Write(entry);
    return;
  }
  const ConfigChange change = CompareConfigs(*current, *loaded);
  json::object entry{{"event", "config_reloaded"},
                     {"config", path},
                     {"tokens", loaded->tokens.sha256.size() + loaded->tokens.sm3.size()},
                     {"added", TokenList(change.added)},
                     {"removed", TokenList(change.removed)},
                     {"changed", TokenList(change.changed)}};
  if (!change.need_restart.empty()) {
    json::array fields;
    for (const std::string& f : change.need_restart) fields.push_back(json::value(f));
    entry["not_applied_until_restart"] = std::move(fields);
  }
  log->Write(entry);  // before the swap: `change` points into both tables
  api->ReplaceTokens(loaded->tokens);
  current->tokens = std::move(loaded->tokens);
}

}  // namespace

int Serve(zf::Engine* engine, const ServerConfig& config, const ServeOptions& options) {
  const Limits& limits = config.limits;
  const unsigned io_threads =
      limits.io_threads > 0 ? limits.io_threads : std::max(1u, std::thread::hardware_concurrency());
  net::io_context ioc(static_cast<int>(io_threads));
  net::thread_pool pool(limits.work_threads);
  Metrics metrics;
  AccessLog log(options.access_log);
  Api api(engine, config, &metrics, &log, options.store_path);
  Shared shared;
  shared.api = &api;
  shared.metrics = &metrics;
  shared.log = &log;
  shared.limits = &limits;
  shared.ioc = &ioc;
  shared.pool = &pool;

  std::optional<ssl::context> tls;
  if (!config.tls_cert.empty()) {
    tls.emplace(ssl::context::tls_server);
    beast::error_code ec;
    tls->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                         ssl::context::no_sslv3 | ssl::context::no_tlsv1 |
                         ssl::context::no_tlsv1_1,
                     ec);
    if (!ec) tls->use_certificate_chain_file(config.tls_cert, ec);
    if (!ec) tls->use_private_key_file(config.tls_key, ssl::context::pem, ec);
    if (ec) {
      std::cerr << fmt::format("zfcli serve: TLS: {} (cert {}, key {})\n", ec.message(),
                               config.tls_cert, config.tls_key);
      return kExitInvalid;
    }
  }

  beast::error_code ec;
  const auto address = net::ip::make_address(options.host, ec);
  if (ec) {
    std::cerr << fmt::format("zfcli serve: --listen: '{}' is not an IP address\n", options.host);
    return kExitUsage;
  }
  int port = 0;
  try {
    port = std::stoi(options.port);
  } catch (...) {
    port = -1;
  }
  if (port < 0 || port > 65535) {
    std::cerr << fmt::format("zfcli serve: --listen: '{}' is not a port\n", options.port);
    return kExitUsage;
  }
  auto listener = std::make_shared<Listener>(&shared, tls ? &*tls : nullptr);
  if (zf::Status s = listener->Listen(tcp::endpoint(address, static_cast<std::uint16_t>(port)));
      !s.ok()) {
    std::cerr << "zfcli serve: " << s.message() << '\n';
    return kExitStorage;
  }
  listener->Accept();

  // SIGHUP: the tokens again, connections kept (docs/api.md, "Reloading").
  // Both signal sets on one strand: SIGTERM's handler cancels the SIGHUP
  // wait, which must not run beside it on another I/O thread.
  auto signal_strand = net::make_strand(ioc);
  ServerConfig current = config;
  net::signal_set hangup(signal_strand, SIGHUP);
  std::function<void()> await_hangup = [&] {
    hangup.async_wait([&](beast::error_code ec, int) {
      if (ec) return;
      ReloadTokens(options.config_path, &current, &api, &log);
      await_hangup();
    });
  };
  await_hangup();

  // SIGTERM/SIGINT: stop accepting, answer what is in hand, close the rest.
  std::mutex stop_mu;
  std::condition_variable stop_cv;
  bool stopped = false;
  std::thread grace;
  net::signal_set signals(signal_strand, SIGINT, SIGTERM);
  signals.async_wait([&](beast::error_code ec, int signal) {
    if (ec) return;
    log.Write({{"ts", NowUtc()}, {"event", "shutdown"}, {"signal", signal}});
    api.draining = true;
    hangup.cancel();  // a pending wait would keep the I/O loop running
    listener->Stop();
    std::vector<std::shared_ptr<SessionBase>> open;
    {
      std::lock_guard lock(shared.mu);
      for (auto& [id, weak] : shared.sessions) {
        if (auto s = weak.lock()) open.push_back(std::move(s));
      }
    }
    for (auto& s : open) s->Drain();
    grace = std::thread([&] {
      std::unique_lock lock(stop_mu);
      if (!stop_cv.wait_for(lock, limits.shutdown_grace, [&] { return stopped; })) ioc.stop();
    });
  });

  // The port line lets a supervisor (and the tests) use port 0.
  const std::string url = fmt::format("{}://{}:{}", tls ? "https" : "http",
                                      options.host.find(':') == std::string::npos
                                          ? options.host
                                          : "[" + options.host + "]",
                                      listener->port());
  // A command refused by the store's lock can then say where to send it
  // (docs/cli.md, exit 7); only a hint, so a failure to note it is ignored.
  engine->store()->SetServingAddress(url).IgnoreError();
  std::cout << fmt::format("zfcli serve: listening on {}://{}:{}\n", tls ? "https" : "http",
                           options.host, listener->port())
            << std::flush;
  log.Write({{"ts", NowUtc()}, {"event", "listening"}, {"port", listener->port()},
             {"io_threads", io_threads}, {"work_threads", limits.work_threads}});

  std::vector<std::thread> threads;
  for (unsigned i = 1; i < io_threads; ++i) threads.emplace_back([&] { ioc.run(); });
  ioc.run();
  for (std::thread& t : threads) t.join();
  {
    std::lock_guard lock(stop_mu);
    stopped = true;
  }
  stop_cv.notify_all();
  if (grace.joinable()) grace.join();
  pool.join();
  log.Write({{"ts", NowUtc()}, {"event", "stopped"}});
  return kExitOk;
}

}  // namespace zfcli::server
