#include "replicated_log.h"

extern "C" {
#include <raft.h>
#include <raft/uv.h>
#include <uv.h>
}

#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <exception>
#include <filesystem>
#include <future>
#include <map>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <utility>

#include "loopback_ports.h"
#include "routed_transport.h"
#include "dispo/schemas/thread_name.h"

namespace dispo::broker {
namespace {

// libraft's TCP transport carries entries in clear: only loopback until it is wrapped.
bool is_loopback(const std::string& address) { return address.rfind("127.", 0) == 0; }

// libraft 0.15 keeps entries 8-byte aligned on disk and on the wire and reads a payload whose
// length is not a multiple of 8 beyond its end once it comes from disk (ASan: a heap overflow in
// its message decoder after a restart). Every payload we hand it is framed: its length on 8 bytes
// (little endian), the bytes, zeros up to a multiple of 8.
raft_buffer frame(std::string_view bytes) {
  raft_buffer buffer;
  std::size_t padded = (bytes.size() + 7) / 8 * 8;
  buffer.len = 8 + padded;
  buffer.base = raft_calloc(1, buffer.len);
  if (buffer.base == nullptr) return buffer;
  auto* out = static_cast<unsigned char*>(buffer.base);
  std::uint64_t length = bytes.size();
  for (int k = 0; k < 8; ++k) out[k] = static_cast<unsigned char>(length >> (8 * k));
  std::memcpy(out + 8, bytes.data(), bytes.size());
  return buffer;
}

// The payload of a framed buffer; throws when the frame is not one of ours.
std::string_view unframe(const raft_buffer& buffer) {
  if (buffer.len < 8 || buffer.len % 8 != 0)
    throw std::runtime_error("an entry of " + std::to_string(buffer.len) + " bytes is not framed");
  const auto* in = static_cast<const unsigned char*>(buffer.base);
  std::uint64_t length = 0;
  for (int k = 0; k < 8; ++k) length |= static_cast<std::uint64_t>(in[k]) << (8 * k);
  if (length > buffer.len - 8)
    throw std::runtime_error("an entry says " + std::to_string(length) + " bytes in a frame of " +
                             std::to_string(buffer.len));
  return {reinterpret_cast<const char*>(in + 8), static_cast<std::size_t>(length)};
}

ReplicatedLog::Refusal refusal_of(int code) {
  switch (code) {
    case 0: return ReplicatedLog::Refusal::none;
    case RAFT_NOTLEADER:
    case RAFT_LEADERSHIPLOST: return ReplicatedLog::Refusal::not_leader;
    case RAFT_BADID: return ReplicatedLog::Refusal::unknown_member;
    case RAFT_DUPLICATEID:
    case RAFT_DUPLICATEADDRESS: return ReplicatedLog::Refusal::known_member;
    case RAFT_CANTCHANGE: return ReplicatedLog::Refusal::change_in_progress;
    default: return ReplicatedLog::Refusal::other;
  }
}

// A proposal, a barrier or a leadership transfer on its way through libraft.
struct Request {
  ReplicatedLog::Impl* log = nullptr;
  ReplicatedLog::Done done;
  struct raft_apply apply{};
  struct raft_barrier barrier{};
  struct raft_transfer transfer{};
  struct raft_change change{};
  std::uint64_t member = 0;  // a membership change: whom it is about
  int promotion_failure = 0;  // an add: why libraft did not make the spare a voter (then it is removed)
};

}  // namespace

class ReplicatedLog::Impl {
 public:
  Impl(Options options, StateMachine machine)
      : options_(std::move(options)), machine_(std::move(machine)) {}

  // The log's thread: opens everything, reports through `started`, runs until stopped.
  void run(std::promise<std::string>* started);
  void propose(std::string entry, Done done);
  void barrier(Done done);
  void transfer_leadership(Done done, std::uint64_t to);
  void add_member(Member member, Done done);
  void remove_member(std::uint64_t id, Done done);
  void stop();
  Status status() const {
    std::lock_guard lock(mutex_);
    return status_;
  }
  std::thread thread;  // runs run(); joined by stop()

