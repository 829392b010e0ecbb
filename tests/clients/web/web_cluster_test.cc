// dispo-web in front of a cluster of three brokers (issues #13 and #16): the people who use
// browsers go on through the leader's death. The gateway is given every member's api and feed;
// its calls follow the next leader, and its live board moves to another member's feed without a
// resync, since every member numbers the feed alike. The real binaries over HTTP.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "test_cluster.h"
#include "web_gateway.h"

namespace dispo::testing {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

constexpr const char* kUnitCounts = "/api/v1/facilities/590000001/units/u1/availability";

// The next availability event of `stream` within `deadline`; fails the test on a `resync`.
std::optional<SseEvent> next_availability(SseStream& stream, milliseconds deadline) {
  const auto until = std::chrono::steady_clock::now() + deadline;
  while (std::chrono::steady_clock::now() < until) {
    auto event = stream.next(std::chrono::duration_cast<milliseconds>(until - std::chrono::steady_clock::now()));
    if (!event) return std::nullopt;
    EXPECT_NE(event->event, "resync") << "the stream had to start over";
    if (event->event == "availability") return event;
  }
  return std::nullopt;
}

int available_in(const SseEvent& event) {
  return nlohmann::json::parse(event.data)["change"]["availability"]["available"].get<int>();
}

TEST(WebClusterTest, AfterTheLeadersDeathAFacilityPublishesAnOnCallWorkerHoldsAndTheStreamGoesOnWithoutResync) {
  WebGateway gateway{WebGateway::OnCluster{}};
  Browser facility = gateway.signed_in("mecs-59", wire::Role::facility, {"590000001"});
  Browser on_call = gateway.signed_in("astreinte-59", wire::Role::on_call, {}, {"59"});
  SseStream stream(gateway.port(), on_call.cookie);
  ASSERT_EQ(stream.status(), 200);

  const auto before = facility.call("POST", kUnitCounts, R"({"available":3,"occupied":7})");
  ASSERT_EQ(before.status, 200) << before.body << gateway.web_log();
  const int leader = std::stoi(before.header("x-dispo-served-by"));
  ASSERT_GE(leader, 1);
  ASSERT_LE(leader, kMembers);
  auto seen = next_availability(stream, seconds(10));
  ASSERT_TRUE(seen);
  ASSERT_EQ(available_in(*seen), 3);

  gateway.cluster().member(leader - 1).kill9();
  // The facility's staff press "publier" again until it is taken: a call cut by the election may
  // end 503 (nothing confirmed); the counts are the same each time.
  HttpResult after;
  const bool published = poll_until(
      [&] {
        after = facility.call("POST", kUnitCounts, R"({"available":2,"occupied":8})");
        return after.status == 200;
      },
      seconds(30));
  ASSERT_TRUE(published) << after.status << " " << after.body << "\n" << gateway.web_log();
  EXPECT_NE(std::stoi(after.header("x-dispo-served-by")), leader) << "acknowledged by the dead leader?";
  EXPECT_EQ(after.header("x-dispo-lag-ms"), "") << "the leader that acknowledged it is in touch: no stale banner";

  // The on-call worker's stream carries the change, numbered after what it had: no gap, no resync.
  auto next = next_availability(stream, seconds(20));
  ASSERT_TRUE(next) << gateway.web_log() << gateway.cluster().logs();
  EXPECT_GT(std::stoull(next->id), std::stoull(seen->id));
  EXPECT_EQ(available_in(*next), 2) << next->data;

  // Searching, opening a request and holding the place go through the new leader.
  const auto found = on_call.call("GET", "/api/v1/find?age=8&dept=59");
  ASSERT_EQ(found.status, 200) << found.body;
  EXPECT_EQ(nlohmann::json::parse(found.body)["matches"][0]["facility_id"], "590000001") << found.body;
  const auto opened = on_call.call("POST", "/api/v1/requests",
                                   R"({"child_ref":"E59-0107","origin":"on_call","legal_basis":"opp",)"
                                   R"("criteria":{"departement":"59","children":[{"age":8}]}})");
  ASSERT_EQ(opened.status, 200) << opened.body;
  const std::string request = nlohmann::json::parse(opened.body)["request"]["id"];
  const auto held = on_call.call("POST", "/api/v1/holds",
                                 R"({"facility_id":"590000001","unit_id":"u1","request_id":")" + request +
                                     R"(","duration_s":3600})");
  ASSERT_EQ(held.status, 200) << held.body;
  // The facility's staff see the held place at once: the gateway's sessions ask every read for a
  // state at least as new as the hold (Request.at_least), so a follower still behind sends it on
  // to the leader.
  const HttpResult state = facility.call("GET", "/api/v1/facilities/590000001");
  ASSERT_EQ(state.status, 200) << state.body;
  EXPECT_EQ(nlohmann::json::parse(state.body)["units"][0]["availability"]["reserved"], 1) << state.body;
  EXPECT_EQ(nlohmann::json::parse(state.body)["units"][0]["availability"]["available"], 1)
      << "the hold keeps one of the two places: " << state.body;
}

}  // namespace
}  // namespace dispo::testing
