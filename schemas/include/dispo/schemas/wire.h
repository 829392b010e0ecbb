// Front door of dispo::schemas: the generated wire contract plus framing and verification.
//
// Every inbound buffer goes through decode() before any field is read: it checks the size
// limit, the file identifier and runs flatbuffers::Verifier with depth and table limits.
// All functions here are pure and thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include <flatbuffers/flatbuffers.h>

#include "dispo/schemas/dispo_generated.h"
#include "dispo/schemas/result.h"

namespace dispo::wire {

// Default largest message a broker accepts (a whole département's registration fits).
inline constexpr std::size_t kDefaultMaxMessageBytes = 4u << 20;

// Verifier limits: deep enough for the schema, shallow enough to stop hostile nesting.
inline constexpr unsigned kMaxDepth = 32;
inline constexpr unsigned kMaxTables = 2'000'000;

// Verifies `size` bytes at `data` as a dispo Message no larger than `max_bytes`.
// On success the returned pointer aliases `data` (the caller keeps the bytes alive).
// Errors: too_large, malformed (with a message saying what is wrong).
Result<const Message*> decode(const void* data, std::size_t size,
                              std::size_t max_bytes = kDefaultMaxMessageBytes);

// Finishes `builder` with a Message around `body` and the file identifier.
template <typename BodyT>
void finish(flatbuffers::FlatBufferBuilder& builder, flatbuffers::Offset<BodyT> body) {
  auto message = CreateMessage(builder, BodyTraits<BodyT>::enum_value, body.Union());
  builder.Finish(message, MessageIdentifier());
}

// Packs an object-API message (e.g. a RequestT) into a finished Message buffer.
template <typename BodyNativeT>
std::string pack(const BodyNativeT& body) {
  flatbuffers::FlatBufferBuilder builder(256);
  using Table = typename BodyNativeT::TableType;
  finish<Table>(builder, Table::Pack(builder, &body));
  return std::string(reinterpret_cast<const char*>(builder.GetBufferPointer()), builder.GetSize());
}

// Unix time in milliseconds (system clock).
std::int64_t now_ms();

}  // namespace dispo::wire