 private:
  enum class Kind { proposal, barrier, transfer, add, remove };
  struct Queued {
    Kind kind = Kind::proposal;
    std::string entry;  // a proposal's bytes; an added member's address
    Done done;
    std::uint64_t member = 0;  // transfer, add, remove: whom it is about
  };

  std::string open();
  void close_after_failed_open(bool raft_open);
  void submit(Queued queued);
  void refresh_status();
  Outcome outcome_with_leader(std::string error) const;
  void apply_entry(const raft_buffer* buffer);

  static void on_wake(uv_async_t* handle);
  static void on_refresh(uv_timer_t* handle);
  static void on_raft_closed(raft* r);
  static void on_applied(struct raft_apply* request, int status, void* result);
  static void on_barrier(struct raft_barrier* request, int status);
  static void on_transfer(struct raft_transfer* request);
  static void on_added(struct raft_change* request, int status);
  static void on_changed(struct raft_change* request, int status);
  static void on_promoted(struct raft_change* request, int status);
  static void on_spare_removed(struct raft_change* request, int status);
  static void finish_unreachable(Request* owned, bool kept_spare);
  int submit_to_raft(Queued& item, Request* request);
  static void finish(Request* owned, int status, std::uint64_t index);
  static int fsm_apply(raft_fsm* fsm, const raft_buffer* buffer, void** result);
  static int fsm_snapshot(raft_fsm* fsm, raft_buffer* buffers[], unsigned* count);
  static int fsm_restore(raft_fsm* fsm, raft_buffer* buffer);

  Options options_;
  StateMachine machine_;

  uv_loop_t loop_{};
  uv_async_t wake_{};
  uv_timer_t refresh_{};
  RoutedTransport transport_;  // libraft's TCP transport (inner), bounded, redirected when options_.route is set
  raft_io io_{};
  raft_fsm fsm_{};
  raft raft_{};
  bool closing_ = false;  // loop thread

