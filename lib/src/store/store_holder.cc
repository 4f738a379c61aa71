#include "store/store_holder.h"

#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <boost/json.hpp>
#include <fmt/format.h>

namespace zf {
namespace internal {
namespace {

std::optional<StoreHolder> ParseHolder(const std::string& text) {
  boost::system::error_code ec;
  const boost::json::value json = boost::json::parse(text, ec);
  if (ec || !json.is_object()) return std::nullopt;
  const boost::json::object& o = json.get_object();
  const auto* pid = o.if_contains("pid");
  if (pid == nullptr || !pid->is_int64() || pid->as_int64() <= 0) return std::nullopt;
  StoreHolder holder;
  holder.pid = pid->as_int64();
  if (const auto* a = o.if_contains("address"); a != nullptr && a->is_string()) {
    holder.address = std::string(a->as_string());
  }
  if (const auto* s = o.if_contains("since"); s != nullptr && s->is_string()) {
    holder.since = std::string(s->as_string());
  }
  return holder;
}

std::optional<StoreHolder> ReadHolderFile(std::string_view store_path) {
  std::ifstream in(StoreHolderPath(store_path));
  if (!in) return std::nullopt;
  std::ostringstream text;
  text << in.rdbuf();
  return ParseHolder(text.str());
}

// kill(pid, 0) delivers nothing; EPERM means the process exists but is
// another user's.
bool ProcessRuns(std::int64_t pid) {
  return ::kill(static_cast<pid_t>(pid), 0) == 0 || errno == EPERM;
}

}  // namespace

std::string StoreHolderPath(std::string_view store_path) {
  return (std::filesystem::path(store_path) / std::string(kStoreHolderFile)).string();
}

Status WriteStoreHolder(std::string_view store_path, const StoreHolder& holder) {
  const std::string path = StoreHolderPath(store_path);
  const std::string temporary = fmt::format("{}.{}.tmp", path, ::getpid());
  {
    std::ofstream out(temporary, std::ios::trunc);
    out << boost::json::serialize(boost::json::object{
               {"pid", holder.pid}, {"address", holder.address}, {"since", holder.since}})
        << '\n';
    out.close();
    if (!out) return IOError(fmt::format("cannot write '{}'", temporary)).WithSubject(path);
  }
  std::error_code ec;
  std::filesystem::rename(temporary, path, ec);
  if (ec) {
    std::filesystem::remove(temporary, ec);
    return IOError(fmt::format("cannot write '{}'", path)).WithSubject(path);
  }
  return Status::Ok();
}

void RemoveOwnStoreHolder(std::string_view store_path) {
  const std::optional<StoreHolder> holder = ReadHolderFile(store_path);
  if (!holder || holder->pid != ::getpid()) return;
  std::error_code ignored;
  std::filesystem::remove(StoreHolderPath(store_path), ignored);
}

}  // namespace internal

std::optional<StoreHolder> ReadStoreHolder(std::string_view path) {
  std::optional<StoreHolder> holder = internal::ReadHolderFile(path);
  if (!holder || !internal::ProcessRuns(holder->pid)) return std::nullopt;
  return holder;
}

}  // namespace zf
