// Authorisation: what each principal may ask (DESIGN.md §5, issue #4). The rules by role are in
// schemas/dispo.fbs (enum Role). A refusal is `forbidden` with a French message saying what was
// refused and the real reason: the role when the role may never do it, the territory only when
// the role could in its own territory, the request's nature when the role reads only some
// requests. Pure functions of the principal, the request, the index and the workflow; thread-safe
// while they are not modified.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "availability_index.h"
#include "dispo/schemas/result.h"
#include "workflow.h"

namespace dispo::broker {

// May `who` make `request` at all (its role, its revocation, the facility, territory, request
// or hold named)? Unknown ids pass here: the request itself then says they are unknown.
Result<void> authorise(const wire::PrincipalT& who, const wire::Request& request,
                       const AvailabilityIndex& index, const Workflow& workflow);

// May `who` see (and follow) this placement request in full? On-call and admin: in their
// territory; a hospital: only the requests it opened; a judge: the court-ordered requests
// (capacity.h is_court_ordered: origin court, OPP, judgment art. 375) of its territory.
bool sees_request(const wire::PrincipalT& who, const wire::PlacementRequestT& request);

// Does a facility principal `who` hold a place for request `request_id` (an active hold on a
// unit of one of its facilities)? It then reads the request's restricted view (request_views.h).
bool holds_place_for(const wire::PrincipalT& who, const Workflow& workflow, std::string_view request_id);

// May `who` read aggregates (capacity, export) of `departement` (empty = every one it may)?
bool reads_aggregates(const wire::PrincipalT& who, std::string_view departement);

// The départements whose facility-level data `who` may read; empty = every one (admin).
std::vector<std::string> readable_territories(const wire::PrincipalT& who);

// May `who` read facility-level data of `departement`?
bool reads_territory(const wire::PrincipalT& who, std::string_view departement);

// May `who` receive the feed of `territory` (a département, "requests:<département>", "admin"
// or "*" for liveness)?
bool receives_territory(const wire::PrincipalT& who, std::string_view territory);

}  // namespace dispo::broker
