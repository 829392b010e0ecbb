// End to end, with the real broker (and the real `dispo` binary for the user's view): placement
// requests and holds (issue #3). One pending request per child; a hold takes a place from
// `available` into `reserved` for everyone at once; two holds racing for the last place: one
// wins, the other is told; a hold expires on its own; admit, release and decline; everything
// survives a restart.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "broker_process.h"
#include "dispo/clients/session.h"
#include "temp_dir.h"
#include "wire_helpers.h"

namespace dispo::testing {
namespace {

using namespace std::chrono_literals;

class PlacementTest : public ::testing::Test {
 protected:
  void SetUp() override {
    broker_.start();
    session_ = connect("placement-test");
    ASSERT_TRUE(session_->call(registration_of(make_facility("590000001", 2, 10))));
    ASSERT_TRUE(session_->call(update_of("590000001", "u1", 1, 9)));  // the last place
    ASSERT_TRUE(session_->call(update_of("590000001", "u2", 3, 7)));
  }

  std::unique_ptr<client::Session> connect(const std::string& client_id) {
    return std::make_unique<client::Session>(
        context_, client::SessionOptions{broker_.api(), std::chrono::seconds(2), 2, client_id});
  }

  // Opens a request and returns its id.
  std::string open(const std::string& child_ref, std::vector<int> ages = {7}) {
    auto reply = session_->call(open_of(child_ref, std::move(ages)));
    EXPECT_TRUE(reply) << (reply ? "" : reply.error().message);
    if (!reply) return {};
    const auto* status = (*reply)->body_as_RequestStatus();
    EXPECT_NE(status, nullptr);
    return status ? status->request()->id()->str() : std::string();
  }

  wire::PlacementRequestT request(const std::string& id) {
    wire::PlacementRequestQueryT query;
    query.id = id;
    wire::RequestBodyUnion body;
    body.Set(std::move(query));
    auto reply = session_->call(std::move(body));
    EXPECT_TRUE(reply) << (reply ? "" : reply.error().message);
    wire::PlacementRequestT native;
    if (reply && (*reply)->body_as_RequestList()) {
      (*reply)->body_as_RequestList()->requests()->Get(0)->request()->UnPackTo(&native);
    }
    return native;
  }

  wire::AvailabilityT unit(const std::string& unit_id) {
    wire::FacilityRequestT ask;
    ask.facility_id = "590000001";
    wire::RequestBodyUnion body;
    body.Set(std::move(ask));
    auto reply = session_->call(std::move(body));
    EXPECT_TRUE(reply);
    wire::AvailabilityT availability;
    if (!reply) return availability;
    for (const auto* state : *(*reply)->body_as_FacilityState()->units()) {
      if (state->unit()->id()->string_view() == unit_id) state->availability()->UnPackTo(&availability);
    }
    return availability;
  }

  std::string hold(const std::string& unit_id, const std::string& request_id, std::uint32_t seconds = 7200) {
    auto reply = session_->call(hold_of("590000001", unit_id, request_id, seconds));
    EXPECT_TRUE(reply) << (reply ? "" : reply.error().message);
    return reply ? (*reply)->body_as_HoldResult()->hold()->id()->str() : std::string();
  }

