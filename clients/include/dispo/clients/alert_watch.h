// AlertWatch: a principal's alerts, each delivered exactly once and in order, even across
// disconnections (issue #3 "Alerts are durable").
//
// The broker numbers each owner's alerts 1, 2, 3… and keeps them with a durable cursor (the
// last number acknowledged). start() subscribes to the owner's feed topic "al/<owner>/" FIRST,
// then fetches what was missed after the cursor; poll() merges the live feed with fetches:
// numbers already delivered are dropped, a gap in the numbers (or a quiet feed for
// `refetch_interval`, which also covers a subscription not yet active when the first fetch ran)
// fetches again. acknowledge() moves the durable cursor: an alert acknowledged is not
// delivered again to a later AlertWatch of the same owner; one delivered but not acknowledged
// (a crash between the two) is delivered again.
//
// The owner is the principal with CURVE, else the client id: without CURVE, use the same
// `client_id` every time (a random one would find no alerts again).
// Not thread-safe: one AlertWatch per thread (the zmq::context_t may be shared).
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <zmq.hpp>

#include "dispo/clients/feed_subscription.h"
#include "dispo/clients/session.h"
#include "dispo/schemas/wire.h"

namespace dispo::client {

struct AlertWatchOptions {
  SessionOptions session;                            // api endpoint, client id (stable!), keys, timeout
  std::string feed = kDefaultFeed;                   // feed endpoint(s): a cluster's, comma-separated
  // The alert stream's owner: empty = session.client_id without CURVE; with CURVE, empty
  // subscribes to "al/", which gives a non-admin principal its own topic only (an admin must
  // name itself here, or it would receive every owner's alerts).
  std::string owner;
  std::chrono::milliseconds refetch_interval{1000};  // quiet feed: fetch again after this long
  std::uint32_t fetch_limit = 1000;                  // alerts per fetch
};

class AlertWatch {
 public:
  AlertWatch(zmq::context_t& context, AlertWatchOptions options);
  ~AlertWatch();
  AlertWatch(const AlertWatch&) = delete;
  AlertWatch& operator=(const AlertWatch&) = delete;

  // Subscribes to the feed, then fetches the alerts after the durable cursor (they are returned
  // by the next poll()). Errors: `invalid` for a malformed endpoint, `unavailable` (French) when
  // the broker does not answer, the broker's status when it refuses. After `unavailable` it may be
  // called again (it retries the fetch); otherwise call it once.
  Result<void> start();

  // Waits at most `wait` for alerts and returns the next ones not delivered yet, in number order
  // (possibly none). Errors: those of start() when a fetch fails.
  Result<std::vector<wire::AlertT>> poll(std::chrono::milliseconds wait);

  // Every alert up to `number` was handled: moves the owner's durable cursor (AlertAck).
  Result<void> acknowledge(std::uint64_t number);

  std::uint64_t delivered() const { return delivered_; }        // last number returned by poll()
  std::uint64_t acknowledged() const { return acknowledged_; }  // last number acknowledged
  std::uint64_t fetches() const { return fetches_; }            // AlertFetch calls so far

 private:
  using Clock = std::chrono::steady_clock;

  Result<void> fetch();
  void drain_feed();
  void take(wire::AlertT alert);

  zmq::context_t* context_;
  AlertWatchOptions options_;
  std::optional<Session> session_;
  std::optional<FeedSubscription> feed_;  // from start()
  std::uint64_t delivered_ = 0;     // alerts up to it were returned (or acknowledged before start)
  std::uint64_t acknowledged_ = 0;
  std::uint64_t fetches_ = 0;
  bool gap_ = false;                // a live alert skipped numbers: fetch before delivering
  std::vector<wire::AlertT> ready_;  // in number order, > delivered_ once returned
  Clock::time_point last_heard_{};
};

// One alert as a French line ("[12] place disponible : … "), and as one JSON object (schema names;
// an error when FlatBuffers' printer refuses it).
std::string format_alert(const wire::AlertT& alert);
Result<std::string> alert_json(const wire::AlertT& alert);

}  // namespace dispo::client