  mutable std::mutex mutex_;
  std::deque<Queued> queue_;  // guarded by mutex_
  bool stopping_ = false;     // guarded by mutex_
  Status status_;             // guarded by mutex_
  // Loop thread: when the leader last heard from each member. libraft's own flag (recent_recv)
  // is reset every election timeout, so it is sampled at each refresh and the time kept here.
  std::map<std::uint64_t, std::chrono::steady_clock::time_point> heard_at_;
  bool leading_ = false;
};

std::unique_ptr<ReplicatedLog> ReplicatedLog::start(Options options, StateMachine machine) {
  if (options.id == 0) throw std::runtime_error("a member's id is a number above 0");
  bool listed = false;
  for (const Member& member : options.cluster) {
    if (!options.route && !is_loopback(member.address))
      throw std::runtime_error("member " + std::to_string(member.id) + " at " + member.address +
                               ": an address beyond loopback needs the broker's CURVE key (--curve-key): "
                               "the traffic between members then goes encrypted through the member link");
    listed = listed || member.id == options.id;
  }
  if (!listed)
    throw std::runtime_error("member " + std::to_string(options.id) + " is not in the cluster list");
  if (options.route && options.bind_address.empty())
    throw std::runtime_error("a routed member listens on a loopback bind address");
  if (!options.bind_address.empty() && !is_loopback(options.bind_address))
    throw std::runtime_error("bind address " + options.bind_address +
                             ": only loopback addresses (127.x.x.x:PORT) are accepted until the traffic "
                             "between members is encrypted");
  std::error_code error;
  std::filesystem::create_directories(options.directory, error);
  if (error)
    throw std::runtime_error("cannot create the Raft directory " + options.directory + ": " +
                             error.message());

  // libuv writes to the other members' sockets with write(2): a member that went away would kill
  // this process with SIGPIPE instead of being reported as a closed connection.
  std::signal(SIGPIPE, SIG_IGN);
  auto impl = std::make_unique<Impl>(std::move(options), std::move(machine));
  std::promise<std::string> started;
  std::future<std::string> opened = started.get_future();
  impl->thread = std::thread(&Impl::run, impl.get(), &started);
  std::string failure = opened.get();
  if (!failure.empty()) {
    impl->thread.join();
    throw std::runtime_error(failure);
  }
  return std::unique_ptr<ReplicatedLog>(new ReplicatedLog(std::move(impl)));
}

ReplicatedLog::ReplicatedLog(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
ReplicatedLog::~ReplicatedLog() { impl_->stop(); }
void ReplicatedLog::propose(std::string entry, Done done) { impl_->propose(std::move(entry), std::move(done)); }
void ReplicatedLog::barrier(Done done) { impl_->barrier(std::move(done)); }
void ReplicatedLog::transfer_leadership(Done done, std::uint64_t to) { impl_->transfer_leadership(std::move(done), to); }
void ReplicatedLog::add_member(Member member, Done done) { impl_->add_member(std::move(member), std::move(done)); }
void ReplicatedLog::remove_member(std::uint64_t id, Done done) { impl_->remove_member(id, std::move(done)); }
ReplicatedLog::Status ReplicatedLog::status() const { return impl_->status(); }

const char* to_string(ReplicatedLog::Role role) {
  switch (role) {
    case ReplicatedLog::Role::unavailable: return "unavailable";
    case ReplicatedLog::Role::follower: return "follower";
    case ReplicatedLog::Role::candidate: return "candidate";
    case ReplicatedLog::Role::leader: return "leader";
  }
  return "unknown";
}

// --- the log's thread -----------------------------------------------------------------------

void ReplicatedLog::Impl::run(std::promise<std::string>* started) {
  wire::name_this_thread("dispo-raft");
  std::string failure = open();
  started->set_value(failure);  // `started` is not touched again: start() may return now
  if (!failure.empty()) return;
  uv_run(&loop_, UV_RUN_DEFAULT);  // until stop(): raft_close, then every handle closed
  uv_loop_close(&loop_);
  std::lock_guard lock(mutex_);
  status_.role = Role::unavailable;
}

std::string ReplicatedLog::Impl::open() {
  auto fail = [&](const char* what, int code, bool raft_open) {
    std::string detail = raft_open ? raft_errmsg(&raft_) : "";
    if (detail.empty()) detail = raft_strerror(code);  // libraft leaves its message empty at times
    std::string message = std::string(what) + ": " + detail;
    close_after_failed_open(raft_open);
    return message;
  };
  if (int rv = uv_loop_init(&loop_); rv != 0) return std::string("libuv: ") + uv_strerror(rv);
  uv_async_init(&loop_, &wake_, &Impl::on_wake);
  wake_.data = this;
  uv_timer_init(&loop_, &refresh_);
  refresh_.data = this;
  if (int rv = raft_uv_tcp_init(&transport_.inner, &loop_); rv != 0) {
    uv_close(reinterpret_cast<uv_handle_t*>(&wake_), nullptr);
    uv_close(reinterpret_cast<uv_handle_t*>(&refresh_), nullptr);
    uv_run(&loop_, UV_RUN_DEFAULT);
    uv_loop_close(&loop_);
    return std::string("the Raft transport: ") + raft_strerror(rv);
  }
  if (!options_.bind_address.empty()) raft_uv_tcp_set_bind_address(&transport_.inner, options_.bind_address.c_str());
  transport_.route = options_.route;
  // Long enough for a follower busy restoring a large snapshot to read again; short enough that a
  // dead connection is redialled well within the time a member may lag.
  transport_.user_timeout_ms = std::max(5000u, 10 * options_.election_timeout_ms);
  wire_routed_transport(transport_);
  raft_uv_transport* transport = &transport_.outer;
  if (int rv = raft_uv_init(&io_, &loop_, options_.directory.c_str(), transport); rv != 0) {
    std::string message = "the Raft log in " + options_.directory + ": " + raft_strerror(rv);
    raft_uv_tcp_close(&transport_.inner);
    uv_close(reinterpret_cast<uv_handle_t*>(&wake_), nullptr);
    uv_close(reinterpret_cast<uv_handle_t*>(&refresh_), nullptr);
    uv_run(&loop_, UV_RUN_DEFAULT);
    uv_loop_close(&loop_);
    return message;
  }
  raft_uv_set_connect_retry_delay(&io_, 100);  // a restarted member is reached within 0.1 s

  fsm_.version = 1;
  fsm_.data = this;
  fsm_.apply = &Impl::fsm_apply;
  fsm_.snapshot = &Impl::fsm_snapshot;
  fsm_.restore = &Impl::fsm_restore;

  std::string address;
  for (const Member& member : options_.cluster)
    if (member.id == options_.id) address = member.address;
  if (int rv = raft_init(&raft_, &io_, &fsm_, options_.id, address.c_str()); rv != 0)
    return fail("Raft", rv, false);
  raft_.data = this;

  if (!options_.join) {
    raft_configuration configuration;
    raft_configuration_init(&configuration);
    for (const Member& member : options_.cluster)
      raft_configuration_add(&configuration, member.id, member.address.c_str(), RAFT_VOTER);
    int bootstrapped = raft_bootstrap(&raft_, &configuration);
    raft_configuration_close(&configuration);
    if (bootstrapped != 0 && bootstrapped != RAFT_CANTBOOTSTRAP)  // CANTBOOTSTRAP: not a new log
      return fail("the first configuration", bootstrapped, true);
  }

  raft_set_election_timeout(&raft_, options_.election_timeout_ms);
  raft_set_heartbeat_timeout(&raft_, options_.heartbeat_timeout_ms);
  raft_set_snapshot_threshold(&raft_, options_.snapshot_threshold);
  raft_set_snapshot_trailing(&raft_, options_.snapshot_trailing);
  // A member whose disk was wiped answers a snapshot with an index below what the leader last knew
  // it held; libraft 0.15 then keeps waiting for the snapshot's end, until this timeout (30 s by
  // default). 20 election timeouts (10 s at least) lets a large snapshot arrive on a loaded machine
  // (a shorter one aborts and sends it again, over and over) and such a member catch up in seconds.
  raft_set_install_snapshot_timeout(&raft_, std::max(10000u, 20 * options_.election_timeout_ms));
  raft_set_pre_vote(&raft_, true);  // a member back from a partition does not depose the leader
  if (int rv = raft_start(&raft_); rv != 0) {
    const std::string why = why_cannot_listen(options_.bind_address.empty() ? address : options_.bind_address);
    const std::string message = fail("starting Raft", rv, true);
    return why.empty() ? message : message + "; " + why;
  }
  uv_timer_start(&refresh_, &Impl::on_refresh, 0, 5);
  return {};
}

void ReplicatedLog::Impl::close_after_failed_open(bool raft_open) {
  closing_ = true;
  if (raft_open) {
    raft_close(&raft_, &Impl::on_raft_closed);  // closes the I/O, the transport and the handles
  } else {
    raft_uv_close(&io_);
    raft_uv_tcp_close(&transport_.inner);
    uv_close(reinterpret_cast<uv_handle_t*>(&wake_), nullptr);
    uv_close(reinterpret_cast<uv_handle_t*>(&refresh_), nullptr);
  }
  uv_run(&loop_, UV_RUN_DEFAULT);
  uv_loop_close(&loop_);
}

void ReplicatedLog::Impl::propose(std::string entry, Done done) {
  submit(Queued{Kind::proposal, std::move(entry), std::move(done)});
}

void ReplicatedLog::Impl::barrier(Done done) { submit(Queued{Kind::barrier, {}, std::move(done)}); }

void ReplicatedLog::Impl::transfer_leadership(Done done, std::uint64_t to) {
  submit(Queued{Kind::transfer, {}, std::move(done), to});
}

void ReplicatedLog::Impl::add_member(Member member, Done done) {
  submit(Queued{Kind::add, std::move(member.address), std::move(done), member.id});
}

void ReplicatedLog::Impl::remove_member(std::uint64_t id, Done done) {
  submit(Queued{Kind::remove, {}, std::move(done), id});
}

void ReplicatedLog::Impl::submit(Queued queued) {
  {
    std::lock_guard lock(mutex_);
    if (!stopping_) {
      queue_.push_back(std::move(queued));
      uv_async_send(&wake_);  // under the lock: the handle is closed only after stopping_ is seen
      return;
    }
  }
  Outcome refused;
  refused.error = "this member is shutting down";
  queued.done(refused);
}

void ReplicatedLog::Impl::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
    uv_async_send(&wake_);
  }
  thread.join();
}

