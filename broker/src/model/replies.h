// Encoding of Reply messages. Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "dispo/schemas/wire.h"

namespace dispo::broker {

// Builds the body of a reply into the builder and says which union member it is.
using ReplyBodyWriter =
    std::function<std::pair<wire::ReplyBody, flatbuffers::Offset<void>>(flatbuffers::FlatBufferBuilder&)>;

// `message` goes out through wire::printable(): whatever it cites, no control character or invalid
// UTF-8 reaches the client's screen.
std::string encode_reply(std::uint64_t request_id, wire::Status status, std::string_view message,
                         std::uint64_t sequence, const ReplyBodyWriter& body = {});

inline std::string encode_error(std::uint64_t request_id, const Error& error, std::uint64_t sequence) {
  return encode_reply(request_id, error.status, error.message, sequence);
}

}  // namespace dispo::broker
