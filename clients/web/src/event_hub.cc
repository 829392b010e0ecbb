#include "event_hub.h"

#include <algorithm>
#include <set>

#include "dispo/schemas/spdlog.h"

#include "dispo/schemas/feed_topics.h"
#include "dispo/schemas/json.h"
#include "dispo/schemas/wire.h"
#include "dispo/schemas/thread_name.h"

namespace dispo::web {
namespace {

bool contains(const std::vector<std::string>& values, std::string_view value) {
  return std::find(values.begin(), values.end(), value) != values.end();
}

template <typename Table, typename Native>
std::string json_of(const Native& native, std::string_view name) {
  flatbuffers::FlatBufferBuilder builder(512);
  builder.Finish(Table::Pack(builder, &native));
  return one_line(wire::to_json(flatbuffers::GetRoot<Table>(builder.GetBufferPointer()), name));
}

}  // namespace

std::string one_line(std::string json) {
  std::string out;
  out.reserve(json.size());
  for (std::size_t i = 0; i < json.size(); ++i) {
    if (json[i] == '\n') {
      while (i + 1 < json.size() && json[i + 1] == ' ') ++i;
      continue;
    }
    out += json[i];
  }
  return out;
}

std::string sse_event(std::uint64_t id, std::string_view event, std::string_view data) {
  std::string text;
  text.reserve(data.size() + 48);
  if (id != 0) text += "id: " + std::to_string(id) + "\n";
  text += "event: ";
  text += event;
  text += "\ndata: ";
  text += data;
  text += "\n\n";
  return text;
}

EventHub::EventHub(zmq::context_t& context, HubOptions options, WebSessions& sessions)
    : context_(&context), options_(std::move(options)), sessions_(&sessions) {}

EventHub::~EventHub() { stop(); }

void EventHub::start() {
  running_ = true;
  thread_ = std::thread([this] {
    wire::name_this_thread("dispo-events");
    run();
  });
}

void EventHub::stop() {
  running_ = false;
  if (thread_.joinable()) thread_.join();
  std::lock_guard lock(mutex_);
  for (auto& [pointer, sink] : sinks_) sink->close();
  sinks_.clear();
}

bool EventHub::visible(const Person& person, const Entry& entry) {
  if (person.role == wire::Role::admin) return true;
  const bool requests = entry.territory.starts_with("requests:");
  const std::string_view departement =
      requests ? std::string_view(entry.territory).substr(9) : std::string_view(entry.territory);
  switch (person.role) {
    case wire::Role::on_call:
      return entry.kind != "principal" && contains(person.departements, departement);
    case wire::Role::hospital:
      if (entry.kind == "request") return entry.created_by == person.name;
      return entry.kind == "availability" && contains(person.departements, departement);
    case wire::Role::facility:
      return (entry.kind == "availability" || entry.kind == "hold") && contains(person.facilities, entry.facility_id);
    default:
      return false;  // judges and the observatory see aggregates only: alerts, no events
  }
}

void EventHub::attach(const std::shared_ptr<StreamSink>& sink, std::optional<std::uint64_t> last_event_id) {
  std::lock_guard lock(mutex_);
  if (last_event_id) {
    const bool resumable = synced_once_ && *last_event_id >= ring_base_ && *last_event_id <= last_;
    if (!resumable) {
      sink->deliver(std::make_shared<const std::string>(
          sse_event(last_, "resync", "{\"sequence\":" + std::to_string(last_) + "}")));
    } else {
      for (const Entry& entry : ring_) {
        if (entry.sequence > *last_event_id && visible(sink->person(), entry)) sink->deliver(entry.text);
      }
    }
  }
  if (!reachable_) {
    sink->deliver(std::make_shared<const std::string>(
        sse_event(0, "broker", "{\"reachable\":false,\"since\":" + std::to_string(unreachable_since_) + "}")));
  }
  sinks_[sink.get()] = sink;
}

void EventHub::detach(const StreamSink* sink) {
  std::lock_guard lock(mutex_);
  sinks_.erase(sink);
}

std::int64_t EventHub::broker_unreachable_since() const {
  std::lock_guard lock(mutex_);
  return reachable_ ? 0 : unreachable_since_;
}

std::size_t EventHub::streams() const {
  std::lock_guard lock(mutex_);
  return sinks_.size();
}

std::uint64_t EventHub::sequence() const {
  std::lock_guard lock(mutex_);
  return last_;
}

void EventHub::on_event(const wire::FeedEventT& event) {
  Entry entry;
  entry.sequence = event.sequence;
  entry.territory = event.territory;
  if (const auto* changed = event.change.AsAvailabilityChanged()) {
    entry.kind = "availability";
    entry.facility_id = changed->facility_id;
  } else if (const auto* registered = event.change.AsFacilityRegistered()) {
    entry.kind = "availability";
    if (registered->state && registered->state->facility) entry.facility_id = registered->state->facility->id;
  } else if (const auto* request = event.change.AsPlacementRequestChanged()) {
    entry.kind = "request";
    if (request->request) entry.created_by = request->request->created_by;
  } else if (const auto* hold = event.change.AsHoldChanged()) {
    entry.kind = "hold";
    if (hold->hold) entry.facility_id = hold->hold->facility_id;
  } else if (const auto* principal = event.change.AsPrincipalChanged()) {
    entry.kind = "principal";
    if (principal->principal) {
      if (principal->principal->revoked) {
        end_person(principal->principal->name);
      } else {
        sessions_->update_person(person_of(*principal->principal));
      }
    }
  } else {
    entry.kind = "other";
  }
  entry.text = std::make_shared<const std::string>(
      sse_event(event.sequence, entry.kind, json_of<wire::FeedEvent>(event, "FeedEvent")));
  std::lock_guard lock(mutex_);
  last_ = event.sequence;
  for (auto& [pointer, sink] : sinks_) {
    if (visible(sink->person(), entry)) sink->deliver(entry.text);
  }
  ring_.push_back(std::move(entry));
  while (ring_.size() > options_.ring) {
    ring_base_ = ring_.front().sequence;
    ring_.pop_front();
  }
}

void EventHub::on_snapshot(std::uint64_t sequence) {
  std::lock_guard lock(mutex_);
  if (synced_once_ && sequence == last_) return;  // caught up exactly: nothing was missed
  const bool missed = synced_once_;
  if (!synced_once_) spdlog::info("dispo-web: live board in sync at seq={}", sequence);
  synced_once_ = true;
  ring_.clear();
  ring_base_ = sequence;
  last_ = sequence;
  if (!missed) return;
  check_people_ = true;
  spdlog::info("dispo-web: board re-synchronised at seq={}: streams told to resync", sequence);
  const auto text = std::make_shared<const std::string>(
      sse_event(sequence, "resync", "{\"sequence\":" + std::to_string(sequence) + "}"));
  for (auto& [pointer, sink] : sinks_) sink->deliver(text);
}

void EventHub::end_person(const std::string& name) {
  const std::size_t sessions = sessions_->end_person(name);
  std::lock_guard lock(mutex_);
  std::size_t streams = 0;
  for (auto it = sinks_.begin(); it != sinks_.end();) {
    if (it->second->person().name == name) {
      it->second->close();
      it = sinks_.erase(it);
      ++streams;
    } else {
      ++it;
    }
  }
  spdlog::info("dispo-web: person={} revoked: {} session(s) and {} stream(s) ended", name, sessions, streams);
}

void EventHub::check_people(client::Session& session) {
  std::set<std::string> names;
  {
    std::lock_guard lock(mutex_);
    if (!check_people_) return;
    check_people_ = false;
    for (const auto& [pointer, sink] : sinks_) names.insert(sink->person().name);
  }
  for (const auto& name : names) {
    if (!running_) return;  // each call may wait for its timeout: stopping does not
    wire::RequestBodyUnion body;
    body.Set(wire::SubscriptionQueryT{});
    auto reply = session.call_for(name, std::move(body));
    if (!reply && reply.error().status == wire::Status::forbidden) end_person(name);
  }
}

void EventHub::broadcast(const std::string& text) {
  const auto shared = std::make_shared<const std::string>(text);
  std::lock_guard lock(mutex_);
  for (auto& [pointer, sink] : sinks_) sink->deliver(shared);
}

void EventHub::set_reachable(bool reachable) {
  std::string text;
  {
    std::lock_guard lock(mutex_);
    if (reachable == reachable_) return;
    reachable_ = reachable;
    unreachable_since_ = reachable ? 0 : wire::now_ms();
    text = sse_event(0, "broker", reachable ? std::string("{\"reachable\":true}")
                                            : "{\"reachable\":false,\"since\":" + std::to_string(unreachable_since_) + "}");
  }
  spdlog::warn("dispo-web: broker {}", reachable ? "de nouveau joignable" : "injoignable : les données ne bougent plus");
  broadcast(text);
}

void EventHub::drain_alerts(client::FeedSubscription& feed) {
  feed.redial_due();
  zmq::socket_t& alerts = feed.socket();
  for (int i = 0; i < 1000; ++i) {
    zmq::message_t topic;
    if (!alerts.recv(topic, zmq::recv_flags::dontwait)) return;
    if (!topic.more()) continue;
    zmq::message_t body;
    (void)alerts.recv(body, zmq::recv_flags::none);
    while (body.more()) (void)alerts.recv(body, zmq::recv_flags::none);
    auto message = wire::decode(body.data(), body.size(), SIZE_MAX);
    const wire::Alert* alert = message ? (*message)->body_as_Alert() : nullptr;
    if (alert == nullptr) continue;
    const auto owner = wire::alert_owner(topic.to_string_view());
    if (!owner) continue;
    const auto text = std::make_shared<const std::string>(sse_event(0, "alert", one_line(wire::to_json(alert, "Alert"))));
    std::lock_guard lock(mutex_);
    for (auto& [pointer, sink] : sinks_) {
      if (sink->person().name == *owner) sink->deliver(text);
    }
  }
}

void EventHub::run() {
  client::BoardOptions board_options = options_.board;
  board_options.on_event = [this](const wire::FeedEventT& event) { on_event(event); };
  board_options.on_snapshot = [this](std::uint64_t sequence) { on_snapshot(sequence); };
  client::Board board(*context_, board_options);
  client::FeedSubscription alerts(*context_, options_.board.keys, 10'000);
  alerts.subscribe(std::string(wire::kAlertPrefix));
  alerts.connect(options_.board.feed);

  // Stopping while the brokers are unreachable does not wait for the snapshot's attempts.
  if (auto started = board.start([this] { return running_.load(); }); !started && running_) {
    spdlog::warn("dispo-web: live board not started yet: {} (retrying)", started.error().message);
    set_reachable(false);
  }
  client::Session checks(*context_, client::SessionOptions{options_.board.broker, std::chrono::milliseconds(2000), 1,
                                                           options_.board.client_id + "-checks", options_.board.keys});
  auto next_keepalive = std::chrono::steady_clock::now() + options_.keepalive;
  auto out_of_sync_since = std::chrono::steady_clock::time_point{};
  while (running_) {
    board.poll(std::chrono::milliseconds(20));
    drain_alerts(alerts);
    check_people(checks);
    const auto now = std::chrono::steady_clock::now();
    in_sync_ = board.in_sync();
    if (board.in_sync()) {
      out_of_sync_since = {};
      set_reachable(true);
    } else if (out_of_sync_since == std::chrono::steady_clock::time_point{}) {
      out_of_sync_since = now;
    } else if (now - out_of_sync_since > std::chrono::seconds(3)) {
      set_reachable(false);
    }
    if (now >= next_keepalive) {
      broadcast(": keepalive\n\n");
      next_keepalive = now + options_.keepalive;
    }
  }
}

}  // namespace dispo::web
