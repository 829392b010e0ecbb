// The "clients" spdlog logger (stderr, level warn unless SPDLOG_LEVEL says otherwise, so that
// command output on stdout stays clean). Internal to dispo::clients; thread-safe.
#pragma once

#include <memory>

#include "dispo/schemas/spdlog.h"

namespace dispo::client {

std::shared_ptr<spdlog::logger> log();

}  // namespace dispo::client
