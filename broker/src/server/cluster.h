// Cluster: this broker as one member of a Raft cluster (issue #16; BrokerOptions::cluster).
//
// The leader's group commit goes through the replicated log (replication/replicated_log.h): its
// batch (Store::Batch::data) is proposed, and the loop goes on with the next batches;
// take_settled() says, in the order they were proposed, which are on a majority and written to
// this member's store, or that one was not committed (then every later one counts as failed too).
// Every member writes each committed batch to its own store in log order
// (Store::apply_replicated, on the log's thread), so stores, and the feed sequence numbers in
// them, are the same on every member. A member that does not lead refuses writes
// (`not_leader`, naming the leader's api endpoint) and answers reads from its state as last
// reloaded: turn() tells the loop when batches it did not write were applied. A new leader takes
// writes only once every entry of the earlier terms is applied here (a Raft barrier). With the
// broker's CURVE key, the members' Raft traffic goes through a MemberLink (encrypted and
// authenticated; libraft itself then listens and dials on loopback only); without it, libraft's
// plain TCP, on loopback addresses only.
//
// Loop thread, except what the log's thread does through the state machine.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "dispatcher.h"
#include "dispo/broker/broker.h"
#include "replication/member_link.h"
#include "replication/replicated_log.h"
#include "storage/store.h"

namespace dispo::broker {

class Cluster {
 public:
  // Starts this member (its Raft log in DATA/raft). Throws std::runtime_error with a message for
  // the operator when it cannot.
  Cluster(Store& store, const BrokerOptions& options);
  ~Cluster();
  Cluster(const Cluster&) = delete;
  Cluster& operator=(const Cluster&) = delete;

  // GroupCommit's commit on this member: proposes `batch` (then cleared) and returns its ticket
  // (> 0) at once. `not_leader` when this member does not lead (any more): nothing proposed.
  Result<std::uint64_t> propose(Store::Batch& batch);
  // A proposal decided: committed (on a majority, written to this member's store), or not —
  // `not_leader` (this member lost the leadership), `unavailable` (no majority answered in time;
  // it may still be committed later: the loop then reloads, as for another member's batch).
  struct Settled {
    std::uint64_t ticket = 0;
    Result<void> committed;
  };
  // The proposals decided since the last call, in the order they were proposed, up to and
  // including the first failure; the proposals after a failure are forgotten (their entries, if
  // committed after all, are applied as another member's). Loop thread.
  std::vector<Settled> take_settled();
  std::size_t proposals_in_flight() const { return proposed_.size(); }
  // Readable when a proposal was decided (an eventfd, drained by take_settled).
  int wake_fd() const { return wake_fd_; }

  struct Turn {
    bool reload = false;           // batches were written that the state in memory lacks
    std::optional<Error> refusal;  // why writes are refused here; nullopt: this member leads
    // This member just took the lead and the others may not know where its api is (a member added
    // after they started has no entry in their --cluster-api): the loop writes it to the store in
    // a batch of its own (Store::Batch::put_member_api), so that every member's `not_leader`
    // names it.
    std::optional<std::string> announce_api;
  };
  // Once per turn of the event loop.
  Turn turn();

  ReplicatedLog::Status status() const { return log_->status(); }
  // How old this member's state may be (Reply.lag_ms): 0 while it leads with its majority or
  // follows a leader it hears; else the milliseconds since it last did. Updated by turn().
  std::uint64_t lag_ms() const { return lag_ms_.load(); }

  // The cluster's requests (Dispatcher::set_cluster_handler): a status is answered at once; a
  // change is started on the leader and answered once committed ("" now; take_answers() later).
  std::string handle(const wire::Request& request, const RequestOrigin& origin, std::uint64_t sequence);
  // A reply to a change, and where it goes.
  struct Answer {
    std::string routing_id;
    bool delimiter = false;
    std::string bytes;
  };
  // The changes decided since the last call (loop thread).
  std::vector<Answer> take_answers();
  bool changes_in_flight() const { return in_flight_.load() > 0; }

  // A read that must be current (Request.current): this member leads and a Raft barrier, waited
  // for here (2 s at most), confirmed it still does once every earlier entry is applied.
  Result<void> confirm_current();

  // A read asking for a state at `at_least` (Request.at_least) while this member's is at
  // `sequence`, behind it: answered here when this member leads (nobody has more) or knows no
  // leader (cut off, it answers with what it has, its lag saying how old); else refused with
  // not_leader naming the leader, who has it.
  Result<void> refer_read_behind(std::uint64_t at_least, std::uint64_t sequence) const;

  // Before this member stops (a restart, an upgrade, a maintenance): if it leads, hands the
  // leadership to the most up-to-date follower and waits for it (about an election timeout at
  // most), so that writers find the next leader without waiting for an election. Logged.
  void hand_over_leadership();

 private:
  void apply(std::uint64_t index, std::string_view entry);
  std::string take_snapshot();
  void restore(std::string_view image);
  Error not_leading(const ReplicatedLog::Status& status) const;
  // Member `id`'s api endpoint: from --cluster-api, else as it announced it, else empty.
  std::string api_of(std::uint64_t id) const;
  std::string status_reply(std::uint64_t request_id, std::uint64_t sequence) const;
  std::string change(const wire::ClusterChange& change, std::uint64_t request_id, const RequestOrigin& origin,
                     std::uint64_t sequence);

  Store& store_;
  BrokerOptions options_;
  void forget_proposals();

  std::uint64_t proposals_ = 0;
  bool ready_ = false;             // leads, and every earlier entry is applied here
  std::string own_api_;            // where clients reach this member (announced when it leads)
  bool announce_ = false;          // it just took the lead and its store lacks own_api_
  std::uint64_t known_leader_ = UINT64_MAX;  // the leader as of the last turn, and its api endpoint
  std::string known_leader_api_;             // (empty: unknown) — what refusals name
  bool barrier_in_flight_ = false;
  std::atomic<int> barrier_result_{0};     // 1 committed, 2 failed (set on the log's thread)
  struct Proposal {
    std::uint64_t number = 0;
    std::chrono::steady_clock::time_point at;
  };
  std::deque<Proposal> proposed_;  // loop thread: in flight, oldest first
  // Shared with the log's thread: the numbers of this member's proposals in flight (apply() tells
  // its own entries from others' by them) and the outcomes come back for them.
  std::mutex proposals_mutex_;
  std::set<std::uint64_t> awaited_;
  std::map<std::uint64_t, ReplicatedLog::Outcome> decided_;
  int wake_fd_ = -1;
  std::atomic<bool> foreign_applied_{false};
  std::chrono::steady_clock::time_point last_in_touch_ = std::chrono::steady_clock::now();
  std::atomic<std::uint64_t> lag_ms_{0};
  std::atomic<int> in_flight_{0};  // changes started, not yet answered
  std::mutex answers_mutex_;
  std::vector<Answer> answers_;    // guarded by answers_mutex_
  std::unique_ptr<MemberLink> link_;       // with a CURVE key: the members' traffic; outlives log_
  std::unique_ptr<ReplicatedLog> log_;     // last: stopped first
};

}  // namespace dispo::broker
