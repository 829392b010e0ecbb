// Who may ask what (authorisation.cc), on a real index and workflow, without sockets: judges read
// the court-ordered requests of their territory and their written record; a facility reads the
// requests behind the holds on its units; and every refusal gives its real reason — never "not in
// its territory" to a principal whose territory is the one asked for.
#include "access/authorisation.h"
#include "server/request_table.h"

#include <functional>

#include <gtest/gtest.h>

namespace dispo::broker {
namespace {

wire::PrincipalT principal(const std::string& name, wire::Role role, std::vector<std::string> departements,
                           std::vector<std::string> facilities = {}) {
  wire::PrincipalT who;
  who.name = name;
  who.role = role;
  who.departements = std::move(departements);
  who.facilities = std::move(facilities);
  return who;
}

class AuthorisationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    add_facility("590000001", "59");
    add_facility("590000002", "59");
    add_facility("620000001", "62");
    add_request("R-1", "59", wire::Origin::court, wire::LegalBasis::judgment_375, "astreinte-59");
    add_request("R-2", "59", wire::Origin::on_call, wire::LegalBasis::administrative, "astreinte-59");
    add_request("R-3", "62", wire::Origin::court, wire::LegalBasis::opp, "astreinte-62");
    add_request("R-4", "59", wire::Origin::on_call, wire::LegalBasis::opp, "astreinte-59");  // OPP: court-ordered
    wire::HoldT hold;
    hold.id = "H-9";
    hold.facility_id = "590000001";
    hold.unit_id = "u1";
    hold.request_id = "R-2";
    hold.state = wire::HoldState::active;
    workflow_.holds["H-9"] = hold;
  }

  void add_facility(const std::string& id, const std::string& departement) {
    FacilityRecord record;
    record.facility.id = id;
    record.facility.departement = departement;
    record.units.push_back(UnitRecord{});
    record.units.back().unit.id = "u1";
    index_.put(std::move(record));
  }

  void add_request(const std::string& id, const std::string& departement, wire::Origin origin,
                   wire::LegalBasis basis, const std::string& by) {
    wire::PlacementRequestT request;
    request.id = id;
    request.child_ref = "E-" + id;
    request.origin = origin;
    request.legal_basis = basis;
    request.created_by = by;
    request.criteria = std::make_unique<wire::SearchQueryT>();
    request.criteria->departement = departement;
    workflow_.requests[id] = std::move(request);
  }

  // authorise() of `body` for `who`.
  Result<void> ask(const wire::PrincipalT& who, wire::RequestBodyUnion body) {
    wire::RequestT request;
    request.request_id = 1;
    request.client_id = "test";
    request.body = std::move(body);
    flatbuffers::FlatBufferBuilder builder;
    builder.Finish(wire::Request::Pack(builder, &request));
    return authorise(who, *flatbuffers::GetRoot<wire::Request>(builder.GetBufferPointer()), index_, workflow_);
  }

  static wire::RequestBodyUnion show(const std::string& id) {
    wire::PlacementRequestQueryT query;
    query.id = id;
    wire::RequestBodyUnion body;
    body.Set(std::move(query));
    return body;
  }
  static wire::RequestBodyUnion list(const std::string& departement = {}) {
    wire::PlacementRequestQueryT query;
    query.departement = departement;
    wire::RequestBodyUnion body;
    body.Set(std::move(query));
    return body;
  }
  static wire::RequestBodyUnion record(const std::string& id) {
    wire::RecordRequestT request;
    request.request_id = id;
    wire::RequestBodyUnion body;
    body.Set(std::move(request));
    return body;
  }
  static wire::RequestBodyUnion cancel(const std::string& id) {
    wire::PlacementRequestCancelT request;
    request.id = id;
    wire::RequestBodyUnion body;
    body.Set(std::move(request));
    return body;
  }
  static wire::RequestBodyUnion follow(const std::string& id) {
    wire::SubscribeT subscribe;
    subscribe.subscription = std::make_unique<wire::SubscriptionT>();
    subscribe.subscription->kind = wire::SubscriptionKind::request;
    subscribe.subscription->request_id = id;
    wire::RequestBodyUnion body;
    body.Set(std::move(subscribe));
    return body;
  }
  static wire::RequestBodyUnion end(const std::string& hold) {
    wire::HoldEndT request;
    request.hold_id = hold;
    request.outcome = wire::HoldState::declined;
    wire::RequestBodyUnion body;
    body.Set(std::move(request));
    return body;
  }

