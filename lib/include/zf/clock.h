// zf/clock.h — the source of system time, injectable for tests.
//
// zf reads the system clock only to stamp recorded_at on appended events.
// Business time always comes from the command (occurred_at / "at").
//
// Thread safety: implementations must be safe for concurrent calls.
#pragma once

#include <cstdint>
#include <memory>

#include "zf/export.h"

namespace zf {

class ZF_EXPORT Clock {
 public:
  virtual ~Clock() = default;
  // Microseconds since the Unix epoch, UTC.
  virtual std::int64_t NowMicros() const = 0;
};

// The real wall clock (std::chrono::system_clock).
ZF_EXPORT std::shared_ptr<Clock> SystemClock();

}  // namespace zf
