#include "dispo/publishers/publisher.h"

namespace dispo::publishers {
namespace {

wire::RequestBodyUnion confirmation_body(const std::string& facility_id, const std::string& unit_id) {
  wire::ConfirmationT confirmation;
  confirmation.facility_id = facility_id;
  confirmation.unit_id = unit_id;
  wire::RequestBodyUnion body;
  body.Set(std::move(confirmation));
  return body;
}

}  // namespace

Publisher::Publisher(zmq::context_t& context, client::SessionOptions options)
    : session_(context, std::move(options)) {}

Result<std::uint64_t> Publisher::call(wire::RequestBodyUnion body) {
  auto reply = session_.call(std::move(body));
  if (!reply) return reply.error();
  return (*reply)->sequence();
}

Result<std::uint64_t> Publisher::register_facilities(wire::RegistrationT registration) {
  wire::RequestBodyUnion body;
  body.Set(std::move(registration));
  return call(std::move(body));
}

Result<std::uint64_t> Publisher::update(wire::AvailabilityUpdateT update) {
  wire::RequestBodyUnion body;
  body.Set(std::move(update));
  return call(std::move(body));
}

Result<std::uint64_t> Publisher::confirm(const std::string& facility_id, const std::string& unit_id) {
  return call(confirmation_body(facility_id, unit_id));
}

std::vector<wire::RegistrationT> split_registration(const wire::RegistrationT& registration,
                                                   std::size_t max_units) {
  std::vector<wire::RegistrationT> parts(1);
  std::size_t units = 0;
  for (const auto& facility : registration.facilities) {
    if (units > 0 && units + facility->units.size() > max_units) {
      parts.emplace_back();
      units = 0;
    }
    parts.back().facilities.push_back(std::make_unique<wire::FacilityT>(*facility));
    units += facility->units.size();
  }
  return parts;
}

}  // namespace dispo::publishers