void ReplicatedLog::Impl::on_wake(uv_async_t* handle) {
  auto* self = static_cast<Impl*>(handle->data);
  if (self->closing_) return;
  std::deque<Queued> queued;
  bool stopping;
  {
    std::lock_guard lock(self->mutex_);
    queued.swap(self->queue_);
    stopping = self->stopping_;
  }
  for (Queued& item : queued) {
    if (stopping) {
      Outcome refused;
      refused.error = "this member is shutting down";
      item.done(refused);
      continue;
    }
    auto* request = new Request{self, std::move(item.done)};
    request->member = item.member;
    int rv = self->submit_to_raft(item, request);
    if (rv != 0) {
      Outcome refused = self->outcome_with_leader(
          rv == RAFT_NOTLEADER ? "this member is not the leader" : raft_strerror(rv));
      refused.refusal = refusal_of(rv);
      request->done(refused);
      delete request;
    }
  }
  if (stopping) {
    self->closing_ = true;
    raft_close(&self->raft_, &Impl::on_raft_closed);
  }
}

// Hands one queued item to libraft; 0 when it took it (its callback will finish `request`).
int ReplicatedLog::Impl::submit_to_raft(Queued& item, Request* request) {
  switch (item.kind) {
    case Kind::barrier:
      request->barrier.data = request;
      return raft_barrier(&raft_, &request->barrier, &Impl::on_barrier);
    case Kind::transfer:
      request->transfer.data = request;
      if (raft_state(&raft_) != RAFT_LEADER) return RAFT_NOTLEADER;
      return raft_transfer(&raft_, &request->transfer, item.member, &Impl::on_transfer);
    case Kind::add:
      request->change.data = request;
      return raft_add(&raft_, &request->change, item.member, item.entry.c_str(), &Impl::on_added);
    case Kind::remove:
      request->change.data = request;
      return raft_remove(&raft_, &request->change, item.member, &Impl::on_changed);
    case Kind::proposal:
      break;
  }
  raft_buffer buffer = frame(item.entry);
  if (buffer.base == nullptr) return RAFT_NOMEM;
  request->apply.data = request;
  int rv = raft_apply(&raft_, &request->apply, &buffer, 1, &Impl::on_applied);
  if (rv != 0) raft_free(buffer.base);  // ownership passes to libraft only on success
  return rv;
}

