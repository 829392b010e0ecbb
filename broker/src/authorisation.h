// Authorisation: what each principal may ask (DESIGN.md §5, issue #4). The rules by role are in
// schemas/dispo.fbs (enum Role). A refusal is `forbidden` with a French message saying what was
// refused and why. Pure functions of the principal, the request and the index; thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "availability_index.h"
#include "dispo/schemas/result.h"

namespace dispo::broker {

// May `who` make `request` at all (its role, its revocation, the facility or territory named)?
Result<void> authorise(const wire::PrincipalT& who, const wire::Request& request,
                       const AvailabilityIndex& index);

// The départements whose facility-level data `who` may read; empty = every one (admin).
std::vector<std::string> readable_territories(const wire::PrincipalT& who);

// May `who` read facility-level data of `departement`?
bool reads_territory(const wire::PrincipalT& who, std::string_view departement);

// May `who` receive the feed of `territory` (a département, "admin" or "*" for liveness)?
bool receives_territory(const wire::PrincipalT& who, std::string_view territory);

}  // namespace dispo::broker
