#include "export_csv.h"

#include <sstream>

namespace dispo::cli {

std::string format_export_csv(const wire::ExportResultT& result) {
  std::ostringstream out;
  out << "jour,type,installees,libres,reservees,perimees,demandes_en_attente,demandes_ouvertes,demandes_admises,"
         "enfants_en_attente,enfants_admis\n";
  std::string previous_day;
  for (const auto& row : result.rows) {
    if (!row) continue;
    out << row->day << ',' << wire::EnumNameFacilityKind(row->kind) << ',' << row->installed << ',' << row->free
        << ',' << row->reserved << ',' << row->stale;
    if (row->day != previous_day) {
      out << ',' << row->requests_open << ',' << row->requests_opened << ',' << row->requests_admitted << ','
          << row->children_waiting << ',' << row->children_admitted << '\n';
    } else {
      out << ",,,,,\n";
    }
    previous_day = row->day;
  }
  return out.str();
}

}  // namespace dispo::cli
