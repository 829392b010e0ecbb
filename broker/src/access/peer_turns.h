// PeerTurns: requests read from the api socket, waiting their turn by peer, so that a batch serves
// the waiting peers in turn and no peer takes more than its share of one batch — at most
// `per_peer` requests and about `per_peer_time` of the loop's time — however fast it sends. What
// is left of a peer waits for the next batch, in its order (a publisher's updates stay in order).
// per_peer_time 0 = no time share. With one peer flooding, a batch is therefore short, and another peer's request is served in the
// next one instead of behind thousands of the flooder's (issue #11, "fair under a flood").
// Owned by the event loop thread: not thread-safe.
#pragma once

#include <chrono>
#include <cstddef>
#include <deque>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include <zmq.hpp>

namespace dispo::broker {

class PeerTurns {
 public:
  using Clock = std::chrono::steady_clock;
  using Frames = std::vector<zmq::message_t>;

  PeerTurns(std::size_t per_peer, Clock::duration per_peer_time)
      : per_peer_(per_peer == 0 ? 1 : per_peer), per_peer_time_(per_peer_time) {}

  // Queues a request (all its frames) of `peer` behind that peer's earlier ones.
  void push(std::string peer, Frames frames);

  bool empty() const { return waiting_ == 0; }
  std::size_t size() const { return waiting_; }
  std::size_t bytes() const { return bytes_; }

  // A new batch: every peer's share is whole again.
  void start_batch();

  // The next request of this batch: peers in turn, one request each, skipping those that took
  // their share. Nothing when no waiting peer may be served in this batch.
  struct Turn {
    std::string peer;
    Frames frames;
  };
  std::optional<Turn> next();

  // Adds `spent` (handling time of the request next() gave) to `peer`'s share of this batch.
  void charge(const std::string& peer, Clock::duration spent);

 private:
  struct Peer {
    std::deque<Frames> requests;
    std::size_t taken = 0;           // in this batch
    Clock::duration spent{};         // in this batch
  };

  std::size_t per_peer_;
  Clock::duration per_peer_time_;
  std::unordered_map<std::string, Peer> peers_;
  std::deque<std::string> order_;  // peers with waiting requests, in turn
  std::size_t waiting_ = 0;
  std::size_t bytes_ = 0;
};

}  // namespace dispo::broker
