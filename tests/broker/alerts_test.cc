// The alert hooks on a real store and state, without sockets: request matching (keep_together),
// request_changed recipients, capacity_low edges, and the time tick (escalation, first tick).
#include "writes/alerts.h"

#include <gtest/gtest.h>

#include "writes/changes.h"
#include "writes/holds.h"
#include "writes/placement_requests.h"
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

TEST_F(AlertsTest, APlaceAnsweringASearchAndAFollowedRequestIsAnnouncedOnceNamingBoth) {
  add_request("R-4", {4}, true);  // opened by hopital-1
  wire::SubscriptionT search;
  search.kind = wire::SubscriptionKind::search;
  search.query = std::make_unique<wire::SearchQueryT>();
  search.query->departement = "59";
  auto child = std::make_unique<wire::ChildT>();
  child->age = 4;
  search.query->children.push_back(std::move(child));
  wire::SubscriptionT second_search = search;
  second_search.query->children[0]->age = 5;  // another search of the same owner the place also answers
  follow("S-1", "astreinte-59", std::move(search));
  follow("S-2", "astreinte-59", std::move(second_search));
  wire::SubscriptionT following;
  following.kind = wire::SubscriptionKind::request;
  following.request_id = "R-4";
  follow("S-3", "astreinte-59", following);
  follow("S-4", "hopital-1", following);  // the creator following its own request
  pending_->alerts.clear();

  set_available("u1", 2);
  const auto on_call = alerts_of("astreinte-59");
  ASSERT_EQ(on_call.size(), 1u) << "one change, one alert per person";
  EXPECT_EQ(on_call[0].kind, wire::AlertKind::place_matches);
  EXPECT_EQ(on_call[0].reasons, (std::vector<std::string>{"S-1", "S-2", "R-4"}));
  EXPECT_EQ(on_call[0].subscription_id, "S-1");
  EXPECT_EQ(on_call[0].request_id, "R-4");
  EXPECT_NE(on_call[0].message.find("recherche S-1 ; recherche S-2 ; demande R-4"), std::string::npos)
      << on_call[0].message;
  EXPECT_EQ(on_call[0].phone, "03 20 00 00 00");
  EXPECT_EQ(on_call[0].facility_name, "MECS du test");
  EXPECT_EQ(on_call[0].unit_id, "u1");
  const auto creator = alerts_of("hopital-1");
  ASSERT_EQ(creator.size(), 1u);
  EXPECT_EQ(creator[0].reasons, std::vector<std::string>{"R-4"});
}

class HoldAlertsTest : public AlertsTest {
 protected:
  void SetUp() override {
    AlertsTest::SetUp();
    grant("mecs-jour", wire::Role::facility, {"590000001"});
    grant("mecs-nuit", wire::Role::facility, {"590000001"});
    grant("mecs-autre", wire::Role::facility, {"590000002"});
    grant("mecs-revoque", wire::Role::facility, {"590000001"}, true);
    grant("astreinte-59", wire::Role::on_call, {});
    set_available("u1", 5);
    pending_->alerts.clear();
  }

  void grant(const std::string& name, wire::Role role, std::vector<std::string> facilities, bool revoked = false) {
    wire::PrincipalT principal;
    principal.name = name;
    principal.role = role;
    principal.facilities = std::move(facilities);
    principal.departements = {"59"};
    principal.revoked = revoked;
    state_.principals.put(std::move(principal));
  }

  RequestContext as(const std::string& name, std::int64_t now = kNow) const {
    return RequestContext{"peer", name, state_.principals.by_name(name), now, "2026-09-21"};
  }

  std::string hold(const std::string& request, std::uint32_t seconds = 3600, const std::string& unit = "u1") {
    wire::HoldPlaceT place;
    place.facility_id = "590000001";
    place.unit_id = unit;
    place.request_id = request;
    place.duration_s = seconds;
    flatbuffers::FlatBufferBuilder builder;
    builder.Finish(wire::HoldPlace::Pack(builder, &place));
    auto held = place_hold(state_, *pending_, *flatbuffers::GetRoot<wire::HoldPlace>(builder.GetBufferPointer()),
                           as("astreinte-59"));
    EXPECT_TRUE(held) << (held ? "" : held.error().message);
    return state_.workflow.request(request)->hold_id;
  }

  void end(const std::string& hold_id, wire::HoldState outcome, const std::string& by) {
    wire::HoldEndT end;
    end.hold_id = hold_id;
    end.outcome = outcome;
    end.reason = wire::RefusalReason::siblings;
    flatbuffers::FlatBufferBuilder builder;
    builder.Finish(wire::HoldEnd::Pack(builder, &end));
    auto ended = end_hold(state_, *pending_, *store_, *flatbuffers::GetRoot<wire::HoldEnd>(builder.GetBufferPointer()), as(by));
    EXPECT_TRUE(ended) << (ended ? "" : ended.error().message);
  }

  static std::vector<std::string> words_of(const std::vector<wire::AlertT>& alerts) {
    std::vector<std::string> out;
    for (const auto& alert : alerts) out.push_back(alert.message);
    return out;
  }
};

