// Internal to dispo-sim: OutboxPipeline keeps many entries of an Outbox in flight to the broker
// (the simulator's pace), strictly in outbox order, and settles them from the front as replies
// come (an ack, or a refusal: set aside in rejected/ and reported).
//
// When the oldest entry in flight waits longer than `stall_after` (or the broker answers
// `unavailable`), the broker is taken as gone: nothing is dropped, entries keep accumulating in the
// outbox, and every `probe_every` a fresh connection resends the first entry (Lazy Pirate). As soon
// as the broker answers, every entry still in the outbox is sent again from the first: those it
// had applied before it went away are answered from its reply cache, not applied twice.
// A refusal for an unknown facility or unit pauses delivery until the caller registered again.
// Not thread-safe (one per simulation run).
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <optional>
#include <unordered_map>

#include "dispo/clients/session.h"
#include "dispo/publishers/outbox.h"

namespace dispo::sim {

class OutboxPipeline {
 public:
  using Clock = std::chrono::steady_clock;

  struct Hooks {
    std::function<void()> on_down;                     // the broker stopped answering
    std::function<void(double seconds_down)> on_back;  // it answers again
    std::function<void(const publishers::Outbox::Entry&, const Error&)> on_refused;  // set aside
  };

  OutboxPipeline(zmq::context_t& context, client::SessionOptions session, publishers::Outbox& outbox,
                 std::size_t window, Clock::duration stall_after, Clock::duration probe_every, Hooks hooks);

  // Sends what the window allows (or a probe when the broker is gone), then handles the replies
  // arriving within `wait`.
  void pump(std::chrono::milliseconds wait);

  bool down() const { return down_; }
  // A refusal said the broker does not know our facilities: register them, then call registered().
  bool needs_registration() const { return needs_registration_; }
  void registered();

  std::size_t in_flight() const { return sent_at_.size(); }
  std::uint64_t accepted() const { return accepted_; }
  std::uint64_t refused() const { return refused_; }

 private:
  void connect();
  void send_window();
  void probe();
  void receive(std::chrono::milliseconds wait);
  void handle(const client::ReplyMessage& reply);
  void settle_front();
  void go_down(Clock::time_point since);
  void restart_from_first();

  zmq::context_t* context_;
  client::SessionOptions session_options_;
  publishers::Outbox* outbox_;
  std::size_t window_;
  Clock::duration stall_after_;
  Clock::duration probe_every_;
  Hooks hooks_;
  std::optional<client::Session> session_;
  std::deque<Clock::time_point> sent_at_;  // of the first sent_at_.size() outbox entries, sent on this connection
  std::unordered_map<std::uint64_t, Result<std::uint64_t>> outcomes_;  // replies not yet at the front
  bool down_ = false;
  Clock::time_point down_since_;
  Clock::time_point next_probe_;
  bool needs_registration_ = false;
  std::uint64_t retried_after_registration_ = 0;  // an entry refused again after it is set aside
  std::uint64_t accepted_ = 0;
  std::uint64_t refused_ = 0;
};

}  // namespace dispo::sim
