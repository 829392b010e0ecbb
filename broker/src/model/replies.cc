#include "replies.h"

#include "dispo/schemas/printable.h"

namespace dispo::broker {

std::string encode_reply(std::uint64_t request_id, wire::Status status, std::string_view message,
                         std::uint64_t sequence, const ReplyBodyWriter& body) {
  flatbuffers::FlatBufferBuilder builder(body ? 4096 : 128);
  auto [type, offset] = body ? body(builder)
                             : std::pair<wire::ReplyBody, flatbuffers::Offset<void>>{wire::ReplyBody::NONE, 0};
  auto text = message.empty() ? flatbuffers::Offset<flatbuffers::String>() : builder.CreateString(wire::printable(message));
  auto reply = wire::CreateReply(builder, request_id, status, text, sequence, type, offset);
  wire::finish(builder, reply);
  return std::string(reinterpret_cast<const char*>(builder.GetBufferPointer()), builder.GetSize());
}

}  // namespace dispo::broker
