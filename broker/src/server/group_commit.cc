#include "group_commit.h"

#include <algorithm>
#include <iterator>

#include "access/feed_topics.h"
#include "matching/validation.h"
#include "model/logger.h"
#include "model/replies.h"

namespace dispo::broker {
namespace {

// The request id of a frame the dispatcher accepted (0 if it cannot be read).
std::uint64_t request_id_of(const zmq::message_t& frame) {
  auto message = wire::decode(frame.data(), frame.size(), SIZE_MAX);
  const auto* request = message ? (*message)->body_as_Request() : nullptr;
  return request ? request->request_id() : 0;
}

Reply route_back(const LogReader::Route& route, std::string bytes) {
  Reply reply;
  reply.routing_id = zmq::message_t(route.routing_id);
  reply.delimiter = route.delimiter;
  reply.bytes = std::move(bytes);
  return reply;
}

}  // namespace

GroupCommit::GroupCommit(Parts parts, Commit commit)
    : parts_(parts), commit_(std::move(commit)), pending_(parts.store.batch()) {}

Result<void> GroupCommit::load() {
  if (auto loaded = parts_.store.load(parts_.state.index); !loaded) return loaded.error();
  if (auto loaded = load_bookkeeping(parts_.store, parts_.state); !loaded) return loaded.error();
  committed_sequence_ = parts_.state.sequence;
  return {};
}

void GroupCommit::begin(std::int64_t now_ms) {
  now_ms_ = now_ms;
  today_ = local_date(now_ms);
}

std::string GroupCommit::dispatch(const AdmittedRequest& request, Dispatcher::Outcome* outcome) {
  const wire::PrincipalT& principal =
      request.principal ? *request.principal : principal_of(request.payload, parts_.state.principals, parts_.curve);
  return parts_.dispatcher.handle(request.origin(), principal, request.payload.to_string_view(), pending_, now_ms_,
                                  today_, outcome);
}

void GroupCommit::answer(AdmittedRequest request) {
  Waiting waiting;
  waiting.bytes = dispatch(request, &waiting.outcome);
  if (waiting.bytes.empty()) return;  // a read of the log: the log reader answers it
  if (parts_.probe) parts_.probe->on_request(request.payload.to_string_view(), waiting.bytes);
  bytes_ += request.payload.size() + waiting.bytes.size();
  waiting.request = std::move(request);
  waiting_.push_back(std::move(waiting));
}

void GroupCommit::add(Reply reply) {
  if (parts_.probe) parts_.probe->on_request({}, reply.bytes);
  bytes_ += reply.bytes.size();
  keep(std::move(reply));
}

void GroupCommit::keep(Reply reply) {
  Waiting waiting;
  waiting.request.routing_id = std::move(reply.routing_id);
  waiting.request.delimiter = reply.delimiter;
  waiting.bytes = std::move(reply.bytes);
  waiting_.push_back(std::move(waiting));
}

bool GroupCommit::defer_log_read(const RequestOrigin& origin, std::uint64_t request_id, LogRead read) {
  if (parts_.log_reader.in_flight() + deferred_reads_.size() >= LogReader::kMaxInFlight) return false;
  LogReader::Route route{std::string(origin.routing_id), origin.delimiter, request_id};
  deferred_reads_.emplace_back(std::move(route), std::move(read));
  return true;
}

GroupCommit::Closed GroupCommit::close() {
  Held closing;
  closing.closed_at = std::chrono::steady_clock::now();
  closing.durable = true;
  if (!pending_.empty()) {
    pending_.seal(parts_.state);
    auto ticket = commit_(pending_.batch);
    if (!ticket) {
      if (parts_.probe)
        parts_.probe->on_commit(waiting_.size(), std::chrono::steady_clock::now() - closing.closed_at, false);
      return roll_back(ticket.error(), std::move(closing));
    }
    closing.ticket = *ticket;
    closing.durable = *ticket == 0;
    if (closing.durable && parts_.probe)
      parts_.probe->on_commit(waiting_.size(), std::chrono::steady_clock::now() - closing.closed_at, true);
  }
  closing.waiting = std::exchange(waiting_, {});
  closing.reads = std::exchange(deferred_reads_, {});
  for (auto& event : pending_.events) {
    closing.publications.push_back({event_topic(event.territory), std::move(event.bytes)});
  }
  for (auto& alert : pending_.alerts) {
    closing.publications.push_back({alert_topic(alert.owner), std::move(alert.bytes)});
  }
  if (parts_.probe) parts_.probe->on_published(pending_.events.size(), pending_.alerts.size());
  closing.events = !pending_.events.empty();
  pending_.events.clear();
  pending_.alerts.clear();
  closing.close_feed = parts_.state.feed_rebind_needed;
  parts_.state.feed_rebind_needed = false;
  closing.sequence = parts_.state.sequence;
  bytes_ = 0;
  held_.push_back(std::move(closing));
  return release();
}

GroupCommit::Closed GroupCommit::settle(Ticket ticket, const Result<void>& committed) {
  auto held = std::find_if(held_.begin(), held_.end(), [&](const Held& h) { return h.ticket == ticket && !h.durable; });
  if (ticket == 0 || held == held_.end()) return {};  // rolled back already
  if (parts_.probe) {
    parts_.probe->on_commit(held->waiting.size(), std::chrono::steady_clock::now() - held->closed_at,
                            static_cast<bool>(committed));
  }
  if (!committed) return roll_back(committed.error(), std::nullopt);
  held->durable = true;
  return release();
}

// Releases the durable batches at the front, in order.
GroupCommit::Closed GroupCommit::release() {
  Closed closed;
  while (!held_.empty() && held_.front().durable) {
    Held& front = held_.front();
    committed_sequence_ = std::max(committed_sequence_, front.sequence);
    for (auto& [route, read] : front.reads) parts_.log_reader.submit(std::move(route), std::move(read));
    for (auto& waiting : front.waiting) {
      closed.replies.push_back(
          Reply{std::move(waiting.request.routing_id), waiting.request.delimiter, std::move(waiting.bytes)});
    }
    std::move(front.publications.begin(), front.publications.end(), std::back_inserter(closed.publications));
    closed.events = closed.events || front.events;
    closed.close_feed = closed.close_feed || front.close_feed;
    held_.pop_front();
  }
  // Replies of writes not yet durable stay remembered until they are in the store.
  if (held_.empty()) parts_.replies.trim();
  return closed;
}

GroupCommit::Closed GroupCommit::roll_back(const Error& error, std::optional<Held> current) {
  // storage_error: this store failed (writes refused until it resumes); otherwise the cluster did
  // not commit a batch (not the leader any more, no majority): the cluster says what happens next.
  const bool storage_failed = error.status == wire::Status::storage_error;
  logger()->error("commit failed, nothing acknowledged: {}", error.message);
  parts_.state.feed_rebind_needed = false;
  if (storage_failed) {
    parts_.storage.on_commit_failed(parts_.store.last_write_failure(), std::chrono::steady_clock::now());
    parts_.dispatcher.refuse_writes(parts_.storage.refusal());
  }
  const Error refusal = storage_failed ? parts_.storage.refusal() : error;
  // Every batch not yet released, in order, then the one closing now (its replies still here).
  std::vector<Held> failed(std::make_move_iterator(held_.begin()), std::make_move_iterator(held_.end()));
  held_.clear();
  if (current) {
    current->waiting = std::exchange(waiting_, {});
    current->reads = std::exchange(deferred_reads_, {});
    failed.push_back(std::move(*current));
  }
  bytes_ = 0;
  // The in-memory state ran ahead of the store: rebuild it from the durable truth.
  parts_.replies.clear();
  pending_.clear();
  if (auto reloaded = load(); !reloaded) {
    logger()->critical("cannot reload state after a failed commit: {}", reloaded.error().message);
  }
  Closed closed;
  for (Held& batch : failed) {
    for (auto& [route, read] : batch.reads) {
      closed.replies.push_back(route_back(route, encode_error(route.request_id, refusal, committed_sequence_)));
    }
    // Writes are refused; reads are answered again, from the state as reloaded, since their first
    // answer may show a change that was never committed; the rest stands.
    for (auto& waiting : batch.waiting) {
      switch (waiting.outcome) {
        case Dispatcher::Outcome::write:
          waiting.bytes = encode_error(request_id_of(waiting.request.payload), refusal, parts_.state.sequence);
          break;
        case Dispatcher::Outcome::read:
          waiting.request.principal = nullptr;  // the principals were reloaded: look it up again
          waiting.bytes = dispatch(waiting.request, &waiting.outcome);
          break;
        case Dispatcher::Outcome::stands:
          break;
      }
      // A report answered again may have gone to the log reader, which answers it itself; the
      // dispatcher refuses writes meanwhile, so nothing was staged again.
      if (waiting.bytes.empty()) continue;
      closed.replies.push_back(
          Reply{std::move(waiting.request.routing_id), waiting.request.delimiter, std::move(waiting.bytes)});
    }
  }
  return closed;
}

}  // namespace dispo::broker
