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

#include "model/availability_index.h"
#include "dispo/schemas/result.h"
#include "model/workflow.h"

namespace dispo::broker {

// The rules of who may send which request, one per kind of request (the request table,
// request_table.h, says which rule guards which type; `authorise` there applies them). Each
// answers for a principal that is not revoked and is not the gateway acting as itself. Unknown
// ids pass: the request itself then says they are unknown.
using AuthorisationRule = Result<void> (*)(const wire::PrincipalT& who, const wire::Request& request,
                                           const AvailabilityIndex& index, const Workflow& workflow);
namespace rules {
Result<void> admin_only(const wire::PrincipalT&, const wire::Request&, const AvailabilityIndex&, const Workflow&);
Result<void> publish_update(const wire::PrincipalT&, const wire::Request&, const AvailabilityIndex&, const Workflow&);
Result<void> publish_confirmation(const wire::PrincipalT&, const wire::Request&, const AvailabilityIndex&,
                                  const Workflow&);
Result<void> read_search(const wire::PrincipalT&, const wire::Request&, const AvailabilityIndex&, const Workflow&);
Result<void> read_snapshot(const wire::PrincipalT&, const wire::Request&, const AvailabilityIndex&, const Workflow&);
Result<void> read_facility(const wire::PrincipalT&, const wire::Request&, const AvailabilityIndex&, const Workflow&);
Result<void> open_request(const wire::PrincipalT&, const wire::Request&, const AvailabilityIndex&, const Workflow&);
Result<void> update_request(const wire::PrincipalT&, const wire::Request&, const AvailabilityIndex&, const Workflow&);
Result<void> cancel_request(const wire::PrincipalT&, const wire::Request&, const AvailabilityIndex&, const Workflow&);
Result<void> read_requests(const wire::PrincipalT&, const wire::Request&, const AvailabilityIndex&, const Workflow&);
Result<void> read_record(const wire::PrincipalT&, const wire::Request&, const AvailabilityIndex&, const Workflow&);
Result<void> place_hold(const wire::PrincipalT&, const wire::Request&, const AvailabilityIndex&, const Workflow&);
Result<void> end_hold(const wire::PrincipalT&, const wire::Request&, const AvailabilityIndex&, const Workflow&);
Result<void> subscribe(const wire::PrincipalT&, const wire::Request&, const AvailabilityIndex&, const Workflow&);
Result<void> read_capacity(const wire::PrincipalT&, const wire::Request&, const AvailabilityIndex&, const Workflow&);
Result<void> read_export(const wire::PrincipalT&, const wire::Request&, const AvailabilityIndex&, const Workflow&);
Result<void> check_password(const wire::PrincipalT&, const wire::Request&, const AvailabilityIndex&, const Workflow&);
Result<void> own_subscriptions_and_alerts(const wire::PrincipalT&, const wire::Request&, const AvailabilityIndex&,
                                          const Workflow&);
}  // namespace rules

// The refusals every request meets before its rule: a revoked key; the gateway as itself asking
// what it may not (`allowed` false); a type the broker does not know.
Result<void> refuse_revoked(const wire::PrincipalT& who);
Result<void> authorise_gateway_itself(const wire::PrincipalT& who, bool allowed);
Result<void> refuse_unknown_type(const wire::PrincipalT& who, wire::RequestBody type);

// May `who` see (and follow) this placement request in full? On-call and admin: in their
// territory; a hospital: only the requests it opened; a judge: the court-ordered requests
// (workflow.h is_court_ordered: origin court, OPP, judgment art. 375) of its territory.
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
