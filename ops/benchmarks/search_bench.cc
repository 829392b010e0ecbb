#include "scenarios.h"

#include <cstdio>
#include <random>

#include "dispo/clients/session.h"

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

}  // namespace dispo::bench
