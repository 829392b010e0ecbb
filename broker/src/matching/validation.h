// Validation of what publishers send, before anything is applied (DESIGN.md §5, guarantee 5).
// Messages are in French: dispo-publish shows them to facility staff as they are.
// Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "model/availability_index.h"
#include "dispo/schemas/placement_law.h"
#include "dispo/schemas/result.h"

namespace dispo::broker {

// The broker's local date at `unix_ms`, "YYYY-MM-DD": a département's broker runs in its own
// time zone (TZ=Europe/Paris, Indian/Reunion, ...), so a derogation ends at its local midnight.
// A moment the calendar cannot express (beyond year 9999 or before year 0) gives "".
std::string local_date(std::int64_t unix_ms);

// Checks a past moment a client asks about (capacity --at, record --at): not before 1970, not
// after `now_ms`; the refusal says which.
Result<void> check_past_moment(std::int64_t at_ms, std::int64_t now_ms);

// The last date a derogation starting `today` may run to (dispo/schemas/placement_law.h).
using wire::derogation_limit;

// Checks one facility of a registration: identity, authorisation (refuses hotels, gîtes,
// rentals, unauthorised places and derogations that are expired or longer than two months),
// coordinates, and each unit (ages 0–21, installed ≥ 1, unique ids, known enum values).
Result<void> check_facility(const wire::FacilityT& facility, std::string_view today);

// True when the facility may be proposed today (autorise, or derogatoire not yet expired).
bool is_authorised(const wire::FacilityT& facility, std::string_view today);

// Checks a search query: ages 0–21, at most 16 children, a point given whole and finite, a
// finite positive radius only with a point.
Result<void> check_query(const wire::SearchQuery& query);

// Applies `update` on top of the unit's current availability; refuses inconsistent counts
// (available + occupied + reserved + closed > installed) with a message naming the unit.
Result<wire::AvailabilityT> merge_update(const FacilityRecord& facility, const UnitRecord& unit,
                                         const wire::AvailabilityUpdate& update);

}  // namespace dispo::broker