  TempDir dir_;
  BrokerProcess broker_{dir_ / "data"};
  zmq::context_t context_;
  std::unique_ptr<client::Session> session_;
};

TEST_F(PlacementTest, OnePendingRequestPerChildAndTheSecondNamesTheFirst) {
  const std::string first = open("E59-0042");
  ASSERT_FALSE(first.empty());
  EXPECT_EQ(request(first).state, wire::RequestState::open);

  auto second = session_->call(open_of("E59-0042", {7}));
  ASSERT_FALSE(second);
  EXPECT_EQ(second.error().status, wire::Status::conflict);
  EXPECT_NE(second.error().message.find(first), std::string::npos) << second.error().message;

  // Once cancelled, a new request for the same child may be opened.
  wire::PlacementRequestCancelT cancel;
  cancel.id = first;
  wire::RequestBodyUnion body;
  body.Set(std::move(cancel));
  ASSERT_TRUE(session_->call(std::move(body)));
  EXPECT_EQ(request(first).state, wire::RequestState::cancelled);
  EXPECT_FALSE(open("E59-0042").empty());
}

TEST_F(PlacementTest, ANameIsNeverAcceptedAsChildReference) {
  for (const char* name : {"Jean Dupont", "dupont", ""}) {
    auto refused = session_->call(open_of(name, {7}));
    ASSERT_FALSE(refused) << name;
    EXPECT_EQ(refused.error().status, wire::Status::invalid) << name;
    EXPECT_EQ(refused.error().message.find("upont"), std::string::npos) << refused.error().message;
  }
  // The refusal is logged (at info level) without the text that was refused.
  EXPECT_NE(broker_.log().find("référence enfant refusée"), std::string::npos);
  EXPECT_EQ(broker_.log().find("upont"), std::string::npos);
}

TEST_F(PlacementTest, HoldTakesThePlaceAtOnceAndAdmissionKeepsIt) {
  const std::string id = open("E59-0001");
  const std::string hold_id = hold("u2", id);
  ASSERT_FALSE(hold_id.empty());
  auto held = unit("u2");
  EXPECT_EQ(held.available, 2);
  EXPECT_EQ(held.reserved, 1);
  EXPECT_EQ(request(id).state, wire::RequestState::proposed);
  EXPECT_EQ(request(id).hold_id, hold_id);

  // A second hold for the same request is refused: its only child already has one.
  auto again = session_->call(hold_of("590000001", "u1", id));
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().status, wire::Status::conflict);

  ASSERT_TRUE(session_->call(end_of(hold_id, wire::HoldState::admitted)));
  auto admitted = unit("u2");
  EXPECT_EQ(admitted.available, 2);
  EXPECT_EQ(admitted.reserved, 0);
  EXPECT_EQ(admitted.occupied, 8);
  EXPECT_EQ(request(id).state, wire::RequestState::admitted);
  EXPECT_EQ(request(id).admitted_at, "590000001/u2");

