#include "dispo/clients/feed_subscription.h"

#include <algorithm>
#include <cerrno>

#include "logger.h"
#include "socket_events.h"

namespace dispo::client {
namespace {

constexpr std::chrono::milliseconds kFirstDelay{250};
constexpr std::chrono::milliseconds kLongestDelay{5000};

}  // namespace

FeedSubscription::FeedSubscription(zmq::context_t& context, const ClientKeys& keys, int high_water_mark)
    : socket_(context, zmq::socket_type::sub) {
  socket_.set(zmq::sockopt::linger, 0);
  socket_.set(zmq::sockopt::rcvhwm, high_water_mark);
  apply_client_keys(socket_, keys);
  monitor_ = watch_socket(context, socket_,
                          ZMQ_EVENT_HANDSHAKE_SUCCEEDED | ZMQ_EVENT_HANDSHAKE_FAILED_AUTH |
                              ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL);
}

FeedSubscription::~FeedSubscription() {
  // The monitor stops before the socket closes (as Session does), so that libzmq's end of it is gone.
  zmq_socket_monitor(socket_.handle(), nullptr, 0);
}

void FeedSubscription::connect(std::string_view list) {
  for (const auto& endpoint : endpoint_list(list)) {
    socket_.connect(endpoint);
    feeds_.push_back({endpoint, {}, {}});
  }
}

void FeedSubscription::read_handshakes() {
  while (auto event = next_socket_event(monitor_)) {
    const auto at = std::find_if(feeds_.begin(), feeds_.end(),
                                 [&](const Feed& feed) { return feed.endpoint == event->address; });
    if (at == feeds_.end()) continue;
    if (event->id == ZMQ_EVENT_HANDSHAKE_SUCCEEDED) {
      if (at->delay.count() > 0) log()->info("feed {}: key accepted, subscribed", at->endpoint);
      at->delay = {};
      at->due = {};
      continue;
    }
    // Refused (the key, or the protocol): libzmq will not dial it again by itself.
    at->delay = at->delay.count() == 0 ? kFirstDelay : std::min(at->delay * 2, kLongestDelay);
    at->due = Clock::now() + at->delay;
    log()->warn("feed {}: this client's key was refused (unknown there yet?); dialling again in {} ms",
                at->endpoint, at->delay.count());
  }
}

FeedSubscription::Clock::time_point FeedSubscription::next_due() const {
  auto next = Clock::time_point::max();
  for (const Feed& feed : feeds_)
    if (feed.due != Clock::time_point{}) next = std::min(next, feed.due);
  return next;
}

void FeedSubscription::redial_due() {
  read_handshakes();
  const auto now = Clock::now();
  for (Feed& feed : feeds_) {
    if (feed.due == Clock::time_point{} || feed.due > now) continue;
    feed.due = {};
    try {
      socket_.disconnect(feed.endpoint);  // in case libzmq still holds it: never two connections
    } catch (const zmq::error_t&) {
      // ENOENT: libzmq dropped it already, as expected after a refusal
    }
    socket_.connect(feed.endpoint);
    ++redials_;
  }
}

FeedSubscription::Waited FeedSubscription::wait(std::chrono::milliseconds wait) {
  const auto deadline = Clock::now() + std::max(wait, std::chrono::milliseconds(0));
  while (true) {
    redial_due();
    const auto now = Clock::now();
    const auto until = std::min(deadline, next_due());
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - now) + std::chrono::milliseconds(1);
    zmq::pollitem_t items[] = {{socket_.handle(), 0, ZMQ_POLLIN, 0}, {monitor_.handle(), 0, ZMQ_POLLIN, 0}};
    try {
      zmq::poll(items, 2, now >= until ? std::chrono::milliseconds(0) : left);
    } catch (const zmq::error_t& error) {
      if (error.num() == EINTR) return Waited::interrupted;
      throw;
    }
    if (items[0].revents & ZMQ_POLLIN) return Waited::message;
    if (Clock::now() >= deadline) return Waited::nothing;
  }
}

}  // namespace dispo::client
