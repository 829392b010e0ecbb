// Guarantee 3 end to end: a board that joins while updates flow converges to exactly the real
// broker's state (snapshot-then-feed), and re-synchronises after the broker is killed and restarted.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "board_helpers.h"
#include "broker_process.h"
#include "dispo/clients/board.h"
#include "dispo/clients/session.h"
#include "temp_dir.h"
#include "wire_helpers.h"

namespace dispo::testing {
namespace {

constexpr int kFacilities = 20;
constexpr int kUnits = 5;

std::string facility_name(int f) { return "5900001" + std::to_string(10 + f); }

// Sends updates from its own thread until stopped.
class Load {
 public:
  Load(zmq::context_t& context, const std::string& api) {
    thread_ = std::thread([this, &context, api] {
      client::Session session(context, {api, std::chrono::seconds(5), 3, "load"});
      for (int n = 0; !stop_.load(); ++n) {
        const int f = n % kFacilities, u = 1 + (n / kFacilities) % kUnits;
        if (session.call(update_of(facility_name(f), "u" + std::to_string(u), n % 7))) ++sent_;
      }
    });
  }
  ~Load() { stop(); }
  void stop() {
    stop_.store(true);
    if (thread_.joinable()) thread_.join();
  }
  int sent() const { return sent_.load(); }

 private:
  std::atomic<bool> stop_{false};
  std::atomic<int> sent_{0};
  std::thread thread_;
};

TEST(BoardConvergenceTest, LateJoiningBoardConvergesToExactlyTheBrokerState) {
  TempDir dir;
  BrokerProcess broker(dir / "data");
  broker.start();
  zmq::context_t context;
  client::Session admin(context, {broker.api(), std::chrono::seconds(5), 1, "admin"});
  for (int f = 0; f < kFacilities; ++f) {
    ASSERT_TRUE(admin.call(registration_of(make_facility(facility_name(f), kUnits, 10))));
  }
  Load load(context, broker.api());
  const auto flowing = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (load.sent() < 200 && std::chrono::steady_clock::now() < flowing) {
    std::this_thread::yield();  // the board joins while updates flow
  }
  ASSERT_GE(load.sent(), 200);
  client::Board board(context, {broker.api(), broker.feed(), "", std::chrono::seconds(3)});
  ASSERT_TRUE(board.start());
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  const int sent_at_join = load.sent();
  while (load.sent() < sent_at_join + 500 && std::chrono::steady_clock::now() < deadline) {
    board.poll(std::chrono::milliseconds(10));
  }
  load.stop();

  auto [sequence, expected] = broker_state(admin);
  ASSERT_TRUE(catch_up(board, sequence, std::chrono::seconds(10)))
      << "board at " << board.sequence() << ", broker at " << sequence;
  EXPECT_EQ(board_state(board), expected);
}

TEST(BoardConvergenceTest, BoardResynchronisesAfterTheBrokerIsKilledAndRestarted) {
  TempDir dir;
  BrokerProcess broker(dir / "data");
  broker.start();
  zmq::context_t context;
  client::Session admin(context, {broker.api(), std::chrono::seconds(5), 3, "admin"});
  ASSERT_TRUE(admin.call(registration_of(make_facility(facility_name(0), kUnits, 10))));
  client::Board board(context, {broker.api(), broker.feed(), "", std::chrono::seconds(1)});
  ASSERT_TRUE(board.start());

  broker.kill9();
  broker.start();
  ASSERT_TRUE(admin.call(update_of(facility_name(0), "u1", 4)));
  auto [sequence, expected] = broker_state(admin);
  ASSERT_TRUE(catch_up(board, sequence, std::chrono::seconds(15)));
  EXPECT_EQ(board_state(board), expected);
  EXPECT_EQ(board.facilities().at(facility_name(0)).units[0]->availability->available, 4);
}

}  // namespace
}  // namespace dispo::testing
