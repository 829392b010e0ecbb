// Guarantees 1 and 2 under repeated crashes: three publishers keep updating while the real broker
// is killed with SIGKILL at random moments, ten times. Publishers retry with the same request id
// across each restart (Session's Lazy Pirate). Afterwards every acknowledged update is in the
// event log at its sequence, and no update was applied twice (each unit's values only grow).
#include <gtest/gtest.h>

#include <atomic>
#include <map>
#include <mutex>
#include <random>
#include <thread>

#include "acknowledged_updates.h"
#include "broker_process.h"
#include "dispo/clients/session.h"
#include "dispo/schemas/text_rules.h"
#include "temp_dir.h"
#include "wire_helpers.h"

namespace dispo::testing {
namespace {

using namespace std::chrono_literals;

constexpr int kPublishers = 3;
constexpr int kUnitsPerPublisher = 10;
constexpr int kIterations = 10;
constexpr const char* kFacility = "590000030";

class Publishers {
 public:
  Publishers(zmq::context_t& context, const std::string& api) {
    for (int p = 0; p < kPublishers; ++p) {
      threads_.emplace_back([this, &context, api, p] { publish(context, api, p); });
    }
  }
  ~Publishers() { stop(); }
  void stop() {
    stop_.store(true);
    for (auto& thread : threads_) {
      if (thread.joinable()) thread.join();
    }
  }
  std::size_t acknowledged() const { return count_.load(); }
  Acknowledged acks() {
    std::lock_guard lock(mutex_);
    return acks_;
  }
  std::vector<std::string> failures() {
    std::lock_guard lock(mutex_);
    return failures_;
  }

 private:
  void publish(zmq::context_t& context, const std::string& api, int p) {
    // 300 ms per attempt, 50 attempts: a call outlives any restart, retrying the same request id.
    client::Session session(context, {api, 300ms, 50, "publisher-" + std::to_string(p)});
    std::map<std::string, int> next;
    for (int n = 0; !stop_.load(); ++n) {
      const std::string unit = "u" + std::to_string(p * kUnitsPerPublisher + n % kUnitsPerPublisher + 1);
      const int value = ++next[unit];
      auto reply = session.call(update_of(kFacility, unit, value));
      std::lock_guard lock(mutex_);
      if (!reply) {
        failures_.push_back(unit + "=" + std::to_string(value) + ": " + reply.error().message);
        return;  // its fate is unknown: the check below could not tell a lost ack from a bug
      }
      const auto [it, fresh] = acks_.emplace((*reply)->sequence(), AcknowledgedUpdate{unit, value});
      if (!fresh) failures_.push_back("sequence " + std::to_string(it->first) + " acknowledged twice");
      ++count_;
    }
  }

  std::atomic<bool> stop_{false};
  std::atomic<std::size_t> count_{0};
  std::mutex mutex_;
  Acknowledged acks_;
  std::vector<std::string> failures_;
  std::vector<std::thread> threads_;
};

TEST(Kill9LoopTest, AcknowledgedUpdatesSurviveRepeatedKill9AndRetriesApplyOnce) {
  TempDir dir;
  BrokerProcess broker(dir / "data");
  broker.start();
  zmq::context_t context;
  {
    client::Session admin(context, {broker.api(), 5s, 1, "admin"});
    ASSERT_TRUE(admin.call(registration_of(make_facility(kFacility, kPublishers * kUnitsPerPublisher, wire::kMaxInstalledPlaces))));
  }
  const unsigned seed = std::random_device{}();
  SCOPED_TRACE("seed " + std::to_string(seed));
  std::mt19937 random(seed);
  std::uniform_int_distribution<std::size_t> acks_before_kill(20, 400);

  Publishers publishers(context, broker.api());
  for (int i = 0; i < kIterations; ++i) {
    const std::size_t target = publishers.acknowledged() + acks_before_kill(random);
    const auto deadline = std::chrono::steady_clock::now() + 20s;
    while (publishers.acknowledged() < target && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::yield();
    }
    ASSERT_GE(publishers.acknowledged(), target) << "iteration " << i << ": publishers stalled\n"
                                                 << broker.log();
    const std::uint64_t acked_before = publishers.acks().rbegin()->first;
    broker.kill9();
    broker.start();
    client::Session reader(context, {broker.api(), 5s, 1, "reader"});
    auto snapshot = reader.call(snapshot_request());
    ASSERT_TRUE(snapshot) << snapshot.error().message;
    ASSERT_GE((*snapshot)->sequence(), acked_before) << "iteration " << i << ": acknowledged writes lost";
  }
  const std::size_t final_target = publishers.acknowledged() + 50;  // publishing resumed after the last restart
  const auto deadline = std::chrono::steady_clock::now() + 20s;
  while (publishers.acknowledged() < final_target && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::yield();
  }
  publishers.stop();
  EXPECT_TRUE(publishers.failures().empty()) << publishers.failures().front();
  ASSERT_EQ(broker.stop(), 0);

  expect_acknowledged_once_in(event_log_in(broker.data_dir()), publishers.acks());
}

}  // namespace
}  // namespace dispo::testing
