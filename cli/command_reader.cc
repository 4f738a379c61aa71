#include "command_reader.h"

#include <poll.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

#include "cli.h"
#include "zf/event_json.h"

namespace zfcli {
namespace {

constexpr std::size_t kReadBytes = 1 << 20;
// How long a wait for a pipe lasts before the reader looks whether it
// should stop (the import ended early): the bound on how long destroying a
// reader blocked on an idle pipe takes.
constexpr int kPollMillis = 100;

bool Blank(const std::string& line) {
  return line.find_first_not_of(" \t\r") == std::string::npos;
}

}  // namespace

CommandReader::CommandReader(int fd, std::size_t read_ahead)
    : fd_(fd), max_chunks_(read_ahead == 0 ? 0 : (read_ahead + kChunkLines - 1) / kChunkLines) {
  if (max_chunks_ > 0) {
    thread_ = std::jthread([this](std::stop_token stop) { Run(std::move(stop)); });
  }
}

CommandReader::~CommandReader() {
  if (!thread_.joinable()) return;
  thread_.request_stop();
  {
    // Under the lock: the reader cannot be between testing for stop and
    // waiting, so the notification is not lost.
    std::lock_guard lock(mu_);
  }
  space_cv_.notify_all();
  thread_.join();
}

bool CommandReader::LineBuffered() const {
  return std::memchr(buffer_.data() + buffer_begin_, '\n', buffer_.size() - buffer_begin_) !=
         nullptr;
}

bool CommandReader::ReadLine(std::string* line, const std::stop_token& stop) {
  for (;;) {
    const char* begin = buffer_.data() + buffer_begin_;
    const std::size_t available = buffer_.size() - buffer_begin_;
    if (const void* nl = std::memchr(begin, '\n', available)) {
      const std::size_t length = static_cast<const char*>(nl) - begin;
      line->assign(begin, length);
      buffer_begin_ += length + 1;
      ++lines_read_;
      return true;
    }
    if (eof_) {
      // A last line without its newline is a line, as for std::getline;
      // not so when a read failed: the line was cut short by the error.
      if (available == 0 || error_ != 0) return false;
      line->assign(begin, available);
      buffer_begin_ = buffer_.size();
      ++lines_read_;
      return true;
    }
    buffer_.erase(0, buffer_begin_);
    buffer_begin_ = 0;
    // A pipe may stay silent: wait in slices, so a stop is seen.
    pollfd p{fd_, POLLIN, 0};
    while (!stop.stop_requested()) {
      const int r = poll(&p, 1, kPollMillis);
      if (r != 0 && !(r < 0 && errno == EINTR)) break;
    }
    if (stop.stop_requested()) return false;
    const std::size_t old_size = buffer_.size();
    buffer_.resize(old_size + kReadBytes);
    ssize_t n;
    do {
      n = read(fd_, buffer_.data() + old_size, kReadBytes);
    } while (n < 0 && errno == EINTR);
    buffer_.resize(old_size + (n > 0 ? static_cast<std::size_t>(n) : 0));
    // A read error ends the input, but it is no end of file: remember it.
    if (n < 0) error_ = errno;
    if (n <= 0) eof_ = true;
  }
}

std::optional<CommandReader::Line> CommandReader::PrepareNext(const std::stop_token& stop) {
  while (ReadLine(&line_, stop)) {
    // A byte-order mark opening the file (Windows editors write one) is
    // not part of the first command (RFC 8259 §8.1 lets a parser ignore it).
    if (lines_read_ == 1 && line_.starts_with(kUtf8Bom)) line_.erase(0, kUtf8Bom.size());
    if (Blank(line_)) continue;
    auto json = zf::ParseJson(line_);
    return Line{lines_read_, json.ok() ? zf::CommandFromJson(std::move(*json))
                                       : zf::Result<zf::Command>(json.status())};
  }
  return std::nullopt;
}

void CommandReader::Publish(std::vector<Line>* chunk, bool done, const std::stop_token& stop) {
  std::unique_lock lock(mu_);
  space_cv_.wait(lock, [&] { return stop.stop_requested() || ready_.size() < max_chunks_; });
  if (!chunk->empty()) ready_.push_back(std::move(*chunk));
  chunk->clear();
  if (done) {
    done_ = true;
    lines_at_end_ = lines_read_;
    error_at_end_ = error_;
  }
  lock.unlock();
  ready_cv_.notify_one();
}

void CommandReader::Run(std::stop_token stop) {
  std::vector<Line> chunk;
  while (!stop.stop_requested()) {
    // Whatever is prepared goes to the consumer before a wait for input,
    // so lines typed into a pipe are not held back.
    if (!chunk.empty() && !eof_ && !LineBuffered()) Publish(&chunk, false, stop);
    std::optional<Line> line = PrepareNext(stop);
    if (!line) break;
    chunk.push_back(std::move(*line));
    if (chunk.size() == kChunkLines) Publish(&chunk, false, stop);
  }
  Publish(&chunk, true, stop);
}

std::optional<CommandReader::Line> CommandReader::Next() {
  if (max_chunks_ == 0) {
    std::optional<Line> line = PrepareNext(std::stop_token());
    lines_taken_ = lines_read_;
    if (!line) error_taken_ = error_;
    return line;
  }
  if (taken_next_ == taken_.size()) {
    if (end_seen_) return std::nullopt;
    taken_.clear();
    taken_next_ = 0;
    std::unique_lock lock(mu_);
    ready_cv_.wait(lock, [&] { return !ready_.empty() || done_; });
    if (ready_.empty()) {
      end_seen_ = true;
      lines_taken_ = lines_at_end_;
      error_taken_ = error_at_end_;
      return std::nullopt;
    }
    taken_ = std::move(ready_.front());
    ready_.pop_front();
    lock.unlock();
    space_cv_.notify_one();
  }
  Line& line = taken_[taken_next_++];
  lines_taken_ = line.number;
  return std::move(line);
}

}  // namespace zfcli
