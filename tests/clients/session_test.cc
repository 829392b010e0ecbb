// Session's waits (clients/include/dispo/clients/session.h), against a real ROUTER that never answers.
#include <chrono>

#include <gtest/gtest.h>
#include <zmq.hpp>

#include "dispo/clients/session.h"

namespace dispo::testing {
namespace {

// receive(wait) sleeps for its wait when nothing comes, however short: a wait under a
// millisecond once polled without sleeping, and a publisher pacing itself with 1 ms waits spun a
// whole core (dispo-bench's feed publisher did, on a 2-core machine, and the broker's tail paid).
TEST(SessionTest, AReceiveOfOneMillisecondSleepsAMillisecondWhenNothingComes) {
  zmq::context_t context;
  zmq::socket_t silent(context, zmq::socket_type::router);
  silent.bind("inproc://silent-broker");
  client::Session session(context, client::SessionOptions{"inproc://silent-broker", std::chrono::seconds(1), 1, "waiter"});
  constexpr int kWaits = 200;
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < kWaits; ++i) EXPECT_FALSE(session.receive(std::chrono::milliseconds(1)).has_value());
  const auto took = std::chrono::steady_clock::now() - start;
  EXPECT_GE(took, std::chrono::milliseconds(kWaits))
      << kWaits << " waits of 1 ms took "
      << std::chrono::duration_cast<std::chrono::microseconds>(took).count() << " µs: they did not wait";
}

}  // namespace
}  // namespace dispo::testing
