// The alert hooks on a real store and state, without sockets: request matching (keep_together),
// request_changed recipients, capacity_low edges, and the time tick (escalation, first tick).
#include "alerts.h"

#include <gtest/gtest.h>

#include "changes.h"
#include "temp_dir.h"

namespace dispo::broker {
namespace {

constexpr std::int64_t kNow = 1'790'000'000'000;

class AlertsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = Store::open(dir_ / "data");
    ASSERT_TRUE(opened) << opened.error().message;
    store_ = std::move(*opened);
    pending_ = std::make_unique<PendingCommit>(store_->batch());
    wire::FacilityT facility;
    facility.id = "590000001";
    facility.name = "MECS du test";
    facility.kind = wire::FacilityKind::mecs;
    facility.departement = "59";
    facility.authorisation = wire::Authorisation::autorise;
    facility.commune_insee = "59350";
    facility.lat = 50.63;
    facility.lon = 3.06;
    facility.phone = "03 20 00 00 00";
    for (int siblings : {1, 2}) {
      auto unit = std::make_unique<wire::UnitT>();
      unit->id = "u" + std::to_string(siblings);
      unit->age_max = 21;
      unit->installed = 10;
      unit->max_siblings = static_cast<std::uint8_t>(siblings);
      facility.units.push_back(std::move(unit));
    }
    flatbuffers::FlatBufferBuilder builder;
    wire::RegistrationT registration;
    registration.facilities.push_back(std::make_unique<wire::FacilityT>(std::move(facility)));
    builder.Finish(wire::Registration::Pack(builder, &registration));
    auto registered = register_facilities(
        state_, *pending_, *flatbuffers::GetRoot<wire::Registration>(builder.GetBufferPointer()), context());
    ASSERT_TRUE(registered) << registered.error().message;
  }

  RequestContext context(std::int64_t now = kNow) const {
    return RequestContext{"peer", "publisher", &Principals::local(), now, "2026-09-21"};
  }

  void set_available(const std::string& unit, int available, std::int64_t now = kNow) {
    wire::AvailabilityUpdateT update;
    update.facility_id = "590000001";
    update.unit_id = unit;
    update.available = static_cast<std::uint16_t>(available);
    flatbuffers::FlatBufferBuilder builder;
    builder.Finish(wire::AvailabilityUpdate::Pack(builder, &update));
    auto done = update_availability(state_, *pending_, *flatbuffers::GetRoot<wire::AvailabilityUpdate>(builder.GetBufferPointer()),
                                    context(now));
    ASSERT_TRUE(done) << done.error().message;
  }

  // A pending request for `ages`, opened by "hopital-1", added as the workflow holds it.
  wire::PlacementRequestT& add_request(const std::string& id, std::vector<int> ages, bool keep_together) {
    wire::PlacementRequestT request;
    request.id = id;
    request.child_ref = "ref-" + id;
    request.state = wire::RequestState::open;
    request.keep_together = keep_together;
    request.created_by = "hopital-1";
    request.waiting_since = kNow;
    request.criteria = std::make_unique<wire::SearchQueryT>();
    request.criteria->departement = "59";
    for (int age : ages) {
      auto child = std::make_unique<wire::ChildT>();
      child->age = static_cast<std::uint8_t>(age);
      request.criteria->children.push_back(std::move(child));
    }
    auto& stored = state_.workflow.requests[id] = std::move(request);
    on_request_changed(state_, *pending_, context(), stored, state_.sequence);
    return stored;
  }

  void follow(const std::string& id, const std::string& owner, wire::SubscriptionT subscription) {
    subscription.id = id;
    subscription.owner = owner;
    state_.workflow.subscriptions[id] = std::move(subscription);
    state_.alert_matcher.invalidate();
  }

  // Staged alerts of `owner`, decoded.
  std::vector<wire::AlertT> alerts_of(const std::string& owner) const {
    std::vector<wire::AlertT> out;
    for (const auto& staged : pending_->alerts) {
      if (staged.owner != owner) continue;
      auto message = wire::decode(staged.bytes.data(), staged.bytes.size());
      if (message && (*message)->body_as_Alert()) {
        wire::AlertT alert;
        (*message)->body_as_Alert()->UnPackTo(&alert);
        out.push_back(std::move(alert));
      }
    }
    return out;
  }

  testing::TempDir dir_;
  std::unique_ptr<Store> store_;
  BrokerState state_;
  std::unique_ptr<PendingCommit> pending_;
};

