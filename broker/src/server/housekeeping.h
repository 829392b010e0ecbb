// Housekeeping: what the event loop does on a clock rather than on a request.
//   - heartbeats, every `heartbeat` period and at once after events: the global sequence on
//     "hb/*" and each territory's last sequence on its own topic, so a quiet subscriber knows it
//     missed nothing (or resynchronises);
//   - about once a second, the broker's own writes: holds past their expiry give their place back,
//     and time-driven alerts (stale facilities, requests waiting too long) are raised.
// Loop thread only.
#pragma once

#include <chrono>
#include <cstdint>
#include <vector>

#include "group_commit.h"
#include "state/broker_state.h"

namespace dispo::broker {

class Housekeeping {
 public:
  using Clock = std::chrono::steady_clock;
  explicit Housekeeping(std::chrono::milliseconds heartbeat) : heartbeat_(heartbeat) {}

  // The heartbeats to publish now, if due (none otherwise).
  std::vector<Publication> heartbeats_if_due(const BrokerState& state, Clock::time_point now);
  // Events were published: tell quiet subscribers at the next turn.
  void heartbeat_now() { next_heartbeat_ = Clock::now(); }

  // Whether the once-a-second work is due; if so, the next is scheduled.
  bool housekeeping_due(Clock::time_point now);
  // Stages the broker's own writes in `batch` (opened by the caller at the current time).
  void stage(BrokerState& state, GroupCommit& batch);

  // The next time something here is due.
  Clock::time_point next_due() const { return std::min(next_heartbeat_, next_housekeeping_); }

 private:
  std::chrono::milliseconds heartbeat_;
  Clock::time_point next_heartbeat_ = Clock::now();
  Clock::time_point next_housekeeping_{};
};

}  // namespace dispo::broker
