// French labels of the placement-request vocabulary, shared by the broker (written record,
// refusal messages) and the clients (request, capacity and record reports), so both say the
// same words. Thread-safe.
#pragma once

#include <string>

#include "dispo/schemas/dispo_generated.h"

namespace dispo::wire {

std::string origin_label(Origin origin);              // "astreinte", "hôpital", "tribunal", "service ASE"
std::string legal_basis_label(LegalBasis basis);      // "OPP", "jugement (art. 375)", …
std::string request_state_label(RequestState state);  // "ouverte", "place proposée", "admise", "annulée"
// The same state said in a sentence, for alerts: "ouverte, en attente d'une place", …
std::string request_state_explained(RequestState state);
std::string hold_state_label(HoldState state);  // "active", "admission", "libérée", "expirée", "refusée par l'établissement"

}  // namespace dispo::wire
