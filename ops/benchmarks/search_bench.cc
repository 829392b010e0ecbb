#include "scenarios.h"

#include <cstdio>
#include <random>

#include "dispo/clients/session.h"
#include "matching/search.h"
#include "storage/store.h"
#include "matching/validation.h"

namespace dispo::bench {
namespace {

// A varied on-call query: 1–3 siblings, sometimes a point and a radius.
wire::SearchQueryT random_query(std::mt19937& random) {
  wire::SearchQueryT query;
  const int children = 1 + static_cast<int>(random() % 3);
  for (int c = 0; c < children; ++c) {
    auto child = std::make_unique<wire::ChildT>();
    child->age = static_cast<std::uint8_t>(random() % 18);
    query.children.push_back(std::move(child));
  }
  query.departement = "59";
  if (random() % 2 == 0) {
    query.near_lat = 50.2 + (random() % 100) * 0.01;
    query.near_lon = 2.5 + (random() % 100) * 0.01;
    if (random() % 2 == 0) query.max_km = 40.0;
  }
  return query;
}

}  // namespace

void search_scenario(BenchBroker& broker, int queries) {
  std::mt19937 random(42);
  zmq::context_t context;
  client::Session session(context, broker.session("bench-search"));
  Latencies round_trip;
  for (int q = 0; q < queries; ++q) {
    wire::RequestBodyUnion body;
    body.Set(random_query(random));
    const auto started = std::chrono::steady_clock::now();
    auto reply = session.call(std::move(body));
    round_trip.add(std::chrono::steady_clock::now() - started);
    if (!reply) std::printf("search failed: %s\n", reply.error().message.c_str());
  }
  std::printf("search  round trip through the api socket: %s\n", round_trip.summary().c_str());
}

void search_in_broker_scenario(const std::filesystem::path& data_dir, int queries) {
  auto store = broker::Store::open(data_dir);
  if (!store) {
    std::printf("search  cannot open %s: %s\n", data_dir.c_str(), store.error().message.c_str());
    return;
  }
  broker::AvailabilityIndex index;
  if (auto loaded = (*store)->load(index); !loaded) return;
  broker::SearchContext context;
  context.now_ms = wire::now_ms();
  context.today = broker::local_date(wire::now_ms());
  std::mt19937 random(7);
  Latencies latencies;
  std::size_t matches = 0;
  for (int q = 0; q < queries; ++q) {
    const auto query = random_query(random);
    const auto started = std::chrono::steady_clock::now();
    const auto result = broker::search(index, query, context);
    latencies.add(std::chrono::steady_clock::now() - started);
    matches += result.matches.size();
  }
  std::printf("search  at the broker over %zu units (search() on the loaded index): %s, %.1f matches/query\n",
              index.unit_count(), latencies.summary().c_str(), static_cast<double>(matches) / queries);
}

}  // namespace dispo::bench
