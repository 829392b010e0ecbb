// Metrics and health of a running broker, for Prometheus and for systemd/load balancers.
//
//   auto board = std::make_shared<MetricsBoard>();
//   auto server = MetricsServer::start("127.0.0.1:9401", board);   // its own thread
//   options.metrics = board;                                         // the event loop publishes
//
// The event loop renders the exposition text about once a second and publishes it here; the
// metrics thread only reads the last one. Neither waits for the other beyond a string move.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "dispo/schemas/result.h"

namespace dispo::broker {

struct Health {
  bool loaded = false;    // the data directory is open and the index built
  bool writable = true;   // writes are accepted (enough free space, no failed commit)
  std::string reason;     // why not, in French, when !writable
};

// Thread-safe: publish() from the event loop, the readers from the metrics thread.
class MetricsBoard {
 public:
  using Clock = std::chrono::steady_clock;

  void publish(std::string exposition, Health health);
  // The last published text (shared, immutable: the lock is held only to copy the pointer).
  std::shared_ptr<const std::string> exposition() const;
  Health health() const;
  // Time since the last publish(); nullopt before the first.
  std::optional<Clock::duration> since_last_publish() const;

 private:
  mutable std::mutex mutex_;
  std::shared_ptr<const std::string> exposition_ = std::make_shared<const std::string>();
  Health health_;
  std::optional<Clock::time_point> published_at_;
};

// A small HTTP/1.1 responder (Boost.Asio) on its own thread:
//   GET /metrics  200, text/plain; version=0.0.4 — the last published exposition
//   GET /healthz  200 "ok" while the event loop published within `stall_after`, else 503
//   GET /readyz   200 when loaded, writable and not stalled; else 503 with the reason
// Other paths: 404; other methods: 405. One request per connection; a client silent for 5 s is
// dropped. The destructor stops the thread.
class MetricsServer {
 public:
  // `address` is "HOST:PORT" (IPv4, or [IPv6]); port 0 picks a free one (see port()).
  // Errors: invalid (unparsable address, cannot bind — with the reason, in French).
  static Result<std::unique_ptr<MetricsServer>> start(const std::string& address,
                                                      std::shared_ptr<const MetricsBoard> board,
                                                      std::chrono::seconds stall_after = std::chrono::seconds(10));
  ~MetricsServer();
  MetricsServer(const MetricsServer&) = delete;
  MetricsServer& operator=(const MetricsServer&) = delete;

  std::uint16_t port() const;

  struct Impl;

 private:
  explicit MetricsServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace dispo::broker
