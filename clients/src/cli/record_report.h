// The written record `dispo record` prints (plain text) or writes (printable standalone HTML): the
// request and its criteria, its history from the event log, every unit considered with its
// verdict and the one reason it was not suitable, the broker sequence and time it stands at, and
// the command that reproduces it. When no unit was suitable it says so plainly. Contains the
// pseudonymous child reference, never a name. Every text in the HTML is escaped. Pure.
#pragma once

#include <string>
#include <string_view>

#include "dispo/schemas/wire.h"

namespace dispo::cli {

std::string format_record_text(const wire::PlacementRecordT& record);
std::string format_record_html(const wire::PlacementRecordT& record);

// &, <, >, " and ' as HTML entities.
std::string html_escape(std::string_view text);

// The fixed order in which the reasons are checked (the first that applies is given).
inline constexpr const char* kReasonOrder =
    "non autorisé, type d'établissement, distance, pas d'accueil d'urgence, spécialisation, âge, sexe, "
    "complet, données périmées, fratrie";

}  // namespace dispo::cli
