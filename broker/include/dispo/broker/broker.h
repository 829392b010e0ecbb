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
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "dispo/schemas/result.h"

namespace dispo::broker {

class MetricsBoard;  // dispo/broker/metrics.h

// A member of a broker cluster (issue #16): its id, where the other members reach its Raft log
// ("HOST:PORT"; beyond loopback only with the broker's CURVE key), and its api endpoint (named to
// writers sent elsewhere).
struct ClusterMember {
  std::uint64_t id = 0;
  std::string raft;
  std::string api;
};

// `--cluster 1=HOST:PORT,2=HOST:PORT,3=HOST:PORT` and `--cluster-api 1=tcp://…,…` (optional) as
// members. invalid, in French, on an id that is not a number above 0 or repeats, an address that
// is not HOST:PORT, an api given for an id not in the cluster.
Result<std::vector<ClusterMember>> parse_cluster(std::string_view raft, std::string_view api);

struct BrokerOptions {
  std::filesystem::path data_dir = "var/dispo";
  // Empty: ipc://<data_dir>/api.sock and ipc://<data_dir>/feed.sock, reachable by the broker's own
  // user only (the directory 0700, the sockets 0600; 0750/0660 with `group_access`).
  std::string api;                              // ROUTER: every request
  std::string feed;                             // XPUB: changes and heartbeats
  bool group_access = false;                    // ipc sockets open to the broker's group too
  // Without CURVE, plain TCP on loopback lets any local account act as the admin: refused unless
  // this is set (demo, tests, benchmarks), and then a warning is logged.
  bool insecure_tcp_loopback = false;
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
  // Sized from what one real client needs (a facility publishes a few updates an hour, an on-call
  // worker searches a few times a minute, `dispo watch` acknowledges at most 5 times a second),
  // with a wide margin; benchmarks and the simulator lift it (--peer-rate 0).
  double peer_rate = 10;                       // requests/s per principal (else connection), then rate_limited (0 = off)
  double peer_burst = 100;                     // requests a peer may send at once
  // Fairness within a group commit: one peer's share of a batch (PeerTurns); the rest of its
  // requests wait for the next batch, so a flooding peer cannot hold the loop from the others.
  std::size_t batch_per_peer = 64;             // requests of one peer in one batch
  std::chrono::microseconds batch_time_per_peer{2000};  // about this much handling time of one peer per batch
  int api_high_water_mark = 1000;              // requests queued per connection (replies: ×10)
  // Called by the event loop at every turn (at least every heartbeat period); the daemon feeds
  // systemd's watchdog from it. Must be quick and must not throw.
  std::function<void()> on_turn;
  // Where the event loop publishes its metrics and health about once a second (null: not measured).
  std::shared_ptr<MetricsBoard> metrics;
  // A member of a Raft cluster when node_id is not 0 (one of `cluster`); a single broker otherwise.
  std::uint64_t node_id = 0;
  std::vector<ClusterMember> cluster;
  unsigned election_timeout_ms = 1000;  // a leader silent this long is replaced
  // Committed entries (batches) between two Raft snapshots of the store; the log before a
  // snapshot is dropped, and a member far behind or wiped is sent the snapshot.
  unsigned snapshot_every = 8192;
  // A new member of a running cluster (its data directory empty): it takes no first configuration
  // and waits for the leader to add it (`dispo-admin cluster add`).
  bool cluster_join = false;
  // Where this member listens for the others when it is not its address in `cluster` (behind a
  // proxy or a NAT); empty: that address.
  std::string cluster_bind;
};

// What start-up found, for the log and the restart benchmark.
struct StartupReport {
  std::size_t facilities = 0;
  std::size_t units = 0;
  std::uint64_t sequence = 0;
  std::chrono::microseconds load_time{0};
  std::string api;   // the endpoints bound (the defaults resolved)
  std::string feed;
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

// `dispo-broker sequence --data DIR`: the last committed sequence of a stopped broker's data
// directory or of a backup, read without changing it (ops/restore uses it). Errors: storage_error
// when DIR holds no dispo database.
Result<std::uint64_t> last_sequence_of(const std::filesystem::path& data_dir);

// The event log of a stopped broker's data directory: calls `visit(sequence, event)` for each
// event from `from` on, in sequence order, with its Message{FeedEvent} bytes, until `visit` returns
// false. For checking a data directory after the fact (the durability tests do). The database is
// opened as the broker opens it (RocksDB may add its own files): read a backup through a copy.
// Errors: storage_error, as last_sequence_of (also when DIR holds no dispo database).
Result<void> for_each_event_in(const std::filesystem::path& data_dir, std::uint64_t from,
                               const std::function<bool(std::uint64_t sequence, std::string_view event)>& visit);

class Broker {
 public:
  // Errors: storage_error (RocksDB cannot open, e.g. another broker holds the lock),
  // invalid (an endpoint cannot be bound, with ZeroMQ's reason; without CURVE, an endpoint beyond
  // loopback, or TCP loopback without insecure_tcp_loopback). French messages. Throws nothing
  // but std::bad_alloc.
  static Result<std::unique_ptr<Broker>> open(const BrokerOptions& options);
  ~Broker();
  Broker(const Broker&) = delete;
  Broker& operator=(const Broker&) = delete;

  const StartupReport& startup() const;

  // Serves requests until `stop` is true (checked at least every heartbeat period).
  // Throws zmq::error_t only when ZeroMQ itself fails under the loop (polling fails for another
  // reason than a signal): nothing is then acknowledged that was not committed, and the caller
  // should log it and exit non-zero (dispo-broker does). Bad input never throws.
  void run(const std::atomic<bool>& stop);

 private:
  struct Impl;
  explicit Broker(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace dispo::broker
