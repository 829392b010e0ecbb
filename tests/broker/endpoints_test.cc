#include "access/endpoints.h"

#include <sys/stat.h>

#include <gtest/gtest.h>

#include "temp_dir.h"

namespace dispo::broker {
namespace {

TEST(EndpointsTest, TheDefaultsAreUnixSocketsInTheDataDirectory) {
  EXPECT_EQ(default_ipc_endpoint("/var/lib/dispo", "api"), "ipc:///var/lib/dispo/api.sock");
  EXPECT_EQ(endpoint_kind(default_ipc_endpoint("var/dispo", "feed")), EndpointKind::ipc);
  EXPECT_TRUE(default_ipc_endpoint("var/dispo", "feed").starts_with("ipc:///"));  // absolute
}

TEST(EndpointsTest, WithoutCurvePlainTcpNeedsTheExplicitFlagAndNeverLeavesTheMachine) {
  EXPECT_TRUE(check_without_curve("ipc:///tmp/x/api.sock", false));
  EXPECT_TRUE(check_without_curve("inproc://api", false));
  auto refused = check_without_curve("tcp://127.0.0.1:7401", false);
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().message.find("--insecure-tcp-loopback"), std::string::npos) << refused.error().message;
  EXPECT_TRUE(check_without_curve("tcp://127.0.0.1:7401", true));
  EXPECT_TRUE(check_without_curve("tcp://localhost:7401", true));
  auto beyond = check_without_curve("tcp://0.0.0.0:7401", true);
  ASSERT_FALSE(beyond);
  EXPECT_NE(beyond.error().message.find("--curve-key"), std::string::npos) << beyond.error().message;
}

TEST(EndpointsTest, LocalhostIsBoundAsTheLoopbackAddress) {
  EXPECT_EQ(bindable_endpoint("tcp://localhost:7401"), "tcp://127.0.0.1:7401");
  EXPECT_EQ(bindable_endpoint("tcp://127.0.0.1:7401"), "tcp://127.0.0.1:7401");
  EXPECT_EQ(bindable_endpoint("ipc:///tmp/api.sock"), "ipc:///tmp/api.sock");
}

TEST(EndpointsTest, TheDataDirectoryOfASocketIsMadePrivate) {
  testing::TempDir dir;
  const auto data = dir / "data";
  std::filesystem::create_directories(data);
  ASSERT_EQ(::chmod(data.c_str(), 0755), 0);
  ASSERT_TRUE(prepare_ipc_directory(data / "api.sock", data, false));
  struct stat info {};
  ASSERT_EQ(::stat(data.c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0700u);
  ASSERT_TRUE(prepare_ipc_directory(data / "api.sock", data, true));
  ASSERT_EQ(::stat(data.c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0750u);
}

TEST(EndpointsTest, ASocketPathTooLongForUnixIsRefusedClearly) {
  const std::filesystem::path deep = "/tmp/" + std::string(120, 'd') + "/api.sock";
  auto refused = prepare_ipc_directory(deep, "/tmp", false);
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().message.find("trop long"), std::string::npos) << refused.error().message;
}

}  // namespace
}  // namespace dispo::broker
