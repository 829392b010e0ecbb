// SystemdNotifier: tells systemd (libsystemd's sd_notify) that the broker is ready (data loaded,
// sockets bound), that it is stopping, and that its event loop is alive (the watchdog). Does
// nothing when the broker was not started by systemd (no NOTIFY_SOCKET). Used by the event loop
// thread only (ready/stopping from main before and after it).
#pragma once

#include <chrono>
#include <string>

namespace dispo::broker {

class SystemdNotifier {
 public:
  // Reads the watchdog period systemd asked for (WatchdogSec=, through WATCHDOG_USEC).
  SystemdNotifier();

  void ready(const std::string& status);
  void stopping();
  // Called at every turn of the event loop: sends WATCHDOG=1 at most every half period.
  void watchdog_tick();

  // Zero when systemd did not ask for a watchdog.
  std::chrono::microseconds watchdog_period() const { return period_; }

 private:
  std::chrono::microseconds period_{0};
  std::chrono::steady_clock::time_point next_ping_{};
};

}  // namespace dispo::broker
