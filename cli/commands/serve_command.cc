// zfcli serve: the HTTP API (docs/api.md) over the store at --db.
#include <filesystem>
#include <iostream>
#include <system_error>

#include <fmt/format.h>

#include "cli.h"
#include "server/server.h"
#include "zf/engine.h"
#include "zf/store_location.h"

namespace po = boost::program_options;

namespace zfcli {
namespace {

// "HOST:PORT" or "[V6]:PORT".
bool SplitListen(const std::string& listen, server::ServeOptions* options) {
  const std::size_t colon = listen.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == listen.size()) return false;
  std::string host = listen.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  options->host = host;
  options->port = listen.substr(colon + 1);
  return true;
}

// No directory, or an empty one (what a read calls no store, docs/cli.md).
// A PostgreSQL URL names no file: its open says whether the store exists.
bool IsMissingStore(const std::string& db) {
  if (zf::IsPostgresLocation(db)) return false;
  std::error_code ec;
  if (!std::filesystem::exists(db, ec)) return !ec;
  return std::filesystem::is_directory(db, ec) && std::filesystem::is_empty(db, ec) && !ec;
}

int RunServe(const GlobalOptions& defaults, const std::vector<std::string>& args,
             const Command& self) {
  po::options_description options("serve");
  options.add_options()
      ("listen", po::value<std::string>()->default_value("127.0.0.1:8080"),
       "HOST:PORT to listen on (port 0: any free port, printed on stdout)")
      ("config", po::value<std::string>(), "JSON config: tokens, limits, tls (docs/api.md)")
      ("access-log", po::value<std::string>()->default_value(""),
       "file for the JSON-lines access log (default: stderr)")
      ("hash-token", po::value<std::string>(),
       "print the digest of a token for the config file, and exit")
      ("algorithm", po::value<std::string>()->default_value("sha256"),
       "digest for --hash-token: sha256 | sm3")
      ("create", "create the store at --db if it is missing (else a missing store: exit 3)");
  po::variables_map vm;
  GlobalOptions global = defaults;
  int exit_code = kExitOk;
  if (!ParseCommandLine(self, args, options, {}, &vm, &global, &exit_code)) return exit_code;
  if (vm.count("hash-token")) {
    const std::string algorithm = vm["algorithm"].as<std::string>();
    if (algorithm != "sha256" && algorithm != "sm3") {
      return ReportUsage(global, "serve",
                       global.lang == Lang::kEn ? "--algorithm must be sha256 or sm3" : "--algorithm 只能是 sha256 或 sm3");
    }
    std::cout << server::HexDigest(algorithm, vm["hash-token"].as<std::string>()) << '\n';
    return kExitOk;
  }
  if (!vm.count("config")) {
    return ReportUsage(global, "serve",
                       global.lang == Lang::kEn ? "--config FILE is required (tokens and limits; docs/api.md)" : "需要 --config 文件（令牌与限额；见 docs/api.md）");
  }
  server::ServeOptions serve;
  if (!SplitListen(vm["listen"].as<std::string>(), &serve)) {
    return ReportUsage(global, "serve",
                       global.lang == Lang::kEn ? fmt::format("--listen must be HOST:PORT, not '{}'", vm["listen"].as<std::string>())
                                                : fmt::format("--listen 须为 主机:端口，不能是“{}”", vm["listen"].as<std::string>()));
  }
  serve.store_path = global.db;
  serve.access_log = vm["access-log"].as<std::string>();
  serve.config_path = vm["config"].as<std::string>();
  auto config = server::LoadServerConfig(vm["config"].as<std::string>());
  if (!config.ok()) return ReportError(global, config.status());
  // The command line (or the environment) wins over the config file.
  if (global.checkpoint_key.empty()) global.checkpoint_key = config->checkpoint_key;
  if (global.seal_keys.empty()) global.seal_keys = config->seal_keys;
  if (!vm.count("checkpoint-every") && config->checkpoint_every) {
    global.checkpoint_every = *config->checkpoint_every;
  }
  // A mistyped --db must not start a server on a new, empty store that
  // takes the commands meant for the real one: a missing store is created
  // only when asked for (reads refuse it; import and exec create theirs).
  const bool create = vm.count("create") > 0;
  if (!create && IsMissingStore(global.db)) {
    const bool en = global.lang == Lang::kEn;
    return ReportError(
        global, zf::NotFoundError(en ? fmt::format("no event store at '{}' (--db); check the "
                                                   "path, or give --create to serve a new, "
                                                   "empty store",
                                                   global.db)
                                     : fmt::format("没有事件存储：“{}”（--db）；请检查路径，或加 "
                                                   "--create 新建一个空存储并提供服务",
                                                   global.db))
                    .WithSubject("--db"));
  }
  auto engine =
      OpenEngine(global, create ? StoreAccess::kCreate : StoreAccess::kWrite, &exit_code);
  if (!engine) return exit_code;
  return server::Serve(engine.get(), *config, serve);
}

const Registrar kServe(MakeCommand<RunServe>(
    "serve",
    "the HTTP API and the web console: commands, queries, the live event feed (docs/api.md, "
    "docs/console.md)",
    "HTTP 接口服务与网页审计台：命令、查询与事件订阅", "--config FILE [--listen HOST:PORT] [--access-log FILE] [--create]"));

}  // namespace
}  // namespace zfcli
