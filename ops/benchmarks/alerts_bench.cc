// Alerts (issue #3): with 1,000 standing subscriptions over the 10,000 units, the latency from an
// availability change to the subscriber receiving its alert on the feed, under a background load
// of updates, and the durable ingest rate the matcher leaves.
#include <atomic>
#include <cstdio>
#include <random>
#include <thread>

#include "dispo/clients/session.h"
#include "scenarios.h"

namespace dispo::bench {
namespace {

using Clock = std::chrono::steady_clock;

constexpr int kProbeFacility = 0;  // the probe's own facility: the background load leaves it alone
constexpr int kOwners = 100;

double facility_lat(int f) { return 50.2 + (f % 50) * 0.02; }
double facility_lon(int f) { return 2.5 + (f / 50) * 0.03; }

wire::RequestBodyUnion subscription_body(wire::SubscriptionT subscription) {
  wire::SubscribeT subscribe;
  subscribe.subscription = std::make_unique<wire::SubscriptionT>(std::move(subscription));
  wire::RequestBodyUnion body;
  body.Set(std::move(subscribe));
  return body;
}

std::unique_ptr<wire::ChildT> child(int age) {
  auto c = std::make_unique<wire::ChildT>();
  c->age = static_cast<std::uint8_t>(age);
  return c;
}

// 1,000 subscriptions from 100 owners: searches for one child or a sibling pair, most of them
// within 10-40 km of a family's home, and a few territory thresholds.
void subscribe_standing(zmq::context_t& context, const BenchBroker& broker, int count) {
  std::mt19937 random(42);
  std::vector<client::Session> owners;
  for (int o = 0; o < kOwners; ++o) owners.emplace_back(context, broker.session("bench-watcher-" + std::to_string(o)));
  for (int i = 0; i < count; ++i) {
    wire::SubscriptionT subscription;
    if (i % 100 == 99) {
      subscription.kind = wire::SubscriptionKind::territory;
      subscription.departement = "59";
      subscription.threshold = 500 + 100 * (i / 100);
    } else {
      subscription.kind = wire::SubscriptionKind::search;
      subscription.query = std::make_unique<wire::SearchQueryT>();
      subscription.query->departement = "59";
      subscription.query->children.push_back(child(static_cast<int>(random() % 18)));
      if (i % 5 == 0) subscription.query->children.push_back(child(static_cast<int>(random() % 18)));
      if (i % 4 != 0) {
        const int home = kProbeFacility + 1 + static_cast<int>(random() % (kFacilities - 1));
        subscription.query->near_lat = facility_lat(home);
        subscription.query->near_lon = facility_lon(home);
        subscription.query->max_km = 10.0 + static_cast<double>(random() % 30);
      }
    }
    auto reply = owners[i % kOwners].call(subscription_body(std::move(subscription)));
    if (!reply) throw std::runtime_error("subscription refused: " + reply.error().message);
  }
}

// Updates at `rate`/s on every unit but the probe facility's, until `stop`.
void background_load(zmq::context_t& context, const BenchBroker& broker, int rate, const std::atomic<bool>& stop) {
  client::Session session(context, broker.session(publisher_client_id(50)));
  const int per_tick = std::max(1, rate / 1000);
  auto next_tick = Clock::now();
  int counter = 0;
  std::size_t outstanding = 0;
  while (!stop.load() || outstanding > 0) {
    if (!stop.load() && Clock::now() >= next_tick && outstanding < 1000) {
      for (int i = 0; i < per_tick; ++i) {
        const int unit = kUnitsPerFacility + (counter * 13) % (kFacilities * kUnitsPerFacility - kUnitsPerFacility);
        session.send(update_for(unit, counter++));
        ++outstanding;
      }
      next_tick += std::chrono::milliseconds(1);
      continue;
    }
    if (session.receive(std::chrono::milliseconds(1))) --outstanding;
  }
}

}  // namespace

void alerts_scenario(BenchBroker& broker, int subscriptions, int background_rate, int samples,
                     std::chrono::seconds ingest_duration) {
  zmq::context_t context(2);
  const auto subscribed_at = Clock::now();
  subscribe_standing(context, broker, subscriptions);
  std::printf("alerts  %d standing subscriptions made in %.1f s\n", subscriptions,
              std::chrono::duration<double>(Clock::now() - subscribed_at).count());

  // The probe: a search that only the probe facility's unit 0 (ages 0-6) can answer.
  client::Session probe(context, broker.session("bench-probe"));
  wire::SubscriptionT search;
  search.kind = wire::SubscriptionKind::search;
  search.query = std::make_unique<wire::SearchQueryT>();
  search.query->departement = "59";
  search.query->children.push_back(child(3));
  search.query->near_lat = facility_lat(kProbeFacility);
  search.query->near_lon = facility_lon(kProbeFacility);
  search.query->max_km = 0.5;
  if (auto reply = probe.call(subscription_body(std::move(search))); !reply) {
    throw std::runtime_error("probe subscription refused: " + reply.error().message);
  }
  zmq::socket_t alerts(context, zmq::socket_type::sub);
  alerts.set(zmq::sockopt::subscribe, "al/bench-probe/");
  alerts.set(zmq::sockopt::rcvtimeo, 2000);
  client::apply_client_keys(alerts, broker.keys);
  alerts.connect(broker.process.feed());

  std::atomic<bool> stop{false};
  std::thread load([&] { background_load(context, broker, background_rate, stop); });
  // Until the subscription is active, the first toggles' alerts are not seen: warm up on them.
  Latencies latencies;
  int missed = 0;
  for (int i = -20; i < samples; ++i) {
    if (auto down = probe.call(update_for(0, 0)); !down) throw std::runtime_error(down.error().message);
    const auto sent = Clock::now();
    probe.send(update_for(0, 1));
    zmq::message_t topic, body;
    const bool got = alerts.recv(topic).has_value() && alerts.recv(body).has_value();
    const auto received = Clock::now();
    (void)probe.receive(std::chrono::seconds(5));
    if (i < 0) continue;
    if (!got) {
      ++missed;
      continue;
    }
    latencies.add(received - sent);
  }
  stop.store(true);
  load.join();
  std::printf("alerts  change-to-alert on the feed, %d subscriptions, background %d updates/s: %s (%d missed)\n",
              subscriptions + 1, background_rate, latencies.summary().c_str(), missed);
  ingest_scenario(broker, 8, 64, ingest_duration);
}

}  // namespace dispo::bench
