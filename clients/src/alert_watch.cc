#include "dispo/clients/alert_watch.h"

#include <algorithm>
#include <cerrno>
#include <ctime>
#include <optional>

#include "dispo/schemas/clock.h"
#include "dispo/schemas/feed_topics.h"
#include "dispo/clients/terminal_output.h"
#include "dispo/schemas/json.h"

namespace dispo::client {
namespace {


// The owner's alerts after `after` (after its durable cursor when absent), checked to be an
// AlertList.
Result<ReplyMessage> fetch_alerts(Session& session, std::optional<std::uint64_t> after, std::uint32_t limit) {
  wire::AlertFetchT request;
  if (after) request.after = *after;
  request.limit = limit;
  wire::RequestBodyUnion body;
  body.Set(std::move(request));
  auto reply = session.call(std::move(body));
  if (!reply) return reply.error();
  if ((*reply)->body_as_AlertList() == nullptr) {
    return make_error(wire::Status::malformed, "réponse inattendue du broker (liste d'alertes)");
  }
  return reply;
}

}  // namespace

AlertWatch::AlertWatch(zmq::context_t& context, AlertWatchOptions options)
    : context_(&context), options_(std::move(options)) {
  if (options_.session.client_id.empty()) options_.session.client_id = random_client_id();
  if (options_.owner.empty() && options_.session.keys.empty()) options_.owner = options_.session.client_id;
}

AlertWatch::~AlertWatch() = default;

Result<void> AlertWatch::start() {
  if (!session_) {  // a start() that failed on the fetch is retried from the fetch
    try {
      feed_.emplace(*context_, options_.session.keys, 100'000);
      feed_->subscribe(options_.owner.empty() ? std::string(wire::kAlertPrefix) : wire::alert_topic(options_.owner));
      feed_->connect(options_.feed);
      session_.emplace(*context_, options_.session);
    } catch (const zmq::error_t& error) {
      return make_error(wire::Status::invalid, "adresse du broker ou du flux invalide (" + options_.feed + ", " +
                                                   options_.session.broker + ") : " + error.what());
    }
  }
  // The first fetch starts from the durable cursor, so `after` stays absent.
  auto reply = fetch_alerts(*session_, std::nullopt, options_.fetch_limit);
  if (!reply) return reply.error();
  const auto* list = (*reply)->body_as_AlertList();
  ++fetches_;
  delivered_ = acknowledged_ = list->acknowledged();
  if (list->alerts()) {
    for (const auto* alert : *list->alerts()) {
      wire::AlertT native;
      alert->UnPackTo(&native);
      take(std::move(native));
    }
    gap_ = list->alerts()->size() >= options_.fetch_limit;  // more to fetch
  }
  last_heard_ = Clock::now();
  return {};
}

void AlertWatch::take(wire::AlertT alert) {
  const std::uint64_t last = ready_.empty() ? delivered_ : ready_.back().number;
  if (alert.number <= last) return;  // already delivered or queued
  if (alert.number != last + 1) {
    gap_ = true;  // something between was missed: fetch it before going on
    return;
  }
  ready_.push_back(std::move(alert));
}

void AlertWatch::drain_feed() {
  while (true) {
    zmq::message_t topic;
    if (!feed_->socket().recv(topic, zmq::recv_flags::dontwait)) return;
    if (!topic.more()) continue;
    zmq::message_t body;
    (void)feed_->socket().recv(body, zmq::recv_flags::none);
    for (bool more = body.more(); more;) {  // not [topic, Message]: drop the rest
      zmq::message_t extra;
      (void)feed_->socket().recv(extra, zmq::recv_flags::none);
      more = extra.more();
    }
    auto message = wire::decode(body.data(), body.size(), SIZE_MAX);
    if (!message) continue;
    const auto* alert = (*message)->body_as_Alert();
    if (alert == nullptr) continue;
    last_heard_ = Clock::now();
    wire::AlertT native;
    alert->UnPackTo(&native);
    take(std::move(native));
  }
}

Result<void> AlertWatch::fetch() {
  const std::uint64_t after = ready_.empty() ? delivered_ : ready_.back().number;
  auto reply = fetch_alerts(*session_, after, options_.fetch_limit);
  if (!reply) return reply.error();
  const auto* list = (*reply)->body_as_AlertList();
  ++fetches_;
  gap_ = false;
  last_heard_ = Clock::now();
  if (list->alerts() == nullptr) return {};
  for (const auto* alert : *list->alerts()) {
    wire::AlertT native;
    alert->UnPackTo(&native);
    take(std::move(native));
  }
  if (list->alerts()->size() >= options_.fetch_limit) gap_ = true;  // a full page: more to come
  return {};
}

Result<std::vector<wire::AlertT>> AlertWatch::poll(std::chrono::milliseconds wait) {
  if (!session_) return make_error(wire::Status::invalid, "AlertWatch::poll avant start()");
  const auto deadline = Clock::now() + wait;
  while (true) {
    drain_feed();
    if (gap_ || Clock::now() - last_heard_ >= options_.refetch_interval) {
      if (auto fetched = fetch(); !fetched) return fetched.error();
      drain_feed();
    }
    if (!ready_.empty()) break;
    const auto now = Clock::now();
    if (now >= deadline) break;
    const auto until_refetch = last_heard_ + options_.refetch_interval - now;
    const auto left = std::min<Clock::duration>(deadline - now, std::max<Clock::duration>(until_refetch, {}));
    const auto waited =
        feed_->wait(std::chrono::duration_cast<std::chrono::milliseconds>(left) + std::chrono::milliseconds(1));
    if (waited == FeedSubscription::Waited::interrupted) break;  // a signal: let the caller look at its flags
  }
  std::vector<wire::AlertT> out = std::move(ready_);
  ready_.clear();
  if (!out.empty()) delivered_ = out.back().number;
  return out;
}

Result<void> AlertWatch::acknowledge(std::uint64_t number) {
  if (!session_) return make_error(wire::Status::invalid, "AlertWatch::acknowledge avant start()");
  if (number <= acknowledged_) return {};
  wire::AlertAckT ack;
  ack.upto = number;
  wire::RequestBodyUnion body;
  body.Set(std::move(ack));
  auto reply = session_->call(std::move(body));
  if (!reply) return reply.error();
  acknowledged_ = number;
  return {};
}

std::string format_alert(const wire::AlertT& alert) {
  const std::string clock = wire::format_time(alert.time, "%d/%m %H:%M:%S", wire::TimeZone::local);
  std::string line = "alerte " + std::to_string(alert.number) + " (" + clock + ") : " + alert.message;
  if (!alert.phone.empty()) {
    line += " — joindre " + (alert.facility_name.empty() ? alert.facility_id : alert.facility_name) +
            (alert.unit_id.empty() ? std::string() : ", unité " + alert.unit_id) + " : tél. " + alert.phone;
  }
  return line;
}

Result<std::string> alert_json(const wire::AlertT& alert) {
  flatbuffers::FlatBufferBuilder builder(256);
  builder.Finish(wire::Alert::Pack(builder, &alert));
  auto rendered = json_of(flatbuffers::GetRoot<wire::Alert>(builder.GetBufferPointer()), "Alert");
  if (!rendered) return rendered.error();
  const std::string& pretty = *rendered;
  std::string compact;
  compact.reserve(pretty.size());
  for (std::size_t i = 0; i < pretty.size(); ++i) {
    if (pretty[i] == '\n') {  // the printer's layout: strings never hold a raw newline
      while (i + 1 < pretty.size() && pretty[i + 1] == ' ') ++i;
      continue;
    }
    compact += pretty[i];
  }
  return compact;
}

}  // namespace dispo::client
