// Suitability: whether one unit suits a search or a placement request and, if not, the one
// reason why. search() and the written record (placement_record.h) share these rules, so a unit
// that the record calls suitable is one that search would propose, and the other way round.
//
// The reasons are checked in this fixed order, the first that applies is the verdict:
//   facility:  not_authorised (authorisation or derogation expired at `today`),
//              kind (not a kind the query accepts), distance (beyond max_km from the near point);
//   unit:      emergency (emergency_only and the unit does not admit in 24 h),
//              specialisation (a need of the query is not offered),
//              age (no child of the group is in the unit's age range),
//              sex (children of the right age, none of a sex it admits),
//              specialisation again (children of the right age and sex, but none whose own
//                needs — Child.needs — the unit offers);
//              full (no place available now),
//              stale (available, but not confirmed within the freshness limit);
//   group:     siblings (judge_facility only: with keep_together, the facility's remaining units
//              cannot take the whole group together; otherwise, they place none of it).
// age and sex apply only to a query with children. Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "model/availability_index.h"
#include "group_placement.h"

namespace dispo::broker {

// A query, prepared once for a scan of the index.
struct SuitabilityCriteria {
  const wire::SearchQueryT* query = nullptr;
  std::string today;            // "YYYY-MM-DD", for derogation end dates
  std::int64_t now_ms = 0;      // staleness is judged at this moment
  std::int64_t stale_after_ms = 0;
  bool has_near = false;
  double near_lat = 0.0;
  double near_lon = 0.0;
  // Judge `instead_unit` with `instead_availability` rather than its own (the alert matcher
  // asks how a facility stood before a change).
  const UnitRecord* instead_unit = nullptr;
  const wire::AvailabilityT* instead_availability = nullptr;
};

// The availability the criteria judge `record` by (its own, or the override).
inline const wire::AvailabilityT& availability_of(const UnitRecord& record, const SuitabilityCriteria& criteria) {
  return &record == criteria.instead_unit ? *criteria.instead_availability : record.availability;
}

// `today` empty = the local date of now_ms.
SuitabilityCriteria make_suitability_criteria(const wire::SearchQueryT& query, std::int64_t now_ms,
                                              std::int64_t stale_after_ms, std::string today);

bool sex_admitted(wire::UnitSex unit, wire::ChildSex child);
// The unit offers every one of the child's own needs.
bool needs_offered(const wire::UnitT& unit, const wire::ChildT& child);
// Age, sex and the child's own needs.
bool child_fits(const wire::UnitT& unit, const wire::ChildT& child);
// Never confirmed, or confirmed more than stale_after_ms before now_ms.
bool is_stale(const wire::AvailabilityT& availability, std::int64_t now_ms, std::int64_t stale_after_ms);
// Children of one sibling group a unit takes together: its max_siblings (at least one child).
// The one rule for search, holds and alerts.
int siblings_together(const wire::UnitT& unit);
// Children of one group a unit can take now: its free places, at most siblings_together().
int group_capacity(const wire::UnitT& unit, int available);
// group_capacity() of a unit record (with its availability as the criteria see it).
int unit_capacity(const UnitRecord& record);
int unit_capacity(const UnitRecord& record, const SuitabilityCriteria& criteria);  // with availability_of

// The facility-level reason (not_authorised, kind, distance), or nothing. `distance_km` is the
// facility's distance from the near point (ignored without one).
std::optional<wire::RefusalReason> facility_refusal(const wire::FacilityT& facility,
                                                    const SuitabilityCriteria& criteria, double distance_km);

// The unit-level reason (emergency … stale), or nothing. `group` are indices into
// query->children; `admitted` receives bit i for each child group[i] the unit admits by age,
// sex and the child's own needs (0 with an empty group).
std::optional<wire::RefusalReason> unit_refusal(const UnitRecord& record, std::span<const int> group,
                                                const SuitabilityCriteria& criteria, ChildSet* admitted);

// One unit's verdict within its facility.
struct UnitVerdict {
  std::optional<wire::RefusalReason> refusal;  // nothing = suitable
  std::string detail;                          // French, for people ("0 place disponible sur 8")
  std::vector<int> children;                   // suitable: the children the facility would place here
};

// The verdict of each unit of `facility` (registration order) for the whole query: the facility
// and unit reasons above, then the group placement (GroupPlacement, as search does). With
// `whole_group` the facility must take every child together, otherwise at least one. Units
// that pass every check of a facility that places the group are suitable (those the placement
// uses list their children). `distance_km` as for facility_refusal.
std::vector<UnitVerdict> judge_facility(const FacilityRecord& facility, const SuitabilityCriteria& criteria,
                                        double distance_km, bool whole_group);

}  // namespace dispo::broker