TEST_F(HoldAlertsTest, TheFacilityIsAlertedWhenItsPlaceIsHeldAdmittedReleasedOrExpires) {
  add_request("R-5", {4, 7}, false);
  add_request("R-6", {9}, true);
  add_request("R-7", {12}, true);
  add_request("R-8", {15}, true);
  pending_->alerts.clear();
  set_available("u2", 5);
  pending_->alerts.clear();
  const std::string admitted = hold("R-5", 3600, "u2");  // two siblings: u2 takes them together
  end(admitted, wire::HoldState::admitted, "astreinte-59");
  end(hold("R-6"), wire::HoldState::released, "astreinte-59");
  const std::string expiring = hold("R-7", 60);
  const wire::PrincipalT broker = [] {
    wire::PrincipalT principal;
    principal.name = "dispo-broker";
    principal.role = wire::Role::admin;
    return principal;
  }();
  const RequestContext housekeeping{"broker", "dispo-broker", &broker, kNow + 61'000, "2026-09-21"};
  ASSERT_EQ(expire_holds(state_, *pending_, housekeeping), 1u);
  end(hold("R-8"), wire::HoldState::declined, "mecs-jour");

  const auto day = alerts_of("mecs-jour");
  const auto night = alerts_of("mecs-nuit");
  ASSERT_EQ(night.size(), 8u) << ::testing::PrintToString(words_of(night));
  ASSERT_EQ(day.size(), 7u) << "not told of its own decline: " << ::testing::PrintToString(words_of(day));
  for (const auto& alert : night) {
    EXPECT_EQ(alert.kind, wire::AlertKind::hold_changed);
    EXPECT_EQ(alert.facility_id, "590000001");
    EXPECT_EQ(alert.unit_id, alert.request_id == "R-5" ? "u2" : "u1");
    EXPECT_EQ(alert.phone, "03 20 00 00 00");
    EXPECT_EQ(alert.facility_name, "MECS du test");
    EXPECT_FALSE(alert.hold_id.empty());
    EXPECT_EQ(alert.message.find("ref-"), std::string::npos) << "no child reference in alerts: " << alert.message;
  }
  EXPECT_EQ(night[0].hold_id, admitted);
  EXPECT_EQ(night[0].request_id, "R-5");
  EXPECT_NE(night[0].message.find("place réservée"), std::string::npos) << night[0].message;
  EXPECT_NE(night[0].message.find("enfants de 4 et 7 ans"), std::string::npos) << night[0].message;
  EXPECT_NE(night[1].message.find("admission"), std::string::npos) << night[1].message;
  EXPECT_NE(night[3].message.find("libérée par astreinte-59"), std::string::npos) << night[3].message;
  EXPECT_NE(night[5].message.find("expirée"), std::string::npos) << night[5].message;
  EXPECT_EQ(night[5].hold_id, expiring);
  EXPECT_NE(night[7].message.find("refusée par mecs-jour"), std::string::npos) << night[7].message;
  for (const auto& alert : alerts_of("hopital-1")) {
    EXPECT_NE(alert.kind, wire::AlertKind::place_matches)
        << "a place given back by the request's own hold is not a new place for it: " << alert.message;
  }
  EXPECT_TRUE(alerts_of("mecs-autre").empty()) << "another facility's principal";
  EXPECT_TRUE(alerts_of("mecs-revoque").empty()) << "a revoked principal";
}

TEST_F(AlertsTest, ARequestEnteredPastItsThresholdEscalatesAtTheNextTick) {
  on_time(state_, *pending_, kNow - 1000);  // the window starts
  on_time(state_, *pending_, kNow);
  wire::PlacementRequestT asked;
  asked.child_ref = "H59-0815";
  asked.origin = wire::Origin::hospital;
  asked.waiting_since = kNow - 2 * 24 * 3600'000LL;  // ready for discharge two days ago
  asked.escalate_after_s = 120;
  asked.criteria = std::make_unique<wire::SearchQueryT>();
  asked.criteria->departement = "59";
  asked.criteria->children.push_back(std::make_unique<wire::ChildT>());
  wire::PlacementRequestOpenT open;
  open.request = std::make_unique<wire::PlacementRequestT>(std::move(asked));
  flatbuffers::FlatBufferBuilder builder;
  builder.Finish(wire::PlacementRequestOpen::Pack(builder, &open));
  auto opened = open_request(state_, *pending_, *flatbuffers::GetRoot<wire::PlacementRequestOpen>(builder.GetBufferPointer()),
                             context(kNow));
  ASSERT_TRUE(opened) << opened.error().message;
  pending_->alerts.clear();
  on_time(state_, *pending_, kNow + 1000);
  on_time(state_, *pending_, kNow + 2000);
  const auto alerts = alerts_of("publisher");
  ASSERT_EQ(alerts.size(), 1u) << "escalated once, at the first tick after it was entered";
  EXPECT_EQ(alerts[0].kind, wire::AlertKind::request_waiting);
  EXPECT_NE(alerts[0].message.find("depuis 48 h"), std::string::npos) << alerts[0].message;
}

TEST_F(AlertsTest, AnUpdateBackDatingARequestEscalatesAtTheNextTick) {
  on_time(state_, *pending_, kNow - 1000);
  auto& request = add_request("R-9", {3}, true);
  request.created_at = kNow - 500;
  request.escalate_after_s = 3600;
  on_request_changed(state_, *pending_, context(kNow - 500), request, state_.sequence);
  on_time(state_, *pending_, kNow);
  request.waiting_since = kNow - 24 * 3600'000LL;  // the worker learns the child has waited a day
  on_request_changed(state_, *pending_, context(kNow + 100), request, state_.sequence);
  pending_->alerts.clear();
  on_time(state_, *pending_, kNow + 1000);
  on_time(state_, *pending_, kNow + 2000);
  const auto alerts = alerts_of("hopital-1");
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_EQ(alerts[0].kind, wire::AlertKind::request_waiting);
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