// The member is in the configuration as a spare: now it becomes a voter, which libraft does once
// it has caught up with the log (rounds of replication), then commits the new configuration.
void ReplicatedLog::Impl::on_added(struct raft_change* change, int status) {
  auto* owned = static_cast<Request*>(change->data);
  Impl* self = owned->log;
  if (status == 0) {
    owned->change = {};
    owned->change.data = owned;
    status = raft_assign(&self->raft_, &owned->change, owned->member, RAFT_VOTER, &Impl::on_promoted);
    if (status == 0) return;  // on_promoted finishes it
  }
  finish(owned, status, 0);
}

// The promotion's outcome. libraft gives up on a spare that does not answer (RAFT_NOCONNECTION:
// not started, wrong address): the spare is removed again, so that a failed add changes nothing.
void ReplicatedLog::Impl::on_promoted(struct raft_change* change, int status) {
  auto* owned = static_cast<Request*>(change->data);
  Impl* self = owned->log;
  if (status != RAFT_NOCONNECTION) {
    finish(owned, status, 0);
    return;
  }
  owned->promotion_failure = status;
  owned->change = {};
  owned->change.data = owned;
  if (raft_remove(&self->raft_, &owned->change, owned->member, &Impl::on_spare_removed) != 0)
    finish_unreachable(owned, true);
}