TEST_F(AlertsTest, RequestKeepingSiblingsTogetherMatchesOnlyAFacilityTakingBoth) {
  add_request("R-1", {6, 8}, true);
  pending_->alerts.clear();
  set_available("u1", 1);  // takes one child only
  EXPECT_TRUE(alerts_of("hopital-1").empty());
  set_available("u1", 0);
  set_available("u2", 1);  // max 2 siblings but one place: still not both
  EXPECT_TRUE(alerts_of("hopital-1").empty());
  set_available("u2", 2);  // both together: newly matches
  const auto alerts = alerts_of("hopital-1");
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_EQ(alerts[0].kind, wire::AlertKind::place_matches);
  EXPECT_EQ(alerts[0].request_id, "R-1");
  EXPECT_EQ(alerts[0].unit_id, "u2");
  EXPECT_EQ(alerts[0].message.find("ref-"), std::string::npos) << "no child reference in alerts";
}

TEST_F(AlertsTest, RequestChangesReachTheCreatorAndFollowersOnce) {
  wire::SubscriptionT following;
  following.kind = wire::SubscriptionKind::request;
  following.request_id = "R-2";
  follow("S-1", "astreinte-59", following);
  follow("S-2", "hopital-1", following);  // the creator also follows it: one alert, not two
  auto& request = add_request("R-2", {4}, true);
  request.state = wire::RequestState::cancelled;
  on_request_changed(state_, *pending_, context(), request, state_.sequence);
  const auto creator = alerts_of("hopital-1");
  const auto follower = alerts_of("astreinte-59");
  ASSERT_EQ(creator.size(), 2u);
  ASSERT_EQ(follower.size(), 2u);
  EXPECT_NE(creator[0].message.find("ouverte"), std::string::npos) << creator[0].message;
  EXPECT_NE(creator[1].message.find("annulée"), std::string::npos) << creator[1].message;
  EXPECT_EQ(follower[1].subscription_id, "S-1");
  EXPECT_EQ(follower[0].number, 1u);
  EXPECT_EQ(follower[1].number, 2u);
}

TEST_F(AlertsTest, CapacityLowOnlyWhenCrossingBelowTheThreshold) {
  wire::SubscriptionT territory;
  territory.kind = wire::SubscriptionKind::territory;
  territory.departement = "59";
  territory.threshold = 3;
  follow("S-1", "juge-59", territory);
  set_available("u1", 5);
  set_available("u1", 2);  // 5 -> 2: below
  set_available("u1", 1);
  set_available("u2", 3);  // 4
  set_available("u1", 0);  // 3: not below
  set_available("u2", 2);  // 2: below again
  const auto alerts = alerts_of("juge-59");
  ASSERT_EQ(alerts.size(), 2u);
  EXPECT_EQ(alerts[0].kind, wire::AlertKind::capacity_low);
  EXPECT_EQ(alerts[1].kind, wire::AlertKind::capacity_low);
}

TEST_F(AlertsTest, TimeTickEscalatesOnceAndTheFirstTickOnlyStarts) {
  auto& request = add_request("R-3", {10}, true);
  request.escalate_after_s = 60;
  pending_->alerts.clear();
  on_time(state_, *pending_, kNow + 120'000);  // first tick: no catching up on the past
  EXPECT_TRUE(alerts_of("hopital-1").empty());
  request.waiting_since = kNow + 100'000;       // now escalates at kNow + 160 s
  on_time(state_, *pending_, kNow + 150'000);
  EXPECT_TRUE(alerts_of("hopital-1").empty());
  on_time(state_, *pending_, kNow + 161'000);
  on_time(state_, *pending_, kNow + 200'000);
  const auto alerts = alerts_of("hopital-1");
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_EQ(alerts[0].kind, wire::AlertKind::request_waiting);
  EXPECT_EQ(state_.workflow.checked_until_ms, kNow + 200'000);
}

}  // namespace
}  // namespace dispo::broker

namespace dispo::broker {
namespace {

// Regression: load_workflow keyed every subscription (and request) by an id already moved from.
TEST(SubscriptionStoreTest, EverySubscriptionIsLoadedBackUnderItsId) {
  testing::TempDir dir;
  {
    auto store = Store::open(dir / "data");
    ASSERT_TRUE(store);
    auto batch = (*store)->batch();
    wire::SubscriptionT subscription;
    subscription.id = "S-1";
    subscription.owner = "a";
    subscription.kind = wire::SubscriptionKind::search;
    subscription.query = std::make_unique<wire::SearchQueryT>();
    subscription.query->departement = "59";
    batch.put_subscription(subscription);
    subscription.id = "S-2";
    subscription.kind = wire::SubscriptionKind::territory;
    subscription.query.reset();
    batch.put_subscription(subscription);
    ASSERT_TRUE((*store)->commit(batch));
  }
  auto store = Store::open(dir / "data");
  ASSERT_TRUE(store);
  Workflow workflow;
  auto loaded = (*store)->load_workflow(workflow);
  ASSERT_TRUE(loaded) << loaded.error().message;
  EXPECT_EQ(workflow.subscriptions.size(), 2u);
  EXPECT_EQ(workflow.subscriptions.count("S-1"), 1u);
  EXPECT_EQ(workflow.subscriptions.count("S-2"), 1u);
}

}  // namespace
}  // namespace dispo::broker
