// Issue #4 "Faults": a slow or stuck feed subscriber never blocks the broker nor the other
// subscribers (the broker drops what it cannot take, past --feed-hwm), and a board that missed
// events detects it by sequence number and recovers from a snapshot.
#include <gtest/gtest.h>

#include <future>
#include <iterator>
#include <vector>

#include <zmq_addon.hpp>

#include "board_helpers.h"
#include "broker_process.h"
#include "dispo/clients/board.h"
#include "dispo/clients/session.h"
#include "temp_dir.h"
#include "wire_helpers.h"

namespace dispo::testing {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

constexpr int kFacilities = 20;
constexpr int kUnits = 5;
constexpr int kUpdates = 40'000;
constexpr int kFeedHighWaterMark = 1'000;  // the broker's queue per subscriber, in messages

std::string facility_name(int f) { return "5900002" + std::to_string(10 + f); }

// A broker whose feed queues little per subscriber and that does not rate-limit the publisher.
std::vector<std::string> broker_args() {
  return {"--feed-hwm", std::to_string(kFeedHighWaterMark), "--peer-rate", "0"};
}

void register_facilities(client::Session& admin) {
  for (int f = 0; f < kFacilities; ++f) {
    ASSERT_TRUE(admin.call(registration_of(make_facility(facility_name(f), kUnits, 10))));
  }
}

struct Acknowledged {
  int ok = 0;
  int refused = 0;
  milliseconds longest_wait{0};  // longest time without any reply while some were due
};

// Sends `count` availability updates, at most `window` in flight, and counts the broker's replies.
// Gives up when no reply comes for `patience` (a blocked broker).
Acknowledged publish_updates(zmq::context_t& context, const std::string& api, int count, int window,
                             milliseconds patience) {
  client::Session session(context, {api, patience, 1, "publisher"});
  Acknowledged acknowledged;
  int sent = 0;
  auto last_reply = std::chrono::steady_clock::now();
  while (acknowledged.ok + acknowledged.refused < count) {
    while (sent < count && sent - (acknowledged.ok + acknowledged.refused) < window) {
      const int f = sent % kFacilities, u = 1 + (sent / kFacilities) % kUnits;
      session.send(update_of(facility_name(f), "u" + std::to_string(u), sent % 7));
      ++sent;
    }
    auto reply = session.receive(milliseconds(100));
    const auto now = std::chrono::steady_clock::now();
    if (!reply) {
      const auto waited = std::chrono::duration_cast<milliseconds>(now - last_reply);
      acknowledged.longest_wait = std::max(acknowledged.longest_wait, waited);
      if (waited >= patience) break;
      continue;
    }
    acknowledged.longest_wait =
        std::max(acknowledged.longest_wait, std::chrono::duration_cast<milliseconds>(now - last_reply));
    last_reply = now;
    ++((*reply)->status() == wire::Status::ok ? acknowledged.ok : acknowledged.refused);
  }
  return acknowledged;
}

// A raw subscriber to every topic that reads one message (so its subscription is in place), then
// nothing more until drain().
class StuckSubscriber {
 public:
  StuckSubscriber(zmq::context_t& context, const std::string& feed) : socket_(context, zmq::socket_type::sub) {
    socket_.set(zmq::sockopt::linger, 0);
    socket_.set(zmq::sockopt::rcvhwm, 100);
    socket_.set(zmq::sockopt::subscribe, "ev/");
    socket_.set(zmq::sockopt::subscribe, "hb/");
    socket_.connect(feed);
  }

  // Waits for the first message (a heartbeat comes at least every 500 ms).
  bool subscribed(milliseconds deadline) {
    zmq::pollitem_t item{socket_.handle(), 0, ZMQ_POLLIN, 0};
    if (zmq::poll(&item, 1, deadline) == 0) return false;
    std::vector<zmq::message_t> frames;
    return zmq::recv_multipart(socket_, std::back_inserter(frames)).has_value();
  }

