// Board: a live local copy of the broker's facilities and availability, kept by the
// snapshot-then-feed pattern of DESIGN.md §4 (the ZeroMQ guide's "Clone").
//
// start() subscribes to the feed FIRST, then asks a Snapshot over a Session; feed messages that
// arrive meanwhile are buffered. When the snapshot arrives, buffered and later events with a
// sequence <= the snapshot's are dropped and the rest applied in order. The board re-synchronises
// (asks a fresh snapshot) when it sees a gap (an event whose sequence is not last + 1), a heartbeat
// ahead of the last applied sequence (missed events), an event it cannot apply (unknown facility or
// unit), or nothing at all on the feed for `silence_timeout`.
//
// The feed is split by territory (see FeedEvent in schemas/dispo.fbs): the board subscribes to
// its département's topics (or to every territory its principal may receive), and detects a
// missed event per territory: each event names the previous event of its territory, and each
// territory's heartbeat its last sequence.
//
// A cluster (issue #16): `broker` and `feed` list every member, comma-separated. The board hears
// every member's feed at once — the members publish the same events under the same sequence
// numbers, so the first copy of each is applied and the others dropped as already applied — and
// the death of a member, the leader included, costs it nothing: no silence, no resync. Each
// snapshot attempt asks the next member of the list, so a dead member delays a snapshot by one
// `snapshot_timeout` at most; it asks for a state at least as new as the newest sequence the feed
// named (Request.at_least), so a member still behind it sends it to the leader instead of
// answering a snapshot the feed's next event would find a gap after.
//
// Not thread-safe: one Board per thread (the zmq::context_t may be shared).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <vector>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include <zmq.hpp>

#include "dispo/clients/session.h"
#include "dispo/schemas/wire.h"

namespace dispo::client {

struct BoardOptions {
  std::string broker = kDefaultBroker;                // api endpoint(s) (snapshots)
  std::string feed = kDefaultFeed;                    // feed endpoint(s) (events, heartbeats)
  std::string departement;                            // empty = every facility
  std::chrono::milliseconds silence_timeout{3000};    // no event nor heartbeat for this long: resync
  std::chrono::milliseconds snapshot_timeout{2500};   // per snapshot attempt
  int start_attempts = 2;                             // snapshot attempts start() makes before failing
  std::string client_id{};                            // empty = a random id
  // Feed messages queued in this process while the board is not polled. Beyond them the broker
  // drops what this board cannot take (it never waits for it); the board then sees the gap and
  // re-synchronises. Bounded so that a stalled board costs a snapshot, not unbounded memory.
  int feed_high_water_mark = 10'000;
  ClientKeys keys{};                                  // CURVE; empty = plain (loopback)
  // Observers, called on the polling thread (e.g. by a gateway that fans the board out):
  // on_event with each feed event taken in sequence order after the snapshot (before it is
  // applied); on_snapshot with the sequence of each snapshot applied — after a resync, the events
  // between the last one passed to on_event and that sequence were not passed.
  std::function<void(const wire::FeedEventT&)> on_event{};
  std::function<void(std::uint64_t sequence)> on_snapshot{};
};

class FeedReader;
struct FeedItem;

class Board {
 public:
  using Facilities = std::map<std::string, wire::FacilityStateT>;  // by facility id

  Board(zmq::context_t& context, BoardOptions options);
  ~Board();
  Board(const Board&) = delete;
  Board& operator=(const Board&) = delete;

  // Subscribes to the feed and waits for the first snapshot, at most
  // start_attempts × snapshot_timeout. Errors: `invalid` for a malformed endpoint, `unavailable`
  // (French message) when the broker does not answer, the broker's own status when it refuses.
  // `go_on`, if given, is asked every 50 ms at most: once it says false, start() gives up at once
  // with `unavailable` (a program being stopped while its brokers are unreachable). Either way,
  // poll() goes on from where start() left off. Call once.
  Result<void> start(const std::function<bool()>& go_on = {});

  // Processes what arrives on the feed and the api for at most `wait` (returns earlier as soon as
  // the facilities changed). Returns true if facilities() changed. Re-synchronises as described
  // above; while re-synchronising, in_sync() is false and the last known state is kept.
  // A signal interrupting the wait returns early (false unless something changed).
  bool poll(std::chrono::milliseconds wait);

  std::uint64_t sequence() const { return sequence_; }              // last applied event
  const Facilities& facilities() const { return facilities_; }
  std::uint32_t stale_after_s() const { return stale_after_s_; }    // from the last snapshot
  std::uint64_t resync_count() const { return resync_count_; }      // resyncs after the first snapshot
  bool in_sync() const { return phase_ == Phase::in_sync; }
  const std::string& last_resync_reason() const { return last_resync_reason_; }  // English, for logs
  const BoardOptions& options() const { return options_; }

 private:
  enum class Phase { idle, awaiting_snapshot, in_sync };
  using Clock = std::chrono::steady_clock;

  Result<void> request_snapshot();
  bool receive_snapshot(std::chrono::milliseconds wait);
  bool apply_snapshot(const wire::Snapshot& snapshot);
  bool drain_feed();
  bool handle(FeedItem item);
  bool apply_event(const wire::FeedEventT& event);
  void resync(std::string reason);
  bool keeps(const wire::FacilityT& facility) const;

  zmq::context_t* context_;
  BoardOptions options_;
  std::unique_ptr<FeedReader> feed_;
  std::optional<Session> session_;
  Phase phase_ = Phase::idle;
  std::uint64_t pending_request_ = 0;
  std::size_t snapshot_attempts_ = 0;          // the next attempt asks member (attempts % members)
  Clock::time_point snapshot_deadline_{};
  std::optional<Error> snapshot_error_;
  std::vector<FeedItem> buffered_;             // feed messages received while awaiting a snapshot
  Clock::time_point last_heard_{};
  Facilities facilities_;
  std::uint64_t sequence_ = 0;
  std::map<std::string, std::uint64_t> territory_sequence_;  // last applied event of each territory
  std::uint64_t heard_ = 0;  // the newest sequence the feed named (events, territories' heartbeats)
  std::uint32_t stale_after_s_ = 0;
  std::uint64_t resync_count_ = 0;
  std::string last_resync_reason_;
};

}  // namespace dispo::client
