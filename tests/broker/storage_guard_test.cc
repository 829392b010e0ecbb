// StorageGuard over a real store: writes refused below the free-space floor or after a failed
// commit, with a French refusal, and accepted again by themselves once the storage is back.
#include "storage/storage_guard.h"

#include <gtest/gtest.h>

#include "temp_dir.h"

namespace dispo::broker {
namespace {

using namespace std::chrono_literals;

class StorageGuardTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = Store::open(dir / "data");
    ASSERT_TRUE(opened) << opened.error().message;
    store = std::move(*opened);
  }
  testing::TempDir dir;
  std::unique_ptr<Store> store;
};

TEST_F(StorageGuardTest, BelowTheFreeSpaceFloorWritesAreRefusedAndComeBackWhenThereIsRoom) {
  StorageGuard guard(dir / "data", UINT64_MAX, 1000ms);  // no disk has that much free
  const auto now = StorageGuard::Clock::now();
  EXPECT_TRUE(guard.refresh(*store, now)) << "degraded() changed";
  EXPECT_TRUE(guard.degraded());
  EXPECT_EQ(guard.refusal().status, wire::Status::storage_error);
  EXPECT_NE(guard.refusal().message.find("le disque du broker est plein"), std::string::npos)
      << guard.refusal().message;
  EXPECT_FALSE(guard.refresh(*store, now + 1ms)) << "still full: nothing changed";

  StorageGuard roomy(dir / "data", 1, 1000ms);
  EXPECT_FALSE(roomy.refresh(*store, now)) << "room enough: never degraded";
  EXPECT_FALSE(roomy.degraded());
}

TEST_F(StorageGuardTest, AfterAFailedCommitWritesAreRefusedUntilTheStoreResumes) {
  StorageGuard guard(dir / "data", 0, 1000ms);
  const auto failed_at = StorageGuard::Clock::now();
  guard.on_commit_failed(WriteFailure::io_error, failed_at);
  EXPECT_TRUE(guard.degraded());
  EXPECT_NE(guard.refusal().message.find("ne parvient plus à écrire"), std::string::npos) << guard.refusal().message;
  EXPECT_NE(guard.refusal().message.find("rien n'a été appliqué"), std::string::npos);
  EXPECT_FALSE(guard.refresh(*store, failed_at + 10ms)) << "the store is not asked again before retry_every";
  EXPECT_TRUE(guard.degraded());
  EXPECT_TRUE(guard.refresh(*store, failed_at + 1001ms)) << "a healthy store resumes: writes come back";
  EXPECT_FALSE(guard.degraded());
}

TEST_F(StorageGuardTest, AFullDiskIsSaidSoAfterAFailedCommit) {
  StorageGuard guard(dir / "data", 0, 1000ms);
  guard.on_commit_failed(WriteFailure::no_space, StorageGuard::Clock::now());
  EXPECT_NE(guard.refusal().message.find("le disque du broker est plein"), std::string::npos);
}

}  // namespace
}  // namespace dispo::broker
