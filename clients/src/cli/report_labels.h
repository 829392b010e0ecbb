// French labels of the workflow vocabulary, for the report commands (capacity, export, record).
// Pure functions; thread-safe.
#pragma once

#include <string>

#include "dispo/schemas/wire.h"

namespace dispo::cli {

std::string origin_label(wire::Origin origin);                 // "astreinte", "hôpital", "juge"…
std::string legal_basis_label(wire::LegalBasis basis);         // "OPP", "jugement (art. 375)"…
std::string request_state_label(wire::RequestState state);     // "ouverte", "proposée"…
std::string refusal_label(wire::RefusalReason reason);         // "complet", "données périmées"…

}  // namespace dispo::cli
