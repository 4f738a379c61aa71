// zf/limits.h — the event store's limits, for callers that check input
// before it reaches the store (a server's configuration, a form).
//
// Every append is checked against these by the store itself (the envelope
// check, docs/event-format.md); checking earlier only moves the refusal to
// where the bad value came from.
//
// Example:
//   if (zf::Status s = zf::CheckActorField(actor.id); !s.ok()) {
//     // refuse the configuration: s.message() states the rule
//   }
#pragma once

#include <cstddef>
#include <string_view>

#include "zf/export.h"
#include "zf/status.h"

namespace zf {

// The most bytes an actor's id, role or unit may have.
inline constexpr std::size_t kMaxActorFieldBytes = 128;

// The store's rule for an actor's id, role or unit: at most
// kMaxActorFieldBytes bytes and no control characters (U+0000..U+001F,
// U+007F). Returns OK, or kInvalidArgument stating the rule broken, without
// a subject (the caller names the field). Thread-safe.
ZF_EXPORT Status CheckActorField(std::string_view value);

}  // namespace zf
