// Serving the console's assets: content types, security headers and
// revalidation by ETag (docs/console.md, "Security model").
#include "server/console.h"

#include <algorithm>
#include <cstdint>
#include <map>

#include <fmt/format.h>

#include "zf/version.h"

namespace zfcli::server {

const std::string_view kConsoleCsp =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'";

namespace {

std::string_view ContentType(std::string_view path) {
  static const std::map<std::string_view, std::string_view> kTypes = {
      {".html", "text/html; charset=utf-8"},
      {".js", "text/javascript; charset=utf-8"},
      {".mjs", "text/javascript; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},
      {".svg", "image/svg+xml"},
      {".json", "application/json; charset=utf-8"},
      {".txt", "text/plain; charset=utf-8"},
  };
  const std::size_t dot = path.rfind('.');
  if (dot != std::string_view::npos) {
    if (auto it = kTypes.find(path.substr(dot)); it != kTypes.end()) return it->second;
  }
  return "application/octet-stream";
}

// A strong validator from the bytes (FNV-1a, 64 bits): the assets change
// only with the binary, so a browser revalidates and mostly gets a 304.
std::string Etag(std::string_view body) {
  std::uint64_t h = 14695981039346656037ull;
  for (unsigned char c : body) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return fmt::format("\"{:016x}\"", h);
}

const ConsoleAsset* Find(std::string_view path) {
  const auto& assets = ConsoleAssets();
  auto it = std::lower_bound(assets.begin(), assets.end(), path,
                             [](const ConsoleAsset& a, std::string_view p) { return a.path < p; });
  return it != assets.end() && it->path == path ? &*it : nullptr;
}

// Headers every console answer carries, the 404 included.
void SecurityHeaders(Response& res) {
  res.set("Content-Security-Policy", kConsoleCsp);
  res.set("X-Content-Type-Options", "nosniff");
  res.set("X-Frame-Options", "DENY");
  res.set("Referrer-Policy", "no-referrer");
  res.set("Cross-Origin-Opener-Policy", "same-origin");
}

Response Serve(const Request& req, const ConsoleAsset& asset) {
  const std::string etag = Etag(asset.body);
  const auto sent = req[http::field::if_none_match];
  const bool fresh = !sent.empty() && std::string_view(sent.data(), sent.size()) == etag;
  Response res{fresh ? http::status::not_modified : http::status::ok, req.version()};
  res.set(http::field::server, "zf/" + std::string(zf::kVersionString));
  res.set(http::field::content_type, ContentType(asset.path));
  // Revalidate every time: a new zfcli serves new assets under the same
  // names, and the ETag makes the check cheap.
  res.set(http::field::cache_control, "no-cache");
  res.set(http::field::etag, etag);
  SecurityHeaders(res);
  res.keep_alive(req.keep_alive());
  if (!fresh) res.body() = std::string(asset.body);
  res.prepare_payload();
  return res;
}

}  // namespace

std::optional<Response> ConsoleRoute(const Request& req, const std::vector<std::string>& segments) {
  const bool page = segments.empty();
  if (!page && segments[0] != "console") return std::nullopt;
  if (req.method() != http::verb::get && req.method() != http::verb::head) {
    Response res = Api::Error(req, http::status::method_not_allowed, "method_not_allowed",
                              "the console takes GET, HEAD");
    res.set(http::field::allow, "GET, HEAD");
    return res;
  }
  std::string path = "index.html";
  if (!page) {
    path.clear();
    for (std::size_t i = 1; i < segments.size(); ++i) {
      // Segments are decoded: one holding a slash or a dot-segment would
      // name a path the table does not hold, but say so plainly.
      if (segments[i] == ".." || segments[i] == "." ||
          segments[i].find('/') != std::string::npos) {
        path.clear();
        break;
      }
      path += (i > 1 ? "/" : "") + segments[i];
    }
  }
  const ConsoleAsset* asset = path.empty() ? nullptr : Find(path);
  if (asset == nullptr) {
    Response res = Api::Error(req, http::status::not_found, "not_found", "no such console asset",
                              std::string_view(req.target().data(), req.target().size()));
    SecurityHeaders(res);
    return res;
  }
  return Serve(req, *asset);
}

}  // namespace zfcli::server
