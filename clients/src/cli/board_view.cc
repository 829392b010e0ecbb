#include "board_view.h"

#include <algorithm>
#include <sstream>
#include <vector>

#include "dispo/clients/staleness.h"
#include "french.h"

namespace dispo::cli {
namespace {

struct Row {
  std::string name;
  std::string kind;
  std::string commune;
  std::uint64_t available = 0;  // not stale
  std::uint64_t installed = 0;
  std::uint64_t stale_units = 0;
  std::int64_t latest = 0;      // newest confirmation, Unix ms
};

Row row_of(const wire::FacilityStateT& state, const BoardHeader& header, std::int64_t now_ms,
           std::uint64_t& stale_places) {
  Row row;
  if (state.facility) {
    row.name = state.facility->name.empty() ? state.facility->id : state.facility->name;
    row.kind = kind_label(state.facility->kind);
    row.commune = state.facility->commune_insee;
  }
  for (const auto& unit : state.units) {
    if (!unit || !unit->availability) continue;
    const auto& a = *unit->availability;
    row.installed += a.installed;
    row.latest = std::max(row.latest, a.confirmed_at);
    if (client::is_stale(a, now_ms, header.stale_after_s)) {
      ++row.stale_units;
      stale_places += a.available;
    } else {
      row.available += a.available;
    }
  }
  return row;
}

}  // namespace

std::string format_board(const std::map<std::string, wire::FacilityStateT>& facilities,
                         const BoardHeader& header, std::int64_t now_ms) {
  std::uint64_t stale_places = 0;
  std::vector<Row> rows;
  for (const auto& [id, state] : facilities) rows.push_back(row_of(state, header, now_ms, stale_places));
  std::sort(rows.begin(), rows.end(), [](const Row& a, const Row& b) { return a.name < b.name; });
  std::uint64_t free = 0;
  for (const auto& row : rows) free += row.available;

  std::ostringstream out;
  out << "dispo — tableau en direct · "
      << (header.departement.empty() ? std::string("tous départements") : "département " + header.departement)
      << " · séquence " << header.sequence << "\n";
  out << count_of(free, "place libre", "places libres") << " dans "
      << count_of(rows.size(), "établissement", "établissements");
  if (stale_places > 0) out << " (+ " << stale_places << " sur données périmées, non comptées)";
  out << " · " << count_of(header.resyncs, "resynchronisation", "resynchronisations");
  if (!header.in_sync) out << " · ⚠ RESYNCHRONISATION EN COURS (état affiché possiblement dépassé)";
  out << "\n\n";
  out << fit("Établissement", 34) << " " << fit("Type", 24) << " " << fit("Commune", 7) << " "
      << right("Libres", 6) << "/" << fit("Inst.", 5) << " " << fit("", 9) << " Mise à jour\n";
  for (const auto& row : rows) {
    const std::string stale = row.stale_units == 0 ? "" : "⚠ périmé";
    out << fit(row.name, 34) << " " << fit(row.kind, 24) << " " << fit(row.commune, 7) << " "
        << right(std::to_string(row.available), 6) << "/" << fit(std::to_string(row.installed), 5) << " "
        << fit(stale, 9) << " " << since_ms(row.latest, now_ms) << "\n";
  }
  if (rows.empty()) out << "(aucun établissement)\n";
  return out.str();
}

}  // namespace dispo::cli
