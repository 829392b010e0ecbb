#include <atomic>
#include <cstdio>
#include <random>
#include <thread>

#include <zmq.hpp>

#include "scenarios.h"

namespace dispo::bench {
namespace {

// An on-call search for 1–3 children in the Nord, sometimes near a point.
wire::RequestBodyUnion some_search(std::mt19937& random) {
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
  }
  wire::RequestBodyUnion body;
  body.Set(std::move(query));
  return body;
}

std::string encoded(std::uint64_t request_id, const wire::RequestBodyUnion& body) {
  flatbuffers::FlatBufferBuilder builder(256);
  auto request = wire::CreateRequest(builder, request_id, builder.CreateString("flooder"), body.type,
                                     body.Pack(builder));
  wire::finish(builder, request);
  return {reinterpret_cast<const char*>(builder.GetBufferPointer()), builder.GetSize()};
}

// One DEALER sending `requests` searches as fast as the socket takes them, reading its replies as
// they come; returns when every reply arrived (or nothing came for 10 s).
struct Flooder {
  std::atomic<bool> done{false};
  std::size_t answered = 0;
  std::size_t rate_limited = 0;

  void run(zmq::context_t& context, const std::string& api, int requests) {
    zmq::socket_t socket(context, zmq::socket_type::dealer);
    socket.set(zmq::sockopt::linger, 0);
    socket.set(zmq::sockopt::sndhwm, 0);
    socket.set(zmq::sockopt::rcvhwm, 0);
    socket.connect(api);
    std::mt19937 random(11);
    int sent = 0;
    auto quiet_since = std::chrono::steady_clock::now();
    while (answered < static_cast<std::size_t>(requests)) {
      if (sent < requests) {
        socket.send(zmq::buffer(encoded(static_cast<std::uint64_t>(++sent), some_search(random))),
                    zmq::send_flags::none);
      }
      zmq::message_t reply;
      while (socket.recv(reply, zmq::recv_flags::dontwait)) {
        ++answered;
        quiet_since = std::chrono::steady_clock::now();
        auto message = wire::decode(reply.data(), reply.size(), SIZE_MAX);
        const auto* body = message ? (*message)->body_as_Reply() : nullptr;
        if (body && body->status() == wire::Status::rate_limited) ++rate_limited;
      }
      if (sent == requests) {
        zmq::pollitem_t item{socket.handle(), 0, ZMQ_POLLIN, 0};
        zmq::poll(&item, 1, std::chrono::milliseconds(100));
        if (std::chrono::steady_clock::now() - quiet_since > std::chrono::seconds(10)) break;
      }
    }
    done.store(true);
  }
};

// The well-behaved client: one search at a time, `pause` between them, until `stop` (or `limit`).
Latencies second_client(BenchBroker& broker, const std::atomic<bool>& stop, int limit,
                        std::chrono::milliseconds pause) {
  zmq::context_t context;
  client::Session session(context, broker.session("bench-on-call"));
  std::mt19937 random(5);
  Latencies latencies;
  for (int i = 0; i < limit && !stop.load(); ++i) {
    const auto started = std::chrono::steady_clock::now();
    auto reply = session.call(some_search(random));
    latencies.add(std::chrono::steady_clock::now() - started);
    if (!reply) std::printf("flood   second client's search failed: %s\n", reply.error().message.c_str());
    if (pause.count() > 0) std::this_thread::sleep_for(pause);
  }
  return latencies;
}

}  // namespace

void flood_scenario(const std::string& label, const std::vector<std::string>& broker_flags, int flood_requests,
                    std::chrono::milliseconds pause) {
  BenchBroker broker(false, broker_flags);
  std::atomic<bool> never{false};
  auto alone = second_client(broker, never, pause.count() > 0 ? 40 : 300, pause);
  std::printf("flood   [%s] second client alone: %s\n", label.c_str(), alone.summary().c_str());

  zmq::context_t context;
  Flooder flooder;
  std::thread flood([&] { flooder.run(context, broker.process.api(), flood_requests); });
  const auto started = std::chrono::steady_clock::now();
  auto during = second_client(broker, flooder.done, 1'000'000, pause);
  flood.join();
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::printf("flood   [%s] second client's search during a flood of %d searches from one DEALER "
              "(%zu answered, %zu rate_limited, %.1f s): %s\n",
              label.c_str(), flood_requests, flooder.answered, flooder.rate_limited, seconds,
              during.summary().c_str());
  broker.process.stop();
}

}  // namespace dispo::bench
