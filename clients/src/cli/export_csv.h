// The CSV `dispo export` writes, one row per day (UTC) and facility kind, header first:
//   jour            YYYY-MM-DD (UTC day)
//   type            facility kind (schema name: mecs, foyer_urgence, …)
//   installees      installed places of authorised facilities at the end of the day
//   libres          available and confirmed within the freshness limit at the end of the day
//   reservees       reserved (held) at the end of the day
//   perimees        announced available but not confirmed in time (not counted free)
//   demandes_en_attente  requests pending (open or proposed) at the end of the day  } not by kind:
//   demandes_ouvertes    requests opened during the day                             } on the day's
//   demandes_admises     requests admitted during the day                           } first row only,
//                                                                                   } empty elsewhere
// Comma-separated, "\n" line ends, no quoting needed (no field contains a comma). Pure.
#pragma once

#include <string>

#include "dispo/schemas/wire.h"

namespace dispo::cli {

std::string format_export_csv(const wire::ExportResultT& result);

}  // namespace dispo::cli
