// http_load: a load generator for `zfcli serve` (a benchmark, not a test).
//
//   http_load --port 8080 --token TOKEN [--host 127.0.0.1] [--clients 1,8,64]
//             [--seconds 10] [--prefix RUN]
//
// For each client count, N threads each hold one keep-alive connection and
// POST /v1/commands one command at a time (register_clue on a new case, so
// every command appends), for --seconds. Prints commands per second and the
// latency percentiles of acknowledged (201) commands. The token must stand
// for an officer of a unit registered in the store's org (e.g. SX-OF-0032,
// enforcement_officer, sx-market with examples/shaxian/01..06 imported).
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <fmt/format.h>

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;
using Clock = std::chrono::steady_clock;

namespace {

struct Options {
  std::string host = "127.0.0.1";
  std::string port = "8080";
  std::string token;
  std::vector<int> clients = {1, 8, 64};
  int seconds = 10;
  std::string prefix = "LOAD";
};

std::string Command(const std::string& case_id) {
  return fmt::format(
      R"({{"command":"register_clue","command_id":"{0}","at":"2023-01-09T09:00:00+08:00",)"
      R"("case_id":"{0}","data":{{"source":"inspection","channel":"online",)"
      R"("item_code":"MARKET-006","township":"qiujiang","description":"load test",)"
      R"("discovered_on":"2023-01-09","party":{{"id":"350427198000000130","name":"刘某某",)"
      R"("category":"natural_person"}}}}}})",
      case_id);
}

struct ClientResult {
  std::vector<double> latencies_ms;
  std::size_t failures = 0;
  std::string first_error;
};

void RunClient(const Options& o, int clients, int index, Clock::time_point end,
               ClientResult* out) {
  try {
    net::io_context ioc;
    tcp::resolver resolver(ioc);
    beast::tcp_stream stream(ioc);
    stream.connect(resolver.resolve(o.host, o.port));
    beast::flat_buffer buffer;
    for (std::size_t n = 0; Clock::now() < end; ++n) {
      const std::string id = fmt::format("{}-{}-{}-{}", o.prefix, clients, index, n);
      http::request<http::string_body> req{http::verb::post, "/v1/commands", 11};
      req.set(http::field::host, o.host);
      req.set(http::field::authorization, "Bearer " + o.token);
      req.set(http::field::content_type, "application/json");
      req.body() = Command(id);
      req.prepare_payload();
      const auto start = Clock::now();
      http::write(stream, req);
      http::response<http::string_body> res;
      http::read(stream, buffer, res);
      const double ms = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
      if (res.result_int() == 201) {
        out->latencies_ms.push_back(ms);
      } else {
        if (out->failures++ == 0) out->first_error = fmt::format("{} {}", res.result_int(), res.body());
      }
    }
  } catch (const std::exception& e) {
    ++out->failures;
    if (out->first_error.empty()) out->first_error = e.what();
  }
}

double Percentile(const std::vector<double>& sorted, double p) {
  if (sorted.empty()) return 0;
  const std::size_t i = std::min(sorted.size() - 1, static_cast<std::size_t>(p * sorted.size()));
  return sorted[i];
}

bool ParseArgs(int argc, char** argv, Options* o) {
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i], value = argv[i + 1];
    if (flag == "--host") o->host = value;
    else if (flag == "--port") o->port = value;
    else if (flag == "--token") o->token = value;
    else if (flag == "--seconds") o->seconds = std::atoi(value.c_str());
    else if (flag == "--prefix") o->prefix = value;
    else if (flag == "--clients") {
      o->clients.clear();
      std::size_t start = 0;
      while (start <= value.size()) {
        const std::size_t comma = value.find(',', start);
        o->clients.push_back(std::atoi(value.substr(start, comma - start).c_str()));
        if (comma == std::string::npos) break;
        start = comma + 1;
      }
    } else {
      return false;
    }
  }
  return argc % 2 == 1 && !o->token.empty() && o->seconds > 0;
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  if (!ParseArgs(argc, argv, &o)) {
    std::cerr << "usage: http_load --token TOKEN [--host H] [--port P] [--clients 1,8,64] "
                 "[--seconds S] [--prefix RUN]\n";
    return 2;
  }
  std::cout << fmt::format("{:>8} {:>10} {:>10} {:>9} {:>9} {:>9} {:>9}\n", "clients", "commands",
                           "cmd/s", "p50 ms", "p90 ms", "p99 ms", "failures");
  for (int clients : o.clients) {
    std::vector<ClientResult> results(clients);
    std::vector<std::thread> threads;
    const auto start = Clock::now();
    const auto end = start + std::chrono::seconds(o.seconds);
    for (int i = 0; i < clients; ++i) {
      threads.emplace_back(RunClient, std::cref(o), clients, i, end, &results[i]);
    }
    for (std::thread& t : threads) t.join();
    const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
    std::vector<double> all;
    std::size_t failures = 0;
    std::string error;
    for (const ClientResult& r : results) {
      all.insert(all.end(), r.latencies_ms.begin(), r.latencies_ms.end());
      failures += r.failures;
      if (error.empty()) error = r.first_error;
    }
    std::sort(all.begin(), all.end());
    std::cout << fmt::format("{:>8} {:>10} {:>10.0f} {:>9.2f} {:>9.2f} {:>9.2f} {:>9}\n", clients,
                             all.size(), all.size() / seconds, Percentile(all, 0.50),
                             Percentile(all, 0.90), Percentile(all, 0.99), failures);
    if (!error.empty()) std::cout << "  first failure: " << error.substr(0, 300) << '\n';
  }
  return 0;
}
