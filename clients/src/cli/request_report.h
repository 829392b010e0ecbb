// French reports of placement requests and holds for `dispo request` and `dispo hold|admit|
// release|decline`. Pure functions; thread-safe.
#pragma once

#include <string>

#include "dispo/schemas/labels.h"
#include "dispo/schemas/wire.h"

namespace dispo::cli {

using wire::legal_basis_label, wire::origin_label, wire::request_state_label;  // dispo/schemas/labels.h
std::string refusal_reason_label(wire::RefusalReason reason);

// Several lines: id, state, child reference, origin, basis, children, criteria, waiting time,
// matches now, the active hold and every refusal.
std::string format_request_status(const wire::RequestStatusT& status);

// One line per request, longest waiting first; "Aucune demande en cours." when empty.
std::string format_request_list(const wire::RequestListT& list);

// What a hold command did: the hold, the unit's counts after it, the request's state.
std::string format_hold_result(const wire::HoldResultT& result);

}  // namespace dispo::cli
