// Staleness of availability (DESIGN.md §3): data older than the broker's freshness limit is
// shown with its age but never counted as free. Pure functions; thread-safe.
#pragma once

#include <cstdint>

#include "dispo/schemas/placement_law.h"
#include "dispo/schemas/wire.h"

namespace dispo::client {

// True when `availability` was never confirmed (confirmed_at == 0) or was confirmed more than
// `stale_after_s` seconds before `now_ms`. A limit of 0 means "no freshness limit": only
// never-confirmed data is stale.
inline bool is_stale(const wire::AvailabilityT& availability, std::int64_t now_ms,
                     std::uint32_t stale_after_s) {
  return wire::is_stale(availability.confirmed_at, now_ms, static_cast<std::int64_t>(stale_after_s) * 1000);
}

}  // namespace dispo::client
