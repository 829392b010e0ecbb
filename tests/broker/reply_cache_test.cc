#include "storage/reply_cache.h"

#include <gtest/gtest.h>

#include "temp_dir.h"

namespace dispo::broker {
namespace {

TEST(ReplyCacheTest, RemembersRepliesAndFindsCommittedOnesAfterARestart) {
  testing::TempDir dir;
  {
    auto store = Store::open(dir.path());
    ASSERT_TRUE(store);
    ReplyCache cache(**store);
    EXPECT_FALSE(cache.find("pub", 5)->has_value());
    cache.remember("pub", 5, "five");
    EXPECT_EQ(**cache.find("pub", 5), "five");
    auto batch = (*store)->batch();
    batch.put_reply("pub", 5, "five");
    ASSERT_TRUE((*store)->commit(batch));
  }
  auto store = Store::open(dir.path());
  ReplyCache cache(**store);
  EXPECT_EQ(**cache.find("pub", 5), "five");
  EXPECT_FALSE(cache.find("pub", 4)->has_value());  // below the highest, never applied
  EXPECT_FALSE(cache.find("pub", 6)->has_value());
  EXPECT_FALSE(cache.find("other", 5)->has_value());
}

TEST(ReplyCacheTest, ClearForgetsWhatWasNeverCommitted) {
  testing::TempDir dir;
  auto store = Store::open(dir.path());
  ASSERT_TRUE(store);
  ReplyCache cache(**store);
  cache.remember("pub", 9, "nine");
  cache.clear();
  EXPECT_FALSE(cache.find("pub", 9)->has_value());
}

}  // namespace
}  // namespace dispo::broker
