#include "scenarios.h"

#include <cstdio>

#include "dispo/broker/broker.h"
#include "dispo/clients/session.h"

namespace dispo::bench {
namespace {

double millis_since(std::chrono::steady_clock::time_point started) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
}

}  // namespace

void restart_scenario(std::size_t events) {
  // The log, written the way it is in production: 10,000 units registered, then `events` updates
  // published through the api socket.
  BenchBroker seeded(false);
  const double seconds = send_updates(seeded, events);
  std::printf("restart logging %zu updates first (8 publishers x 64 in flight): %.1f s\n", events, seconds);
  seeded.process.stop();
  const auto data_dir = seeded.process.data_dir();

  // In process: open the store, rebuild the index, bind the sockets.
  broker::BrokerOptions options;
  options.data_dir = data_dir;
  options.api = "tcp://127.0.0.1:" + std::to_string(testing::free_port());
  options.feed = "tcp://127.0.0.1:" + std::to_string(testing::free_port());
  options.insecure_tcp_loopback = true;  // a benchmark on free loopback ports
  const auto started = std::chrono::steady_clock::now();
  auto broker = broker::Broker::open(options);
  const double opened = millis_since(started);
  if (!broker) {
    std::printf("restart failed: %s\n", broker.error().message.c_str());
    return;
  }
  const auto& report = (*broker)->startup();
  std::printf("restart %zu units, %llu logged events: Broker::open of this build's library %.1f ms (index rebuild %.1f ms)\n",
              report.units,
              static_cast<unsigned long long>(report.sequence), opened, report.load_time.count() / 1000.0);
  broker->reset();

  // The real binary: from exec to the first answered request.
  testing::BrokerProcess process(data_dir, {"--peer-rate", "0"});
  const auto exec_started = std::chrono::steady_clock::now();
  process.start();
  std::printf("restart dispo-broker process from exec to first answered request: %.1f ms\n",
              millis_since(exec_started));

  // A report of a past moment (capacity --at) replays the log from its start, off the event loop
  // (the log reader): how long a judge's question about the past takes over this log.
  zmq::context_t context;
  client::Session session(context, {process.api(), std::chrono::seconds(120), 1, "bench-report"});
  wire::CapacityRequestT capacity;
  capacity.at = wire::now_ms();
  wire::RequestBodyUnion body;
  body.Set(std::move(capacity));
  const auto asked = std::chrono::steady_clock::now();
  auto reply = session.call(std::move(body));
  if (!reply) {
    std::printf("restart capacity --at failed: %s\n", reply.error().message.c_str());
  } else {
    std::printf("restart capacity --at now over %llu logged events (replays the log): %.1f ms round trip\n",
                static_cast<unsigned long long>(report.sequence), millis_since(asked));
  }
  process.stop();
}

}  // namespace dispo::bench