  auto twice = session_->call(end_of(hold_id, wire::HoldState::released));
  ASSERT_FALSE(twice);
  EXPECT_EQ(twice.error().status, wire::Status::conflict);
}

TEST_F(PlacementTest, AFacilityPublishingMeanwhileDoesNotGiveAHeldPlaceAway) {
  const std::string id = open("E59-0011");
  ASSERT_FALSE(hold("u1", id).empty());  // u1's last place
  // Night staff, unaware of the hold, publish the bed as still free.
  ASSERT_TRUE(session_->call(update_of("590000001", "u1", 1, 9)));
  auto held = unit("u1");
  EXPECT_EQ(held.available, 0);
  EXPECT_EQ(held.reserved, 1);
  auto other = session_->call(hold_of("590000001", "u1", open("E59-0012")));
  ASSERT_FALSE(other);
  EXPECT_EQ(other.error().status, wire::Status::conflict);
}

TEST_F(PlacementTest, APendingRequestIsAlertedWhenAPlaceOpensForIt) {
  ASSERT_TRUE(session_->call(update_of("590000001", "u1", 0, 10)));
  ASSERT_TRUE(session_->call(update_of("590000001", "u2", 0, 10)));
  const std::string id = open("E59-0501");
  ASSERT_TRUE(session_->call(update_of("590000001", "u2", 1, 9)));  // a place opens
  wire::AlertFetchT fetch;
  fetch.after = 0;
  wire::RequestBodyUnion body;
  body.Set(std::move(fetch));
  auto alerts = session_->call(std::move(body));  // the opener's alerts (its client id, without CURVE)
  ASSERT_TRUE(alerts) << alerts.error().message;
  int matches = 0;
  for (const auto* alert : *(*alerts)->body_as_AlertList()->alerts()) {
    if (alert->kind() != wire::AlertKind::place_matches) continue;
    ++matches;
    EXPECT_EQ(alert->request_id()->str(), id);
    EXPECT_EQ(alert->unit_id()->str(), "u2");
    EXPECT_EQ(alert->message()->str().find("E59-0501"), std::string::npos) << "a child reference in an alert";
  }
  EXPECT_EQ(matches, 1);
}

TEST_F(PlacementTest, TwoHoldsRacingForTheLastPlaceExactlyOneWins) {
  const std::string a = open("E59-0101");
  const std::string b = open("E59-0102");
  auto first = connect("on-call-a");
  auto second = connect("on-call-b");
  // Both in flight before either reply is read: the broker decides in arrival order.
  const auto id_a = first->send(hold_of("590000001", "u1", a));
  const auto id_b = second->send(hold_of("590000001", "u1", b));
  auto reply_a = first->receive(5s);
  auto reply_b = second->receive(5s);
  ASSERT_TRUE(reply_a);
  ASSERT_TRUE(reply_b);
  const auto status_a = (*reply_a)->status();
  const auto status_b = (*reply_b)->status();
  EXPECT_EQ((*reply_a)->request_id(), id_a);
  EXPECT_EQ((*reply_b)->request_id(), id_b);
  EXPECT_EQ((status_a == wire::Status::ok) + (status_b == wire::Status::ok), 1);
  EXPECT_EQ((status_a == wire::Status::conflict) + (status_b == wire::Status::conflict), 1);
  const auto& loser = status_a == wire::Status::ok ? *reply_b : *reply_a;
  EXPECT_NE(loser->message()->str().find("plus aucune place"), std::string::npos) << loser->message()->str();
  auto last = unit("u1");
  EXPECT_EQ(last.available, 0);
  EXPECT_EQ(last.reserved, 1);
}

TEST_F(PlacementTest, AHoldExpiresOnItsOwnAndThePlaceComesBack) {
  const std::string id = open("E59-0201");
  ASSERT_FALSE(hold("u1", id, 1).empty());
  EXPECT_EQ(unit("u1").available, 0);
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  // Each poll is a round trip to the broker; the deadline bounds the wait.
  while (unit("u1").available != 1 && std::chrono::steady_clock::now() < deadline) {
  }
  auto back = unit("u1");
  EXPECT_EQ(back.available, 1);
  EXPECT_EQ(back.reserved, 0);
  auto expired = request(id);
  EXPECT_EQ(expired.state, wire::RequestState::open);
  EXPECT_TRUE(expired.hold_id.empty());
}

TEST_F(PlacementTest, DeclineRecordsItsCodedReasonAndReopensTheRequest) {
  const std::string id = open("E59-0301", {4, 9});
  const std::string hold_id = hold("u2", id);
  ASSERT_TRUE(session_->call(end_of(hold_id, wire::HoldState::declined, wire::RefusalReason::siblings)));
  auto reopened = request(id);
  EXPECT_EQ(reopened.state, wire::RequestState::open);
  ASSERT_EQ(reopened.refusals.size(), 1u);
  EXPECT_EQ(reopened.refusals[0]->reason, wire::RefusalReason::siblings);
  EXPECT_EQ(reopened.refusals[0]->unit_id, "u2");
  EXPECT_EQ(unit("u2").available, 3);
  EXPECT_EQ(unit("u2").reserved, 0);
}

TEST_F(PlacementTest, RequestsAndHoldsSurviveARestart) {
  const std::string id = open("E59-0401");
  const std::string hold_id = hold("u2", id);
  broker_.stop();
  broker_.start();
  session_ = connect("placement-test-2");
  auto after = request(id);
  EXPECT_EQ(after.state, wire::RequestState::proposed);
  EXPECT_EQ(after.hold_id, hold_id);
  EXPECT_EQ(unit("u2").reserved, 1);
  auto again = session_->call(open_of("E59-0401", {7}));
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().status, wire::Status::conflict);
  ASSERT_TRUE(session_->call(end_of(hold_id, wire::HoldState::released)));
  EXPECT_EQ(unit("u2").available, 3);
}

