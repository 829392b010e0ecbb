#include "systemd_notifier.h"

#include <systemd/sd-daemon.h>

namespace dispo::broker {

SystemdNotifier::SystemdNotifier() {
  std::uint64_t usec = 0;
  if (sd_watchdog_enabled(0, &usec) > 0) period_ = std::chrono::microseconds(usec);
}

void SystemdNotifier::ready(const std::string& status) {
  sd_notify(0, ("READY=1\nSTATUS=" + status).c_str());
}

void SystemdNotifier::stopping() { sd_notify(0, "STOPPING=1"); }

void SystemdNotifier::watchdog_tick() {
  if (period_.count() == 0) return;
  const auto now = std::chrono::steady_clock::now();
  if (now < next_ping_) return;
  sd_notify(0, "WATCHDOG=1");
  next_ping_ = now + period_ / 2;
}

}  // namespace dispo::broker
