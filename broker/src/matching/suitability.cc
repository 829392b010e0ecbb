#include "suitability.h"

#include <algorithm>
#include <cstdio>

#include "validation.h"

namespace dispo::broker {
namespace {

template <typename T>
bool contains(const std::vector<T>& values, T value) {
  return std::find(values.begin(), values.end(), value) != values.end();
}

std::string one_decimal(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1f", value);
  std::string out = text;
  std::replace(out.begin(), out.end(), '.', ',');
  return out;
}

std::string ages_of(const wire::SearchQueryT& query) {
  std::string out;
  for (std::size_t i = 0; i < query.children.size(); ++i) {
    if (!query.children[i]) continue;
    if (!out.empty()) out += i + 1 == query.children.size() ? " et " : ", ";
    out += std::to_string(query.children[i]->age);
  }
  return out;
}

std::string hours(std::int64_t ms) {
  const std::int64_t h = ms / 3'600'000;
  if (h >= 1) return std::to_string(h) + " h";
  return std::to_string(ms / 60'000) + " min";
}

std::string describe(wire::RefusalReason reason, const FacilityRecord& facility, const UnitRecord& unit,
                     const SuitabilityCriteria& criteria, double distance_km) {
  const wire::SearchQueryT& query = *criteria.query;
  const wire::AvailabilityT& a = unit.availability;
  switch (reason) {
    case wire::RefusalReason::not_authorised:
      if (facility.facility.authorisation == wire::Authorisation::derogatoire) {
        return "dérogation expirée (fin " + facility.facility.derogation_end + ")";
      }
      return "établissement non autorisé";
    case wire::RefusalReason::kind:
      return std::string("type « ") + wire::EnumNameFacilityKind(facility.facility.kind) + " » non demandé";
    case wire::RefusalReason::distance:
      return "à " + one_decimal(distance_km) + " km (maximum " + one_decimal(query.max_km.value_or(0)) + " km)";
    case wire::RefusalReason::emergency:
      return "n'accueille pas en urgence";
    case wire::RefusalReason::specialisation: {
      std::string missing;
      std::vector<wire::Specialty> named;
      const auto note = [&](wire::Specialty need) {
        if (contains(unit.unit.specialties, need) || contains(named, need)) return;
        named.push_back(need);
        missing += (missing.empty() ? "" : ", ") + std::string(wire::EnumNameSpecialty(need));
      };
      for (wire::Specialty need : query.needs) note(need);
      for (const auto& child : query.children) {  // the children's own needs
        if (child) for (wire::Specialty need : child->needs) note(need);
      }
      return "spécialisation absente : " + missing;
    }
    case wire::RefusalReason::age:
      return "accueille de " + std::to_string(unit.unit.age_min) + " à " + std::to_string(unit.unit.age_max) +
             " ans ; enfant(s) de " + ages_of(query) + " ans";
    case wire::RefusalReason::sex:
      return std::string("unité « ") + wire::EnumNameUnitSex(unit.unit.sex) + " » seulement";
    case wire::RefusalReason::full:
      return "0 place disponible sur " + std::to_string(a.installed) + " (occupées " + std::to_string(a.occupied) +
             ", réservées " + std::to_string(a.reserved) + ", fermées " + std::to_string(a.closed) + ")";
    case wire::RefusalReason::stale:
      if (a.confirmed_at == 0) return std::to_string(a.available) + " place(s) annoncée(s), jamais confirmée(s)";
      return std::to_string(a.available) + " place(s) annoncée(s), confirmée(s) il y a " +
             hours(criteria.now_ms - a.confirmed_at) + " (limite " + hours(criteria.stale_after_ms) + ")";
    default:
      return {};
  }
}

}  // namespace

SuitabilityCriteria make_suitability_criteria(const wire::SearchQueryT& query, std::int64_t now_ms,
                                              std::int64_t stale_after_ms, std::string today) {
  SuitabilityCriteria criteria;
  criteria.query = &query;
  criteria.today = today.empty() ? local_date(now_ms) : std::move(today);
  criteria.now_ms = now_ms;
  criteria.stale_after_ms = stale_after_ms;
  criteria.has_near = query.near_lat.has_value() && query.near_lon.has_value();
  if (criteria.has_near) {
    criteria.near_lat = *query.near_lat;
    criteria.near_lon = *query.near_lon;
  }
  return criteria;
}

bool sex_admitted(wire::UnitSex unit, wire::ChildSex child) {
  switch (unit) {
    case wire::UnitSex::mixte:
      return true;
    case wire::UnitSex::filles:
      return child == wire::ChildSex::fille || child == wire::ChildSex::non_precise;
    case wire::UnitSex::garcons:
      return child == wire::ChildSex::garcon || child == wire::ChildSex::non_precise;
    default:
      return false;
  }
}

bool needs_offered(const wire::UnitT& unit, const wire::ChildT& child) {
  return std::all_of(child.needs.begin(), child.needs.end(),
                     [&](wire::Specialty need) { return contains(unit.specialties, need); });
}

bool child_fits(const wire::UnitT& unit, const wire::ChildT& child) {
  return unit.age_min <= child.age && child.age <= unit.age_max && sex_admitted(unit.sex, child.sex) &&
         needs_offered(unit, child);
}

bool is_stale(const wire::AvailabilityT& availability, std::int64_t now_ms, std::int64_t stale_after_ms) {
  return wire::is_stale(availability.confirmed_at, now_ms, stale_after_ms);
}

int siblings_together(const wire::UnitT& unit) { return std::max<int>(1, unit.max_siblings); }

int group_capacity(const wire::UnitT& unit, int available) { return std::min<int>(available, siblings_together(unit)); }

int unit_capacity(const UnitRecord& record) { return group_capacity(record.unit, record.availability.available); }

int unit_capacity(const UnitRecord& record, const SuitabilityCriteria& criteria) {
  return group_capacity(record.unit, availability_of(record, criteria).available);
}

std::optional<wire::RefusalReason> facility_refusal(const wire::FacilityT& facility,
                                                    const SuitabilityCriteria& criteria, double distance_km) {
  const wire::SearchQueryT& query = *criteria.query;
  if (!is_authorised(facility, criteria.today)) return wire::RefusalReason::not_authorised;
  if (!query.kinds.empty() && !contains(query.kinds, facility.kind)) return wire::RefusalReason::kind;
  if (criteria.has_near && query.max_km.has_value() && distance_km > *query.max_km) {
    return wire::RefusalReason::distance;
  }
  return std::nullopt;
}

std::optional<wire::RefusalReason> unit_refusal(const UnitRecord& record, std::span<const int> group,
                                                const SuitabilityCriteria& criteria, ChildSet* admitted) {
  const wire::SearchQueryT& query = *criteria.query;
  if (admitted) *admitted = 0;
  if (query.emergency_only && !record.unit.emergency) return wire::RefusalReason::emergency;
  for (wire::Specialty need : query.needs) {
    if (!contains(record.unit.specialties, need)) return wire::RefusalReason::specialisation;
  }
  if (!group.empty()) {
    bool any_age = false;
    bool any_sex = false;
    ChildSet fits = 0;
    for (std::size_t i = 0; i < group.size(); ++i) {
      const auto& child = query.children[group[i]];
      if (!child || child->age < record.unit.age_min || child->age > record.unit.age_max) continue;
      any_age = true;
      if (!sex_admitted(record.unit.sex, child->sex)) continue;
      any_sex = true;
      if (needs_offered(record.unit, *child)) fits |= ChildSet{1} << i;
    }
    if (!any_age) return wire::RefusalReason::age;
    if (!any_sex) return wire::RefusalReason::sex;
    if (fits == 0) return wire::RefusalReason::specialisation;  // a child's own needs
    if (admitted) *admitted = fits;
  }
  const wire::AvailabilityT& availability = availability_of(record, criteria);
  if (availability.available == 0) return wire::RefusalReason::full;
  if (is_stale(availability, criteria.now_ms, criteria.stale_after_ms)) return wire::RefusalReason::stale;
  return std::nullopt;
}

std::vector<UnitVerdict> judge_facility(const FacilityRecord& facility, const SuitabilityCriteria& criteria,
                                        double distance_km, bool whole_group) {
  const wire::SearchQueryT& query = *criteria.query;
  std::vector<UnitVerdict> verdicts(facility.units.size());
  if (auto refusal = facility_refusal(facility.facility, criteria, distance_km)) {
    for (std::size_t i = 0; i < facility.units.size(); ++i) {
      verdicts[i].refusal = refusal;
      verdicts[i].detail = describe(*refusal, facility, facility.units[i], criteria, distance_km);
    }
    return verdicts;
  }
  const auto size = std::min<std::size_t>(query.children.size(), kMaxGroupChildren);
  std::vector<int> group(size);
  for (std::size_t i = 0; i < size; ++i) group[i] = static_cast<int>(i);

  std::vector<UnitOption> options;
  std::vector<std::size_t> option_units;
  for (std::size_t i = 0; i < facility.units.size(); ++i) {
    const UnitRecord& unit = facility.units[i];
    ChildSet admitted = 0;
    if (auto refusal = unit_refusal(unit, group, criteria, &admitted)) {
      verdicts[i].refusal = refusal;
      verdicts[i].detail = describe(*refusal, facility, unit, criteria, distance_km);
      continue;
    }
    options.push_back({unit_capacity(unit), admitted, unit.availability.confirmed_at});
    option_units.push_back(i);
  }
  if (options.empty() || group.empty()) return verdicts;

  std::vector<int> assignment(group.size(), kUnplaced);
  GroupPlacement placement;
  const int placed = placement.place(options, static_cast<int>(group.size()), assignment);
  const bool suits = whole_group ? static_cast<std::size_t>(placed) == query.children.size() : placed > 0;
  for (std::size_t option = 0; option < options.size(); ++option) {
    UnitVerdict& verdict = verdicts[option_units[option]];
    if (!suits) {
      verdict.refusal = wire::RefusalReason::siblings;
      verdict.detail = whole_group ? "l'établissement ne peut accueillir ensemble que " + std::to_string(placed) +
                                         " des " + std::to_string(query.children.size()) + " enfants"
                                   : "n'accueille aucun des enfants";
      continue;
    }
    for (std::size_t child = 0; child < group.size(); ++child) {
      if (assignment[child] == static_cast<int>(option)) verdict.children.push_back(group[child]);
    }
  }
  return verdicts;
}

}  // namespace dispo::broker
