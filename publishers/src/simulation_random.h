// Internal: the simulator's random numbers. SplitMix64 with our own range reductions, so that a
// seed gives the same facilities and the same steps on every platform and standard library
// (std::uniform_int_distribution is implementation-defined). Not thread-safe; a plain value.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

namespace dispo::publishers {

class SimulationRandom {
 public:
  explicit SimulationRandom(std::uint64_t seed) : state_(seed) {}

  // The whole state: SimulationRandom(r.state()) continues exactly where r stands.
  std::uint64_t state() const { return state_; }

  std::uint64_t next() {
    std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }

  // Uniform in [0, 1).
  double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }

  // Uniform in [0, n); n > 0.
  std::size_t below(std::size_t n) { return static_cast<std::size_t>(uniform() * static_cast<double>(n)); }

  // Uniform in [low, high], both included; low <= high.
  int between(int low, int high) { return low + static_cast<int>(below(static_cast<std::size_t>(high - low + 1))); }

  bool chance(double probability) { return uniform() < probability; }

  // An index drawn with the given non-negative weights (at least one positive).
  std::size_t weighted(std::span<const int> weights) {
    long total = 0;
    for (int w : weights) total += w;
    long pick = static_cast<long>(below(static_cast<std::size_t>(total)));
    for (std::size_t i = 0; i < weights.size(); ++i) {
      if (pick < weights[i]) return i;
      pick -= weights[i];
    }
    return weights.size() - 1;
  }

 private:
  std::uint64_t state_;
};

// A seed for one purpose derived from the user's seed, so that streams do not overlap.
inline std::uint64_t derived_seed(std::uint64_t seed, std::uint64_t purpose) {
  SimulationRandom mix(seed ^ (purpose * 0xD6E8FEB86659FD93ull));
  return mix.next();
}

}  // namespace dispo::publishers
