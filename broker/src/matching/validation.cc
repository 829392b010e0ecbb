#include "validation.h"

#include "dispo/schemas/calendar.h"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <set>

#include "dispo/schemas/clock.h"
#include "dispo/schemas/placement_law.h"
#include "dispo/schemas/text_rules.h"

namespace dispo::broker {
namespace {

constexpr std::size_t kMaxIdLength = 64;
constexpr int kMaxAge = wire::kMaxChildAge;
const std::string kLaw(wire::kPlacementLaw);

Error invalid(std::string message) { return make_error(wire::Status::invalid, std::move(message)); }


bool valid_id(std::string_view id) {
  if (id.empty() || id.size() > kMaxIdLength) return false;
  for (char c : id) {
    if (static_cast<unsigned char>(c) < 0x20) return false;
  }
  return true;
}

Result<void> check_authorisation(const wire::FacilityT& facility, std::string_view today) {
  using wire::Authorisation;
  const std::string who = "établissement " + facility.id;
  switch (facility.authorisation) {
    case Authorisation::autorise:
      return {};
    case Authorisation::derogatoire: {
      auto end = wire::parse_iso_date(facility.derogation_end);
      if (!end) {
        return make_error(wire::Status::unauthorised_place,
                          who + " : une dérogation doit porter une date de fin AAAA-MM-JJ valide (" +
                              kLaw + " sauf dérogation d'urgence de deux mois au plus)");
      }
      if (facility.derogation_end < today) {
        return make_error(wire::Status::unauthorised_place,
                          who + " : la dérogation a pris fin le " + facility.derogation_end + " (" +
                              kLaw + ")");
      }
      const std::string limit = derogation_limit(today);
      if (facility.derogation_end > limit) {
        return make_error(wire::Status::unauthorised_place,
                          who + " : une dérogation ne peut excéder deux mois (fin au plus tard le " +
                              limit + ", " + kLaw + ")");
      }
      return {};
    }
    case Authorisation::hotel:
    case Authorisation::gite:
    case Authorisation::location:
    case Authorisation::non_autorise:
      return make_error(wire::Status::unauthorised_place,
                        who + " refusé (" + wire::EnumNameAuthorisation(facility.authorisation) +
                            ") — " + kLaw);
  }
  return make_error(wire::Status::unauthorised_place,
                    who + " : autorisation inconnue — " + std::string(kLaw));
}

Result<void> check_unit(const wire::FacilityT& facility, const wire::UnitT& unit) {
  const std::string who = "unité " + unit.id + " de l'établissement " + facility.id;
  if (!valid_id(unit.id)) return invalid("établissement " + facility.id + " : identifiant d'unité vide ou invalide");
  if (unit.age_min > kMaxAge || unit.age_max > kMaxAge) {
    return invalid(who + " : les âges doivent être compris entre 0 et " + std::to_string(kMaxAge) + " ans");
  }
  if (unit.age_min > unit.age_max) {
    return invalid(who + " : âge minimum (" + std::to_string(unit.age_min) +
                   ") supérieur à l'âge maximum (" + std::to_string(unit.age_max) + ")");
  }
  if (unit.installed == 0) return invalid(who + " : la capacité installée doit être d'au moins 1");
  if (unit.max_siblings == 0) return invalid(who + " : la taille de fratrie maximale doit être d'au moins 1");
  if (wire::EnumNameUnitSex(unit.sex)[0] == '\0') return invalid(who + " : sexe inconnu");
  for (auto specialty : unit.specialties) {
    if (wire::EnumNameSpecialty(specialty)[0] == '\0') return invalid(who + " : spécialité inconnue");
  }
  return {};
}

}  // namespace

std::string local_date(std::int64_t unix_ms) {
  return wire::format_time(unix_ms, "%Y-%m-%d", wire::TimeZone::local);
}

Result<void> check_past_moment(std::int64_t at_ms, std::int64_t now_ms) {
  if (at_ms < 0) return invalid("l'instant demandé est avant 1970 : rien n'était enregistré");
  if (at_ms > now_ms) return invalid("l'instant demandé est dans le futur");
  return {};
}


bool is_authorised(const wire::FacilityT& facility, std::string_view today) {
  return facility.authorisation == wire::Authorisation::autorise ||
         (facility.authorisation == wire::Authorisation::derogatoire &&
          wire::parse_iso_date(facility.derogation_end).has_value() && facility.derogation_end >= today);
}

Result<void> check_facility(const wire::FacilityT& facility, std::string_view today) {
  if (!valid_id(facility.id)) return invalid("identifiant d'établissement vide ou invalide");
  const std::string who = "établissement " + facility.id;
  if (facility.name.empty()) return invalid(who + " : nom manquant");
  if (facility.departement.empty()) return invalid(who + " : département manquant");
  if (facility.phone.empty()) return invalid(who + " : numéro de téléphone 24 h/24 manquant");
  if (wire::EnumNameFacilityKind(facility.kind)[0] == '\0') return invalid(who + " : type d'établissement inconnu");
  if (auto point = wire::check_point("lat, lon", facility.lat, facility.lon); !point) {
    return invalid(who + " : " + point.error().message);
  }
  if (auto authorised = check_authorisation(facility, today); !authorised) return authorised;
  if (facility.units.empty()) return invalid(who + " : aucune unité déclarée");
  std::set<std::string_view> ids;
  for (const auto& unit : facility.units) {
    if (auto checked = check_unit(facility, *unit); !checked) return checked;
    if (!ids.insert(unit->id).second) return invalid(who + " : unité " + unit->id + " déclarée deux fois");
  }
  return {};
}

Result<void> check_query(const wire::SearchQuery& query) {
  constexpr std::size_t kMaxChildren = 16;
  if (query.children() != nullptr) {
    if (query.children()->size() > kMaxChildren) {
      return invalid("recherche limitée à " + std::to_string(kMaxChildren) + " enfants d'une même fratrie");
    }
    for (const auto* child : *query.children()) {
      if (child->age() > kMaxAge) return invalid("âge d'enfant hors de 0 à " + std::to_string(kMaxAge) + " ans");
    }
  }
  if (query.near_lat().has_value() != query.near_lon().has_value()) {
    return invalid("point de recherche incomplet : latitude et longitude vont ensemble");
  }
  if (query.near_lat()) {
    if (auto point = wire::check_point("near_lat, near_lon", *query.near_lat(), *query.near_lon()); !point) {
      return invalid("point de recherche : " + point.error().message);
    }
  }
  if (query.max_km() && !query.near_lat()) {
    return invalid("une distance maximale demande un point de recherche (--near)");
  }
  if (query.max_km() && !(*query.max_km() > 0 && std::isfinite(*query.max_km()))) {
    return invalid("la distance maximale doit être un nombre positif fini");
  }
  return {};
}

Result<wire::AvailabilityT> merge_update(const FacilityRecord& facility, const UnitRecord& unit,
                                         const wire::AvailabilityUpdate& update) {
  wire::AvailabilityT next = unit.availability;
  next.installed = unit.unit.installed;
  if (update.occupied()) next.occupied = *update.occupied();
  if (update.available()) next.available = *update.available();
  if (update.reserved()) next.reserved = *update.reserved();
  if (update.closed()) next.closed = *update.closed();
  if (update.free_24h()) next.free_24h = *update.free_24h();
  if (update.free_72h()) next.free_72h = *update.free_72h();
  const unsigned total = unsigned{next.available} + next.occupied + next.reserved + next.closed;
  if (total > next.installed) {
    return make_error(wire::Status::inconsistent_counts,
                      "unité " + unit.unit.id + " de l'établissement " + facility.facility.id +
                          " : disponibles (" + std::to_string(next.available) + ") + occupées (" +
                          std::to_string(next.occupied) + ") + réservées (" +
                          std::to_string(next.reserved) + ") + fermées (" +
                          std::to_string(next.closed) + ") = " + std::to_string(total) +
                          " dépasse la capacité installée (" + std::to_string(next.installed) + ")");
  }
  return next;
}

}  // namespace dispo::broker