void ReplicatedLog::Impl::on_spare_removed(struct raft_change* change, int status) {
  finish_unreachable(static_cast<Request*>(change->data), status != 0);
}

void ReplicatedLog::Impl::finish_unreachable(Request* owned, bool kept_spare) {
  Impl* self = owned->log;
  self->refresh_status();
  Outcome outcome = self->outcome_with_leader(raft_strerror(owned->promotion_failure));
  outcome.refusal = Refusal::unreachable;
  outcome.kept_spare = kept_spare;
  owned->done(outcome);
  delete owned;
}

void ReplicatedLog::Impl::on_changed(struct raft_change* change, int status) {
  finish(static_cast<Request*>(change->data), status, 0);
}

void ReplicatedLog::Impl::on_raft_closed(raft* r) {
  auto* self = static_cast<Impl*>(r->data);
  raft_uv_close(&self->io_);
  raft_uv_tcp_close(&self->transport_.inner);
  uv_close(reinterpret_cast<uv_handle_t*>(&self->wake_), nullptr);
  uv_timer_stop(&self->refresh_);
  uv_close(reinterpret_cast<uv_handle_t*>(&self->refresh_), nullptr);
}

void ReplicatedLog::Impl::on_refresh(uv_timer_t* handle) {
  static_cast<Impl*>(handle->data)->refresh_status();
}

void ReplicatedLog::Impl::refresh_status() {
  Status now;
  switch (raft_state(&raft_)) {
    case RAFT_FOLLOWER: now.role = Role::follower; break;
    case RAFT_CANDIDATE: now.role = Role::candidate; break;
    case RAFT_LEADER: now.role = Role::leader; break;
    default: now.role = Role::unavailable; break;
  }
  raft_id leader_id = 0;
  const char* leader_address = nullptr;
  raft_leader(&raft_, &leader_id, &leader_address);
  now.leader_id = leader_id;
  if (leader_address != nullptr) now.leader_address = leader_address;
  now.first_index = raft_.log.offset + 1;
  now.last_index = raft_last_index(&raft_);
  now.last_applied = raft_last_applied(&raft_);
  now.snapshot_index = raft_.log.snapshot.last_index;
  // A leader's progress array runs parallel to its configuration's servers.
  const raft_progress* progress = now.role == Role::leader ? raft_.leader_state.progress : nullptr;
  const auto time = std::chrono::steady_clock::now();
  if (progress == nullptr || !leading_) heard_at_.clear();  // silences count from taking the lead
  leading_ = progress != nullptr;
  for (unsigned i = 0; i < raft_.configuration.n; ++i) {
    const raft_server& server = raft_.configuration.servers[i];
    MemberState member{server.id, server.address == nullptr ? "" : server.address,
                       server.role == RAFT_VOTER     ? Vote::voter
                       : server.role == RAFT_STANDBY ? Vote::standby
                                                     : Vote::spare};
    if (progress != nullptr) {
      const bool self = server.id == raft_.id;
      auto heard = heard_at_.try_emplace(server.id, time).first;
      if (self || progress[i].recent_recv) heard->second = time;
      const auto silent = std::chrono::duration_cast<std::chrono::milliseconds>(time - heard->second);
      member.progress_known = true;
      member.replicated_index = self ? now.last_index : progress[i].match_index;
      member.silent_ms = static_cast<std::uint64_t>(silent.count());
      member.in_touch = silent <= std::chrono::milliseconds(options_.election_timeout_ms);
    }
    now.members.push_back(std::move(member));
  }
  std::lock_guard lock(mutex_);
  status_ = std::move(now);
}

ReplicatedLog::Outcome ReplicatedLog::Impl::outcome_with_leader(std::string error) const {
  Outcome outcome;
  outcome.error = std::move(error);
  raft_id leader_id = 0;
  const char* leader_address = nullptr;
  raft_leader(const_cast<raft*>(&raft_), &leader_id, &leader_address);
  outcome.leader_id = leader_id;
  if (leader_address != nullptr) outcome.leader_address = leader_address;
  return outcome;
}

