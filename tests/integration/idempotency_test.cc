// Guarantee 2: a retried request (same client id, same request id) is applied once and gets the
// same reply, also after a kill -9 and restart of the real broker.
#include <gtest/gtest.h>

#include <zmq.hpp>

#include "broker_process.h"
#include "dispo/clients/session.h"
#include "temp_dir.h"
#include "wire_helpers.h"

namespace dispo::testing {
namespace {

std::string encode_request(std::uint64_t request_id, const std::string& client_id,
                           const wire::RequestBodyUnion& body) {
  flatbuffers::FlatBufferBuilder builder;
  auto request = wire::CreateRequest(builder, request_id, builder.CreateString(client_id), body.type,
                                     body.Pack(builder));
  wire::finish(builder, request);
  return {reinterpret_cast<const char*>(builder.GetBufferPointer()), builder.GetSize()};
}

// Sends raw bytes on a fresh DEALER and returns the reply bytes (fails the test on timeout).
std::string exchange(zmq::context_t& context, const std::string& endpoint, const std::string& bytes) {
  zmq::socket_t socket(context, zmq::socket_type::dealer);
  socket.set(zmq::sockopt::linger, 0);
  socket.set(zmq::sockopt::rcvtimeo, 5000);
  socket.connect(endpoint);
  socket.send(zmq::buffer(bytes), zmq::send_flags::none);
  zmq::message_t reply;
  EXPECT_TRUE(socket.recv(reply));
  return reply.to_string();
}

std::uint64_t current_sequence(zmq::context_t& context, const std::string& endpoint) {
  client::Session session(context, {endpoint, std::chrono::seconds(5), 1, "observer"});
  auto snapshot = session.call(snapshot_request());
  EXPECT_TRUE(snapshot);
  return snapshot ? (*snapshot)->sequence() : 0;
}

TEST(IdempotencyTest, RetriedUpdateIsAppliedOnceAndAnsweredAlike) {
  TempDir dir;
  BrokerProcess broker(dir / "data");
  broker.start();
  zmq::context_t context;
  client::Session admin(context, {broker.api(), std::chrono::seconds(5), 1, "admin"});
  ASSERT_TRUE(admin.call(registration_of(make_facility("590000002", 1, 10))));

  const std::string request = encode_request(7, "publisher-A", update_of("590000002", "u1", 3));
  const std::string first = exchange(context, broker.api(), request);
  const std::uint64_t after_first = current_sequence(context, broker.api());
  const std::string retry = exchange(context, broker.api(), request);
  EXPECT_EQ(first, retry);
  EXPECT_EQ(current_sequence(context, broker.api()), after_first);

  // The same request id from another client is a different request.
  const std::string other = encode_request(7, "publisher-B", update_of("590000002", "u1", 4));
  exchange(context, broker.api(), other);
  EXPECT_EQ(current_sequence(context, broker.api()), after_first + 1);

  // After a crash, the retry is still recognised.
  broker.kill9();
  broker.start();
  EXPECT_EQ(exchange(context, broker.api(), request), first);
  EXPECT_EQ(current_sequence(context, broker.api()), after_first + 1);
}

}  // namespace
}  // namespace dispo::testing
