// Which stores the shared store tests run against, and the PostgreSQL test
// cluster (scripts/pg-test-cluster, started once per ctest run by the
// pg.cluster_start fixture).
//
//   ZF_TEST_STORES        comma-separated kinds: memory, rocksdb, postgresql
//                         (default: memory,rocksdb)
//   ZF_TEST_PG_URL        the cluster's URL; else read from the file named by
//   ZF_TEST_PG_URL_FILE   (what the ctest fixture writes)
//   ZF_TEST_PG_REQUIRED   when set, a missing cluster fails the test
//                         instead of skipping it (scripts/test sets it)
#pragma once

#include <string>
#include <vector>

#include "test_support.h"

namespace zf::testing {

// Exit code ctest reports as "skipped" (SKIP_RETURN_CODE) for the pg.*
// tests when no cluster is configured.
inline constexpr int kSkipExitCode = 77;

// The kinds from ZF_TEST_STORES. When they include postgresql and no
// cluster is configured, prints why and exits with kSkipExitCode (or fails
// the test under ZF_TEST_PG_REQUIRED).
std::vector<std::string> StoreKinds();

// The test cluster's base URL, or "" when none is configured.
std::string TestPostgresUrl();

// A URL naming a schema of its own in the test cluster for `dir`: created
// on the first call for a TempDir, the same URL on later calls (a reopen).
std::string PostgresStoreUrl(const TempDir& dir);

// Where a store of `kind` lives for `dir`: "" (memory), dir/db (rocksdb),
// PostgresStoreUrl(dir) (postgresql).
std::string StoreLocation(const std::string& kind, const TempDir& dir);

}  // namespace zf::testing
