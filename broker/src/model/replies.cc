#include "replies.h"

#include <atomic>
#include <mutex>
#include <string>

#include "dispo/schemas/printable.h"

namespace dispo::broker {
namespace {

std::atomic<std::uint64_t> stamp_served_by{0};
std::atomic<std::uint64_t> stamp_lag_ms{0};
std::mutex leader_api_mutex;
std::string stamp_leader_api_value;  // guarded by leader_api_mutex

}  // namespace

void stamp_replies(std::uint64_t served_by, std::uint64_t lag_ms) {
  stamp_served_by.store(served_by, std::memory_order_relaxed);
  stamp_lag_ms.store(lag_ms, std::memory_order_relaxed);
}

void stamp_leader_api(std::string endpoint) {
  std::lock_guard lock(leader_api_mutex);
  stamp_leader_api_value = std::move(endpoint);
}

std::string encode_reply(std::uint64_t request_id, wire::Status status, std::string_view message,
                         std::uint64_t sequence, const ReplyBodyWriter& body) {
  flatbuffers::FlatBufferBuilder builder(body ? 4096 : 128);
  auto [type, offset] = body ? body(builder)
                             : std::pair<wire::ReplyBody, flatbuffers::Offset<void>>{wire::ReplyBody::NONE, 0};
  auto text = message.empty() ? flatbuffers::Offset<flatbuffers::String>() : builder.CreateString(wire::printable(message));
  flatbuffers::Offset<flatbuffers::String> leader;
  if (status == wire::Status::not_leader) {
    std::lock_guard lock(leader_api_mutex);
    if (!stamp_leader_api_value.empty()) leader = builder.CreateString(stamp_leader_api_value);
  }
  auto reply = wire::CreateReply(builder, request_id, status, text, sequence, type, offset,
                                 stamp_served_by.load(std::memory_order_relaxed),
                                 stamp_lag_ms.load(std::memory_order_relaxed), leader);
  wire::finish(builder, reply);
  return std::string(reinterpret_cast<const char*>(builder.GetBufferPointer()), builder.GetSize());
}

}  // namespace dispo::broker
