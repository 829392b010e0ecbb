// Sibling groups end to end (issue #10), with the real broker and the real `dispo` binary: three
// siblings held in one unit take three places and their admission three beds; a group split
// 2 + 1 over two units needs its reason (Code civil art. 371-5), is admitted only once both holds
// are, and the written record shows the split, who and why; releasing one hold of a split reopens
// its children only; two groups racing for the last places: one wins, the other gets nothing.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "broker_process.h"
#include "dispo/clients/session.h"
#include "temp_dir.h"
#include "wire_helpers.h"

namespace dispo::testing {
namespace {

using namespace std::chrono_literals;

class SiblingGroupTest : public ::testing::Test {
 protected:
  void SetUp() override {
    broker_.start();
    session_ = connect("siblings-test");
    ASSERT_TRUE(session_->call(registration_of(make_facility("590000001", 2, 10))));
    ASSERT_TRUE(session_->call(update_of("590000001", "u1", 3, 5)));
    ASSERT_TRUE(session_->call(update_of("590000001", "u2", 2, 5)));
  }

  std::unique_ptr<client::Session> connect(const std::string& client_id) {
    return std::make_unique<client::Session>(
        context_, client::SessionOptions{broker_.api(), std::chrono::seconds(2), 2, client_id});
  }

  std::string open(const std::string& child_ref, std::vector<int> ages) {
    auto reply = session_->call(open_of(child_ref, std::move(ages)));
    EXPECT_TRUE(reply) << (reply ? "" : reply.error().message);
    return reply ? (*reply)->body_as_RequestStatus()->request()->id()->str() : std::string();
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

  CommandResult dispo(std::vector<std::string> args) {
    args.insert(args.begin(), {dispo_binary(), "--broker", broker_.api()});
    return run_command(args, 20s, {"DISPO_CLIENT_ID=astreinte-59"});
  }

  // `dispo hold` through the binary; returns the hold id from its --json output.
  std::string hold_with_cli(std::vector<std::string> args) {
    args.insert(args.begin(), "hold");
    args.push_back("--json");
    auto held = dispo(args);
    EXPECT_EQ(held.exit_code, 0) << held.err;
    if (held.exit_code != 0) return {};
    return nlohmann::json::parse(held.out).at("hold").at("id").get<std::string>();
  }

  TempDir dir_;
  BrokerProcess broker_{dir_ / "data"};
  zmq::context_t context_;
  std::unique_ptr<client::Session> session_;
};

TEST_F(SiblingGroupTest, ThreeSiblingsInOneUnitTakeThreePlacesAndThreeBeds) {
  const std::string id = open("E59-1001", {4, 7, 10});
  // A client that names no child (as before issue #10) holds a place for every child.
  auto held = session_->call(hold_of("590000001", "u1", id));
  ASSERT_TRUE(held) << held.error().message;
  const auto* result = (*held)->body_as_HoldResult();
  ASSERT_NE(result->hold()->children(), nullptr);
  EXPECT_EQ(result->hold()->children()->size(), 3u);
  EXPECT_EQ(result->availability()->available(), 0);
  EXPECT_EQ(result->availability()->reserved(), 3);
  const std::string hold_id = result->hold()->id()->str();

  auto admitted = dispo({"admit", hold_id});
  ASSERT_EQ(admitted.exit_code, 0) << admitted.err;
  EXPECT_NE(admitted.out.find("admise"), std::string::npos) << admitted.out;
  auto beds = unit("u1");
  EXPECT_EQ(beds.occupied, 8);
  EXPECT_EQ(beds.reserved, 0);
  EXPECT_EQ(beds.available, 0);
  auto done = request(id);
  EXPECT_EQ(done.state, wire::RequestState::admitted);
  EXPECT_EQ(done.children_waiting, 0);
  EXPECT_EQ(done.admitted_at, "590000001/u1");
}

TEST_F(SiblingGroupTest, ASplitNeedsItsReasonAndIsAdmittedOnlyWithItsSecondHold) {
  const std::string id = open("E59-1002", {4, 7, 10});
  const std::string together = hold_with_cli({"590000001", "u2", "--request", id, "--child", "2", "--child", "3"});
  ASSERT_FALSE(together.empty());

  auto refused = dispo({"hold", "590000001", "u1", "--request", id, "--child", "1"});
  EXPECT_EQ(refused.exit_code, 1) << refused.out;
  EXPECT_NE(refused.err.find("371-5"), std::string::npos) << refused.err;
  EXPECT_NE(refused.err.find("--split-reason"), std::string::npos) << refused.err;
  EXPECT_EQ(unit("u1").available, 3) << "a refusal changes nothing";

  const std::string apart =
      hold_with_cli({"590000001", "u1", "--request", id, "--child", "1", "--split-reason",
                     "aucune unité ne prend 4 et 10 ans ensemble cette nuit"});
  ASSERT_FALSE(apart.empty());
  EXPECT_EQ(unit("u1").reserved, 1);
  EXPECT_EQ(unit("u2").reserved, 2);
  EXPECT_EQ(unit("u2").available, 0);

  auto shown = dispo({"request", "show", id});
  ASSERT_EQ(shown.exit_code, 0) << shown.err;
  EXPECT_NE(shown.out.find("Enfant 1 (4 ans) place réservée : " + apart + " sur 590000001/u1"), std::string::npos)
      << shown.out;
  EXPECT_NE(shown.out.find("Enfant 3 (10 ans) place réservée : " + together), std::string::npos) << shown.out;
  EXPECT_NE(shown.out.find("Fratrie séparée  enfant 1 vers 590000001/u1"), std::string::npos) << shown.out;

  // The single child arrives first: the request still waits for the other two.
  auto first = dispo({"admit", apart});
  ASSERT_EQ(first.exit_code, 0) << first.err;
  EXPECT_NE(first.out.find("2 enfants attendent encore"), std::string::npos) << first.out;
  auto partly = request(id);
  EXPECT_EQ(partly.state, wire::RequestState::proposed);
  EXPECT_EQ(partly.children_waiting, 2);
  EXPECT_EQ(unit("u1").occupied, 6);

  auto second = dispo({"admit", together});
  ASSERT_EQ(second.exit_code, 0) << second.err;
  auto whole = request(id);
  EXPECT_EQ(whole.state, wire::RequestState::admitted);
  EXPECT_EQ(whole.children_waiting, 0);
  EXPECT_EQ(unit("u2").occupied, 7);
  EXPECT_EQ(unit("u2").reserved, 0);

  auto record = dispo({"record", id});
  ASSERT_EQ(record.exit_code, 0) << record.err;
  EXPECT_NE(record.out.find("Fratrie séparée (Code civil, art. 371-5)"), std::string::npos) << record.out;
  EXPECT_NE(record.out.find("décidé par astreinte-59"), std::string::npos) << record.out;
  EXPECT_NE(record.out.find("aucune unité ne prend 4 et 10 ans ensemble cette nuit"), std::string::npos) << record.out;
  EXPECT_NE(record.out.find("enfants 2 et 3 admis (590000001/u2)"), std::string::npos) << record.out;

  // Restarted, the broker still knows where each child is.
  broker_.stop();
  broker_.start();
  session_ = connect("siblings-test-2");
  auto after = request(id);
  EXPECT_EQ(after.state, wire::RequestState::admitted);
  ASSERT_EQ(after.placements.size(), 3u);
  EXPECT_EQ(after.placements[0]->unit_id, "u1");
  EXPECT_EQ(after.placements[2]->unit_id, "u2");
  ASSERT_EQ(after.splits.size(), 1u);
  EXPECT_EQ(after.splits[0]->reason, "aucune unité ne prend 4 et 10 ans ensemble cette nuit");
}

TEST_F(SiblingGroupTest, ReleasingOneHoldOfASplitReopensItsChildrenOnly) {
  const std::string id = open("E59-1003", {4, 7, 10});
  const std::string together = hold_with_cli({"590000001", "u1", "--request", id, "--child", "1", "--child", "2"});
  const std::string apart = hold_with_cli({"590000001", "u2", "--request", id, "--split-reason", "pas de place ensemble"});
  ASSERT_FALSE(apart.empty());
  auto released = dispo({"release", apart});
  ASSERT_EQ(released.exit_code, 0) << released.err;
  auto after = request(id);
  EXPECT_EQ(after.state, wire::RequestState::proposed);
  ASSERT_EQ(after.placements.size(), 3u);
  EXPECT_EQ(after.placements[0]->state, wire::ChildState::held);
  EXPECT_EQ(after.placements[1]->state, wire::ChildState::held);
  EXPECT_EQ(after.placements[2]->state, wire::ChildState::waiting);
  EXPECT_EQ(after.hold_id, together);
  EXPECT_EQ(unit("u2").available, 2);
  EXPECT_EQ(unit("u2").reserved, 0);
  EXPECT_EQ(unit("u1").reserved, 2);
}

TEST_F(SiblingGroupTest, TwoGroupsRacingForTheLastPlacesExactlyOneWins) {
  const std::string a = open("E59-1101", {5, 8});
  const std::string b = open("E59-1102", {6, 9});
  ASSERT_TRUE(session_->call(update_of("590000001", "u1", 3, 7)));
  auto first = connect("on-call-a");
  auto second = connect("on-call-b");
  const auto id_a = first->send(hold_of("590000001", "u1", a));
  const auto id_b = second->send(hold_of("590000001", "u1", b));
  auto reply_a = first->receive(5s);
  auto reply_b = second->receive(5s);
  ASSERT_TRUE(reply_a);
  ASSERT_TRUE(reply_b);
  EXPECT_EQ((*reply_a)->request_id(), id_a);
  EXPECT_EQ((*reply_b)->request_id(), id_b);
  const auto status_a = (*reply_a)->status();
  const auto status_b = (*reply_b)->status();
  EXPECT_EQ((status_a == wire::Status::ok) + (status_b == wire::Status::ok), 1);
  EXPECT_EQ((status_a == wire::Status::conflict) + (status_b == wire::Status::conflict), 1);
  auto last = unit("u1");
  EXPECT_EQ(last.available, 1);
  EXPECT_EQ(last.reserved, 2);
  const std::string loser = status_a == wire::Status::ok ? b : a;
  EXPECT_EQ(request(loser).state, wire::RequestState::open);
  EXPECT_EQ(request(loser).children_waiting, 2);
}

}  // namespace
}  // namespace dispo::testing
