#include "dispo/schemas/wire.h"

#include <chrono>
#include <cstring>

namespace dispo::wire {

std::string_view aligned(std::string_view bytes, std::unique_ptr<std::uint64_t[]>& storage) {
  if (reinterpret_cast<std::uintptr_t>(bytes.data()) % kBufferAlignment == 0) return bytes;
  storage = std::make_unique<std::uint64_t[]>((bytes.size() + 7) / 8);
  std::memcpy(storage.get(), bytes.data(), bytes.size());
  return {reinterpret_cast<const char*>(storage.get()), bytes.size()};
}

Result<Decoded> decode(const void* data, std::size_t size, std::size_t max_bytes) {
  if (size > max_bytes) {
    return make_error(Status::too_large, "message of " + std::to_string(size) +
                                             " bytes exceeds the limit of " +
                                             std::to_string(max_bytes) + " bytes");
  }
  if (size < 8) {
    return make_error(Status::malformed, "message of " + std::to_string(size) +
                                             " bytes is too short to be a dispo message");
  }
  Decoded decoded;
  data = aligned({static_cast<const char*>(data), size}, decoded.copy_).data();
  if (!MessageBufferHasIdentifier(data)) {
    return make_error(Status::malformed, "not a dispo message (file identifier is not \"" +
                                             std::string(MessageIdentifier()) + "\")");
  }
  flatbuffers::Verifier verifier(static_cast<const std::uint8_t*>(data), size, kMaxDepth,
                                 kMaxTables);
  if (!VerifyMessageBuffer(verifier)) {
    return make_error(Status::malformed, "message failed verification (corrupt or wrong schema)");
  }
  decoded.message_ = GetMessage(data);
  if (decoded.message_->body_type() == Body::NONE) {
    return make_error(Status::malformed, "message has no body");
  }
  return decoded;
}

std::int64_t now_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

}  // namespace dispo::wire
