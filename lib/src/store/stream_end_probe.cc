#include "store/stream_end_probe.h"

namespace zf::internal {
namespace {

class HeadReader final : public StreamEndReader {
 public:
  explicit HeadReader(const EventStore& store) : store_(store) {}

  Result<std::optional<StreamEnd>> Find(std::string_view stream) override {
    Result<StreamHead> head = store_.Head(stream);
    if (!head.ok()) {
      if (head.status().code() == StatusCode::kNotFound) return std::optional<StreamEnd>();
      return head.status();
    }
    return std::optional(StreamEnd{head->version, head->position});
  }

 private:
  const EventStore& store_;
};

}  // namespace

std::unique_ptr<StreamEndReader> NewStreamEndReader(const EventStore& store) {
  if (const auto* probe = dynamic_cast<const StreamEndProbe*>(&store)) {
    return probe->NewStreamEndReader();
  }
  return NewHeadEndReader(store);
}

std::unique_ptr<StreamEndReader> NewHeadEndReader(const EventStore& store) {
  return std::make_unique<HeadReader>(store);
}

}  // namespace zf::internal
