#include "capacity_report.h"

#include <sstream>

#include "french.h"
#include "request_report.h"
#include "report_time.h"
#include "time_arguments.h"

namespace dispo::cli {

std::string format_capacity(const wire::CapacityReportT& report) {
  std::ostringstream out;
  out << "Capacité " << (report.departement.empty() ? "de votre territoire" : "du département " + report.departement)
      << " au " << local_time(report.at) << " (séquence " << report.sequence << ")\n\n";
  out << "Places par type d'établissement et tranche d'âge\n";
  if (report.rows.empty()) {
    out << "  Aucune place installée dans un établissement autorisé.\n";
  } else {
    out << "  " << fit("Type", 30) << fit("Âges", 7) << right("Libres", 8) << right("Périmées", 10)
        << right("Réservées", 11) << right("Fermées", 9) << right("Installées", 12) << "\n";
    for (const auto& row : report.rows) {
      if (!row) continue;
      out << "  " << fit(kind_label(row->kind), 30) << fit(row->age_band, 7) << right(std::to_string(row->free), 8)
          << right(std::to_string(row->stale), 10) << right(std::to_string(row->reserved), 11)
          << right(std::to_string(row->closed), 9) << right(std::to_string(row->installed), 12) << "\n";
    }
    out << "  Une unité compte dans chaque tranche d'âge que son agrément recouvre (une unité 6-17 ans\n"
           "  compte en 6-10, 11-14 et 15-17) : ne pas additionner les tranches.\n"
           "  Libres : disponibles et confirmées dans le délai de fraîcheur. Périmées : annoncées\n"
           "  disponibles mais non confirmées à temps, non comptées comme libres.\n";
  }
  out << "\nDemandes en attente (ouvertes ou avec place proposée), par origine ; Enfants : ceux qui ne sont pas\n"
         "  encore admis (une fratrie compte pour chacun de ses enfants)\n";
  out << "  " << fit("Origine", 20) << right("En attente", 11) << right("Médiane", 14) << right("90 %", 14)
      << right("Plus longue", 14) << right("Enfants", 9) << "\n";
  for (const auto& row : report.demand) {
    if (!row) continue;
    out << "  " << fit(origin_label(row->origin), 20) << right(std::to_string(row->open), 11);
    if (row->open == 0) {
      out << right("—", 14) << right("—", 14) << right("—", 14) << right("—", 9) << "\n";
    } else {
      out << right(format_wait(row->median_wait_s), 14) << right(format_wait(row->p90_wait_s), 14)
          << right(format_wait(row->longest_wait_s), 14) << right(std::to_string(row->children_waiting), 9) << "\n";
    }
  }
  out << "\nDécisions judiciaires non exécutées (origine tribunal, OPP ou jugement art. 375, en attente) : "
      << report.court_unexecuted;
  if (report.court_unexecuted > 0) {
    out << " (" << count_of(report.court_children_waiting, "enfant", "enfants") << " sans place)"
        << ", la plus ancienne attend depuis " << format_wait(report.court_longest_wait_s);
  }
  out << ".\n";
  return out.str();
}

}  // namespace dispo::cli
