#include "dispo/clients/board.h"

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <memory>
#include <utility>

#include "feed_reader.h"
#include "logger.h"

namespace dispo::client {
namespace {

constexpr std::chrono::milliseconds kSnapshotSlice{2};  // how often the feed is drained meanwhile
constexpr std::size_t kMaxDrain = 10'000;                // feed messages handled per pass
constexpr std::size_t kMaxBuffered = 1'000'000;          // beyond this, drop the oldest (a gap follows)

std::chrono::milliseconds until(std::chrono::steady_clock::time_point deadline) {
  return std::max(std::chrono::milliseconds(0),
                  std::chrono::ceil<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now()));
}

}  // namespace

Board::Board(zmq::context_t& context, BoardOptions options)
    : context_(&context), options_(std::move(options)) {
  if (options_.client_id.empty()) options_.client_id = random_client_id();
  if (options_.start_attempts < 1) options_.start_attempts = 1;
}

Board::~Board() = default;

Result<void> Board::start(const std::function<bool()>& go_on) {
  try {
    feed_ = std::make_unique<FeedReader>(*context_, options_.feed, options_.departement, options_.keys,
                                         options_.feed_high_water_mark);
  } catch (const zmq::error_t& error) {
    return make_error(wire::Status::invalid,
                      "adresse du flux invalide : " + options_.feed + " (" + error.what() + ")");
  }
  if (auto requested = request_snapshot(); !requested) return requested;
  const auto deadline = Clock::now() + options_.snapshot_timeout * options_.start_attempts;
  while (phase_ != Phase::in_sync) {
    if (snapshot_error_) return *snapshot_error_;
    if (go_on && !go_on()) return make_error(wire::Status::unavailable, "attente de l'état initial interrompue");
    if (Clock::now() >= deadline) {
      const double seconds = std::chrono::duration<double>(options_.snapshot_timeout).count() *
                             options_.start_attempts;
      char detail[96];
      std::snprintf(detail, sizeof detail, " : pas d'état initial (snapshot) après %.1f s", seconds);
      return make_error(wire::Status::unavailable, "broker injoignable à " + options_.broker + detail);
    }
    poll(std::min(until(deadline), std::chrono::milliseconds(50)));
  }
  return {};
}

Result<void> Board::request_snapshot() {
  phase_ = Phase::awaiting_snapshot;
  snapshot_error_.reset();
  try {
    // A fresh socket for every attempt (Lazy Pirate): a lost reply never blocks the next one. In
    // a cluster, each attempt starts from the next member (followers answer snapshots too).
    const auto members = endpoint_list(options_.broker);
    std::string rotated;
    for (std::size_t i = 0; i < members.size(); ++i) {
      rotated += (i ? "," : "") + members[(snapshot_attempts_ + i) % members.size()];
    }
    ++snapshot_attempts_;
    SessionOptions asking{rotated, options_.snapshot_timeout, 1, options_.client_id, options_.keys};
    // At least what the feed already said: a cluster's member still behind it sends the request to
    // the leader, rather than answer a snapshot the next event would show a gap after.
    asking.seen = std::make_shared<std::atomic<std::uint64_t>>(heard_);
    session_.emplace(*context_, std::move(asking));
    wire::SnapshotRequestT request;
    request.departement = options_.departement;
    wire::RequestBodyUnion body;
    body.Set(std::move(request));
    pending_request_ = session_->send(body);
  } catch (const zmq::error_t& error) {
    snapshot_error_ = make_error(wire::Status::invalid, "adresse du broker invalide : " +
                                                            options_.broker + " (" + error.what() + ")");
    return *snapshot_error_;
  }
  snapshot_deadline_ = Clock::now() + options_.snapshot_timeout;
  return {};
}

bool Board::poll(std::chrono::milliseconds wait) {
  if (phase_ == Phase::idle) return false;
  const auto deadline = Clock::now() + wait;
  bool changed = false;
  do {
    if (phase_ == Phase::awaiting_snapshot) {
      changed |= drain_feed();
      changed |= receive_snapshot(std::min(until(deadline), kSnapshotSlice));
      if (phase_ == Phase::awaiting_snapshot && Clock::now() >= snapshot_deadline_) {
        log()->info("board: no snapshot from {} within {} ms, asking again", options_.broker,
                    options_.snapshot_timeout.count());
        (void)request_snapshot();  // errors stay in snapshot_error_; start() reports them
      }
    } else {
      const auto silent_at = last_heard_ + options_.silence_timeout;
      if (feed_->wait(until(std::min(deadline, silent_at)))) changed |= drain_feed();
      if (phase_ == Phase::in_sync && Clock::now() >= last_heard_ + options_.silence_timeout) {
        resync("silent feed: nothing for " + std::to_string(options_.silence_timeout.count()) + " ms");
      }
    }
    if (changed) return true;
  } while (Clock::now() < deadline);
  return changed;
}

