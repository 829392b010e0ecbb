// Guarantee 1: an acknowledged write survives kill -9 of the real broker in the middle of a load.
#include <gtest/gtest.h>

#include <map>

#include "broker_process.h"
#include "dispo/clients/session.h"
#include "dispo/schemas/text_rules.h"
#include "dispo/broker/broker.h"
#include "temp_dir.h"
#include "wire_helpers.h"

namespace dispo::testing {
namespace {

constexpr int kUnits = 20;
constexpr int kInFlight = 64;
constexpr std::size_t kAcksBeforeKill = 3000;

struct Sent {
  std::string unit;
  int available;
};

TEST(DurabilityTest, AcknowledgedUpdatesSurviveKill9MidLoadInOrder) {
  TempDir dir;
  BrokerProcess broker(dir / "data");
  broker.start();
  zmq::context_t context;
  auto loader = std::make_unique<client::Session>(
      context, client::SessionOptions{broker.api(), std::chrono::seconds(5), 1, "loader"});
  client::Session& session = *loader;
  ASSERT_TRUE(session.call(registration_of(make_facility("590000001", kUnits, wire::kMaxInstalledPlaces))));

  std::map<std::uint64_t, Sent> in_flight;          // request id -> what it set
  std::map<std::uint64_t, Sent> acknowledged;       // sequence -> what it set
  std::map<std::string, int> next_value;
  int round = 0;
  while (acknowledged.size() < kAcksBeforeKill) {
    while (in_flight.size() < kInFlight) {
      const std::string unit = "u" + std::to_string(1 + round % kUnits);
      const int value = ++next_value[unit];
      ++round;
      in_flight[session.send(update_of("590000001", unit, value))] = {unit, value};
    }
    auto reply = session.receive(std::chrono::seconds(5));
    ASSERT_TRUE(reply) << "broker stopped answering:\n" << broker.log();
    ASSERT_EQ((*reply)->status(), wire::Status::ok);
    auto it = in_flight.find((*reply)->request_id());
    ASSERT_NE(it, in_flight.end());
    acknowledged[(*reply)->sequence()] = it->second;
    in_flight.erase(it);
  }
  loader.reset();
  broker.kill9();  // with up to kInFlight updates still in flight

  // Restart: the broker comes back and still serves (a new client: nothing queued resent).
  broker.start();
  client::Session reader(context, {broker.api(), std::chrono::seconds(5), 1, "reader"});
  auto snapshot = reader.call(snapshot_request());
  ASSERT_TRUE(snapshot) << snapshot.error().message;
  const std::uint64_t restarted_sequence = (*snapshot)->sequence();
  ASSERT_GE(restarted_sequence, acknowledged.rbegin()->first);
  ASSERT_EQ(broker.stop(), 0);

  // Every acknowledged update is in the event log at the sequence it was acknowledged with,
  // and the log is gap-free and ordered.
  std::uint64_t expected = 1;
  std::size_t matched = 0;
  std::map<std::string, int> last_logged;
  auto visited = broker::for_each_event_in(broker.data_dir(), 1, [&](std::uint64_t sequence, std::string_view bytes) {
    EXPECT_EQ(sequence, expected++);
    auto message = wire::decode(bytes.data(), bytes.size());
    EXPECT_TRUE(message);
    if (!message) return false;
    const auto* event = (*message)->body_as_FeedEvent();
    EXPECT_NE(event, nullptr);
    if (event == nullptr) return false;
    EXPECT_EQ(event->sequence(), sequence);
    if (const auto* change = event->change_as_AvailabilityChanged()) {
      const std::string unit = change->unit_id()->str();
      const int available = change->availability()->available();
      EXPECT_GT(available, last_logged[unit]) << "unit " << unit << " went back in time";
      last_logged[unit] = available;
      if (auto ack = acknowledged.find(sequence); ack != acknowledged.end()) {
        EXPECT_EQ(ack->second.unit, unit);
        EXPECT_EQ(ack->second.available, available);
        ++matched;
      }
    }
    return true;
  });
  ASSERT_TRUE(visited) << visited.error().message;
  EXPECT_EQ(matched, acknowledged.size()) << "some acknowledged updates are missing";
  EXPECT_EQ(expected - 1, restarted_sequence);
}

}  // namespace
}  // namespace dispo::testing
