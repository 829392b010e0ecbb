#include "peer_limiter.h"

#include <algorithm>

namespace dispo::broker {

bool PeerLimiter::admit(std::string_view peer, Clock::time_point now) {
  if (rate_ <= 0) return true;
  auto found = buckets_.find(std::string(peer));
  if (found == buckets_.end()) {
    if (buckets_.size() >= kMaxPeers) forget_idle(now);
    found = buckets_.emplace(std::string(peer), Bucket{burst_, now}).first;
  }
  Bucket& bucket = found->second;
  const double elapsed = std::chrono::duration<double>(now - bucket.updated).count();
  bucket.tokens = std::min(burst_, bucket.tokens + elapsed * rate_);
  bucket.updated = now;
  if (bucket.tokens < 1.0) return false;
  bucket.tokens -= 1.0;
  return true;
}

// A peer whose bucket has refilled is indistinguishable from a new one: drop it.
void PeerLimiter::forget_idle(Clock::time_point now) {
  const auto refill = std::chrono::duration<double>(burst_ / rate_);
  std::erase_if(buckets_, [&](const auto& entry) {
    return now - entry.second.updated >= std::chrono::duration_cast<Clock::duration>(refill);
  });
}

}  // namespace dispo::broker