void ReplicatedLog::Impl::on_applied(struct raft_apply* request, int status, void* /*result*/) {
  finish(static_cast<Request*>(request->data), status, request->index);
}

void ReplicatedLog::Impl::on_barrier(struct raft_barrier* request, int status) {
  finish(static_cast<Request*>(request->data), status, request->index);
}

// libraft calls back once the target leads, or after an election timeout: who leads now says which.
void ReplicatedLog::Impl::on_transfer(struct raft_transfer* request) {
  auto* owned = static_cast<Request*>(request->data);
  Impl* self = owned->log;
  self->refresh_status();
  Outcome outcome = self->outcome_with_leader("");
  outcome.committed = outcome.leader_id != 0 && outcome.leader_id != self->options_.id;
  if (!outcome.committed) {
    outcome.error = "no other member took the leadership in time";
    outcome.refusal = Refusal::timed_out;
  }
  owned->done(outcome);
  delete owned;
}

// A proposal's or a barrier's outcome to its `done`, once libraft decided it.
void ReplicatedLog::Impl::finish(Request* owned, int status, std::uint64_t index) {
  Impl* self = owned->log;
  Outcome outcome;
  if (status == 0) {
    outcome.committed = true;
    outcome.index = index;
  } else {
    outcome = self->outcome_with_leader(status == RAFT_LEADERSHIPLOST
                                            ? "leadership was lost before the entry was committed"
                                            : raft_strerror(status));
    outcome.refusal = refusal_of(status);
  }
  self->refresh_status();
  owned->done(outcome);
  delete owned;
}

// A member that cannot apply a committed entry must not go on: its state would differ from the
// others'. It stops, and is repaired from a snapshot of the others.
[[noreturn]] static void stop_member(const char* what, const char* why) {
  std::fprintf(stderr, "dispo replication: %s failed (%s); this member stops\n", what, why);
  std::abort();
}

int ReplicatedLog::Impl::fsm_apply(raft_fsm* fsm, const raft_buffer* buffer, void** result) {
  auto* self = static_cast<Impl*>(fsm->data);
  *result = nullptr;
  try {
    self->apply_entry(buffer);
  } catch (const std::exception& error) {
    stop_member("applying a committed entry", error.what());
  }
  return 0;
}

void ReplicatedLog::Impl::apply_entry(const raft_buffer* buffer) {
  // Entries are applied in index order; libraft counts barriers and configuration changes too.
  std::uint64_t index = raft_last_applied(&raft_) + 1;
  machine_.apply(index, unframe(*buffer));
}

int ReplicatedLog::Impl::fsm_snapshot(raft_fsm* fsm, raft_buffer* buffers[], unsigned* count) {
  auto* self = static_cast<Impl*>(fsm->data);
  std::string bytes;
  try {
    bytes = self->machine_.snapshot();
  } catch (const std::exception& error) {
    std::fprintf(stderr, "dispo replication: snapshot not taken (%s)\n", error.what());
    return RAFT_IOERR;
  }
  // Freed by libraft once written (an FSM of version 1 hands them over).
  auto* array = static_cast<raft_buffer*>(raft_malloc(sizeof(raft_buffer)));
  if (array == nullptr) return RAFT_NOMEM;
  array[0] = frame(bytes);
  if (array[0].base == nullptr) {
    raft_free(array);
    return RAFT_NOMEM;
  }
  *buffers = array;
  *count = 1;
  return 0;
}

int ReplicatedLog::Impl::fsm_restore(raft_fsm* fsm, raft_buffer* buffer) {
  auto* self = static_cast<Impl*>(fsm->data);
  try {
    self->machine_.restore(unframe(*buffer));
  } catch (const std::exception& error) {
    stop_member("restoring a snapshot", error.what());
  }
  raft_free(buffer->base);  // the state machine owns the snapshot's bytes once restored
  return 0;
}

}  // namespace dispo::broker
