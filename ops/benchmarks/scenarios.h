// The scenarios of dispo-bench; each prints one line of figures.
#pragma once

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <string>
#include <vector>

#include "bench_broker.h"

namespace dispo::bench {

// Durable ingest: `publishers` threads, each with up to `window` updates in flight.
void ingest_scenario(BenchBroker& broker, int publishers, int window, std::chrono::seconds duration);

// Publish-to-subscriber latency on the feed at `rate` updates/s.
void feed_scenario(BenchBroker& broker, int rate, std::chrono::seconds duration);

// Durable ingest of exactly `count` updates by 8 publishers × 64 in flight; the seconds it took.
double send_updates(BenchBroker& broker, std::uint64_t count);

// Search latency over the 10,000 units, round trip through the api socket.
void search_scenario(BenchBroker& broker, int queries);

// With 10,000 units and `events` logged events (published through the api socket first): a
// report of a past moment (capacity --at, which replays the log), Broker::open in process, and
// the dispo-broker process from exec to its first answer.
void restart_scenario(std::size_t events);

// Alerts: `subscriptions` standing subscriptions, then the change-to-alert latency (`samples`
// toggles of a probe unit under `background_rate` updates/s) and durable ingest with them.
void alerts_scenario(BenchBroker& broker, int subscriptions, int background_rate, int samples,
                     std::chrono::seconds ingest_duration);

// dispo-web in front of the broker: search through it against direct, change → event received
// by `streams` open event streams (`samples` changes), and the gateway's RSS with them open.
void web_scenario(BenchBroker& broker, int queries, int streams, int samples);

// Fairness under a flood (issue #11): one DEALER sends `flood_requests` searches as fast as it can
// while a second client searches one at a time (`pause` between two); prints that client's
// latency alone and during the flood. `broker_flags` choose the limits ({} = the broker's defaults
// as shipped, beyond what BenchBroker sets).
void flood_scenario(const std::string& label, const std::vector<std::string>& broker_flags, int flood_requests,
                    std::chrono::milliseconds pause);

std::size_t update_message_bytes();

}  // namespace dispo::bench
