// Front door of dispo::broker: the broker daemon's lifecycle.
//
//   auto broker = Broker::open(options);   // opens RocksDB, rebuilds the index, binds sockets
//   broker.value()->run(stop);             // serves until `stop` becomes true
//
// One thread runs the event loop and owns all state (DESIGN.md §4 "one writer"); `stop` is the
// only thing another thread (or a signal handler) touches.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>

#include "dispo/schemas/result.h"

namespace dispo::broker {

struct BrokerOptions {
  std::filesystem::path data_dir = "var/dispo";
  std::string api = "tcp://127.0.0.1:7401";     // ROUTER: every request
  std::string feed = "tcp://127.0.0.1:7402";    // XPUB: changes and heartbeats
  std::chrono::seconds stale_after{12 * 3600};  // freshness limit of availability
  std::chrono::seconds escalate_after{4 * 3600};  // a pending request waiting longer escalates
  std::chrono::milliseconds heartbeat{500};     // at most 1 s (issue #2)
  std::size_t max_message_bytes = 4u << 20;     // larger requests get a too_large reply
  std::size_t max_batch = 2048;                 // requests drained into one group commit
  std::size_t max_batch_bytes = 64u << 20;      // ... and at most about this many bytes of them
  int feed_high_water_mark = 100'000;           // per subscriber, then it misses (never waits) and resyncs
  // CURVE key pair of the broker (Z85). Empty: no encryption, no authentication, every request
  // comes from the local admin principal, and only loopback endpoints are accepted.
  std::string curve_public_key;
  std::string curve_secret_key;
  std::uint64_t min_free_bytes = 128u << 20;    // below this free on the data disk, writes are refused
  std::chrono::milliseconds storage_retry{1000}; // after a failed commit: how often to try resuming
  double peer_rate = 20'000;                   // requests/s per connection, then rate_limited (0 = off)
  double peer_burst = 20'000;                  // requests a connection may send at once
  int api_high_water_mark = 1000;              // requests queued per connection (replies: ×10)
};

// What start-up found, for the log and the restart benchmark.
struct StartupReport {
  std::size_t facilities = 0;
  std::size_t units = 0;
  std::uint64_t sequence = 0;
  std::chrono::microseconds load_time{0};
};

// `dispo-broker init`: writes the broker's key pair (broker.key, secret, mode 600; broker.pub for
// clients) and a first admin's (<admin>.key, <admin>.pub) into `keys_dir`, and registers that
// admin as a principal in the data directory. The broker must not be running (RocksDB's lock).
// Refuses to overwrite existing key files. Errors are French, for the operator.
struct InitReport {
  std::filesystem::path broker_key;
  std::filesystem::path broker_public;
  std::filesystem::path admin_key;
};
Result<InitReport> initialise_security(const std::filesystem::path& data_dir,
                                       const std::filesystem::path& keys_dir,
                                       const std::string& admin_name);

class Broker {
 public:
  // Errors: storage_error (RocksDB cannot open, e.g. another broker holds the lock),
  // invalid (an endpoint cannot be bound, with ZeroMQ's reason; a non-loopback endpoint
  // without CURVE).
  static Result<std::unique_ptr<Broker>> open(const BrokerOptions& options);
  ~Broker();
  Broker(const Broker&) = delete;
  Broker& operator=(const Broker&) = delete;

  const StartupReport& startup() const;

  // Serves requests until `stop` is true (checked at least every heartbeat period).
  void run(const std::atomic<bool>& stop);

 private:
  struct Impl;
  explicit Broker(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace dispo::broker
