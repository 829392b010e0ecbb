// The broker's spdlog logger: the one named "broker" when the daemon registered it, else spdlog's
// default logger (the broker library embedded in tests, benchmarks, fuzzers). Never null.
#pragma once

#include <memory>

#include "dispo/schemas/spdlog.h"

namespace dispo::broker {

inline std::shared_ptr<spdlog::logger> logger() {
  auto log = spdlog::get("broker");
  return log ? log : spdlog::default_logger();
}

}  // namespace dispo::broker
