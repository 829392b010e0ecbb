// Writes a seed corpus for dispatcher_fuzz: one valid frame of each request type, and the hostile
// text of issue #11 (hostile-*: the same frames are kept in tests/fuzz/regressions/).
#include <fstream>
#include <string>

#include "dispo/schemas/wire.h"
#include "hostile_text.h"

namespace {

void write(const std::string& directory, const std::string& name, const dispo::wire::RequestBodyUnion& body) {
  flatbuffers::FlatBufferBuilder builder;
  auto request = dispo::wire::CreateRequest(builder, 7, builder.CreateString("seed"), body.type, body.Pack(builder));
  dispo::wire::finish(builder, request);
  std::ofstream(directory + "/" + name, std::ios::binary)
      .write(reinterpret_cast<const char*>(builder.GetBufferPointer()), builder.GetSize());
}

}  // namespace

int main(int argc, char** argv) {
  using namespace dispo::wire;
  if (argc != 2) return 2;
  const std::string directory = argv[1];
  FacilityT facility;
  facility.id = "590000001";
  facility.name = "MECS";
  facility.departement = "59";
  facility.commune_insee = "59350";
  facility.lat = 50.6;
  facility.lon = 3.0;
  facility.phone = "03 20 00 00 00";
  for (const char* id : {"u1", "u2"}) {
    auto unit = std::make_unique<UnitT>();
    unit->id = id;
    unit->age_max = 18;
    unit->installed = 10;
    unit->max_siblings = 3;
    unit->specialties = {Specialty::handicap};
    facility.units.push_back(std::move(unit));
  }
  RegistrationT registration;
  registration.facilities.push_back(std::make_unique<FacilityT>(facility));
  RequestBodyUnion body;
  body.Set(std::move(registration));
  write(directory, "registration", body);

  AvailabilityUpdateT update;
  update.facility_id = "590000001";
  update.unit_id = "u1";
  update.available = 3;
  update.occupied = 5;
  body.Set(std::move(update));
  write(directory, "update", body);

  ConfirmationT confirmation;
  confirmation.facility_id = "590000001";
  body.Set(std::move(confirmation));
  write(directory, "confirmation", body);

  SearchQueryT query;
  for (int age : {4, 7, 10}) {
    auto child = std::make_unique<ChildT>();
    child->age = static_cast<std::uint8_t>(age);
    query.children.push_back(std::move(child));
  }
  query.near_lat = 50.6;
  query.near_lon = 3.0;
  query.max_km = 40;
  query.needs = {Specialty::handicap};
  body.Set(std::move(query));
  write(directory, "search", body);

  body.Set(SnapshotRequestT{});
  write(directory, "snapshot", body);

  FacilityRequestT facility_request;
  facility_request.facility_id = "590000001";
  body.Set(std::move(facility_request));
  write(directory, "facility", body);

  PrincipalGrantT grant;
  grant.principal = std::make_unique<PrincipalT>();
  grant.principal->name = "astreinte-59";
  grant.principal->public_key = "rq:rM>}U?@Lns47E1%kR.o@n%FcmmsL/@{H8]yf7";
  grant.principal->role = Role::on_call;
  grant.principal->departements = {"59"};
  body.Set(std::move(grant));
  write(directory, "principal-grant", body);

  PrincipalRevokeT revoke;
  revoke.name = "astreinte-59";
  body.Set(std::move(revoke));
  write(directory, "principal-revoke", body);

  body.Set(PrincipalListRequestT{});
  write(directory, "principal-list", body);

  PlacementRequestOpenT open;
  open.request = std::make_unique<PlacementRequestT>();
  open.request->child_ref = "E59-0042";
  open.request->origin = Origin::hospital;
  open.request->legal_basis = LegalBasis::judgment_375;
  open.request->criteria = std::make_unique<SearchQueryT>();
  open.request->criteria->departement = "59";
  for (int age : {4, 9}) {
    auto child = std::make_unique<ChildT>();
    child->age = static_cast<std::uint8_t>(age);
    child->needs = {Specialty::soins_psy};
    open.request->criteria->children.push_back(std::move(child));
  }
  body.Set(std::move(open));
  write(directory, "request-open", body);

  HoldPlaceT hold;
  hold.facility_id = "590000001";
  hold.unit_id = "u1";
  hold.request_id = "R-2";
  hold.duration_s = 600;
  body.Set(std::move(hold));
  write(directory, "hold-place", body);

  HoldEndT end;
  end.hold_id = "H-3";
  end.outcome = HoldState::declined;
  end.reason = RefusalReason::siblings;
  body.Set(std::move(end));
  write(directory, "hold-end", body);

  PlacementRequestCancelT cancel;
  cancel.id = "R-2";
  body.Set(std::move(cancel));
  write(directory, "request-cancel", body);

  PlacementRequestQueryT list;
  list.departement = "59";
  body.Set(std::move(list));
  write(directory, "request-list", body);

  SubscribeT subscribe;
  subscribe.subscription = std::make_unique<SubscriptionT>();
  subscribe.subscription->kind = SubscriptionKind::territory;
  subscribe.subscription->departement = "59";
  subscribe.subscription->threshold = 3;
  body.Set(std::move(subscribe));
  write(directory, "subscribe", body);

  AlertFetchT fetch;
  fetch.after = 0;
  body.Set(std::move(fetch));
  write(directory, "alert-fetch", body);

  AlertAckT ack;
  ack.upto = 1;
  body.Set(std::move(ack));
  write(directory, "alert-ack", body);

  CapacityRequestT capacity;
  capacity.departement = "59";
  capacity.at = 1'790'000'000'000;
  body.Set(std::move(capacity));
  write(directory, "capacity-at", body);

  ExportRequestT series;
  series.from = "2026-09-01";
  series.to = "2026-09-30";
  body.Set(std::move(series));
  write(directory, "export", body);

  RecordRequestT record;
  record.request_id = "R-2";
  record.sequence = 3;
  body.Set(std::move(record));
  write(directory, "record", body);

  for (const auto& hostile : dispo::testing::hostile_facilities()) {
    write(directory, "hostile-" + hostile.name, dispo::testing::registration_body(hostile.facility));
  }
  write(directory, "hostile-search-point-nan", dispo::testing::nan_search_body());
  return 0;
}
