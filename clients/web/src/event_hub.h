// EventHub: the gateway's one live Board (snapshot-then-feed, as every principal's territory is
// the gateway's) fanned out to the browsers' event streams (Server-Sent Events), each filtered by
// its person's role and scope, plus each person's own alerts (one SUB on "al/" for everyone).
//
// Every event keeps its feed sequence as its SSE `id:`. The hub remembers the last `ring` events
// it passed on, so a browser reconnecting with Last-Event-ID gets what it missed, without gap or
// repeat; when the hub cannot (the id is older than the ring, or the board re-synchronised since,
// or the id is unknown) the stream gets a `resync` event first and the page reloads its snapshot.
// A revoked person's streams end (PrincipalChanged on the feed), and their sessions with them.
// Thread-safe: attach/detach from any thread; the hub's own thread polls the board.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <map>
#include <string>
#include <thread>

#include <zmq.hpp>

#include "dispo/clients/board.h"
#include "dispo/clients/feed_subscription.h"
#include "web_sessions.h"

namespace dispo::web {

// One open event stream. deliver() and close() are called by the hub (any thread) and must not
// block: an implementation queues and writes on its own executor, and cuts itself off when its
// bounded queue overflows.
class StreamSink {
 public:
  virtual ~StreamSink() = default;
  virtual const Person& person() const = 0;
  virtual void deliver(std::shared_ptr<const std::string> text) = 0;
  virtual void close() = 0;
};

struct HubOptions {
  client::BoardOptions board;                         // broker, feed, CURVE keys of the gateway
  std::size_t ring = 20'000;                          // events kept for Last-Event-ID resumes
  std::chrono::milliseconds keepalive{15'000};        // ": keepalive" comment on every stream
};

class EventHub {
 public:
  EventHub(zmq::context_t& context, HubOptions options, WebSessions& sessions);
  ~EventHub();
  EventHub(const EventHub&) = delete;
  EventHub& operator=(const EventHub&) = delete;

  void start();
  void stop();

  // Adds `sink`: first what followed `last_event_id` (or `resync`), then the live events.
  void attach(const std::shared_ptr<StreamSink>& sink, std::optional<std::uint64_t> last_event_id);
  void detach(const StreamSink* sink);

  std::size_t streams() const;
  std::uint64_t sequence() const;   // last event passed on
  bool in_sync() const { return in_sync_; }
  // Unix ms since when the broker does not answer the hub; 0 while it answers.
  std::int64_t broker_unreachable_since() const;

 private:
  struct Entry {
    std::uint64_t sequence = 0;
    std::string kind;          // availability, request, hold, principal
    std::string territory;     // département, "requests:<dépt>", "admin"
    std::string facility_id;   // availability and hold
    std::string created_by;    // request: who opened it (hospitals see only theirs)
    std::shared_ptr<const std::string> text;
  };

  void run();
  void on_event(const wire::FeedEventT& event);
  void on_snapshot(std::uint64_t sequence);
  void drain_alerts(client::FeedSubscription& alerts);
  void broadcast(const std::string& text);
  void set_reachable(bool reachable);
  void end_person(const std::string& name);
  // After a resynchronisation the feed may have lost a revocation (the broker rebinds its feed
  // after one): asks the broker, for each person with an open stream, whether it still acts for them.
  void check_people(client::Session& session);
  static bool visible(const Person& person, const Entry& entry);

  zmq::context_t* context_;
  HubOptions options_;
  WebSessions* sessions_;
  std::thread thread_;
  std::atomic<bool> running_{false};
  std::atomic<bool> in_sync_{false};

  mutable std::mutex mutex_;  // guards what follows
  std::deque<Entry> ring_;
  std::uint64_t ring_base_ = 0;        // every event after it, up to last_, is in the ring
  std::uint64_t last_ = 0;             // last event passed on
  bool synced_once_ = false;
  bool check_people_ = false;          // set by a resynchronisation, done by the hub's thread
  std::map<const StreamSink*, std::shared_ptr<StreamSink>> sinks_;
  bool reachable_ = true;
  std::int64_t unreachable_since_ = 0;
};

// Event text for a stream: "id: …\nevent: …\ndata: …\n\n" (no id when `id` is 0).
std::string sse_event(std::uint64_t id, std::string_view event, std::string_view data);

// FlatBuffers' JSON on one line (SSE data lines cannot hold line breaks; strings escape theirs).
std::string one_line(std::string json);

}  // namespace dispo::web
