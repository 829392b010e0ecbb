// ReplicatedLog: this node's member of a Raft cluster (Debian's libraft 0.15: its consensus, its
// on-disk log under libuv, its TCP transport), running on a thread of its own.
//
// An entry proposed on the leader is appended to the Raft log, replicated, and once a majority
// holds it, handed to `apply` on every member, in the same order (the Raft index). The proposer
// hears back only then: an acknowledged entry is on a majority's disks. On a follower, a proposal
// is refused at once with the leader's id and address. Applying is the state machine's business:
// when a member restarts, libraft restores its last snapshot and applies the entries after it
// again, so the state machine either lives in memory (rebuilt) or skips the indexes it already
// holds (RocksDB: the applied index is written with the entry's effects).
//
// Knows nothing of dispo's requests: entries are bytes. Traffic between members is libraft's
// plain TCP; start() refuses an address beyond loopback (encryption between machines is not
// built yet). `apply`, `snapshot`, `restore` and every `done` run on the log's thread; every
// public member function may be called from any thread.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace dispo::broker {

class ReplicatedLog {
 public:
  struct Member {
    std::uint64_t id = 0;  // > 0, unique in the cluster
    std::string address;   // "127.0.0.1:7401": where the other members reach it
  };

  struct Options {
    std::uint64_t id = 0;            // this member's id, one of `cluster`
    std::string directory;           // the Raft log and snapshots (created if absent)
    std::vector<Member> cluster;     // the first configuration, when `directory` is new
    std::string bind_address;        // where to listen, when not this member's address in `cluster`
    // When set, the other members are reached through the loopback port route(their address)
    // returns (a MemberLink's: encrypted between machines), and addresses beyond loopback are
    // accepted; `bind_address` must then be a loopback address. 0: unreachable for now.
    std::function<int(const std::string& address)> route;
    bool join = false;               // a new member of a running cluster: no first configuration;
                                     // it waits for the leader to add it (add_member)
    unsigned election_timeout_ms = 1000;
    unsigned heartbeat_timeout_ms = 100;
    unsigned snapshot_threshold = 1024;  // entries between two snapshots
    unsigned snapshot_trailing = 128;    // entries kept after a snapshot (late followers)
  };

  // The state machine. `apply` gets each committed entry with its Raft index, in order.
  // `snapshot` returns bytes from which `restore` rebuilds the same state.
  struct StateMachine {
    std::function<void(std::uint64_t index, std::string_view entry)> apply;
    std::function<std::string()> snapshot;
    std::function<void(std::string_view bytes)> restore;
  };

  // Why a request was not carried out, for the caller to say in its own words.
  // unreachable: a member being added never answered (libraft gave up promoting it); the spare
  // it was added as is removed again, unless `kept_spare` says that failed too.
  enum class Refusal { none, not_leader, unknown_member, known_member, change_in_progress, timed_out, unreachable, other };

  // What became of a proposal (or a barrier, a membership change, a transfer).
  struct Outcome {
    bool committed = false;       // on a majority and applied here
    std::uint64_t index = 0;      // its Raft index when committed
    std::string error;            // otherwise: why (libraft's words, for the log)
    Refusal refusal = Refusal::none;
    bool kept_spare = false;      // unreachable: the spare could not be removed again
    std::uint64_t leader_id = 0;  // the leader as this member knows it (0: none known)
    std::string leader_address;
  };
  using Done = std::function<void(const Outcome&)>;

  enum class Role { unavailable, follower, candidate, leader };
  // Voters make the majority; a standby copies the log without voting; a spare copies nothing.
  enum class Vote { voter, standby, spare };
  struct MemberState {
    std::uint64_t id = 0;
    std::string address;
    Vote vote = Vote::voter;
    // Known on the leader only (libraft's replication progress): the last entry of its log this
    // member holds, how long since it last answered — at least: libraft's flag of an answer stays
    // set until its next reset, up to an election timeout later (0 for the leader itself; counted
    // from when this member took the lead) — and whether that is within an election timeout.
    bool progress_known = false;
    std::uint64_t replicated_index = 0;
    std::uint64_t silent_ms = 0;
    bool in_touch = false;
  };
  struct Status {
    Role role = Role::unavailable;
    std::uint64_t leader_id = 0;
    std::string leader_address;
    std::uint64_t first_index = 0;   // the oldest entry still in the log (older: in the snapshot)
    std::uint64_t last_index = 0;    // appended to this member's log
    std::uint64_t last_applied = 0;  // handed to `apply`
    std::uint64_t snapshot_index = 0;  // the entry the last snapshot was taken at (0: none)
    std::vector<MemberState> members;  // the configuration as this member knows it
  };

  // Opens the directory (bootstrapping it with `cluster` when new) and starts the member.
  // Throws std::runtime_error with a message for people when it cannot. Ignores SIGPIPE from
  // then on, process-wide (a member gone away is a closed connection, not a reason to die).
  static std::unique_ptr<ReplicatedLog> start(Options options, StateMachine machine);
  // Stops the member: pending proposals are told "shutting down"; the log stays on disk.
  ~ReplicatedLog();
  ReplicatedLog(const ReplicatedLog&) = delete;
  ReplicatedLog& operator=(const ReplicatedLog&) = delete;

  // Proposes an entry; `done` is called once, on the log's thread.
  void propose(std::string entry, Done done);
  // Commits nothing but returns once every entry before it is applied here (leader only): what a
  // read that must be current waits for.
  void barrier(Done done);
  // Hands the leadership to the most up-to-date follower (for a restart or a maintenance of this
  // member): `done` gets committed = true once another member leads, false with why otherwise
  // (within an election timeout). A member that does not lead is answered at once (false).
  // `to`: that member (0: the most up-to-date follower).
  void transfer_leadership(Done done, std::uint64_t to = 0);
  // Leader only. Adds a member (a spare first), gives it the log, then makes it a voter: `done`
  // once the configuration with it voting is committed. The new member runs with `join`.
  void add_member(Member member, Done done);
  // Leader only. Removes a member from the configuration: `done` once that is committed.
  void remove_member(std::uint64_t id, Done done);
  // This member as of its last turn (refreshed every few milliseconds and after each event).
  Status status() const;

  class Impl;

 private:
  explicit ReplicatedLog(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// "leader", "follower", … for logs and `cluster status`.
const char* to_string(ReplicatedLog::Role role);

}  // namespace dispo::broker
