// dispo-web's live stream (issue #13): Server-Sent Events fanned out from the gateway's one live
// board, filtered by the person's territory; Last-Event-ID resumes without gap or repeat (or says
// `resync`); a revoked person is cut off mid-stream; a stalled reader is cut off while others
// keep receiving; a thousand streams at once. The real broker and dispo-web over HTTP.
#include <sys/resource.h>

#include <atomic>
#include <set>
#include <thread>

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "web_gateway.h"
#include "wire_helpers.h"

namespace dispo::testing {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

std::uint64_t id_of(const SseEvent& event) { return std::stoull(event.id); }

int available_in(const SseEvent& event) {
  return nlohmann::json::parse(event.data)["change"]["availability"]["available"].get<int>();
}

class WebEventsTest : public ::testing::Test {
 protected:
  // A stalled reader is cut off past 16 KiB waiting; the gateway keeps its last 50 events.
  WebGateway gateway_{{"--stream-buffer", "16384", "--ring", "50", "--keepalive", "1s"}};

  void update(const std::string& facility, int available) {
    gateway_.admin_call(update_of(facility, "u1", available, 0));
  }

  // The next event of `kind`, skipping others (keepalives are comments, never events).
  static std::optional<SseEvent> next_of(SseStream& stream, const std::string& kind, milliseconds deadline = seconds(10)) {
    const auto until = std::chrono::steady_clock::now() + deadline;
    while (std::chrono::steady_clock::now() < until) {
      auto event = stream.next(std::chrono::duration_cast<milliseconds>(until - std::chrono::steady_clock::now()));
      if (!event) return std::nullopt;
      if (event->event == kind) return event;
    }
    return std::nullopt;
  }
};

TEST_F(WebEventsTest, AStreamCarriesItsTerritorysChangesWithTheFeedSequenceAsId) {
  Browser on_call = gateway_.signed_in("astreinte-59", wire::Role::on_call, {}, {"59"});
  SseStream stream(gateway_.port(), on_call.cookie);
  ASSERT_EQ(stream.status(), 200);
  update("620000001", 4);  // the Pas-de-Calais: not this person's territory
  update("590000001", 5);
  auto event = next_of(stream, "availability");
  ASSERT_TRUE(event);
  const auto json = nlohmann::json::parse(event->data);
  EXPECT_EQ(json["change"]["facility_id"], "590000001") << event->data;
  EXPECT_EQ(json["change"]["availability"]["available"], 5);
  EXPECT_EQ(std::to_string(json["sequence"].get<std::uint64_t>()), event->id) << "id: is the feed sequence";
  EXPECT_EQ(json["principal"], "admin-test");

  EXPECT_FALSE(stream.next(seconds(3))) << "nothing else for this person";
  EXPECT_GT(stream.comments(), 0u) << "keepalive comments on an idle stream";

  Browser judge = gateway_.signed_in("juge-59", wire::Role::judge, {}, {"59"});
  SseStream judges(gateway_.port(), judge.cookie);
  update("590000001", 6);
  EXPECT_FALSE(next_of(judges, "availability", seconds(2))) << "a judge sees no facility-level change";
  EXPECT_EQ(SseStream(gateway_.port(), "dispo_session=inconnu").status(), 401);
}

TEST_F(WebEventsTest, LastEventIdResumesWithoutGapNorRepeat) {
  Browser on_call = gateway_.signed_in("astreinte-59", wire::Role::on_call, {}, {"59"});
  std::string last_id;
  {
    SseStream first(gateway_.port(), on_call.cookie);
    update("590000001", 1);
    auto event = next_of(first, "availability");
    ASSERT_TRUE(event);
    EXPECT_EQ(available_in(*event), 1);
    last_id = event->id;
  }  // the connection drops
  for (int available = 2; available <= 6; ++available) update("590000001", available);

  SseStream resumed(gateway_.port(), on_call.cookie, last_id);
  std::uint64_t previous = std::stoull(last_id);
  for (int expected = 2; expected <= 6; ++expected) {
    auto event = next_of(resumed, "availability");
    ASSERT_TRUE(event) << "missing the event with available=" << expected;
    EXPECT_EQ(available_in(*event), expected) << "in order, none missing";
    EXPECT_GT(id_of(*event), previous) << "none repeated";
    previous = id_of(*event);
  }
  update("590000001", 7);
  auto live = next_of(resumed, "availability");
  ASSERT_TRUE(live);
  EXPECT_EQ(available_in(*live), 7) << "then the live events, nothing repeated";
}

TEST_F(WebEventsTest, AnIdOlderThanWhatTheGatewayKeepsGetsResync) {
  Browser on_call = gateway_.signed_in("astreinte-59", wire::Role::on_call, {}, {"59"});
  std::string old_id;
  {
    SseStream first(gateway_.port(), on_call.cookie);
    update("590000001", 1);
    auto event = next_of(first, "availability");
    ASSERT_TRUE(event);
    old_id = event->id;
  }
  for (int i = 0; i < 60; ++i) update("590000001", 2 + i % 3);  // more than the ring of 50
  SseStream resumed(gateway_.port(), on_call.cookie, old_id);
  auto first = resumed.next(seconds(10));
  ASSERT_TRUE(first);
  EXPECT_EQ(first->event, "resync") << first->data;
  EXPECT_EQ(SseStream(gateway_.port(), on_call.cookie, "pas-un-nombre").next(seconds(10))->event, "resync");
}

// A stream cut off while its first write is still in flight (here: a resync that does not fit in
// a 64-byte buffer after the welcome) ended the stream under the write, whose completion then
// popped an empty queue: dispo-web died of SIGSEGV about once in ten browser runs. The sanitizer
// build (with _GLIBCXX_ASSERTIONS) stops on the first one.
TEST(WebStreamEndTest, AStreamCutOffWhileItsFirstWriteIsInFlightLeavesTheGatewayStanding) {
  WebGateway gateway{{"--stream-buffer", "64", "--ring", "50"}};
  Browser on_call = gateway.signed_in("astreinte-59", wire::Role::on_call, {}, {"59"});
  for (int i = 0; i < 50; ++i) {
    SseStream stream(gateway.port(), on_call.cookie, "999999999999");
    ASSERT_TRUE(stream.ended_within(seconds(10))) << "attempt " << i << ": the stream was not cut off";
  }
  const auto answer = on_call.call("GET", "/api/v1/find?age=4&dept=59");
  EXPECT_EQ(answer.status, 200) << "the gateway still answers: " << answer.body;
}

TEST_F(WebEventsTest, ARevokedPersonIsCutOffMidStream) {
  Browser on_call = gateway_.signed_in("astreinte-59", wire::Role::on_call, {}, {"59"});
  SseStream stream(gateway_.port(), on_call.cookie);
  update("590000001", 3);
  ASSERT_TRUE(next_of(stream, "availability"));

  wire::PrincipalRevokeT revoke;
  revoke.name = "astreinte-59";
  wire::RequestBodyUnion body;
  body.Set(std::move(revoke));
  gateway_.admin_call(std::move(body));

  EXPECT_TRUE(stream.ended_within(seconds(10))) << "the stream ends when the person is revoked";
  const auto after = on_call.call("GET", "/api/v1/find?age=4&dept=59");
  EXPECT_EQ(after.status, 401) << after.body;
  EXPECT_EQ(on_call.sign_in("astreinte-59", kPassword).status, 401) << "a revoked person cannot sign in again";
}

TEST_F(WebEventsTest, AStalledReaderIsCutOffWhileOthersKeepReceiving) {
  Browser on_call = gateway_.signed_in("astreinte-59", wire::Role::on_call, {}, {"59"});
  SseStream stalled(gateway_.port(), on_call.cookie, std::nullopt, 4096);
  SseStream reader(gateway_.port(), on_call.cookie);
  ASSERT_EQ(stalled.status(), 200);
  ASSERT_EQ(reader.status(), 200);

  // The kernel's buffers of the stalled connection (the gateway's send buffer, the reader's
  // receive buffer) absorb some hundreds of KiB before the gateway's 16 KiB queue fills: changes
  // are published until the gateway says it cut the stalled stream off (at most kMaxUpdates).
  constexpr int kMaxUpdates = 20'000;
  std::atomic<std::size_t> sent{0};
  std::atomic<bool> done{false};
  std::vector<std::uint64_t> received;
  std::thread reading([&] {
    while (!done.load() || received.size() < sent.load()) {
      auto event = next_of(reader, "availability", seconds(30));
      if (!event) return;
      received.push_back(id_of(*event));
    }
  });
  bool cut_off = false;
  for (int i = 0; i < kMaxUpdates && !cut_off; ++i) {
    sent.fetch_add(1);
    update("590000001", 1 + i % 5);
    if (i % 50 == 49) cut_off = gateway_.web_log().find("cut off") != std::string::npos;
  }
  for (int i = 0; i < 20; ++i) {  // the reader keeps receiving after the cut
    sent.fetch_add(1);
    update("590000001", 1 + i % 5);
  }
  sent.fetch_add(1);
  done.store(true);
  update("590000001", 6);
  reading.join();

  EXPECT_TRUE(cut_off) << "no cut after " << kMaxUpdates << " changes";
  ASSERT_EQ(received.size(), sent.load()) << "the reading stream got every event";
  for (std::size_t i = 1; i < received.size(); ++i) ASSERT_GT(received[i], received[i - 1]);
  EXPECT_TRUE(stalled.ended_within(seconds(10))) << "the stalled stream was cut off";
}

TEST_F(WebEventsTest, AThousandStreamsReceiveTheSameChange) {
  rlimit files{};
  getrlimit(RLIMIT_NOFILE, &files);
  files.rlim_cur = files.rlim_max;
  setrlimit(RLIMIT_NOFILE, &files);
  const std::size_t streams_wanted = std::min<std::size_t>(1000, files.rlim_cur > 200 ? files.rlim_cur - 200 : 0);
  ASSERT_GE(streams_wanted, 100u) << "too few file descriptors for this test";

  Browser on_call = gateway_.signed_in("astreinte-59", wire::Role::on_call, {}, {"59"});
  std::vector<std::unique_ptr<SseStream>> streams;
  for (std::size_t i = 0; i < streams_wanted; ++i) {
    streams.push_back(std::make_unique<SseStream>(gateway_.port(), on_call.cookie));
    ASSERT_EQ(streams.back()->status(), 200) << "stream " << i;
  }
  // Every stream is attached once it had its welcome; then one change reaches them all.
  update("590000001", 7);
  std::size_t delivered = 0;
  for (auto& stream : streams) {
    auto event = next_of(*stream, "availability", seconds(20));
    delivered += event && available_in(*event) == 7;
  }
  EXPECT_EQ(delivered, streams_wanted);
}

TEST_F(WebEventsTest, APersonsOwnAlertsArriveOnTheStream) {
  Browser on_call = gateway_.signed_in("astreinte-59", wire::Role::on_call, {}, {"59"});
  const auto opened = on_call.call("POST", "/api/v1/requests",
                                   R"({"child_ref":"E59-0099","origin":"on_call","legal_basis":"opp",)"
                                   R"("criteria":{"departement":"59","children":[{"age":9}]}})");
  ASSERT_EQ(opened.status, 200) << opened.body;
  const std::string id = nlohmann::json::parse(opened.body)["request"]["id"];
  const auto subscribed = on_call.call("POST", "/api/v1/subscriptions", R"({"kind":"request","request_id":")" + id + "\"}");
  ASSERT_EQ(subscribed.status, 200) << subscribed.body;
  SseStream stream(gateway_.port(), on_call.cookie);
  ASSERT_EQ(on_call.call("POST", "/api/v1/requests/" + id + "/cancel", R"({"reason":"test"})").status, 200);
  auto alert = next_of(stream, "alert");
  ASSERT_TRUE(alert);
  EXPECT_NE(alert->data.find(id), std::string::npos) << alert->data;
  const auto listed = on_call.call("GET", "/api/v1/alerts");
  EXPECT_NE(listed.body.find(id), std::string::npos) << listed.body;
}

}  // namespace
}  // namespace dispo::testing
