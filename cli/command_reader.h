// Reads a JSONL file of commands ahead of the engine, on a thread of its own.
//
// Reading a line, parsing it and checking the command against its schema
// (zf::CommandFromJson) is about a sixth of an import's time, and it needs
// nothing from the engine. So while the engine judges and writes one batch,
// this reader prepares the lines after it, on the machine's other core. The
// lines come out in file order, each with its number and its parsed command
// or the error that made it invalid — exactly what reading the file line by
// line gives — so what the import reports does not depend on how far ahead
// the reader is.
//
// Blank lines (nothing but spaces, tabs and CRs) are skipped but counted.
// A read error ends the input too, but it is not the end of the file:
// error() says so afterwards, and the caller must not take the input for
// complete (issue 14: an import of a directory, or one whose disk failed
// mid-file, ended as a success).
//
// Thread safety: one consumer; Next() and lines() from that thread only.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <mutex>
#include <optional>
#include <stop_token>
#include <string>
#include <thread>
#include <vector>

#include "zf/command.h"
#include "zf/result.h"

namespace zfcli {

class CommandReader {
 public:
  struct Line {
    std::size_t number;               // 1-based, counting blank lines
    zf::Result<zf::Command> command;  // or why the line is invalid
  };

  // Reads `fd` (not closed here; it must stay open until the reader is
  // destroyed). `read_ahead` bounds the lines prepared and not yet taken:
  // 0 prepares each line only when Next() asks for it, on the caller's
  // thread, as a plain loop over the file would.
  CommandReader(int fd, std::size_t read_ahead);
  ~CommandReader();  // stops the reading thread, even if blocked on a pipe

  CommandReader(const CommandReader&) = delete;
  CommandReader& operator=(const CommandReader&) = delete;

  // The next non-blank line, or nullopt at the end of the input.
  std::optional<Line> Next();

  // The number of lines read so far (all of them, once Next() returned
  // nullopt; blank ones included).
  std::size_t lines() const { return lines_taken_; }

  // Once Next() returned nullopt: the errno of the read that failed and
  // ended the input, or 0 when it ended at the end of the file. The lines
  // before it were returned; the failed read's line (and any after) were not.
  int error() const { return error_taken_; }

 private:
  // Lines travel between the threads in chunks of this many, so the
  // hand-over costs a lock per chunk, not per line.
  static constexpr std::size_t kChunkLines = 64;

  // Splits the input into lines; false at the end of the input (or when
  // `stop` is requested while waiting for a pipe). `line` gets the text
  // without its '\n'.
  bool ReadLine(std::string* line, const std::stop_token& stop);
  // Whether a whole line is buffered, so ReadLine will not wait for input.
  bool LineBuffered() const;
  // The next non-blank line prepared, or nullopt at the end.
  std::optional<Line> PrepareNext(const std::stop_token& stop);
  void Run(std::stop_token stop);
  void Publish(std::vector<Line>* chunk, bool done, const std::stop_token& stop);

  const int fd_;
  const std::size_t max_chunks_;  // 0: no reading thread

  // The splitter's state, used by one thread only (the reading thread, or
  // the caller's when there is none).
  std::string buffer_;
  std::size_t buffer_begin_ = 0;
  bool eof_ = false;
  int error_ = 0;  // errno of a failed read(2), which also sets eof_
  std::size_t lines_read_ = 0;
  std::string line_;

  // The consumer's state.
  std::vector<Line> taken_;
  std::size_t taken_next_ = 0;
  bool end_seen_ = false;
  std::size_t lines_taken_ = 0;
  int error_taken_ = 0;

  std::mutex mu_;
  std::condition_variable ready_cv_;  // a chunk was published, or the end
  std::condition_variable space_cv_;  // a chunk was taken, or stop
  std::deque<std::vector<Line>> ready_;  // GUARDED_BY(mu_)
  bool done_ = false;                    // GUARDED_BY(mu_): no chunk will follow
  std::size_t lines_at_end_ = 0;         // GUARDED_BY(mu_): lines_read_ once done_
  int error_at_end_ = 0;                 // GUARDED_BY(mu_): error_ once done_
  std::jthread thread_;  // last: started once everything above exists
};

}  // namespace zfcli
