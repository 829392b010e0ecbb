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

// Search latency over the 10,000 units: in the broker's own search function, and round trip.
void search_scenario(BenchBroker& broker, int queries);

// Search latency of the broker's own search function over the index stored in `data_dir`.
void search_in_broker_scenario(const std::filesystem::path& data_dir, int queries);

// Restart time with 10,000 units and `events` logged events.
void restart_scenario(std::size_t events);

// Alerts: `subscriptions` standing subscriptions, then the change-to-alert latency (`samples`
// toggles of a probe unit under `background_rate` updates/s) and durable ingest with them.
void alerts_scenario(BenchBroker& broker, int subscriptions, int background_rate, int samples,
                     std::chrono::seconds ingest_duration);

// The same updates applied in-process to the state stored in `data_dir` (its subscriptions
// included), with and without the subscriptions: what the matcher costs per update, without I/O.
void alerts_in_broker_scenario(const std::filesystem::path& data_dir, int updates);

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
