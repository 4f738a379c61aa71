#include "pg_test_support.h"

#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <map>
#include <mutex>
#include <sstream>
#include <stdexcept>

#include <catch2/catch.hpp>
#include <fmt/format.h>

#include "store/pg_connection.h"

namespace zf::testing {

namespace {

std::string Env(const char* name) {
  const char* v = std::getenv(name);
  return v == nullptr ? std::string() : std::string(v);
}

std::string Trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ' || s.back() == '\r')) s.pop_back();
  return s;
}

}  // namespace

std::string TestPostgresUrl() {
  if (std::string url = Env("ZF_TEST_PG_URL"); !url.empty()) return url;
  const std::string file = Env("ZF_TEST_PG_URL_FILE");
  if (file.empty()) return "";
  std::ifstream in(file);
  std::stringstream text;
  text << in.rdbuf();
  return Trim(text.str());
}

std::vector<std::string> StoreKinds() {
  std::string list = Env("ZF_TEST_STORES");
  if (list.empty()) list = "memory,rocksdb";
  std::vector<std::string> kinds;
  std::stringstream in(list);
  for (std::string kind; std::getline(in, kind, ',');) {
    if (kind != "memory" && kind != "rocksdb" && kind != "postgresql") {
      throw std::invalid_argument(
          fmt::format("ZF_TEST_STORES: unknown store kind '{}' (memory, rocksdb, postgresql)",
                      kind));
    }
    kinds.push_back(kind);
  }
  const bool wants_pg = std::find(kinds.begin(), kinds.end(), "postgresql") != kinds.end();
  if (wants_pg && TestPostgresUrl().empty()) {
    const std::string why =
        "no PostgreSQL test cluster is configured (ZF_TEST_PG_URL, or the file "
        "ZF_TEST_PG_URL_FILE names, written by scripts/pg-test-cluster start; "
        "scripts/test starts one)";
    if (!Env("ZF_TEST_PG_REQUIRED").empty()) FAIL(why);
    std::cerr << "SKIPPED: the PostgreSQL store tests: " << why << "\n";
    std::exit(kSkipExitCode);
  }
  return kinds;
}

std::string PostgresStoreUrl(const TempDir& dir) {
  static std::mutex mu;
  static std::map<std::string, std::string> urls;  // by TempDir path
  static unsigned counter = 0;
  std::lock_guard lock(mu);
  const std::string key = dir.path().string();
  if (auto it = urls.find(key); it != urls.end()) return it->second;
  const std::string base = TestPostgresUrl();
  if (base.empty()) throw std::runtime_error("no PostgreSQL test cluster (ZF_TEST_PG_URL)");
  // Unique across the test processes sharing the cluster in one ctest run.
  const auto now = std::chrono::steady_clock::now().time_since_epoch().count();
  const std::string schema =
      fmt::format("t_{}_{}_{}", getpid(), static_cast<unsigned long long>(now) % 1000000007ULL,
                  ++counter);
  auto conn = internal::PgConnection::Connect(base);
  if (!conn.ok()) throw std::runtime_error(conn.status().ToString());
  if (Status s = (*conn)->Run("CREATE SCHEMA " + schema); !s.ok()) {
    throw std::runtime_error(s.ToString());
  }
  const std::string url = base + (base.find('?') == std::string::npos ? "?" : "&") +
                          "options=-csearch_path%3D" + schema;
  urls[key] = url;
  return url;
}

std::string StoreLocation(const std::string& kind, const TempDir& dir) {
  if (kind == "postgresql") return PostgresStoreUrl(dir);
  if (kind == "rocksdb") return dir.Sub("db");
  return "";
}

}  // namespace zf::testing
