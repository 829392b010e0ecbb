// What a facility reads of a placement request held on its units (RequestStatus.restricted):
// the reference, legal basis, state, the children (age, sex, needs) and its own hold — the
// broker sends nothing more, and this report shows nothing it did not send (no origin, no
// waiting time, no possible places). Pure functions; thread-safe.
#pragma once

#include <string>

#include "dispo/schemas/wire.h"

namespace dispo::cli {

// Several lines: id, state, child reference, basis, children and needs, the facility's hold.
std::string format_held_request(const wire::RequestStatusT& status);

// One line per request held on the facility's units.
std::string format_held_request_list(const wire::RequestListT& list);

}  // namespace dispo::cli
