// The web audit console (docs/console.md): static assets compiled into
// zfcli (cmake/embed_console.cmake) and served at / and /console/...; the
// pages read their data from the API with the user's token.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "server/api.h"

namespace zfcli::server {

// One file under cli/server/console/, by its path relative to it.
struct ConsoleAsset {
  std::string_view path;  // "index.html", "js/app.js"
  std::string_view body;
};

// Every asset, sorted by path (generated at build time).
const std::vector<ConsoleAsset>& ConsoleAssets();

// The Content-Security-Policy of every console response: scripts, styles
// and data only from the server itself, no inline script, no framing.
extern const std::string_view kConsoleCsp;

// The answer to GET/HEAD of `segments` (the decoded path) when it names the
// console: "/" is the page, /console/<path> an asset (404 when there is no
// such asset, 405 for other methods). Nothing when the path is not the
// console's. No token is needed: the assets hold no data.
std::optional<Response> ConsoleRoute(const Request& req, const std::vector<std::string>& segments);

}  // namespace zfcli::server
