// dispo-bench: measures the figures issue #2 asks for against the real dispo-broker binary.
// Run it through ops/bench; every line printed is one measured figure.
#include <cstdio>
#include <thread>

#include <CLI/CLI.hpp>

#include "scenarios.h"

int main(int argc, char** argv) {
  using namespace dispo::bench;
  std::setvbuf(stdout, nullptr, _IOLBF, 0);  // each figure as soon as it is measured, even into a file
  int seconds = 10;
  std::size_t events = 1'000'000;
  int feed_rate = 10'000;
  std::string only;
  bool curve = false;
  CLI::App app{"dispo-bench: durable ingest, ack latency, feed latency, search, restart, memory"};
  app.add_option("--seconds", seconds, "Duration of each timed scenario")->capture_default_str();
  app.add_option("--events", events, "Logged events for the restart scenario")->capture_default_str();
  app.add_option("--feed-rate", feed_rate, "Updates/s for the feed scenario")->capture_default_str();
  app.add_option("--only", only,
                 "Run one scenario: ingest, latency, feed, search, restart, memory, alerts, flood, web");
  int flood_requests = 100'000;
  app.add_option("--flood", flood_requests, "Searches the flooding DEALER sends (flood scenario)")
      ->capture_default_str();
  int subscriptions = 1000;
  app.add_option("--subscriptions", subscriptions, "Standing subscriptions for the alerts scenario")
      ->capture_default_str();
  int streams = 1000;
  app.add_option("--streams", streams, "Open event streams for the web scenario")->capture_default_str();
  app.add_flag("--curve", curve, "Run the broker with CURVE (dispo-broker init) and every client encrypted");
  int members = 1;
  app.add_option("--cluster", members,
                 "Brokers: 1 (the default) or 3, a Raft cluster on this machine whose leader is measured")
      ->capture_default_str()->check(CLI::IsMember({1, 3}));
  std::string broker_binary;
  app.add_option("--broker", broker_binary, "Measure this dispo-broker binary (another build) instead of this build's")
      ->check(CLI::ExistingFile);
  CLI11_PARSE(app, argc, argv);
  if (!broker_binary.empty()) dispo::testing::use_broker_binary(broker_binary);
  const auto duration = std::chrono::seconds(seconds);
  auto wanted = [&](const char* name) { return only.empty() || only == name; };

  std::printf("machine: %u hardware threads; update request on the wire: %zu bytes; CURVE %s\n",
              std::thread::hardware_concurrency(), update_message_bytes(), curve ? "on" : "off");
  if (wanted("ingest") || wanted("latency") || wanted("feed") || wanted("search") || wanted("memory")) {
    BenchBroker broker(curve, {}, members);
    if (members > 1) std::printf("cluster %d members on this machine; measured through the leader %s\n", members, broker.api.c_str());
    std::printf("memory  broker RSS with %d units registered: %.1f MB\n", kFacilities * kUnitsPerFacility,
                broker.rss_kib() / 1024.0);
    if (wanted("ingest")) ingest_scenario(broker, 8, 64, duration);
    if (wanted("latency")) ingest_scenario(broker, 1, 1, duration);
    if (wanted("feed")) feed_scenario(broker, feed_rate, duration);
    if (wanted("search")) search_scenario(broker, 2000);
    if (wanted("memory")) {
      std::printf("memory  broker RSS with %d units after the runs above: %.1f MB\n",
                  kFacilities * kUnitsPerFacility, broker.rss_kib() / 1024.0);
    }
    broker.process.stop();
  }
  if (only == "alerts") {  // not part of the default run: it leaves 1,000 subscriptions behind
    BenchBroker broker(curve);
    alerts_scenario(broker, subscriptions, feed_rate, 2000, duration);
    broker.process.stop();
  }
  if (only == "web") {  // not part of the default run: it starts dispo-web and 1,000 streams
    BenchBroker broker(false);
    web_scenario(broker, 1000, streams, 200);
  }
  if (wanted("restart")) restart_scenario(events);
  if (only == "flood") {  // not part of the default run: three brokers, a minute or more
    using std::chrono::milliseconds;
    // As before issue #11: no share per peer in a batch, the old 20,000/s limits.
    flood_scenario("before: no per-peer share, 20000/s", {"--peer-rate", "20000", "--peer-burst", "20000",
                   "--batch-per-peer", "100000", "--batch-time-per-peer-us", "0"}, flood_requests, milliseconds(0));
    flood_scenario("per-peer share, no rate limit", {"--peer-rate", "0"}, flood_requests, milliseconds(0));
    // The shipped defaults (10/s, burst 100 per connection): the second client searches 8 times a second.
    flood_scenario("shipped defaults", {"--peer-rate", "10", "--peer-burst", "100"}, flood_requests,
                   milliseconds(125));
  }
  return 0;
}
