// The harness's free ports (ops/harness/process.h): two test processes running side by side are
// never handed the same port, so a cluster's configuration written with them can be listened on.
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <set>
#include <vector>

#include <gtest/gtest.h>

#include "process.h"

namespace {

using dispo::testing::free_port;

constexpr int kPorts = 300;  // 300 × 300 picks among ~12,000 ports: several collide by chance

TEST(FreePortTest, TwoTestProcessesRunningSideBySideAreNeverHandedTheSamePort) {
  int ports_pipe[2];
  int hold_pipe[2];
  ASSERT_EQ(::pipe(ports_pipe), 0);
  ASSERT_EQ(::pipe(hold_pipe), 0);
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {  // another test process: takes its ports, holds them until told to end
    ::close(ports_pipe[0]);
    ::close(hold_pipe[1]);
    for (int i = 0; i < kPorts; ++i) {
      const int port = free_port();
      if (::write(ports_pipe[1], &port, sizeof port) != sizeof port) ::_exit(2);
    }
    ::close(ports_pipe[1]);
    char end;
    while (::read(hold_pipe[0], &end, 1) > 0) {}
    ::_exit(0);
  }
  ::close(ports_pipe[1]);
  ::close(hold_pipe[0]);
  std::set<int> theirs;
  int port = 0;
  while (::read(ports_pipe[0], &port, sizeof port) == sizeof port) theirs.insert(port);
  ::close(ports_pipe[0]);
  ASSERT_EQ(theirs.size(), static_cast<std::size_t>(kPorts)) << "the other process's ports, each once";

  std::vector<int> shared;
  std::set<int> ours;
  for (int i = 0; i < kPorts; ++i) {
    const int mine = free_port();
    if (theirs.count(mine) != 0) shared.push_back(mine);
    ours.insert(mine);
  }
  ::close(hold_pipe[1]);
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  EXPECT_TRUE(shared.empty()) << shared.size() << " port(s) handed to both processes, e.g. " << shared.front();
  EXPECT_EQ(ours.size(), static_cast<std::size_t>(kPorts)) << "a port handed out twice in one process";
}

}  // namespace