  static void expect_refused(const Result<void>& result, const std::string& words) {
    ASSERT_FALSE(result) << "accepted, should be refused (" << words << ")";
    EXPECT_EQ(result.error().status, wire::Status::forbidden);
    EXPECT_NE(result.error().message.find(words), std::string::npos) << result.error().message;
  }

  AvailabilityIndex index_;
  Workflow workflow_;
};

// Regression (issue #10): a dept-59 judge asking for a dept-59 court request was told it was
// "not in its territory".
TEST_F(AuthorisationTest, AJudgeReadsTheCourtRequestsOfItsTerritoryAndTheirRecord) {
  const auto judge = principal("juge-lille", wire::Role::judge, {"59"});
  EXPECT_TRUE(ask(judge, show("R-1")));
  EXPECT_TRUE(ask(judge, show("R-4"))) << "an OPP is court-ordered whoever typed it in";
  EXPECT_TRUE(ask(judge, record("R-1")));
  EXPECT_TRUE(ask(judge, list()));
  EXPECT_TRUE(ask(judge, list("59")));
  EXPECT_TRUE(ask(judge, follow("R-1")));
  EXPECT_TRUE(sees_request(judge, *workflow_.request("R-1")));
  EXPECT_FALSE(sees_request(judge, *workflow_.request("R-2")));
  EXPECT_FALSE(sees_request(judge, *workflow_.request("R-3")));
}

TEST_F(AuthorisationTest, AJudgeIsToldTheRealReasonOfARefusal) {
  const auto judge = principal("juge-lille", wire::Role::judge, {"59"});
  auto administrative = ask(judge, show("R-2"));
  expect_refused(administrative, "demandes judiciaires");
  EXPECT_EQ(administrative.error().message.find("territoire"), std::string::npos) << administrative.error().message;
  expect_refused(ask(judge, record("R-2")), "demandes judiciaires");
  expect_refused(ask(judge, show("R-3")), "département 62, hors de son territoire");
  expect_refused(ask(judge, list("62")), "62");
  expect_refused(ask(judge, cancel("R-1")), "un juge les consulte seulement");
}

TEST_F(AuthorisationTest, AFacilityReadsOnlyTheRequestsHeldOnItsUnits) {
  const auto mecs = principal("mecs-1", wire::Role::facility, {}, {"590000001"});
  const auto other = principal("mecs-2", wire::Role::facility, {}, {"590000002"});
  EXPECT_TRUE(holds_place_for(mecs, workflow_, "R-2"));
  EXPECT_FALSE(holds_place_for(other, workflow_, "R-2"));
  EXPECT_TRUE(ask(mecs, show("R-2")));
  EXPECT_TRUE(ask(mecs, list()));
  EXPECT_TRUE(ask(mecs, show("R-404"))) << "unknown: the answer says so";
  expect_refused(ask(other, show("R-2")), "une de ses places est réservée");
  expect_refused(ask(mecs, show("R-1")), "une de ses places est réservée");
  expect_refused(ask(mecs, record("R-2")), "relevé écrit");
  expect_refused(ask(mecs, follow("R-2")), "signalées d'office");
  expect_refused(ask(mecs, cancel("R-2")), "réservées aux astreintes");
  EXPECT_TRUE(ask(mecs, end("H-9")));
  auto foreign = ask(other, end("H-9"));
  expect_refused(foreign, "590000001, qui n'est pas l'un des siens");
  EXPECT_TRUE(ask(other, end("H-404"))) << "unknown hold: the answer says so";
}