bool Board::receive_snapshot(std::chrono::milliseconds wait) {
  std::optional<ReplyMessage> reply;
  try {
    reply = session_->receive(wait);
  } catch (const zmq::error_t& error) {
    if (error.num() == EINTR) return false;
    throw;
  }
  if (!reply && session_->authentication_failure()) {
    snapshot_error_ = *session_->authentication_failure();  // start() reports it at once
    return false;
  }
  if (!reply || (*reply)->request_id() != pending_request_) return false;
  if ((*reply)->status() != wire::Status::ok) {
    const auto* text = (*reply)->message();
    snapshot_error_ = make_error((*reply)->status(), text ? text->str() : "snapshot refusé par le broker");
    log()->warn("board: snapshot refused: {}", snapshot_error_->message);
    snapshot_deadline_ = Clock::now() + options_.snapshot_timeout;  // ask again later
    return false;
  }
  const auto* snapshot = (*reply)->body_as_Snapshot();
  if (snapshot == nullptr) {
    snapshot_error_ = make_error(wire::Status::malformed, "réponse inattendue du broker (pas un snapshot)");
    return false;
  }
  return apply_snapshot(*snapshot);
}

bool Board::apply_snapshot(const wire::Snapshot& snapshot) {
  facilities_.clear();
  if (const auto* states = snapshot.facilities()) {
    for (const auto* state : *states) {
      if (state == nullptr || state->facility() == nullptr) continue;
      wire::FacilityStateT native;
      state->UnPackTo(&native);
      if (!keeps(*native.facility)) continue;
      const std::string id = native.facility->id;
      facilities_.insert_or_assign(id, std::move(native));
    }
  }
  sequence_ = snapshot.sequence();
  territory_sequence_.clear();
  if (const auto* territories = snapshot.territories()) {
    for (const auto* territory : *territories) {
      if (territory != nullptr && territory->territory() != nullptr) {
        territory_sequence_[territory->territory()->str()] = territory->sequence();
      }
    }
  }
  stale_after_s_ = snapshot.stale_after_s();
  phase_ = Phase::in_sync;
  last_heard_ = Clock::now();
  if (options_.on_snapshot) options_.on_snapshot(sequence_);
  log()->info("board: snapshot applied seq={} facilities={} buffered={}", sequence_,
              facilities_.size(), buffered_.size());
  auto buffered = std::exchange(buffered_, {});
  for (auto& item : buffered) handle(std::move(item));
  return true;
}

bool Board::drain_feed() {
  bool changed = false;
  for (std::size_t i = 0; i < kMaxDrain; ++i) {
    auto item = feed_->read();
    if (!item) break;
    changed |= handle(std::move(*item));
  }
  return changed;
}

bool Board::handle(FeedItem item) {
  heard_ = std::max({heard_, item.sequence, item.territory_sequence});
  if (phase_ != Phase::in_sync) {
    if (buffered_.size() >= kMaxBuffered) buffered_.erase(buffered_.begin());
    buffered_.push_back(std::move(item));
    return false;
  }
  last_heard_ = Clock::now();
  if (item.kind == FeedItem::Kind::heartbeat) {
    if (item.territory.empty()) return false;  // liveness only
    const std::uint64_t applied = territory_sequence_[item.territory];
    if (item.territory_sequence > applied) {
      resync("heartbeat ahead on territory " + item.territory + ": seq=" +
             std::to_string(item.territory_sequence) + " applied=" + std::to_string(applied));
    }
    return false;
  }
  if (item.sequence <= sequence_) return false;  // already in the snapshot
  std::uint64_t& applied = territory_sequence_[item.territory];
  if (item.previous != applied) {
    resync("gap on territory " + item.territory + ": event seq=" + std::to_string(item.sequence) +
           " follows seq=" + std::to_string(item.previous) + ", applied=" + std::to_string(applied));
    return false;
  }
  applied = item.sequence;
  if (options_.on_event) options_.on_event(*item.event);
  return apply_event(*item.event);
}

bool Board::apply_event(const wire::FeedEventT& event) {
  if (const auto* registered = event.change.AsFacilityRegistered()) {
    if (!registered->state || !registered->state->facility) {
      resync("event seq=" + std::to_string(event.sequence) + " registers no facility");
      return false;
    }
    sequence_ = event.sequence;
    const auto& facility = *registered->state->facility;
    if (!keeps(facility)) return facilities_.erase(facility.id) > 0;  // e.g. moved elsewhere
    facilities_.insert_or_assign(facility.id, *registered->state);
    return true;
  }
  if (const auto* changed = event.change.AsAvailabilityChanged()) {
    auto found = facilities_.find(changed->facility_id);
    if (found == facilities_.end()) {
      if (!options_.departement.empty()) {  // another département's facility
        sequence_ = event.sequence;
        return false;
      }
      resync("event seq=" + std::to_string(event.sequence) +
             " for unknown facility=" + changed->facility_id);
      return false;
    }
    for (auto& unit : found->second.units) {
      if (unit && unit->unit && unit->unit->id == changed->unit_id) {
        sequence_ = event.sequence;
        unit->availability = changed->availability
                                 ? std::make_unique<wire::AvailabilityT>(*changed->availability)
                                 : std::make_unique<wire::AvailabilityT>();
        return true;
      }
    }
    resync("event seq=" + std::to_string(event.sequence) + " for unknown unit facility=" +
           changed->facility_id + " unit=" + changed->unit_id);
    return false;
  }
  sequence_ = event.sequence;  // a change this client does not know: newer broker, skip it
  return false;
}

void Board::resync(std::string reason) {
  ++resync_count_;
  log()->info("board: resync #{}: {}", resync_count_, reason);
  last_resync_reason_ = std::move(reason);
  buffered_.clear();
  (void)request_snapshot();  // a failure is kept in snapshot_error_ and retried on timeout
}

bool Board::keeps(const wire::FacilityT& facility) const {
  return options_.departement.empty() || facility.departement == options_.departement;
}

}  // namespace dispo::client
