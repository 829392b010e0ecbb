// Storage faults on the real broker: its data directory is a small tmpfs that the test fills for
// real. While the disk is full, writes get storage_error (French message) and change nothing,
// reads keep working, and nothing acknowledged is lost; once space is freed, writes are accepted
// again without a restart.
#include <gtest/gtest.h>

#include <set>

#include "broker_process.h"
#include "dispo/clients/session.h"
#include "temp_dir.h"
#include "tmpfs_mount.h"
#include "wire_helpers.h"

namespace dispo::testing {
namespace {

using namespace std::chrono_literals;

constexpr std::size_t kTmpfsBytes = 96u << 20;  // RocksDB preallocates ~35 MiB of WAL
constexpr int kUnitsPerFiller = 400;            // a registration of ~100 KB fills the WAL fast

std::string filler_id(int n) { return "5991" + std::to_string(100000 + n); }

wire::RequestBodyUnion facility_request(const std::string& id) {
  wire::FacilityRequestT request;
  request.facility_id = id;
  wire::RequestBodyUnion body;
  body.Set(std::move(request));
  return body;
}

wire::RequestBodyUnion search_request() {
  wire::RequestBodyUnion body;
  body.Set(wire::SearchQueryT{});
  return body;
}

TEST(StorageFaultTest, DiskFullRefusesWritesKeepsReadsAndRecoversWithoutRestart) {
  TempDir dir;
  TmpfsMount disk(dir / "disk", kTmpfsBytes);
  if (!disk.mounted()) GTEST_SKIP() << disk.error();
  BrokerProcess broker(disk.path() / "db", {"--min-free-mb", "16"});
  broker.start();
  zmq::context_t context;
  client::Session session(context, {broker.api(), 10s, 1, "storage-test"});
  ASSERT_TRUE(session.call(registration_of(make_facility("590000010", 2, 10))));
  ASSERT_TRUE(session.call(update_of("590000010", "u1", 3)));

  ASSERT_GT(TmpfsMount::fill(disk.path() / "filler"), 0u);
  // The WAL has space preallocated: keep writing big registrations until the disk is really full.
  std::set<std::string> acknowledged, refused;
  std::optional<Error> refusal;
  for (int n = 0; n < 2000 && !refusal; ++n) {
    auto reply = session.call(registration_of(make_facility(filler_id(n), kUnitsPerFiller, 10)));
    if (reply) {
      acknowledged.insert(filler_id(n));
    } else {
      refusal = reply.error();
      refused.insert(filler_id(n));
    }
  }
  ASSERT_TRUE(refusal) << "the disk never filled up";
  ASSERT_EQ(refusal->status, wire::Status::storage_error) << refusal->message << "\n" << broker.log();
  EXPECT_NE(refusal->message.find("disque"), std::string::npos) << refusal->message;

  // Degraded: further writes are refused up front, reads are still answered from the index and
  // the refused facility is not visible.
  auto update = session.call(update_of("590000010", "u1", 7));
  ASSERT_FALSE(update);
  EXPECT_EQ(update.error().status, wire::Status::storage_error);
  ASSERT_TRUE(session.call(search_request()));
  ASSERT_TRUE(session.call(snapshot_request()));
  auto facility = session.call(facility_request("590000010"));
  ASSERT_TRUE(facility) << facility.error().message;
  EXPECT_EQ((*facility)->body_as_FacilityState()->units()->Get(0)->availability()->available(), 3);
  auto missing = session.call(facility_request(*refused.begin()));
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().status, wire::Status::unknown_facility);

  // Space comes back: writes are accepted again by the same process.
  std::filesystem::remove(disk.path() / "filler");
  const auto deadline = std::chrono::steady_clock::now() + 30s;
  bool recovered = false;
  while (!recovered && std::chrono::steady_clock::now() < deadline) {
    auto retried = session.call(update_of("590000010", "u1", 5));
    if (retried) {
      recovered = true;
    } else {
      ASSERT_EQ(retried.error().status, wire::Status::storage_error) << retried.error().message;
      (void)session.call(snapshot_request());  // a read between attempts paces them, no sleep
    }
  }
  ASSERT_TRUE(recovered) << "writes still refused 30 s after space was freed:\n" << broker.log();
  ASSERT_TRUE(broker.running());

  // After a restart every acknowledged registration is there, and no refused one.
  ASSERT_EQ(broker.stop(), 0);
  broker.start();
  for (const auto& id : acknowledged) {
    EXPECT_TRUE(session.call(facility_request(id))) << "acknowledged facility " << id << " lost";
  }
  for (const auto& id : refused) {
    EXPECT_FALSE(session.call(facility_request(id))) << "refused facility " << id << " applied";
  }
  auto after = session.call(facility_request("590000010"));
  ASSERT_TRUE(after);
  EXPECT_EQ((*after)->body_as_FacilityState()->units()->Get(0)->availability()->available(), 5);
}

}  // namespace
}  // namespace dispo::testing
