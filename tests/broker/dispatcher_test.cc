// The Dispatcher on the inputs that once broke it (kept in tests/fuzz/regressions, found by
// tests/fuzz/dispatcher_fuzz): each gets a refusal reply and changes nothing.
#include "dispatcher.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "temp_dir.h"

namespace dispo::broker {
namespace {

// A dispatcher over a real store in a temporary directory, as the broker's event loop has it.
class DispatcherTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = Store::open(dir / "data");
    ASSERT_TRUE(opened) << opened.error().message;
    store = std::move(*opened);
    replies = std::make_unique<ReplyCache>(*store);
    dispatcher = std::make_unique<Dispatcher>(state, *replies, *store, 1u << 20);
    pending = std::make_unique<PendingCommit>(store->batch());
  }

  testing::TempDir dir;
  std::unique_ptr<Store> store;
  BrokerState state;
  std::unique_ptr<ReplyCache> replies;
  std::unique_ptr<Dispatcher> dispatcher;
  std::unique_ptr<PendingCommit> pending;
};

TEST_F(DispatcherTest, FuzzRegressionInputsAreRefusedAndChangeNothing) {

  std::size_t inputs = 0;
  for (const auto& entry : std::filesystem::directory_iterator(DISPO_FUZZ_REGRESSIONS)) {
    std::ifstream file(entry.path(), std::ios::binary);
    std::stringstream bytes;
    bytes << file.rdbuf();
    const std::string frame = bytes.str();
    const std::string reply = dispatcher->handle("test", dispo::broker::Principals::local(), frame, *pending, 1'790'000'000'000, "2026-09-21");
    auto message = wire::decode(reply.data(), reply.size());
    ASSERT_TRUE(message) << entry.path();
    ASSERT_NE((*message)->body_as_Reply(), nullptr) << entry.path();
    EXPECT_NE((*message)->body_as_Reply()->status(), wire::Status::ok) << entry.path();
    EXPECT_TRUE(pending->empty()) << entry.path() << " staged a write";
    EXPECT_EQ(state.sequence, 0u) << entry.path();
    ++inputs;
  }
  EXPECT_GE(inputs, 2u) << "the regression inputs are missing";
}

// A write whose client id would put a line break or control bytes in the log and the reply keys.
TEST_F(DispatcherTest, AClientIdWithControlCharactersIsRefused) {

  const auto subscribe_as = [&](const std::string& client_id) {
    wire::SubscribeT subscribe;
    subscribe.subscription = std::make_unique<wire::SubscriptionT>();
    subscribe.subscription->kind = wire::SubscriptionKind::territory;
    subscribe.subscription->departement = "59";
    subscribe.subscription->threshold = 3;
    flatbuffers::FlatBufferBuilder builder;
    auto body = wire::Subscribe::Pack(builder, &subscribe);
    auto request = wire::CreateRequest(builder, 1, builder.CreateString(client_id),
                                       wire::RequestBody::Subscribe, body.Union());
    builder.Finish(wire::CreateMessage(builder, wire::Body::Request, request.Union()), "DSPO");
    const std::string frame(reinterpret_cast<const char*>(builder.GetBufferPointer()), builder.GetSize());
    const std::string reply = dispatcher->handle("test", Principals::local(), frame, *pending, 1'790'000'000'000,
                                                "2026-09-21");
    auto message = wire::decode(reply.data(), reply.size());
    EXPECT_TRUE(message);
    return message ? (*message)->body_as_Reply()->status() : wire::Status::ok;
  };
  EXPECT_EQ(subscribe_as("nuit\n[info] faux"), wire::Status::malformed);
  EXPECT_EQ(subscribe_as(std::string(129, 'a')), wire::Status::malformed);
  EXPECT_TRUE(pending->empty());
  EXPECT_EQ(subscribe_as("astreinte@poste-3"), wire::Status::ok);
  EXPECT_FALSE(pending->empty());
}

}  // namespace
}  // namespace dispo::broker
