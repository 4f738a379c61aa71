#include "store/checkpointer.h"

#include "util/rfc3339.h"
#include "zf/checkpoint.h"

namespace zf::internal {

void AutoCheckpointer::AfterCommit(EventStore* store) {
  if (signer_ == nullptr || every_ == 0) return;
  std::lock_guard lock(mu_);
  if (!started_) {
    // The interval counts from the last checkpoint the store kept, also
    // one written before it was last opened.
    if (!store->ScanCheckpoints([&](std::uint64_t position, std::string_view) {
                 last_ = position;
                 return true;
               })
             .ok()) {
      return;
    }
    started_ = true;
  }
  const LedgerHead head = store->Ledger();
  if (head.position < last_ + every_) return;
  auto written = WriteCheckpointAtHead(*store, *signer_, *clock_);
  if (written.ok()) last_ = written->position;
}

}  // namespace zf::internal
