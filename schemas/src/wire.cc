#include "dispo/schemas/wire.h"

#include <chrono>

namespace dispo::wire {

Result<const Message*> decode(const void* data, std::size_t size, std::size_t max_bytes) {
  if (size > max_bytes) {
    return make_error(Status::too_large, "message of " + std::to_string(size) +
                                             " bytes exceeds the limit of " +
                                             std::to_string(max_bytes) + " bytes");
  }
  if (size < 8) {
    return make_error(Status::malformed, "message of " + std::to_string(size) +
                                             " bytes is too short to be a dispo message");
  }
  if (!MessageBufferHasIdentifier(data)) {
    return make_error(Status::malformed, "not a dispo message (file identifier is not \"" +
                                             std::string(MessageIdentifier()) + "\")");
  }
  flatbuffers::Verifier verifier(static_cast<const std::uint8_t*>(data), size, kMaxDepth,
                                 kMaxTables);
  if (!VerifyMessageBuffer(verifier)) {
    return make_error(Status::malformed, "message failed verification (corrupt or wrong schema)");
  }
  const Message* message = GetMessage(data);
  if (message->body_type() == Body::NONE) {
    return make_error(Status::malformed, "message has no body");
  }
  return message;
}

std::int64_t now_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

}  // namespace dispo::wire
