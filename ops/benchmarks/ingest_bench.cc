#include "scenarios.h"

#include <atomic>
#include <cstdio>
#include <thread>

#include "dispo/clients/session.h"

namespace dispo::bench {
namespace {

struct PublisherResult {
  Latencies latencies;
  std::uint64_t acknowledged = 0;
  std::uint64_t refused = 0;
};

// One publisher keeping `window` updates in flight until `stop`, or until the shared `budget` of
// updates (when given) is spent; ack latency per update.
PublisherResult run_publisher(zmq::context_t& context, const BenchBroker& broker, int index, int window,
                              const std::atomic<bool>& stop, std::atomic<std::int64_t>* budget = nullptr) {
  client::Session session(context, broker.session(publisher_client_id(index)));
  PublisherResult result;
  std::vector<std::chrono::steady_clock::time_point> sent_at;  // by request id - first_id
  std::uint64_t first_id = 0;
  int in_flight = 0;
  int counter = index * 7919;
  bool spent = false;
  auto sending = [&] { return !stop.load() && !spent; };
  while (sending() || in_flight > 0) {
    while (sending() && in_flight < window) {
      if (budget != nullptr && budget->fetch_sub(1) <= 0) {
        spent = true;
        break;
      }
      const int unit = (counter++ * 7) % (kFacilities * kUnitsPerFacility);
      sent_at.push_back(std::chrono::steady_clock::now());
      const std::uint64_t id = session.send(update_for(unit, counter));
      if (sent_at.size() == 1) first_id = id;
      ++in_flight;
    }
    if (in_flight == 0) break;
    auto reply = session.receive(std::chrono::seconds(10));
    if (!reply) break;
    --in_flight;
    result.latencies.add(std::chrono::steady_clock::now() - sent_at.at((*reply)->request_id() - first_id));
    if ((*reply)->status() == wire::Status::ok) {
      ++result.acknowledged;
    } else {
      ++result.refused;
    }
  }
  return result;
}

}  // namespace

void ingest_scenario(BenchBroker& broker, int publishers, int window, std::chrono::seconds duration) {
  zmq::context_t context(2);
  std::atomic<bool> stop{false};
  std::vector<PublisherResult> results(publishers);
  std::vector<std::thread> threads;
  const auto started = std::chrono::steady_clock::now();
  for (int p = 0; p < publishers; ++p) {
    threads.emplace_back([&, p] { results[p] = run_publisher(context, broker, p, window, stop); });
  }
  std::this_thread::sleep_for(duration);  // the measurement window, not a wait for an event
  stop.store(true);
  for (auto& thread : threads) thread.join();
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();

  Latencies all;
  std::uint64_t acknowledged = 0, refused = 0;
  for (auto& result : results) {
    acknowledged += result.acknowledged;
    refused += result.refused;
    all.micros.insert(all.micros.end(), result.latencies.micros.begin(), result.latencies.micros.end());
  }
  std::printf("ingest  publishers=%d in_flight=%d: %.0f acknowledged updates/s (%llu in %.1f s, %llu refused); ack %s\n",
              publishers, window, acknowledged / seconds, static_cast<unsigned long long>(acknowledged),
              seconds, static_cast<unsigned long long>(refused), all.summary().c_str());
}

double send_updates(BenchBroker& broker, std::uint64_t count) {
  constexpr int kPublishers = 8;
  zmq::context_t context(2);
  const std::atomic<bool> stop{false};
  std::atomic<std::int64_t> budget{static_cast<std::int64_t>(count)};
  std::vector<PublisherResult> results(kPublishers);
  std::vector<std::thread> threads;
  const auto started = std::chrono::steady_clock::now();
  for (int p = 0; p < kPublishers; ++p) {
    threads.emplace_back([&, p] { results[p] = run_publisher(context, broker, p, 64, stop, &budget); });
  }
  for (auto& thread : threads) thread.join();
  std::uint64_t acknowledged = 0;
  for (const auto& result : results) acknowledged += result.acknowledged;
  if (acknowledged < count) {
    std::printf("restart only %llu of %llu updates acknowledged\n", static_cast<unsigned long long>(acknowledged),
                static_cast<unsigned long long>(count));
  }
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
}

std::size_t update_message_bytes() {
  flatbuffers::FlatBufferBuilder builder;
  auto body = update_for(1234, 5);
  auto request = wire::CreateRequest(builder, 123456, builder.CreateString(publisher_client_id(0)), body.type,
                                     body.Pack(builder));
  wire::finish(builder, request);
  return builder.GetSize();
}

}  // namespace dispo::bench
