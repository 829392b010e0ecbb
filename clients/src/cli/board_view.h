// The text `dispo board` draws: a header (département, sequence), the totals (free places,
// stale places, resyncs, sync state), then one row per facility (name, kind, town, available /
// installed, stale marker, age of the latest confirmation). Free places count only units whose
// data is not stale. The most useful rows come first: most free places, then fresh data, then
// by name. Given a terminal size, the frame fits it: no line wider than the terminal, and rows
// that do not fit are cut with their count ("… et 37 autres établissements"), the totals staying
// at the top. Pure; thread-safe.
#pragma once

#include <cstddef>
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

// The space the frame may take; 0 = no limit (plain output: every row, 100 columns wide).
struct BoardSize {
  std::size_t lines = 0;
  std::size_t columns = 0;
};

std::string format_board(const std::map<std::string, wire::FacilityStateT>& facilities,
                         const BoardHeader& header, std::int64_t now_ms, BoardSize size = {});

}  // namespace dispo::cli
