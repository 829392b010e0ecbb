#include "scenarios.h"

#include <atomic>
#include <mutex>
#include <cstdio>
#include <thread>
#include <unordered_map>

#include "dispo/clients/session.h"

namespace dispo::bench {

void feed_scenario(BenchBroker& broker, int rate, std::chrono::seconds duration) {
  using Clock = std::chrono::steady_clock;
  zmq::context_t context(2);
  zmq::socket_t subscriber(context, zmq::socket_type::sub);
  subscriber.set(zmq::sockopt::subscribe, "ev");
  subscriber.set(zmq::sockopt::rcvhwm, 0);
  client::apply_client_keys(subscriber, broker.keys);
  subscriber.connect(broker.process.feed());

  std::mutex received_mutex;
  std::unordered_map<std::uint64_t, Clock::time_point> received_at;  // sequence -> time
  received_at.reserve(static_cast<std::size_t>(rate) * duration.count() + 1024);  // no rehash while timing
  std::atomic<bool> done{false};
  std::thread listener([&] {
    zmq::pollitem_t item{subscriber.handle(), 0, ZMQ_POLLIN, 0};
    while (!done.load()) {
      if (zmq::poll(&item, 1, std::chrono::milliseconds(100)) == 0) continue;
      zmq::message_t topic, body;
      if (!subscriber.recv(topic) || !subscriber.recv(body)) continue;
      const auto now = Clock::now();
      auto message = wire::decode(body.data(), body.size(), SIZE_MAX);
      if (message && (*message)->body_as_FeedEvent()) {
        std::lock_guard lock(received_mutex);
        received_at[(*message)->body_as_FeedEvent()->sequence()] = now;
      }
    }
  });

  // Let the subscription reach the broker: wait for the first heartbeat-driven events to flow.
  client::Session session(context, broker.session(publisher_client_id(99)));
  {
    zmq::socket_t probe(context, zmq::socket_type::sub);
    probe.set(zmq::sockopt::subscribe, "hb");
    client::apply_client_keys(probe, broker.keys);
    probe.connect(broker.process.feed());
    zmq::message_t frame;
    probe.set(zmq::sockopt::rcvtimeo, 5000);
    (void)probe.recv(frame);  // a heartbeat proves the broker's feed is reachable
  }

  std::vector<Clock::time_point> sent_at;  // by request id - first_id
  std::uint64_t first_id = 0;
  std::unordered_map<std::uint64_t, std::uint64_t> sequence_of;  // request id -> sequence
  // Paced in 1 ms ticks (rate/1000 updates each), so the publisher never spins.
  const int per_tick = std::max(1, rate / 1000);
  const auto tick = std::chrono::microseconds(1000LL * per_tick * 1000 / rate);
  const auto start = Clock::now();
  auto next_tick = start;
  int counter = 0;
  std::size_t outstanding = 0;
  while (Clock::now() - start < duration || outstanding > 0) {
    const auto now = Clock::now();
    if (now >= next_tick && now - start < duration) {
      for (int i = 0; i < per_tick; ++i) {
        sent_at.push_back(Clock::now());
        const std::uint64_t id =
            session.send(update_for((counter * 13) % (kFacilities * kUnitsPerFacility), counter));
        if (sent_at.size() == 1) first_id = id;
        ++counter;
        ++outstanding;
      }
      next_tick += tick;
      continue;
    }
    const auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(next_tick - now) +
                      std::chrono::milliseconds(1);
    if (auto reply = session.receive(outstanding > 0 ? wait : std::chrono::milliseconds(1))) {
      --outstanding;
      sequence_of[(*reply)->request_id()] = (*reply)->sequence();
    }
  }
  // Wait (with a deadline) until the subscriber has seen the last acknowledged sequence.
  const auto deadline = Clock::now() + std::chrono::seconds(5);
  zmq::socket_t ticker(context, zmq::socket_type::sub);  // heartbeats pace the check
  ticker.set(zmq::sockopt::subscribe, "hb");
  ticker.set(zmq::sockopt::rcvtimeo, 1000);
  client::apply_client_keys(ticker, broker.keys);
  ticker.connect(broker.process.feed());
  while (Clock::now() < deadline) {
    zmq::message_t frame;
    (void)ticker.recv(frame);
    if (ticker.get(zmq::sockopt::rcvmore)) (void)ticker.recv(frame);
    std::lock_guard lock(received_mutex);
    if (received_at.size() >= sequence_of.size()) break;
  }
  done.store(true);
  listener.join();

  Latencies latencies;
  std::size_t missing = 0;
  for (auto& [request, sequence] : sequence_of) {
    auto it = received_at.find(sequence);
    if (it == received_at.end()) {
      ++missing;
      continue;
    }
    latencies.add(it->second - sent_at.at(request - first_id));
  }
  std::printf("feed    %d updates/s for %lld s: publish-to-subscriber %s (%zu not received)\n", rate,
              static_cast<long long>(duration.count()), latencies.summary().c_str(), missing);
}

}  // namespace dispo::bench
