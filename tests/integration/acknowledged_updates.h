// What the durability tests check after killing brokers under publishers: the updates the
// publishers saw acknowledged, against the event log a broker kept on disk.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "dispo/broker/broker.h"
#include "dispo/schemas/wire.h"

namespace dispo::testing {

// An update a publisher saw acknowledged; kept by the sequence the broker gave it.
struct AcknowledgedUpdate {
  std::string unit;
  int available;
};
using Acknowledged = std::map<std::uint64_t, AcknowledgedUpdate>;
using EventLog = std::vector<std::pair<std::uint64_t, std::string>>;  // (sequence, FeedEvent bytes)

// The event log of a stopped broker's data directory, in sequence order.
inline EventLog event_log_in(const std::filesystem::path& data_dir) {
  EventLog events;
  auto visited = broker::for_each_event_in(data_dir, 1, [&](std::uint64_t sequence, std::string_view bytes) {
    events.emplace_back(sequence, std::string(bytes));
    return true;
  });
  EXPECT_TRUE(visited) << visited.error().message;
  return events;
}

// Each unit's values go up along the log (publishers only raise them: none applied twice, none out
// of order), and every acknowledged update is in it at the sequence it was acknowledged with.
inline void expect_acknowledged_once_in(const EventLog& log, const Acknowledged& acks) {
  std::map<std::string, int> last;
  std::size_t matched = 0;
  for (const auto& [sequence, bytes] : log) {
    auto message = wire::decode(bytes.data(), bytes.size());
    const auto* event = message ? (*message)->body_as_FeedEvent() : nullptr;
    ASSERT_NE(event, nullptr) << "unreadable event " << sequence;
    const auto* change = event->change_as_AvailabilityChanged();
    if (change == nullptr) continue;
    const std::string unit = change->unit_id()->str();
    const int available = change->availability()->available();
    int& before = last[change->facility_id()->str() + "/" + unit];
    EXPECT_GT(available, before) << "unit " << unit << " value " << available
                                 << " applied twice or out of order at sequence " << sequence;
    before = available;
    if (auto ack = acks.find(sequence); ack != acks.end()) {
      EXPECT_EQ(ack->second.unit, unit) << "sequence " << sequence;
      EXPECT_EQ(ack->second.available, available) << "sequence " << sequence;
      ++matched;
    }
  }
  EXPECT_EQ(matched, acks.size()) << "acknowledged updates missing from the event log";
}

}  // namespace dispo::testing