// A facility re-registers without the unit a place was held in: the hold ends (released) and the
// request is open again, instead of waiting on a bed that no longer exists until the hold expires.
TEST_F(PlacementTest, ARemovedUnitReleasesItsHoldAndReopensTheRequest) {
  const std::string id = open("E59-0909");
  const std::string hold_id = hold("u2", id);
  ASSERT_EQ(request(id).state, wire::RequestState::proposed);

  ASSERT_TRUE(session_->call(registration_of(make_facility("590000001", 1, 10))));  // u2 is gone

  const auto reopened = request(id);
  EXPECT_EQ(reopened.state, wire::RequestState::open);
  EXPECT_TRUE(reopened.hold_id.empty());
  auto again = session_->call(end_of(hold_id, wire::HoldState::released));
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().status, wire::Status::conflict) << again.error().message;
  EXPECT_FALSE(hold("u1", id).empty()) << "the request can be held elsewhere";
}

// Without CURVE, every command of one person speaks under one stable client id ($DISPO_CLIENT_ID,
// else user@host): the hospital that opened the request is the one `dispo watch` alerts.
TEST_F(PlacementTest, TheCommandLineOpensFollowsAndHolds) {
  const std::vector<std::string> hospital{"DISPO_CLIENT_ID=hopital-garde"};
  auto opened = run_command({dispo_binary(), "--broker", broker_.api(), "request", "discharge", "--child", "H59-77",
                             "--dept", "59", "--age", "2", "--json"}, 20s, hospital);
  ASSERT_EQ(opened.exit_code, 0) << opened.err;
  auto status = nlohmann::json::parse(opened.out);
  const std::string id = status.at("request").at("id").get<std::string>();
  EXPECT_EQ(status.at("request").at("origin").get<std::string>(), "hospital");
  EXPECT_GE(status.at("matches").get<int>(), 1);

  auto duplicate = run_command({dispo_binary(), "--broker", broker_.api(), "request", "discharge", "--child",
                                "H59-77", "--dept", "59", "--age", "2"});
  EXPECT_EQ(duplicate.exit_code, 1);
  EXPECT_NE(duplicate.err.find(id), std::string::npos) << duplicate.err;

  auto held = run_command({dispo_binary(), "--broker", broker_.api(), "hold", "590000001", "u1", "--request", id,
                           "--for", "30m"}, 20s, hospital);
  ASSERT_EQ(held.exit_code, 0) << held.err;
  EXPECT_NE(held.out.find("Place réservée"), std::string::npos) << held.out;

  auto shown = run_command({dispo_binary(), "--broker", broker_.api(), "request", "show", id});
  ASSERT_EQ(shown.exit_code, 0) << shown.err;
  EXPECT_NE(shown.out.find("place proposée"), std::string::npos) << shown.out;

  auto facility = run_command({dispo_binary(), "--broker", broker_.api(), "facility", "590000001"});
  ASSERT_EQ(facility.exit_code, 0) << facility.err;
  EXPECT_NE(facility.out.find("pour la demande " + id), std::string::npos) << facility.out;

  auto typo = run_command({dispo_binary(), "--broker", broker_.api(), "hold", "590000001", "u1", "--request", id,
                           "--for", "deux heures"});
  EXPECT_EQ(typo.exit_code, 2);
  EXPECT_NE(typo.err.find("--for"), std::string::npos) << typo.err;

  // The creator's own alerts: the request opened, then proposed (the hold).
  auto watched = run_command({dispo_binary(), "--broker", broker_.api(), "watch", "--count", "2"}, 20s, hospital);
  ASSERT_EQ(watched.exit_code, 0) << watched.err;
  EXPECT_NE(watched.out.find("alerte 1"), std::string::npos) << watched.out;
  EXPECT_NE(watched.out.find("ouverte"), std::string::npos) << watched.out;
  EXPECT_NE(watched.out.find("alerte 2"), std::string::npos) << watched.out;
  EXPECT_NE(watched.out.find("proposée"), std::string::npos) << watched.out;
}

}  // namespace
}  // namespace dispo::testing
