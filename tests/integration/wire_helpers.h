// Small builders of wire requests shared by the integration tests.
#pragma once

#include <string>

#include "dispo/schemas/wire.h"

namespace dispo::testing {

// A facility with `units` units "u1".."uN", each for ages 0–21, mixed, `installed` places.
inline wire::FacilityT make_facility(const std::string& id, int units, int installed,
                                     double lat = 50.63, double lon = 3.06) {
  wire::FacilityT facility;
  facility.id = id;
  facility.name = "Établissement " + id;
  facility.kind = wire::FacilityKind::mecs;
  facility.departement = "59";
  facility.commune_insee = "59350";
  facility.lat = lat;
  facility.lon = lon;
  facility.phone = "03 20 00 00 00";
  facility.authorisation = wire::Authorisation::autorise;
  for (int i = 1; i <= units; ++i) {
    auto unit = std::make_unique<wire::UnitT>();
    unit->id = "u" + std::to_string(i);
    unit->age_min = 0;
    unit->age_max = 21;
    unit->installed = static_cast<std::uint16_t>(installed);
    unit->max_siblings = 4;
    facility.units.push_back(std::move(unit));
  }
  return facility;
}

inline wire::RequestBodyUnion registration_of(wire::FacilityT facility) {
  wire::RegistrationT registration;
  registration.facilities.push_back(std::make_unique<wire::FacilityT>(std::move(facility)));
  wire::RequestBodyUnion body;
  body.Set(std::move(registration));
  return body;
}

inline wire::RequestBodyUnion update_of(const std::string& facility, const std::string& unit,
                                        int available, int occupied = -1) {
  wire::AvailabilityUpdateT update;
  update.facility_id = facility;
  update.unit_id = unit;
  update.available = static_cast<std::uint16_t>(available);
  if (occupied >= 0) update.occupied = static_cast<std::uint16_t>(occupied);
  wire::RequestBodyUnion body;
  body.Set(std::move(update));
  return body;
}

inline wire::RequestBodyUnion snapshot_request() {
  wire::RequestBodyUnion body;
  body.Set(wire::SnapshotRequestT{});
  return body;
}

// A placement request in département 59 for children of `ages`.
inline wire::RequestBodyUnion open_of(const std::string& child_ref, std::vector<int> ages,
                               wire::Origin origin = wire::Origin::on_call) {
  wire::PlacementRequestT request;
  request.child_ref = child_ref;
  request.origin = origin;
  request.legal_basis = wire::LegalBasis::opp;
  request.criteria = std::make_unique<wire::SearchQueryT>();
  request.criteria->departement = "59";
  for (int age : ages) {
    auto child = std::make_unique<wire::ChildT>();
    child->age = static_cast<std::uint8_t>(age);
    request.criteria->children.push_back(std::move(child));
  }
  wire::PlacementRequestOpenT open;
  open.request = std::make_unique<wire::PlacementRequestT>(std::move(request));
  wire::RequestBodyUnion body;
  body.Set(std::move(open));
  return body;
}

inline wire::RequestBodyUnion hold_of(const std::string& facility, const std::string& unit, const std::string& request,
                               std::uint32_t seconds = 7200) {
  wire::HoldPlaceT place;
  place.facility_id = facility;
  place.unit_id = unit;
  place.request_id = request;
  place.duration_s = seconds;
  wire::RequestBodyUnion body;
  body.Set(std::move(place));
  return body;
}

inline wire::RequestBodyUnion end_of(const std::string& hold, wire::HoldState outcome,
                              wire::RefusalReason reason = wire::RefusalReason::other) {
  wire::HoldEndT end;
  end.hold_id = hold;
  end.outcome = outcome;
  end.reason = reason;
  wire::RequestBodyUnion body;
  body.Set(std::move(end));
  return body;
}

}  // namespace dispo::testing
