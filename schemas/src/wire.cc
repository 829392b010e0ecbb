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
    return make_error(Status::too_large, "message de " + std::to_string(size) +
                                             " octets : au-delà de la limite de " +
                                             std::to_string(max_bytes) + " octets");
  }
  if (size == 0) return make_error(Status::malformed, "requête vide : la trame ne contient rien");
  if (size < 8) {
    return make_error(Status::malformed, "message de " + std::to_string(size) +
                                             " octets : trop court pour être un message dispo");
  }
  Decoded decoded;
  data = aligned({static_cast<const char*>(data), size}, decoded.copy_).data();
  if (!MessageBufferHasIdentifier(data)) {
    return make_error(Status::malformed, "pas un message dispo (l'identifiant de fichier n'est pas « " +
                                             std::string(MessageIdentifier()) + " »)");
  }
  flatbuffers::Verifier verifier(static_cast<const std::uint8_t*>(data), size, kMaxDepth,
                                 kMaxTables);
  if (!VerifyMessageBuffer(verifier)) {
    return make_error(Status::malformed, "message illisible : la vérification FlatBuffers a échoué "
                                         "(corrompu, ou pas le schéma dispo.fbs)");
  }
  decoded.message_ = GetMessage(data);
  if (decoded.message_->body_type() == Body::NONE) {
    return make_error(Status::malformed, "message vide : sans corps (Request attendue)");
  }
  return decoded;
}

std::int64_t now_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

}  // namespace dispo::wire
