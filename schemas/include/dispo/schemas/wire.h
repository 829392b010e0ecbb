// Front door of dispo::schemas: the generated wire contract plus framing and verification.
//
// Every inbound buffer goes through decode() before any field is read: it checks the size
// limit, the file identifier and runs flatbuffers::Verifier with depth and table limits.
// All functions here are pure and thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
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

// FlatBuffers reads scalars where they lie, so a buffer must be aligned to the schema's widest
// scalar (8 bytes); ZeroMQ frames and RocksDB values can lie at any address.
inline constexpr std::size_t kBufferAlignment = 8;

// A verified Message. It aliases the bytes given to decode() when they are aligned (the caller
// keeps them alive), and otherwise owns an aligned copy. Move-only; moves keep it valid.
class Decoded {
 public:
  const Message* operator->() const { return message_; }
  operator const Message*() const { return message_; }  // NOLINT: reads like the pointer it wraps

 private:
  friend Result<Decoded> decode(const void* data, std::size_t size, std::size_t max_bytes);
  std::unique_ptr<std::uint64_t[]> copy_;  // heap: its address survives moves
  const Message* message_ = nullptr;
};

// Verifies `size` bytes at `data` as a dispo Message no larger than `max_bytes`.
// Errors: too_large, malformed (with a message saying what is wrong).
Result<Decoded> decode(const void* data, std::size_t size, std::size_t max_bytes = kDefaultMaxMessageBytes);

// `bytes` itself when aligned for FlatBuffers, else a copy made in `storage` (which must outlive
// the use): for standalone tables read from RocksDB.
std::string_view aligned(std::string_view bytes, std::unique_ptr<std::uint64_t[]>& storage);

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
