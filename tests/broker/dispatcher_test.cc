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

TEST(DispatcherTest, FuzzRegressionInputsAreRefusedAndChangeNothing) {
  testing::TempDir dir;
  auto store = Store::open(dir / "data");
  ASSERT_TRUE(store) << store.error().message;
  BrokerState state;
  ReplyCache replies(**store);
  Dispatcher dispatcher(state, replies, **store, 1u << 20);
  PendingCommit pending((*store)->batch());

  std::size_t inputs = 0;
  for (const auto& entry : std::filesystem::directory_iterator(DISPO_FUZZ_REGRESSIONS)) {
    std::ifstream file(entry.path(), std::ios::binary);
    std::stringstream bytes;
    bytes << file.rdbuf();
    const std::string frame = bytes.str();
    const std::string reply = dispatcher.handle("test", dispo::broker::Principals::local(), frame, pending, 1'790'000'000'000, "2026-09-21");
    auto message = wire::decode(reply.data(), reply.size());
    ASSERT_TRUE(message) << entry.path();
    ASSERT_NE((*message)->body_as_Reply(), nullptr) << entry.path();
    EXPECT_NE((*message)->body_as_Reply()->status(), wire::Status::ok) << entry.path();
    EXPECT_TRUE(pending.empty()) << entry.path() << " staged a write";
    EXPECT_EQ(state.sequence, 0u) << entry.path();
    ++inputs;
  }
  EXPECT_GE(inputs, 2u) << "the regression inputs are missing";
}

}  // namespace
}  // namespace dispo::broker
