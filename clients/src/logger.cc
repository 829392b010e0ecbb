#include "logger.h"

#include <cstdlib>

#include <spdlog/sinks/stdout_color_sinks.h>

namespace dispo::client {

std::shared_ptr<spdlog::logger> log() {
  static const std::shared_ptr<spdlog::logger> logger = [] {
    if (auto existing = spdlog::get("clients")) return existing;
    auto created = spdlog::stderr_color_mt("clients");
    if (std::getenv("SPDLOG_LEVEL") == nullptr) created->set_level(spdlog::level::warn);
    return created;
  }();
  return logger;
}

}  // namespace dispo::client
