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
  std::string town;
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
    row.town = town_name(state.facility->commune_insee);
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

// Most free places first, then fresh data, then by name.
bool more_useful(const Row& a, const Row& b) {
  if (a.available != b.available) return a.available > b.available;
  if ((a.stale_units == 0) != (b.stale_units == 0)) return a.stale_units == 0;
  return a.name < b.name;
}

// The widths of the columns for a terminal `columns` wide; the kind is dropped when it does not fit.
struct Widths {
  std::size_t name = 34, kind = 24, town = 18;
  static constexpr std::size_t kCounts = 12, kStale = 9, kAge = 14, kMinName = 12;

  explicit Widths(std::size_t columns) {
    if (columns == 0) return;
    const std::size_t fixed = kCounts + kStale + kAge + 3;  // with the spaces between them
    kind = 20;
    town = 16;
    if (columns >= fixed + kind + town + 2 + kMinName) {
      name = std::min<std::size_t>(40, columns - fixed - kind - town - 2);
    } else {
      kind = 0;
      town = columns >= fixed + 12 + 1 + kMinName ? 12 : 0;
      name = columns > fixed + town + (town ? 1 : 0) + 1 ? columns - fixed - town - (town ? 1 : 0) : kMinName;
    }
  }
};

// `line` cut to `columns` characters (0 = as is).
std::string clip(const std::string& line, std::size_t columns) {
  if (columns == 0 || display_width(line) <= columns) return line;
  return fit(line, columns);
}

std::string table_line(const Widths& w, const std::string& name, const std::string& kind, const std::string& town,
                       const std::string& counts, const std::string& stale, const std::string& age) {
  std::string line = fit(name, w.name) + " ";
  if (w.kind > 0) line += fit(kind, w.kind) + " ";
  if (w.town > 0) line += fit(town, w.town) + " ";
  line += counts + " " + fit(stale, Widths::kStale) + " " + age;
  while (!line.empty() && line.back() == ' ') line.pop_back();
  return line;
}

std::string counts_of(std::uint64_t available, std::uint64_t installed) {
  return right(std::to_string(available), 6) + "/" + fit(std::to_string(installed), 5);
}

}  // namespace

std::string format_board(const std::map<std::string, wire::FacilityStateT>& facilities,
                         const BoardHeader& header, std::int64_t now_ms, BoardSize size) {
  std::uint64_t stale_places = 0;
  std::vector<Row> rows;
  for (const auto& [id, state] : facilities) rows.push_back(row_of(state, header, now_ms, stale_places));
  std::sort(rows.begin(), rows.end(), more_useful);
  std::uint64_t free = 0;
  for (const auto& row : rows) free += row.available;

  std::vector<std::string> lines;
  lines.push_back("dispo — tableau en direct · " +
                  (header.departement.empty() ? std::string("tous départements")
                                              : "département " + header.departement) +
                  " · séquence " + std::to_string(header.sequence));
  std::string totals = count_of(free, "place libre", "places libres") + " dans " +
                       count_of(rows.size(), "établissement", "établissements");
  if (stale_places > 0) totals += " (+ " + std::to_string(stale_places) + " sur données périmées, non comptées)";
  totals += " · " + count_of(header.resyncs, "resynchronisation", "resynchronisations");
  if (!header.in_sync) totals += " · ⚠ RESYNCHRONISATION EN COURS (état affiché possiblement dépassé)";
  lines.push_back(totals);
  lines.emplace_back();
  const Widths widths(size.columns);
  lines.push_back(table_line(widths, "Établissement", "Type", "Commune", right("Libres", 6) + "/" + fit("Inst.", 5), "",
                             "Mise à jour"));

  // Rows that fit below the header, keeping one line for "… et N autres" when some are cut.
  std::size_t shown = rows.size();
  if (size.lines > 0) {
    const std::size_t room = size.lines > lines.size() ? size.lines - lines.size() : 0;
    if (rows.size() > room) shown = room > 0 ? room - 1 : 0;
  }
  for (std::size_t i = 0; i < shown; ++i) {
    const Row& row = rows[i];
    lines.push_back(table_line(widths, row.name, row.kind, row.town, counts_of(row.available, row.installed),
                               row.stale_units == 0 ? "" : "⚠ périmé", since_ms(row.latest, now_ms)));
  }
  if (shown < rows.size()) {
    std::uint64_t hidden_free = 0;
    for (std::size_t i = shown; i < rows.size(); ++i) hidden_free += rows[i].available;
    const std::size_t hidden = rows.size() - shown;
    lines.push_back("… et " + std::to_string(hidden) + (hidden > 1 ? " autres établissements" : " autre établissement") +
                    " (" + count_of(hidden_free, "place libre", "places libres") + ")");
  }
  if (rows.empty()) lines.emplace_back("(aucun établissement)");
  if (size.lines > 0 && lines.size() > size.lines) lines.resize(size.lines);  // a tiny terminal: the totals first

  std::string out;
  for (const auto& line : lines) out += clip(line, size.columns) + "\n";
  return out;
}

}  // namespace dispo::cli