  // Reads everything waiting for it (here or in the broker); returns the number of events.
  int drain() {
    int events = 0;
    zmq::pollitem_t item{socket_.handle(), 0, ZMQ_POLLIN, 0};
    while (zmq::poll(&item, 1, milliseconds(200)) > 0) {
      std::vector<zmq::message_t> frames;
      (void)zmq::recv_multipart(socket_, std::back_inserter(frames));
      if (!frames.empty() && frames[0].to_string_view().substr(0, 3) == "ev/") ++events;
    }
    return events;
  }

 private:
  zmq::socket_t socket_;
};

TEST(SlowSubscriberTest, StuckSubscriberBlocksNeitherTheBrokerNorAReadingBoard) {
  TempDir dir;
  BrokerProcess broker(dir / "data", broker_args());
  broker.start();
  zmq::context_t context;
  client::Session admin(context, {broker.api(), seconds(5), 1, "admin"});
  register_facilities(admin);
  client::Board reading(context, {broker.api(), broker.feed(), "", seconds(3)});
  ASSERT_TRUE(reading.start());
  StuckSubscriber stuck(context, broker.feed());
  ASSERT_TRUE(stuck.subscribed(seconds(10)));

  auto publishing = std::async(std::launch::async, [&] {
    return publish_updates(context, broker.api(), kUpdates, 100, seconds(5));
  });
  const auto deadline = std::chrono::steady_clock::now() + seconds(120);
  while (publishing.wait_for(milliseconds(0)) != std::future_status::ready &&
         std::chrono::steady_clock::now() < deadline) {
    reading.poll(milliseconds(10));
  }
  ASSERT_EQ(publishing.wait_for(milliseconds(0)), std::future_status::ready) << "publisher still waiting";
  const Acknowledged acknowledged = publishing.get();
  EXPECT_EQ(acknowledged.ok, kUpdates) << "refused " << acknowledged.refused << ", longest wait "
                                       << acknowledged.longest_wait.count() << " ms";

  auto [sequence, expected] = broker_state(admin);
  ASSERT_TRUE(catch_up(reading, sequence, seconds(20)))
      << "board at " << reading.sequence() << ", broker at " << sequence;
  EXPECT_EQ(board_state(reading), expected);
  EXPECT_EQ(reading.resync_count(), 0u) << reading.last_resync_reason();
  // The stuck subscriber lost most of the flow: the broker dropped it rather than queue it all.
  const int received = stuck.drain();
  EXPECT_LT(received, kUpdates / 2) << "the stuck subscriber received " << received << " events of " << kUpdates;
}

TEST(SlowSubscriberTest, StalledBoardDetectsWhatItMissedAndConvergesFromASnapshot) {
  TempDir dir;
  BrokerProcess broker(dir / "data", broker_args());
  broker.start();
  zmq::context_t context;
  client::Session admin(context, {broker.api(), seconds(5), 1, "admin"});
  register_facilities(admin);
  client::BoardOptions options;
  options.broker = broker.api();
  options.feed = broker.feed();
  options.silence_timeout = seconds(600);  // only sequence numbers can reveal the loss
  options.feed_high_water_mark = 100;
  client::Board stalled(context, options);
  ASSERT_TRUE(stalled.start());
  const std::uint64_t before = stalled.sequence();

  const Acknowledged acknowledged = publish_updates(context, broker.api(), kUpdates, 100, seconds(5));
  ASSERT_EQ(acknowledged.ok, kUpdates);

  auto [sequence, expected] = broker_state(admin);
  ASSERT_EQ(sequence, before + kUpdates);
  ASSERT_TRUE(catch_up(stalled, sequence, seconds(30)))
      << "board at " << stalled.sequence() << ", broker at " << sequence;
  EXPECT_GT(stalled.resync_count(), 0u);
  EXPECT_TRUE(stalled.last_resync_reason().find("gap") != std::string::npos ||
              stalled.last_resync_reason().find("heartbeat ahead") != std::string::npos)
      << stalled.last_resync_reason();
  EXPECT_EQ(board_state(stalled), expected);
}

}  // namespace
}  // namespace dispo::testing
