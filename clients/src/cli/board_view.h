// The text `dispo board` draws: a header (département, sequence, free places, resyncs, sync
// state) and one row per facility (name, kind, commune, available / installed, stale marker, age
// of the latest confirmation). Free places count only units whose data is not stale.
// Pure; thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "dispo/schemas/wire.h"

namespace dispo::cli {

struct BoardHeader {
  std::string departement;       // empty = every département
  std::uint64_t sequence = 0;
  std::uint64_t resyncs = 0;
  bool in_sync = true;
  std::uint32_t stale_after_s = 0;
};

std::string format_board(const std::map<std::string, wire::FacilityStateT>& facilities,
                         const BoardHeader& header, std::int64_t now_ms);

}  // namespace dispo::cli
