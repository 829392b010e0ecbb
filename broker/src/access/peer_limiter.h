// PeerLimiter: a token bucket per key — the principal under CURVE (all its connections share
// it), else the connection (ZeroMQ routing id) — so that one peer flooding the api socket cannot
// take the broker from the others. A peer may send `burst` requests at once and
// `rate` per second on average; beyond that its requests are answered `rate_limited` (French
// message) without being handled. libzmq's ROUTER already reads its peers fairly (one message
// per peer in turn) and the api socket's receive high-water mark pushes back on a peer that sends
// faster than it is served; this class bounds what a peer can make the broker do.
// rate == 0 disables the limit. Owned by the event loop thread: not thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>

namespace dispo::broker {

class PeerLimiter {
 public:
  using Clock = std::chrono::steady_clock;

  PeerLimiter(double rate, double burst) : rate_(rate), burst_(burst > 0 ? burst : rate) {}

  // True if `peer` may send one more request now (and takes a token).
  bool admit(std::string_view peer, Clock::time_point now);

  double rate() const { return rate_; }

 private:
  struct Bucket {
    double tokens = 0;
    Clock::time_point updated{};
  };
  void forget_idle(Clock::time_point now);

  static constexpr std::size_t kMaxPeers = 10'000;

  double rate_;
  double burst_;
  std::unordered_map<std::string, Bucket> buckets_;
};

}  // namespace dispo::broker
