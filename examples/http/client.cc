// A C++ client of the zf HTTP API on Boost.Beast (synchronous, header-only).
//
//   zf_http_client HOST PORT TOKEN submit FILE.json   POST one command (or a batch)
//   zf_http_client HOST PORT TOKEN case CASE_ID       GET one case
//   zf_http_client HOST PORT TOKEN follow FROM [PREFIX] [N]
//        follow the live feed from position FROM (N events, default 10),
//        reconnecting with Last-Event-ID when the connection drops
//
// Exit status: 0 for a 2xx answer, 1 otherwise. See docs/api.md.
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/streambuf.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;

namespace {

struct Endpoint {
  std::string host, port, token;
};

int Request(const Endpoint& e, http::verb verb, const std::string& target, std::string body) {
  net::io_context ioc;
  tcp::resolver resolver(ioc);
  beast::tcp_stream stream(ioc);
  stream.connect(resolver.resolve(e.host, e.port));
  http::request<http::string_body> req{verb, target, 11};
  req.set(http::field::host, e.host);
  req.set(http::field::authorization, "Bearer " + e.token);
  if (!body.empty()) {
    req.set(http::field::content_type, "application/json");
    req.body() = std::move(body);
  }
  req.prepare_payload();
  http::write(stream, req);
  beast::flat_buffer buffer;
  http::response<http::string_body> res;
  http::read(stream, buffer, res);
  std::cout << res.result_int() << ' ' << res.body();
  beast::error_code ec;
  stream.socket().shutdown(tcp::socket::shutdown_both, ec);
  return res.result_int() / 100 == 2 ? 0 : 1;
}

// Reads Server-Sent Events frames; returns the last id seen.
std::uint64_t Follow(const Endpoint& e, std::uint64_t last_id, const std::string& prefix,
                     int* remaining) {
  net::io_context ioc;
  tcp::resolver resolver(ioc);
  tcp::socket socket(ioc);
  net::connect(socket, resolver.resolve(e.host, e.port));
  std::string head = "GET /v1/events/stream?prefix=" + prefix + " HTTP/1.1\r\nHost: " + e.host +
                     "\r\nAuthorization: Bearer " + e.token +
                     "\r\nLast-Event-ID: " + std::to_string(last_id) + "\r\n\r\n";
  net::write(socket, net::buffer(head));
  net::streambuf buf;
  beast::error_code ec;
  net::read_until(socket, buf, "\r\n\r\n", ec);
  if (ec) return last_id;
  std::istream in(&buf);
  std::string line;
  std::getline(in, line);
  if (line.rfind("HTTP/1.1 200", 0) != 0) {
    std::cerr << "stream refused: " << line << '\n';
    *remaining = 0;
    return last_id;
  }
  while (std::getline(in, line) && line != "\r") {
  }
  std::uint64_t id = last_id;
  while (*remaining > 0) {
    net::read_until(socket, buf, "\n\n", ec);
    if (ec) break;  // dropped: the caller reconnects from `id`
    std::string frame_line;
    while (std::getline(in, frame_line) && !frame_line.empty()) {
      if (frame_line.rfind("id: ", 0) == 0) id = std::stoull(frame_line.substr(4));
      if (frame_line.rfind("data: ", 0) == 0) {
        std::cout << id << ' ' << frame_line.substr(6) << '\n';
        --*remaining;
      }
    }
  }
  return id;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 6) {
    std::cerr << "usage: zf_http_client HOST PORT TOKEN (submit FILE | case ID | follow FROM "
                 "[PREFIX] [N])\n";
    return 2;
  }
  const Endpoint e{argv[1], argv[2], argv[3]};
  const std::string what = argv[4];
  try {
    if (what == "submit") {
      std::ifstream in(argv[5]);
      std::stringstream text;
      text << in.rdbuf();
      return Request(e, http::verb::post, "/v1/commands", text.str());
    }
    if (what == "case") return Request(e, http::verb::get, std::string("/v1/cases/") + argv[5], "");
    if (what == "follow") {
      std::uint64_t last = std::strtoull(argv[5], nullptr, 10);
      last = last > 0 ? last - 1 : 0;
      const std::string prefix = argc > 6 ? argv[6] : "";
      int remaining = argc > 7 ? std::atoi(argv[7]) : 10;
      for (int attempts = 0; remaining > 0 && attempts < 5; ++attempts) {
        last = Follow(e, last, prefix, &remaining);
      }
      return remaining == 0 ? 0 : 1;
    }
  } catch (const std::exception& ex) {
    std::cerr << "zf_http_client: " << ex.what() << '\n';
    return 1;
  }
  std::cerr << "zf_http_client: unknown action " << what << '\n';
  return 2;
}
