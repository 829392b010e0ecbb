// The real dispo-broker under a fake systemd: a Unix datagram socket as NOTIFY_SOCKET, a
// watchdog asked for through WATCHDOG_USEC. The broker says READY=1 once it answers, pings the
// watchdog from its event loop, and says STOPPING=1 on SIGTERM.
#include <gtest/gtest.h>

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstdlib>

#include "broker_process.h"
#include "temp_dir.h"

namespace dispo::testing {
namespace {

using namespace std::chrono_literals;

class FakeSystemd {
 public:
  explicit FakeSystemd(const std::filesystem::path& path) : fd_(::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0)) {
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    std::snprintf(address.sun_path, sizeof address.sun_path, "%s", path.c_str());
    EXPECT_EQ(::bind(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address), 0) << path;
  }
  ~FakeSystemd() { ::close(fd_); }

  // The next datagram, or "" after `deadline`.
  std::string next(std::chrono::milliseconds deadline) {
    pollfd item{fd_, POLLIN, 0};
    if (::poll(&item, 1, static_cast<int>(deadline.count())) != 1) return {};
    char buffer[4096];
    const auto size = ::recv(fd_, buffer, sizeof buffer, 0);
    return size > 0 ? std::string(buffer, static_cast<std::size_t>(size)) : std::string{};
  }

  // Waits for a datagram containing `what`, up to `deadline`; the ones before it are kept.
  bool wait_for(const std::string& what, std::chrono::milliseconds deadline) {
    const auto until = std::chrono::steady_clock::now() + deadline;
    while (std::chrono::steady_clock::now() < until) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - std::chrono::steady_clock::now());
      const std::string message = next(std::max(left, 1ms));
      if (!message.empty()) received.push_back(message);
      if (message.find(what) != std::string::npos) return true;
    }
    return false;
  }

  std::vector<std::string> received;

 private:
  int fd_;
};

TEST(SystemdNotifierTest, ReadyOnceServingThenWatchdogFromTheLoopThenStopping) {
  TempDir dir;
  FakeSystemd systemd(dir / "notify");
  ::setenv("NOTIFY_SOCKET", (dir / "notify").c_str(), 1);
  ::setenv("WATCHDOG_USEC", "200000", 1);  // asks for a ping at least every 100 ms... to 200 ms
  BrokerProcess broker(dir / "data", {"--heartbeat-ms", "50"});
  broker.start();
  ::unsetenv("NOTIFY_SOCKET");
  ::unsetenv("WATCHDOG_USEC");

  ASSERT_TRUE(systemd.wait_for("READY=1", 10s)) << broker.log();
  EXPECT_NE(systemd.received.back().find("STATUS=prêt : 0 établissements"), std::string::npos)
      << systemd.received.back();
  while (!systemd.next(0ms).empty()) {
  }  // pings queued while the test waited for READY
  ASSERT_TRUE(systemd.wait_for("WATCHDOG=1", 5s)) << broker.log();
  int pings = 1;
  const auto first = std::chrono::steady_clock::now();
  while (pings < 5 && systemd.wait_for("WATCHDOG=1", 5s)) ++pings;
  const auto took = std::chrono::steady_clock::now() - first;
  EXPECT_EQ(pings, 5) << broker.log();
  // At most every half period (100 ms): four intervals take at least 400 ms; and the loop
  // (heartbeat 50 ms) keeps them coming well within the period.
  EXPECT_GE(took, 390ms);
  EXPECT_LT(took, 2s);

  ASSERT_EQ(broker.stop(), 0);
  EXPECT_TRUE(systemd.wait_for("STOPPING=1", 5s));
}

TEST(SystemdNotifierTest, ReadyComesAfterTheDataIsLoaded) {
  TempDir dir;
  FakeSystemd systemd(dir / "notify");
  ::setenv("NOTIFY_SOCKET", (dir / "notify").c_str(), 1);
  BrokerProcess broker(dir / "data");
  broker.start();
  ::unsetenv("NOTIFY_SOCKET");
  ASSERT_TRUE(systemd.wait_for("READY=1", 10s));
  // The "ready" line of the log (written after the load, before READY=1) is already there.
  EXPECT_NE(broker.log().find("ready: data="), std::string::npos) << broker.log();
  EXPECT_FALSE(systemd.wait_for("WATCHDOG=1", 300ms)) << "no watchdog was asked for";
  ASSERT_EQ(broker.stop(), 0);
}

}  // namespace
}  // namespace dispo::testing
