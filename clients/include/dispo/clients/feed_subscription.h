// FeedSubscription: a SUB socket on the broker's feed — on every member's feed of a cluster, so
// that one member's death leaves the others' copy of the same events flowing — that dials again a
// feed whose handshake refused this client's key.
//
// libzmq 4.3 gives up on an endpoint for good once its CURVE handshake is refused. A member refuses
// a key it does not know *yet*: a grant made a moment ago and not applied there, a member joining
// or catching up. Without this, that member's feed stayed silent to the subscriber for as long as
// it ran — unnoticed while the leader's feed spoke, and the whole feed gone when the leader died.
// A refused feed is dialled again after 250 ms, then 0.5, 1, 2 and 5 s between tries, until it
// takes the key (the delay starts over then).
// Not thread-safe: one owner (a Board's FeedReader, an AlertWatch, the web gateway's alerts).
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <zmq.hpp>

#include "dispo/clients/session.h"

namespace dispo::client {

class FeedSubscription {
 public:
  // At most `high_water_mark` messages wait here unread (0 = unbounded). Subscribe, then connect.
  FeedSubscription(zmq::context_t& context, const ClientKeys& keys, int high_water_mark);
  ~FeedSubscription();
  FeedSubscription(const FeedSubscription&) = delete;
  FeedSubscription& operator=(const FeedSubscription&) = delete;

  void subscribe(const std::string& topic) { socket_.set(zmq::sockopt::subscribe, topic); }
  // Every endpoint of a comma-separated list; throws zmq::error_t on a malformed one.
  void connect(std::string_view list);

  // Waits at most `wait` for a message (dialling a refused feed again when due meanwhile): one can
  // be read from socket(), none came, or a signal interrupted the wait (let the caller look at its
  // flags).
  enum class Waited { message, nothing, interrupted };
  Waited wait(std::chrono::milliseconds wait);
  // Reads the handshake outcomes and dials the refused feeds that are due, without waiting: for an
  // owner that polls socket() itself.
  void redial_due();

  zmq::socket_t& socket() { return socket_; }
  std::uint64_t redials() const { return redials_; }  // feeds dialled again after a refusal

 private:
  using Clock = std::chrono::steady_clock;
  struct Feed {
    std::string endpoint;
    std::chrono::milliseconds delay{0};  // before the next try after a refusal; 0 once accepted
    Clock::time_point due{};             // when it is dialled again; {} = not refused
  };

  void read_handshakes();
  Clock::time_point next_due() const;

  zmq::socket_t socket_;
  zmq::socket_t monitor_;  // the socket's handshake outcomes
  std::vector<Feed> feeds_;
  std::uint64_t redials_ = 0;
};

}  // namespace dispo::client
