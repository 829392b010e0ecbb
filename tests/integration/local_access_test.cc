// Issue #11, "safe by default on a shared server": without CURVE the broker listens on Unix
// sockets in its data directory that only its own user can reach (directory 0700, sockets 0600),
// and the clients' defaults follow; plain TCP on loopback needs --insecure-tcp-loopback and logs a
// warning; tcp://localhost:… works. The real binaries.
#include <sys/stat.h>

#include <thread>

#include <gtest/gtest.h>

#include "broker_process.h"
#include "temp_dir.h"

namespace dispo::testing {
namespace {

using std::chrono::milliseconds;
using Clock = std::chrono::steady_clock;

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

std::string quoted(const std::string& text) { return "'" + text + "'"; }

// Runs `command` (a shell line) from `directory`.
CommandResult run_in(const std::filesystem::path& directory, const std::string& command) {
  return run_command({"/bin/sh", "-c", "cd " + quoted(directory.string()) + " && " + command});
}

// Polls `attempt` (a `dispo` run) until it exits 0 or `deadline` passes; the last result.
CommandResult until_answered(const std::function<CommandResult()>& attempt, milliseconds deadline = milliseconds(20000)) {
  const auto end = Clock::now() + deadline;
  CommandResult result = attempt();
  while (result.exit_code != 0 && Clock::now() < end) result = attempt();
  return result;
}

mode_t mode_of(const std::filesystem::path& path) {
  struct stat info {};
  if (::stat(path.c_str(), &info) != 0) return 0;
  return info.st_mode;
}

TEST(LocalAccessTest, TheDefaultsAreUnixSocketsOnlyTheBrokersUserCanReachAndClientsFollowThem) {
  TempDir dir;
  // The broker and the client both started from one directory, with no endpoint given at all.
  auto broker = Process::start({"/bin/sh", "-c", "cd " + quoted(dir.path().string()) + " && exec " +
                                                     quoted(broker_binary())},
                               (dir / "broker.log").string());
  const auto found = until_answered(
      [&] { return run_in(dir.path(), quoted(dispo_binary()) + " find --age 7 --timeout 0.3"); });
  ASSERT_EQ(found.exit_code, 0) << found.err;
  const auto data = dir / "var" / "dispo";
  EXPECT_EQ(mode_of(data) & 0777, 0700u);
  for (const char* name : {"api.sock", "feed.sock"}) {
    const mode_t mode = mode_of(data / name);
    EXPECT_TRUE(S_ISSOCK(mode)) << name;
    EXPECT_EQ(mode & 0777, 0600u) << name;
  }
  EXPECT_EQ(broker.stop(), 0);
}

TEST(LocalAccessTest, GroupAccessOpensTheSocketsToTheBrokersGroupOnly) {
  TempDir dir;
  const auto data = dir / "data";
  auto broker = Process::start({broker_binary(), "--data", data.string(), "--group-access"},
                               (dir / "broker.log").string());
  const auto found = until_answered([&] {
    return run_command({dispo_binary(), "find", "--age", "7", "--timeout", "0.3", "--broker",
                        "ipc://" + (data / "api.sock").string()});
  });
  ASSERT_EQ(found.exit_code, 0) << found.err;
  EXPECT_EQ(mode_of(data) & 0777, 0750u);
  EXPECT_EQ(mode_of(data / "api.sock") & 0777, 0660u);
  EXPECT_EQ(broker.stop(), 0);
}

TEST(LocalAccessTest, PlainTcpLoopbackNeedsTheExplicitFlagAndWarns) {
  TempDir dir;
  const std::string api = "tcp://127.0.0.1:" + std::to_string(free_port());
  const auto refused = run_command({broker_binary(), "--data", (dir / "data").string(), "--api", api});
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_TRUE(contains(refused.err, "--insecure-tcp-loopback")) << refused.err;
  EXPECT_TRUE(contains(refused.err, "administrateur")) << refused.err;

  BrokerProcess allowed(dir / "data2");  // passes --insecure-tcp-loopback
  allowed.start();
  EXPECT_TRUE(contains(allowed.log(), "INSECURE")) << allowed.log();
}

TEST(LocalAccessTest, LocalhostIsServedAndReached) {
  TempDir dir;
  const int port = free_port();
  const std::string api = "tcp://localhost:" + std::to_string(port);
  auto broker = Process::start({broker_binary(), "--data", (dir / "data").string(), "--api", api, "--feed",
                                "tcp://localhost:" + std::to_string(free_port()), "--insecure-tcp-loopback"},
                               (dir / "broker.log").string());
  const auto found = until_answered([&] {
    return run_command({dispo_binary(), "find", "--age", "7", "--timeout", "0.3", "--broker", api});
  });
  EXPECT_EQ(found.exit_code, 0) << found.err;
  EXPECT_FALSE(contains(found.err, "No such device")) << found.err;
  EXPECT_EQ(broker.stop(), 0);
}

}  // namespace
}  // namespace dispo::testing
