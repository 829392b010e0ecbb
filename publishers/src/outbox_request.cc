#include "dispo/publishers/outbox_request.h"

#include <memory>

namespace dispo::publishers {

std::string encode_request(std::uint64_t request_id, const std::string& client_id, wire::RequestBodyUnion body) {
  wire::RequestT request;
  request.request_id = request_id;
  request.client_id = client_id;
  request.body = std::move(body);
  return wire::pack(request);
}

std::string describe_counts(const wire::AvailabilityUpdateT& update) {
  struct Count {
    const flatbuffers::Optional<std::uint16_t>& value;
    const char* label;
  };
  const Count counts[] = {{update.available, "disponible"},          {update.occupied, "occupée"},
                          {update.reserved, "réservée"},             {update.closed, "fermée"},
                          {update.free_24h, "libérable sous 24 h"}, {update.free_72h, "libérable sous 72 h"}};
  std::string text;
  for (const auto& count : counts) {
    if (!count.value.has_value()) continue;
    if (!text.empty()) text += ", ";
    std::string label = count.label;
    if (*count.value > 1 && label.find(' ') == std::string::npos) label += "s";
    text += std::to_string(*count.value) + " " + label;
  }
  return text;
}

std::string describe_request(std::string_view bytes) {
  auto message = wire::decode(bytes.data(), bytes.size());
  const auto* request = message ? (*message)->body_as_Request() : nullptr;
  if (request == nullptr) return "requête illisible";
  if (const auto* update = request->body_as_AvailabilityUpdate()) {
    std::unique_ptr<wire::AvailabilityUpdateT> native(update->UnPack());
    return native->facility_id + ", unité " + native->unit_id + " : " + describe_counts(*native);
  }
  if (const auto* confirmation = request->body_as_Confirmation()) {
    const std::string unit = confirmation->unit_id() && confirmation->unit_id()->size() > 0
                                 ? "unité " + confirmation->unit_id()->str()
                                 : std::string("toutes les unités");
    return confirmation->facility_id()->str() + ", " + unit + " : toujours à jour";
  }
  if (const auto* registration = request->body_as_Registration()) {
    const auto count = registration->facilities() ? registration->facilities()->size() : 0;
    return "enregistrement de " + std::to_string(count) + (count > 1 ? " établissements" : " établissement");
  }
  return "requête " + std::string(wire::EnumNameRequestBody(request->body_type()));
}

}  // namespace dispo::publishers
