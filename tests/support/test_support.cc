#include "test_support.h"

#include "pg_test_support.h"
#include "zf/store_location.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <thread>

#include <catch2/catch.hpp>

#include <cstdlib>
#include <stdexcept>

namespace zf::testing {

TempDir::TempDir() {
  std::string pattern = (std::filesystem::temp_directory_path() / "zf-test-XXXXXX").string();
  if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  path_ = pattern;
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

NewEvent MakeEvent(std::string type, std::int64_t n, std::string note) {
  NewEvent e;
  e.type = std::move(type);
  e.occurred_at = "2023-09-12T09:30:00+08:00";
  e.actor = Actor{"SX-OF-0001", "enforcement_officer", "gaosha"};
  e.data = boost::json::object{{"n", n}, {"note", note}};
  return e;
}

AppendRequest MakeRequest(std::string stream, std::string command_id, std::size_t count,
                          ExpectedVersion expected) {
  AppendRequest r;
  r.stream = std::move(stream);
  r.command_id = std::move(command_id);
  r.expected = expected;
  for (std::size_t i = 0; i < count; ++i) {
    r.events.push_back(MakeEvent("evidence_recorded", static_cast<std::int64_t>(i)));
  }
  return r;
}

std::unique_ptr<EventStore> OpenStore(const std::string& kind, const TempDir& dir,
                                      std::shared_ptr<Clock> clock) {
  StoreOptions options;
  options.clock = std::move(clock);
  auto store = kind == "memory" ? NewMemoryEventStore(options)
                                : OpenEventStore(options, StoreLocation(kind, dir));
  if (!store.ok()) throw std::runtime_error(store.status().ToString());
  return std::move(*store);
}

std::string OutputUntilKilled(const std::string& program, const std::vector<std::string>& args,
                              std::chrono::milliseconds run_for) {
  std::vector<char*> argv{const_cast<char*>(program.c_str())};
  for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  int out[2];
  REQUIRE(pipe(out) == 0);
  const pid_t pid = fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    dup2(out[1], STDOUT_FILENO);
    close(out[0]);
    close(out[1]);
    execv(program.c_str(), argv.data());
    _exit(127);
  }
  close(out[1]);
  std::this_thread::sleep_for(run_for);
  REQUIRE(kill(pid, SIGKILL) == 0);
  int status = 0;
  waitpid(pid, &status, 0);
  REQUIRE(WIFSIGNALED(status));
  std::string text;
  char buf[4096];
  for (ssize_t n; (n = read(out[0], buf, sizeof(buf))) > 0;) text.append(buf, n);
  close(out[0]);
  return text;
}

}  // namespace zf::testing
