// One peer flooding the broker (thousands of requests it never reads the replies to, and frames
// over the size limit) does not starve a well-behaved client, and is told `rate_limited`.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <thread>

#include <zmq.hpp>

#include "broker_process.h"
#include "dispo/clients/session.h"
#include "temp_dir.h"
#include "wire_helpers.h"

namespace dispo::testing {
namespace {

using namespace std::chrono_literals;

constexpr int kFloodRequests = 30'000;
constexpr int kHugeFrames = 200;
constexpr std::size_t kMaxMessageBytes = 64u << 10;

std::string search_frame(std::uint64_t request_id) {
  wire::RequestBodyUnion body;
  body.Set(wire::SearchQueryT{});
  flatbuffers::FlatBufferBuilder builder;
  auto request = wire::CreateRequest(builder, request_id, builder.CreateString("flooder"), body.type,
                                     body.Pack(builder));
  wire::finish(builder, request);
  return {reinterpret_cast<const char*>(builder.GetBufferPointer()), builder.GetSize()};
}

// Sends everything first, reads nothing until done; then counts the replies by status.
struct Flooder {
  std::atomic<bool> sent{false};
  std::map<wire::Status, int> statuses;
  std::string rate_limited_message;

  void run(zmq::context_t& context, const std::string& api) {
    zmq::socket_t socket(context, zmq::socket_type::dealer);
    socket.set(zmq::sockopt::linger, 0);
    socket.set(zmq::sockopt::sndhwm, 0);
    socket.connect(api);
    const std::string huge(kMaxMessageBytes * 2, 'x');  // over the limit, under the hard ceiling
    for (int i = 0; i < kFloodRequests; ++i) {
      socket.send(zmq::buffer(search_frame(i + 1)), zmq::send_flags::none);
      if (i % (kFloodRequests / kHugeFrames) == 0) socket.send(zmq::buffer(huge), zmq::send_flags::none);
    }
    sent.store(true);
    zmq::message_t reply;
    socket.set(zmq::sockopt::rcvtimeo, 3000);
    while (socket.recv(reply)) {
      auto message = wire::decode(reply.data(), reply.size(), SIZE_MAX);
      if (!message || (*message)->body_as_Reply() == nullptr) continue;
      const auto* body = (*message)->body_as_Reply();
      ++statuses[body->status()];
      if (body->status() == wire::Status::rate_limited && body->message()) {
        rate_limited_message = body->message()->str();
      }
    }
  }
};

TEST(FloodTest, FloodingPeerIsRateLimitedAndOthersStayServed) {
  TempDir dir;
  // A limit well under what any build of the broker serves (a sanitized one serves under 2,000
  // searches/s on two cores: a 2,000/s limit was never reached there, the queue being the limit).
  BrokerProcess broker(dir / "data", {"--peer-rate", "200", "--peer-burst", "200",
                                      "--max-message-bytes", std::to_string(kMaxMessageBytes)});
  broker.start();
  zmq::context_t context;
  client::Session client(context, {broker.api(), 5s, 1, "well-behaved"});
  ASSERT_TRUE(client.call(registration_of(make_facility("590000020", 10, 10))));

  Flooder flooder;
  std::thread flood([&] { flooder.run(context, broker.api()); });
  // The well-behaved client keeps getting answers while the flood is queued at the broker.
  const auto deadline = std::chrono::steady_clock::now() + 20s;
  int answered = 0;
  while ((answered < 20 || !flooder.sent.load()) && std::chrono::steady_clock::now() < deadline) {
    wire::RequestBodyUnion body;
    body.Set(wire::SearchQueryT{});
    auto reply = client.call(std::move(body));
    ASSERT_TRUE(reply) << "search #" << answered << " not answered within 5 s: "
                       << reply.error().message;
    ++answered;
  }
  ASSERT_TRUE(client.call(update_of("590000020", "u1", 2)));
  flood.join();
  EXPECT_GE(answered, 20);
  EXPECT_GT(flooder.statuses[wire::Status::rate_limited], 0) << "the flooder was never limited";
  EXPECT_NE(flooder.rate_limited_message.find("trop de requêtes"), std::string::npos);
  EXPECT_GT(flooder.statuses[wire::Status::ok], 0) << "the flooder got no share at all";
  EXPECT_TRUE(broker.running());
}

// Issue #11, "fair under a flood": one DEALER sending searches as fast as it can, with the rate
// limit lifted, gets only its share of each batch; another client's searches are each served in
// the next batch, not behind thousands of the flooder's. Counted in replies, not in milliseconds:
// while each of the other client's 20 searches is on its way, the flooder receives a few batches'
// worth of replies (its share is 64 per batch), where before it received two whole batches
// (2 × 2,048) per search.
// The flood is kept topped up (kQueued searches waiting) until those 20 searches are done, so that
// it cannot run dry before them however fast the broker or slow the machine.
TEST(FloodTest, AFloodingPeerGetsOnlyItsShareOfEachBatch) {
  constexpr int kQueued = 20'000;
  constexpr int kFrames = 200'000;
  TempDir dir;
  BrokerProcess broker(dir / "data", {"--peer-rate", "0"});
  broker.start();
  zmq::context_t context;
  client::Session client(context, {broker.api(), 10s, 1, "on-call"});
  for (int f = 0; f < 50; ++f) {
    ASSERT_TRUE(client.call(registration_of(make_facility("5900001" + std::to_string(10 + f), 10, 10))));
  }
  // Built beforehand: the flood is as fast as the socket, whatever the test code's optimisation.
  std::vector<std::string> frames;
  frames.reserve(kFrames);
  for (int i = 0; i < kFrames; ++i) frames.push_back(search_frame(static_cast<std::uint64_t>(i) + 1));
  std::atomic<int> sent{0};
  std::atomic<int> answered{0};
  std::atomic<bool> searches_done{false};
  std::thread flood([&] {
    zmq::socket_t socket(context, zmq::socket_type::dealer);
    socket.set(zmq::sockopt::linger, 0);
    socket.set(zmq::sockopt::sndhwm, 0);
    socket.set(zmq::sockopt::rcvhwm, 0);
    socket.connect(broker.api());
    zmq::message_t reply;
    const auto deadline = std::chrono::steady_clock::now() + 120s;
    while (std::chrono::steady_clock::now() < deadline) {
      const bool topping_up = !searches_done.load() && sent.load() < kFrames;
      if (!topping_up && answered.load() >= sent.load()) break;
      if (topping_up && sent.load() - answered.load() < kQueued) {
        socket.send(zmq::buffer(frames[sent.load()]), zmq::send_flags::none);
        ++sent;
      } else {
        zmq::pollitem_t item{socket.handle(), 0, ZMQ_POLLIN, 0};
        zmq::poll(&item, 1, 10ms);
      }
      while (socket.recv(reply, zmq::recv_flags::dontwait)) ++answered;
    }
  });
  // Polls (bounded) until the flood is queued at the broker and being answered.
  const auto queued = std::chrono::steady_clock::now() + 60s;
  while ((sent.load() < kQueued || answered.load() == 0) && std::chrono::steady_clock::now() < queued) {
    std::this_thread::sleep_for(1ms);
  }
  // Counted while each search is on its way only: what the flooder gets between two of the other
  // client's calls (its own time, the machine's scheduling) is not the broker's doing.
  int during = 0;
  int still_queued = kQueued;
  for (int i = 0; i < 20; ++i) {
    wire::RequestBodyUnion body;
    body.Set(wire::SearchQueryT{});
    const int before = answered.load();
    ASSERT_TRUE(client.call(std::move(body))) << "search #" << i;
    const int after = answered.load();
    during += after - before;
    still_queued = std::min(still_queued, sent.load() - after);
  }
  searches_done.store(true);
  flood.join();
  ASSERT_GT(still_queued, 0) << "the flood ran dry during the other client's searches: inconclusive";
  // Fair: its share of a batch or two per search (64 each), plus the replies already on their way
  // to the flooder's thread when a search is sent — measured here up to about 650 per search on a
  // loaded machine. Unfair, as before issue #11: at least one whole batch (2,048) per search. The
  // bound sits between the two.
  EXPECT_LT(during, 20 * 1024) << "the flooder got " << during
                                  << " replies while the other client's 20 searches were on their way";
  EXPECT_EQ(answered.load(), sent.load()) << "every search of the flood is answered";
}

}  // namespace
}  // namespace dispo::testing
