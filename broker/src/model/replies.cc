#include "replies.h"

#include <atomic>

#include "dispo/schemas/printable.h"

namespace dispo::broker {
namespace {

std::atomic<std::uint64_t> stamp_served_by{0};
std::atomic<std::uint64_t> stamp_lag_ms{0};

}  // namespace

void stamp_replies(std::uint64_t served_by, std::uint64_t lag_ms) {
  stamp_served_by.store(served_by, std::memory_order_relaxed);
  stamp_lag_ms.store(lag_ms, std::memory_order_relaxed);
}

std::string encode_reply(std::uint64_t request_id, wire::Status status, std::string_view message,
                         std::uint64_t sequence, const ReplyBodyWriter& body) {
  flatbuffers::FlatBufferBuilder builder(body ? 4096 : 128);
  auto [type, offset] = body ? body(builder)
                             : std::pair<wire::ReplyBody, flatbuffers::Offset<void>>{wire::ReplyBody::NONE, 0};
  auto text = message.empty() ? flatbuffers::Offset<flatbuffers::String>() : builder.CreateString(wire::printable(message));
  auto reply = wire::CreateReply(builder, request_id, status, text, sequence, type, offset,
                                 stamp_served_by.load(std::memory_order_relaxed),
                                 stamp_lag_ms.load(std::memory_order_relaxed));
  wire::finish(builder, reply);
  return std::string(reinterpret_cast<const char*>(builder.GetBufferPointer()), builder.GetSize());
}

}  // namespace dispo::broker
