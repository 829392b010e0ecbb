#include "facility_report.h"

#include <sstream>

#include "french.h"
#include "time_arguments.h"

namespace dispo::cli {
namespace {

std::string admission_rules(const wire::UnitT& unit) {
  std::string text = (unit.age_min == unit.age_max ? years(unit.age_min)
                                                   : "de " + years(unit.age_min) + " à " + years(unit.age_max));
  text += ", " + unit_sex_label(unit.sex);
  text += unit.emergency ? ", accueil d'urgence (24 h)" : ", pas d'accueil d'urgence";
  text += unit.max_siblings > 1 ? ", fratrie jusqu'à " + std::to_string(unit.max_siblings) + " enfants"
                                : ", pas de fratrie";
  if (!unit.specialties.empty()) {
    text += ", spécialités : ";
    for (std::size_t i = 0; i < unit.specialties.size(); ++i) {
      text += (i ? ", " : "") + specialty_label(unit.specialties[i]);
    }
  }
  return text;
}

void print_counts(std::ostream& out, const wire::AvailabilityT& a, std::int64_t now_ms) {
  out << "    installées " << a.installed << " · occupées " << a.occupied << " · disponibles "
      << a.available << " · réservées " << a.reserved << " · fermées " << a.closed
      << " · libres sous 24 h " << a.free_24h << " · sous 72 h " << a.free_72h << "\n";
  if (a.confirmed_at <= 0) {
    out << "    ⚠ jamais confirmé\n";
  } else {
    out << "    confirmé " << since_ms(a.confirmed_at, now_ms)
        << (a.confirmed_by.empty() ? std::string() : " par " + a.confirmed_by) << "\n";
  }
}

}  // namespace

std::string format_facility(const wire::FacilityStateT& state, std::int64_t now_ms) {
  std::ostringstream out;
  if (!state.facility) return "Établissement sans description.\n";
  const auto& f = *state.facility;
  out << (f.name.empty() ? f.id : f.name) << " (" << f.id << ")\n";
  out << "  Type : " << kind_label(f.kind) << " · " << town_name(f.commune_insee) << " (département "
      << f.departement << ", INSEE " << f.commune_insee << ")\n";
  if (!f.address.empty()) out << "  Adresse : " << f.address << "\n";
  out << "  Position : " << decimal(f.lat, 4) << " ; " << decimal(f.lon, 4) << "\n";
  out << "  Tél. 24h/24 : " << (f.phone.empty() ? "non renseigné" : f.phone) << "\n";
  out << "  Autorisation : " << authorisation_label(f.authorisation, f.derogation_end) << "\n";

  std::uint64_t available = 0;
  std::uint64_t installed = 0;
  for (const auto& unit : state.units) {
    if (unit && unit->availability) {
      available += unit->availability->available;
      installed += unit->availability->installed;
    }
  }
  out << "\n" << count_of(state.units.size(), "unité", "unités") << " · "
      << count_of(available, "place disponible", "places disponibles") << " sur " << installed
      << " installées :\n";
  for (const auto& unit : state.units) {
    if (!unit || !unit->unit) continue;
    out << "\n  Unité " << unit_label(unit->unit->id, unit->unit->name) << " — " << admission_rules(*unit->unit)
        << "\n";
    if (unit->availability) {
      print_counts(out, *unit->availability, now_ms);
    } else {
      out << "    ⚠ aucune disponibilité publiée\n";
    }
    for (const auto& hold : state.holds) {
      if (!hold || hold->unit_id != unit->unit->id) continue;
      out << "    Réservée : " << hold->id << " pour la demande " << hold->request_id;
      if (hold->children.size() > 1) out << " (" << hold->children.size() << " places, une fratrie)";
      out << " par " << hold->created_by
          << ", jusqu'à " << format_moment(hold->expires_at) << "\n";
    }
  }
  return out.str();
}

}  // namespace dispo::cli
