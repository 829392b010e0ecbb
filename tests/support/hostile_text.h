// The hostile registrations of issue #11, shared by the validator's tests, the dispatcher's, the
// integration test and the fuzz seed corpus: each one field an independent client once got
// accepted (invalid UTF-8, 10,000 characters, terminal escape sequences, a 10,000-character
// département, 65,535 installed places, a NaN point). Header-only: the corpus tool links only
// dispo::schemas.
#pragma once

#include <cmath>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include "dispo/schemas/wire.h"

namespace dispo::testing {

// A facility every rule accepts: id `id`, département 59, one unit "u1" of 10 places.
inline wire::FacilityT plain_facility(const std::string& id = "590000001") {
  wire::FacilityT facility;
  facility.id = id;
  facility.name = "MECS Les Tilleuls";
  facility.kind = wire::FacilityKind::mecs;
  facility.departement = "59";
  facility.commune_insee = "59350";
  facility.lat = 50.63;
  facility.lon = 3.06;
  facility.phone = "03 20 00 00 00";
  facility.authorisation = wire::Authorisation::autorise;
  auto unit = std::make_unique<wire::UnitT>();
  unit->id = "u1";
  unit->age_min = 0;
  unit->age_max = 18;
  unit->installed = 10;
  unit->max_siblings = 3;
  facility.units.push_back(std::move(unit));
  return facility;
}

struct HostileFacility {
  std::string name;   // also the fuzz seed's file name
  std::string field;  // the field the refusal must name
  wire::FacilityT facility;
};

inline std::vector<HostileFacility> hostile_facilities() {
  std::vector<HostileFacility> cases;
  const auto add = [&](std::string name, std::string field, auto change) {
    wire::FacilityT facility = plain_facility();
    change(facility);
    cases.push_back({std::move(name), std::move(field), std::move(facility)});
  };
  add("name-invalid-utf8", "name", [](auto& f) { f.name = "MECS \xff\xfe Lille"; });
  add("unit-id-invalid-utf8", "id", [](auto& f) { f.units[0]->id = "u\xc3"; });
  add("facility-id-invalid-utf8", "id", [](auto& f) { f.id = "59000\xff\xff\xff\xff"; });
  add("name-10000-characters", "name", [](auto& f) { f.name = std::string(10'000, 'A'); });
  add("name-escape-sequence", "name", [](auto& f) { f.name = "\x1b[2J\x1b[31mMECS"; });
  add("phone-escape-sequence", "phone", [](auto& f) { f.phone = "03 20 00 00 00\x1b]0;pwned\x07"; });
  add("departement-10000-characters", "departement", [](auto& f) { f.departement = std::string(10'000, '9'); });
  add("installed-65535", "installed", [](auto& f) { f.units[0]->installed = 65'535; });
  add("point-nan", "lat, lon", [](auto& f) { f.lat = std::numeric_limits<double>::quiet_NaN(); });
  add("point-infinite", "lat, lon", [](auto& f) { f.lon = std::numeric_limits<double>::infinity(); });
  return cases;
}

inline wire::RequestBodyUnion registration_body(const wire::FacilityT& facility) {
  wire::RegistrationT registration;
  registration.facilities.push_back(std::make_unique<wire::FacilityT>(facility));
  wire::RequestBodyUnion body;
  body.Set(std::move(registration));
  return body;
}

// A search near a NaN point.
inline wire::RequestBodyUnion nan_search_body() {
  wire::SearchQueryT query;
  query.near_lat = std::numeric_limits<double>::quiet_NaN();
  query.near_lon = std::numeric_limits<double>::quiet_NaN();
  wire::RequestBodyUnion body;
  body.Set(std::move(query));
  return body;
}

}  // namespace dispo::testing
