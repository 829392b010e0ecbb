#include "fake_broker.h"

#include <atomic>

namespace dispo::testing {
namespace {

std::atomic<int> next_instance{0};

std::string feed_event_bytes(const wire::FeedEventT& event) { return wire::pack(event); }

}  // namespace

FakeBroker::FakeBroker(zmq::context_t& context, std::uint64_t sequence, std::uint32_t stale_after_s,
                       Transport transport)
    : context_(&context), stale_after_s_(stale_after_s), transport_(transport), sequence_(sequence) {
  const int instance = next_instance++;
  if (transport_ == Transport::tcp) {
    api_ = feed_ = "tcp://127.0.0.1:*";
  } else {
    api_ = "inproc://fake-api-" + std::to_string(instance);
    feed_ = "inproc://fake-feed-" + std::to_string(instance);
  }
  thread_ = std::thread([this] { run(); });
  std::unique_lock lock(ready_mutex_);
  ready_.wait(lock, [this] { return bound_; });
}

FakeBroker::~FakeBroker() {
  stop_ = true;
  thread_.join();
}

void FakeBroker::run() {
  zmq::socket_t api(*context_, zmq::socket_type::router);
  zmq::socket_t xpub(*context_, zmq::socket_type::xpub);
  api.set(zmq::sockopt::linger, 0);
  xpub.set(zmq::sockopt::linger, 0);
  xpub.set(zmq::sockopt::sndhwm, 0);
  api.bind(api_);
  xpub.bind(feed_);
  {
    std::lock_guard lock(ready_mutex_);
    api_ = api.get(zmq::sockopt::last_endpoint);
    feed_ = xpub.get(zmq::sockopt::last_endpoint);
    bound_ = true;
  }
  ready_.notify_all();
  while (!stop_) {
    zmq::pollitem_t items[] = {{api.handle(), 0, ZMQ_POLLIN, 0}, {xpub.handle(), 0, ZMQ_POLLIN, 0}};
    zmq::poll(items, 2, std::chrono::milliseconds(5));
    if (items[1].revents & ZMQ_POLLIN) read_subscriptions(xpub);
    if (items[0].revents & ZMQ_POLLIN) serve_request(api, xpub);
    flush(xpub);
  }
}

bool FakeBroker::read_subscriptions(zmq::socket_t& xpub) {
  zmq::message_t frame;
  while (xpub.recv(frame, zmq::recv_flags::dontwait)) {
    const std::string text = frame.to_string();
    if (text.starts_with(std::string("\x01" "ev/"))) subscribed_ev_ = true;
    if (text.starts_with(std::string("\x01" "hb/"))) subscribed_hb_ = true;
  }
  return subscribed_ev_ && subscribed_hb_;
}

void FakeBroker::flush(zmq::socket_t& xpub) {
  if (!(subscribed_ev_ && subscribed_hb_)) return;
  std::deque<Outgoing> batch;
  {
    std::lock_guard lock(mutex_);
    batch.swap(outgoing_);
  }
  for (const auto& message : batch) {
    xpub.send(zmq::buffer(message.topic), zmq::send_flags::sndmore);
    xpub.send(zmq::buffer(message.bytes), zmq::send_flags::none);
  }
}

void FakeBroker::serve_request(zmq::socket_t& api, zmq::socket_t& xpub) {
  zmq::message_t identity;
  zmq::message_t payload;
  if (!api.recv(identity, zmq::recv_flags::dontwait)) return;
  (void)api.recv(payload, zmq::recv_flags::none);
  auto message = wire::decode(payload.data(), payload.size());
  if (!message || (*message)->body_as_Request() == nullptr) return;
  const auto* request = (*message)->body_as_Request();

  wire::ReplyT reply;
  reply.request_id = request->request_id();
  if (request->body_as_SnapshotRequest() != nullptr) {
    last_snapshot_at_least_ = request->at_least();
    if (!answer_snapshots_) return;
    // Wait for the subscriber, as a real feed would have it by the time events matter.
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (!read_subscriptions(xpub) && std::chrono::steady_clock::now() < deadline) {
      zmq::pollitem_t item{xpub.handle(), 0, ZMQ_POLLIN, 0};
      zmq::poll(&item, 1, std::chrono::milliseconds(5));
    }
    wire::SnapshotT snapshot;
    std::function<void(FakeBroker&)> hook;
    {
      std::lock_guard lock(mutex_);
      snapshot.sequence = sequence_;
      snapshot.stale_after_s = stale_after_s_;
      for (const auto& [id, state] : facilities_) {
        snapshot.facilities.push_back(std::make_unique<wire::FacilityStateT>(state));
      }
      for (const auto& [territory, events] : territory_events_) {
        auto last = std::make_unique<wire::TerritorySequenceT>();
        last->territory = territory;
        last->sequence = territory_sequence(territory, sequence_);
        snapshot.territories.push_back(std::move(last));
      }
      hook = std::exchange(snapshot_hook_, nullptr);
    }
    reply.sequence = snapshot.sequence;
    reply.body.Set(std::move(snapshot));
    if (hook) hook(*this);
    flush(xpub);
    ++snapshots_served_;
  } else if (const auto* wanted = request->body_as_FacilityRequest()) {
    std::lock_guard lock(mutex_);
    auto found = facilities_.find(wanted->facility_id()->str());
    if (found == facilities_.end()) {
      reply.status = wire::Status::unknown_facility;
      reply.message = "établissement inconnu : " + wanted->facility_id()->str();
    } else {
      reply.body.Set(wire::FacilityStateT(found->second));
    }
  } else if (const auto* search = request->body_as_SearchQuery()) {
    std::lock_guard lock(mutex_);
    last_search_ = wire::SearchQueryT();
    search->UnPackTo(&last_search_);
    reply.sequence = sequence_;
    reply.body.Set(wire::SearchResultT(search_result_));
  } else {
    reply.status = wire::Status::unknown_type;
    reply.message = "type de requête non géré par le faux broker";
  }
  const std::string bytes = wire::pack(reply);
  api.send(identity, zmq::send_flags::sndmore);
  api.send(zmq::buffer(bytes), zmq::send_flags::none);
}

void FakeBroker::seed(const wire::FacilityStateT& state) {
  std::lock_guard lock(mutex_);
  facilities_.insert_or_assign(state.facility->id, state);
}

void FakeBroker::enqueue(std::string topic, std::string bytes) {
  std::lock_guard lock(mutex_);
  outgoing_.push_back({std::move(topic), std::move(bytes)});
}

std::uint64_t FakeBroker::accept(wire::ChangeUnion change, Delivery delivery) {
  wire::FeedEventT event;
  {
    std::lock_guard lock(mutex_);
    event.sequence = ++sequence_;
    event.time = wire::now_ms();
    if (const auto* registered = change.AsFacilityRegistered()) {
      event.territory = registered->state->facility->departement;
      facilities_.insert_or_assign(registered->state->facility->id, *registered->state);
    } else if (const auto* changed = change.AsAvailabilityChanged()) {
      event.territory = facilities_.at(changed->facility_id).facility->departement;
      for (auto& unit : facilities_.at(changed->facility_id).units) {
        if (unit->unit->id == changed->unit_id) {
          unit->availability = std::make_unique<wire::AvailabilityT>(*changed->availability);
        }
      }
    }
  }
  {
    std::lock_guard lock(mutex_);
    auto& events = territory_events_[event.territory];
    event.previous = events.empty() ? 0 : events.back();
    events.push_back(event.sequence);
  }
  event.change = std::move(change);
  if (delivery == Delivery::publish) enqueue("ev/" + event.territory + "/", feed_event_bytes(event));
  return event.sequence;
}

std::uint64_t FakeBroker::register_facility(const wire::FacilityStateT& state, Delivery delivery) {
  wire::FacilityRegisteredT registered;
  registered.state = std::make_unique<wire::FacilityStateT>(state);
  wire::ChangeUnion change;
  change.Set(std::move(registered));
  return accept(std::move(change), delivery);
}

std::uint64_t FakeBroker::change_availability(const std::string& facility_id, const std::string& unit_id,
                                              std::uint16_t available, Delivery delivery) {
  wire::AvailabilityChangedT changed;
  changed.facility_id = facility_id;
  changed.unit_id = unit_id;
  changed.availability = std::make_unique<wire::AvailabilityT>();
  changed.availability->installed = 10;
  changed.availability->available = available;
  changed.availability->occupied = static_cast<std::uint16_t>(10 - available);
  changed.availability->confirmed_at = wire::now_ms();
  changed.availability->confirmed_by = "test";
  wire::ChangeUnion change;
  change.Set(std::move(changed));
  return accept(std::move(change), delivery);
}

void FakeBroker::publish_raw(const wire::FeedEventT& event) {
  enqueue("ev/" + event.territory + "/", feed_event_bytes(event));
}

std::uint64_t FakeBroker::territory_sequence(const std::string& territory, std::uint64_t sequence) const {
  std::uint64_t last = 0;
  auto found = territory_events_.find(territory);
  if (found == territory_events_.end()) return 0;
  for (std::uint64_t event : found->second) {
    if (event <= sequence) last = event;
  }
  return last;
}

void FakeBroker::heartbeat() { heartbeat(sequence()); }

// A liveness heartbeat, then one per territory with its last event as of `sequence`.
void FakeBroker::heartbeat(std::uint64_t sequence) {
  wire::HeartbeatT heartbeat;
  heartbeat.sequence = sequence;
  heartbeat.time = wire::now_ms();
  enqueue("hb/*/", wire::pack(heartbeat));
  std::vector<wire::HeartbeatT> territories;
  {
    std::lock_guard lock(mutex_);
    for (const auto& [territory, events] : territory_events_) {
      heartbeat.territory = territory;
      heartbeat.territory_sequence = territory_sequence(territory, sequence);
      territories.push_back(heartbeat);
    }
  }
  for (const auto& each : territories) enqueue("hb/" + each.territory + "/", wire::pack(each));
}

void FakeBroker::before_next_snapshot_reply(std::function<void(FakeBroker&)> hook) {
  std::lock_guard lock(mutex_);
  snapshot_hook_ = std::move(hook);
}

void FakeBroker::set_search_result(const wire::SearchResultT& result) {
  std::lock_guard lock(mutex_);
  search_result_ = result;
}

wire::SearchQueryT FakeBroker::last_search() const {
  std::lock_guard lock(mutex_);
  return last_search_;
}

std::uint64_t FakeBroker::sequence() const {
  std::lock_guard lock(mutex_);
  return sequence_;
}

wire::FacilityStateT make_facility(const std::string& id, const std::string& departement,
                                   std::initializer_list<std::uint16_t> available) {
  wire::FacilityStateT state;
  state.facility = std::make_unique<wire::FacilityT>();
  state.facility->id = id;
  state.facility->name = "Établissement " + id;
  state.facility->departement = departement;
  state.facility->commune_insee = departement + "000";
  state.facility->phone = "03 20 00 00 00";
  int index = 1;
  for (std::uint16_t count : available) {
    auto unit = std::make_unique<wire::UnitStateT>();
    unit->unit = std::make_unique<wire::UnitT>();
    unit->unit->id = "u" + std::to_string(index++);
    unit->unit->age_min = 6;
    unit->unit->age_max = 17;
    unit->unit->installed = 10;
    unit->availability = std::make_unique<wire::AvailabilityT>();
    unit->availability->installed = 10;
    unit->availability->available = count;
    unit->availability->occupied = static_cast<std::uint16_t>(10 - count);
    unit->availability->confirmed_at = wire::now_ms();
    unit->availability->confirmed_by = "test";
    state.units.push_back(std::move(unit));
  }
  return state;
}

}  // namespace dispo::testing