TEST_F(AuthorisationTest, RolesThatNeverMayAreToldItIsTheirRole) {
  const auto hospital = principal("chu-lille", wire::Role::hospital, {"59"});
  wire::SubscriptionT territory;
  territory.kind = wire::SubscriptionKind::territory;
  territory.departement = "59";
  territory.threshold = 2;
  wire::SubscribeT subscribe;
  subscribe.subscription = std::make_unique<wire::SubscriptionT>(std::move(territory));
  wire::RequestBodyUnion body;
  body.Set(std::move(subscribe));
  auto threshold = ask(hospital, std::move(body));
  expect_refused(threshold, "réservé(e) aux astreintes, juges");
  EXPECT_EQ(threshold.error().message.find("territoire"), std::string::npos) << threshold.error().message;

  const auto on_call = principal("astreinte-59", wire::Role::on_call, {"59"});
  wire::AvailabilityUpdateT update;
  update.facility_id = "590000001";
  update.unit_id = "u1";
  wire::RequestBodyUnion publish;
  publish.Set(std::move(update));
  expect_refused(ask(on_call, std::move(publish)), "seuls l'établissement lui-même");

  const auto observatory = principal("odpe-59", wire::Role::observatory, {"59"});
  expect_refused(ask(observatory, show("R-1")), "agrégats");
  expect_refused(ask(observatory, list("59")), "agrégats");
}

// Every request type, for every role, within its own territory (59): a refusal may give any
// reason but the territory.
TEST_F(AuthorisationTest, NoRefusalInItsOwnTerritorySaysItIsOutsideIt) {
  std::vector<wire::PrincipalT> everyone = {
      principal("mecs-1", wire::Role::facility, {"59"}, {"590000001"}),
      principal("astreinte-59", wire::Role::on_call, {"59"}),
      principal("chu-lille", wire::Role::hospital, {"59"}),
      principal("juge-lille", wire::Role::judge, {"59"}),
      principal("odpe-59", wire::Role::observatory, {"59"}),
  };
  std::vector<std::pair<std::string, std::function<wire::RequestBodyUnion()>>> asks = {
      {"show R-1", [] { return show("R-1"); }},
      {"show R-2", [] { return show("R-2"); }},
      {"list 59", [] { return list("59"); }},
      {"record R-1", [] { return record("R-1"); }},
      {"record R-2", [] { return record("R-2"); }},
      {"cancel R-1", [] { return cancel("R-1"); }},
      {"follow R-1", [] { return follow("R-1"); }},
      {"end H-9", [] { return end("H-9"); }},
      {"search 59", [] {
         wire::SearchQueryT query;
         query.departement = "59";
         wire::RequestBodyUnion body;
         body.Set(std::move(query));
         return body;
       }},
      {"capacity 59", [] {
         wire::CapacityRequestT capacity;
         capacity.departement = "59";
         wire::RequestBodyUnion body;
         body.Set(std::move(capacity));
         return body;
       }},
      {"hold 590000002", [] {
         wire::HoldPlaceT place;
         place.facility_id = "590000002";
         place.unit_id = "u1";
         place.request_id = "R-1";
         wire::RequestBodyUnion body;
         body.Set(std::move(place));
         return body;
       }},
      {"open 59", [] {
         wire::PlacementRequestOpenT open;
         open.request = std::make_unique<wire::PlacementRequestT>();
         open.request->child_ref = "E-1";
         open.request->criteria = std::make_unique<wire::SearchQueryT>();
         open.request->criteria->departement = "59";
         wire::RequestBodyUnion body;
         body.Set(std::move(open));
         return body;
       }},
  };
  int refusals = 0;
  for (const auto& who : everyone) {
    for (const auto& [what, body] : asks) {
      auto result = ask(who, body());
      if (result) continue;
      ++refusals;
      EXPECT_EQ(result.error().message.find("territoire"), std::string::npos)
          << who.name << " / " << what << ": " << result.error().message;
    }
  }
  EXPECT_GT(refusals, 20) << "the matrix must exercise refusals";
}

}  // namespace
}  // namespace dispo::broker
