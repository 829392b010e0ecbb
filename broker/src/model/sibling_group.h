// Sibling groups (issue #10): where each child of a placement request stands — waiting, held by
// one of the request's holds, or admitted — and the request's state that follows from it.
//
// A request holds as many places as it has children, in one unit or several; each hold covers
// some of the children (positions in criteria.children). The request is admitted once every
// child is; until then it is proposed while a hold is active, else open, and children_waiting
// counts the children not admitted yet. Pure functions on the request; event loop thread.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "workflow.h"

namespace dispo::broker {

// Gives every child of `request` its entry in `placements` when it has none (records written
// before issue #10): admitted → every child admitted at admitted_at; proposed with an active
// hold in `holds` → every child held by it; otherwise waiting. Also fixes children_waiting.
void ensure_placements(wire::PlacementRequestT& request, const Workflow::ById<wire::HoldT>& holds);

// Positions of the children that are waiting without a hold, in order.
std::vector<std::uint8_t> uncovered_children(const wire::PlacementRequestT& request);

// Positions of the children the hold covers: its own list, or (a hold made before issue #10)
// every child the request says it holds.
std::vector<std::uint8_t> children_of_hold(const wire::PlacementRequestT& request, const wire::HoldT& hold);

// Places a hold reserves: one per child covered (1 for a hold made before issue #10).
std::uint16_t places_of(const wire::HoldT& hold);

// "facility/unit" of every unit where children of the request are held or admitted, except
// `facility_id`/`unit_id`.
std::vector<std::string> other_units(const wire::PlacementRequestT& request, std::string_view facility_id,
                                     std::string_view unit_id);

// Children of the request held or admitted in that unit.
int children_in_unit(const wire::PlacementRequestT& request, std::string_view facility_id, std::string_view unit_id);

// Marks `children` as held by `hold`, as admitted (at `now_ms`) or as waiting again.
void mark_children(wire::PlacementRequestT& request, const std::vector<std::uint8_t>& children,
                   const wire::HoldT& hold, wire::ChildState state, std::int64_t now_ms);

// Derives state (open / proposed / admitted), hold_id, admitted_at and children_waiting from
// the placements of a pending request. Returns true when the request became admitted.
bool settle_request(wire::PlacementRequestT& request);

// Children of a pending request not admitted yet (every child of a record written before issue
// #10); 0 for an admitted or cancelled request.
std::uint32_t waiting_children(const wire::PlacementRequestT& request);

// Children admitted in `now` that were not in `before` (nullptr: a new request). A record
// written before issue #10 admits every child when it becomes admitted.
std::uint32_t newly_admitted_children(const wire::PlacementRequestT* before, const wire::PlacementRequestT& now);

// "enfant 2", "enfants 1 et 2", "enfants 1, 2 et 3" (1-based, for people).
std::string children_words(const std::vector<std::uint8_t>& children);

}  // namespace dispo::broker
