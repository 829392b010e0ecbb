// FakeBroker: a tiny stand-in for dispo-broker in client tests, with real ZeroMQ sockets on
// inproc:// — a ROUTER answering SnapshotRequest (and FacilityRequest) from its state, and an
// XPUB publishing [topic, Message] feed messages. It runs its sockets on its own thread; the
// mutators below are thread-safe and are delivered in call order. Publishing waits until a
// subscriber has subscribed to "ev/…" and "hb/…", so no test loses an event to the slow-joiner race.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <vector>
#include <mutex>
#include <string>
#include <thread>

#include <zmq.hpp>

#include "dispo/schemas/wire.h"

namespace dispo::testing {

class FakeBroker {
 public:
  enum class Delivery { publish, lose };  // lose: applied to the state but never sent

  enum class Transport { inproc, tcp };  // tcp: loopback, ephemeral ports (for other processes)

  FakeBroker(zmq::context_t& context, std::uint64_t sequence = 0, std::uint32_t stale_after_s = 600,
             Transport transport = Transport::inproc);
  ~FakeBroker();
  FakeBroker(const FakeBroker&) = delete;
  FakeBroker& operator=(const FakeBroker&) = delete;

  const std::string& api() const { return api_; }
  const std::string& feed() const { return feed_; }

  // Puts a facility in the state without an event (as if registered before the test).
  void seed(const wire::FacilityStateT& state);

  // Accepted changes: the next sequence, applied to the state, then published (or lost).
  std::uint64_t register_facility(const wire::FacilityStateT& state, Delivery delivery = Delivery::publish);
  std::uint64_t change_availability(const std::string& facility_id, const std::string& unit_id,
                                    std::uint16_t available, Delivery delivery = Delivery::publish);

  // Publishes any event as is (e.g. an old or future sequence) without touching the state.
  void publish_raw(const wire::FeedEventT& event);
  // Publishes a heartbeat carrying `sequence` (default: the current sequence).
  void heartbeat();
  void heartbeat(std::uint64_t sequence);

  // Runs once, on the broker thread, when the next snapshot request arrives: after the snapshot
  // is taken and before it is sent (what it publishes goes out ahead of the reply).
  void before_next_snapshot_reply(std::function<void(FakeBroker&)> hook);
  void answer_snapshots(bool answer) { answer_snapshots_ = answer; }
  // The reply to every SearchQuery (the fake does not search); the last query is kept.
  void set_search_result(const wire::SearchResultT& result);
  wire::SearchQueryT last_search() const;

  std::uint64_t sequence() const;
  std::size_t snapshots_served() const { return snapshots_served_; }
  // Request.at_least of the last snapshot request (a board asks at least what its feed said).
  std::uint64_t last_snapshot_at_least() const { return last_snapshot_at_least_; }

 private:
  struct Outgoing {
    std::string topic;
    std::string bytes;
  };

  void run();
  void serve_request(zmq::socket_t& api, zmq::socket_t& xpub);
  void flush(zmq::socket_t& xpub);
  bool read_subscriptions(zmq::socket_t& xpub);
  std::uint64_t accept(wire::ChangeUnion change, Delivery delivery);
  void enqueue(std::string topic, std::string bytes);
  // The last event of `territory` with a sequence <= `sequence`, 0 if none (caller holds mutex_).
  std::uint64_t territory_sequence(const std::string& territory, std::uint64_t sequence) const;

  zmq::context_t* context_;
  std::string api_;
  std::string feed_;
  std::uint32_t stale_after_s_;
  Transport transport_;

  mutable std::mutex mutex_;
  std::map<std::string, wire::FacilityStateT> facilities_;
  std::uint64_t sequence_;
  std::map<std::string, std::vector<std::uint64_t>> territory_events_;  // sequences, by territory
  std::deque<Outgoing> outgoing_;
  std::function<void(FakeBroker&)> snapshot_hook_;
  wire::SearchResultT search_result_;
  wire::SearchQueryT last_search_;

  std::atomic<bool> answer_snapshots_{true};
  std::atomic<std::size_t> snapshots_served_{0};
  std::atomic<std::uint64_t> last_snapshot_at_least_{0};
  std::atomic<bool> stop_{false};
  bool subscribed_ev_ = false;  // broker thread only
  bool subscribed_hb_ = false;
  std::thread thread_;
  std::mutex ready_mutex_;
  std::condition_variable ready_;
  bool bound_ = false;
};

// A facility of département `departement` with one unit per entry of `available` ("u1", "u2", …),
// each installed 10, confirmed now.
wire::FacilityStateT make_facility(const std::string& id, const std::string& departement,
                                   std::initializer_list<std::uint16_t> available);

}  // namespace dispo::testing
