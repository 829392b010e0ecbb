// A facility's view of the requests held on its units (request_views.cc): the reference, legal
// basis, state and children (age, sex, needs) — no note, creator, origin, near point, waiting
// time, refusals or another facility's hold.
#include "reports/request_views.h"

#include <gtest/gtest.h>

#include "model/replies.h"

namespace dispo::broker {
namespace {

constexpr std::int64_t kNow = 1'790'000'000'000;

class RequestViewsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    mecs_.name = "mecs-1";
    mecs_.role = wire::Role::facility;
    mecs_.facilities = {"590000001"};
    add_request("R-1", "E59-0001");
    add_request("R-2", "E59-0002");
    add_request("R-3", "E59-0003");
    add_hold("H-10", "590000001", "R-1", kNow - 1000);
    add_hold("H-11", "590000002", "R-1", kNow - 2000);  // another facility's hold on the same request
    add_hold("H-12", "590000002", "R-2", kNow - 3000);
    add_hold("H-13", "590000001", "R-3", kNow - 5000);
  }

  void add_request(const std::string& id, const std::string& child_ref) {
    wire::PlacementRequestT request;
    request.id = id;
    request.child_ref = child_ref;
    request.origin = wire::Origin::court;
    request.legal_basis = wire::LegalBasis::opp;
    request.state = wire::RequestState::proposed;
    request.note = "note libre de l'astreinte";
    request.created_by = "astreinte-59";
    request.changed_by = "astreinte-59";
    request.waiting_since = kNow - 3600'000;
    request.keep_together = false;
    request.criteria = std::make_unique<wire::SearchQueryT>();
    request.criteria->departement = "59";
    request.criteria->near_lat = 50.63;
    request.criteria->near_lon = 3.06;
    request.criteria->needs = {wire::Specialty::soins_psy};
    for (int age : {4, 7}) {
      auto child = std::make_unique<wire::ChildT>();
      child->age = static_cast<std::uint8_t>(age);
      child->sex = wire::ChildSex::fille;
      child->needs = {wire::Specialty::handicap};
      request.criteria->children.push_back(std::move(child));
    }
    auto refusal = std::make_unique<wire::RefusalT>();
    refusal->facility_id = "590000009";
    refusal->note = "refus précédent";
    request.refusals.push_back(std::move(refusal));
    state_.workflow.requests[id] = std::move(request);
  }

  void add_hold(const std::string& id, const std::string& facility, const std::string& request, std::int64_t at) {
    wire::HoldT hold;
    hold.id = id;
    hold.facility_id = facility;
    hold.unit_id = "u1";
    hold.request_id = request;
    hold.state = wire::HoldState::active;
    hold.created_at = at;
    hold.created_by = "astreinte-59";
    hold.expires_at = at + 7200'000;
    state_.workflow.holds[id] = std::move(hold);
  }

  // The RequestList answered to mecs-1 for `query`.
  std::unique_ptr<wire::RequestListT> ask(const wire::PlacementRequestQueryT& query, wire::Status expected = wire::Status::ok) {
    flatbuffers::FlatBufferBuilder builder;
    builder.Finish(wire::PlacementRequestQuery::Pack(builder, &query));
    const RequestContext context{"peer", "mecs", &mecs_, kNow, "2026-09-21"};
    const std::string reply = answer_held_requests(
        state_, 1, *flatbuffers::GetRoot<wire::PlacementRequestQuery>(builder.GetBufferPointer()), context);
    auto message = wire::decode(reply.data(), reply.size());
    EXPECT_TRUE(message) << message.error().message;
    if (!message) return nullptr;
    EXPECT_EQ((*message)->body_as_Reply()->status(), expected);
    const auto* list = (*message)->body_as_Reply()->body_as_RequestList();
    return list ? std::unique_ptr<wire::RequestListT>(list->UnPack()) : nullptr;
  }

  BrokerState state_;
  wire::PrincipalT mecs_;
};

TEST_F(RequestViewsTest, AFacilityReadsWhoTheChildrenAreAndNothingElse) {
  wire::PlacementRequestQueryT query;
  query.id = "R-1";
  auto list = ask(query);
  ASSERT_TRUE(list);
  ASSERT_EQ(list->requests.size(), 1u);
  const wire::RequestStatusT& status = *list->requests[0];
  EXPECT_TRUE(status.restricted);
  const wire::PlacementRequestT& seen = *status.request;
  EXPECT_EQ(seen.id, "R-1");
  EXPECT_EQ(seen.child_ref, "E59-0001");
  EXPECT_EQ(seen.legal_basis, wire::LegalBasis::opp);
  EXPECT_EQ(seen.state, wire::RequestState::proposed);
  ASSERT_TRUE(seen.criteria);
  ASSERT_EQ(seen.criteria->children.size(), 2u);
  EXPECT_EQ(seen.criteria->children[1]->age, 7);
  EXPECT_EQ(seen.criteria->children[1]->sex, wire::ChildSex::fille);
  EXPECT_EQ(seen.criteria->children[1]->needs, std::vector{wire::Specialty::handicap});
  EXPECT_EQ(seen.criteria->needs, std::vector{wire::Specialty::soins_psy});
  // Nothing else.
  EXPECT_TRUE(seen.note.empty());
  EXPECT_TRUE(seen.created_by.empty());
  EXPECT_TRUE(seen.changed_by.empty());
  EXPECT_EQ(seen.origin, wire::Origin::on_call) << "the origin is not sent (the default is read)";
  EXPECT_EQ(seen.waiting_since, 0);
  EXPECT_TRUE(seen.refusals.empty());
  EXPECT_FALSE(seen.criteria->near_lat.has_value());
  EXPECT_EQ(status.waiting_s, 0);
  EXPECT_EQ(status.matches, 0u);
  // Its own hold only, never the other facility's on the same request.
  ASSERT_TRUE(status.hold);
  EXPECT_EQ(status.hold->id, "H-10");
}

TEST_F(RequestViewsTest, TheListHoldsOnlyTheRequestsHeldOnItsUnits) {
  auto list = ask(wire::PlacementRequestQueryT{});
  ASSERT_TRUE(list);
  ASSERT_EQ(list->requests.size(), 2u);
  EXPECT_EQ(list->requests[0]->request->id, "R-3") << "held longest first";
  EXPECT_EQ(list->requests[1]->request->id, "R-1");
  for (const auto& status : list->requests) EXPECT_TRUE(status->restricted);

  wire::PlacementRequestQueryT elsewhere;
  elsewhere.departement = "62";
  auto none = ask(elsewhere);
  ASSERT_TRUE(none);
  EXPECT_TRUE(none->requests.empty());
}

TEST_F(RequestViewsTest, ARequestNotHeldThereOrUnknownIsNotShown) {
  wire::PlacementRequestQueryT query;
  query.id = "R-2";
  EXPECT_FALSE(ask(query, wire::Status::forbidden));
  query.id = "R-404";
  EXPECT_FALSE(ask(query, wire::Status::unknown_request));
}

}  // namespace
}  // namespace dispo::broker
