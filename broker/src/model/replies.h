// Encoding of Reply messages. Thread-safe.
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

// A cluster member's stamp on every reply encoded from now on, on any thread (Reply.served_by,
// Reply.lag_ms): the member's id and how old its state may be. Never called by a single broker
// (0 and 0). The event loop sets it at every turn.
void stamp_replies(std::uint64_t served_by, std::uint64_t lag_ms);
// The leader's api endpoint as this member knows it (empty: unknown, or this member leads), put in
// every `not_leader` refusal encoded from now on (Reply.leader_api). The event loop sets it.
void stamp_leader_api(std::string endpoint);

inline std::string encode_error(std::uint64_t request_id, const Error& error, std::uint64_t sequence) {
  return encode_reply(request_id, error.status, error.message, sequence);
}

}  // namespace dispo::broker
