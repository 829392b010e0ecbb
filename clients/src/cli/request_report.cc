#include "request_report.h"

#include "french.h"
#include "time_arguments.h"

namespace dispo::cli {

std::string refusal_reason_label(wire::RefusalReason reason) {
  switch (reason) {
    case wire::RefusalReason::full: return "complet";
    case wire::RefusalReason::stale: return "données périmées";
    case wire::RefusalReason::age: return "âge";
    case wire::RefusalReason::sex: return "sexe";
    case wire::RefusalReason::siblings: return "fratrie";
    case wire::RefusalReason::specialisation: return "spécialisation";
    case wire::RefusalReason::distance: return "distance";
    case wire::RefusalReason::kind: return "type d'établissement";
    case wire::RefusalReason::not_authorised: return "non autorisé";
    case wire::RefusalReason::emergency: return "pas d'accueil d'urgence";
    case wire::RefusalReason::territory: return "hors département";
    case wire::RefusalReason::behaviour: return "situation hors de ses possibilités";
    case wire::RefusalReason::other: return "autre";
  }
  return "?";
}

std::string hold_state_label(wire::HoldState state) {
  switch (state) {
    case wire::HoldState::active: return "active";
    case wire::HoldState::admitted: return "admission";
    case wire::HoldState::released: return "libérée";
    case wire::HoldState::expired: return "expirée";
    case wire::HoldState::declined: return "refusée par l'établissement";
  }
  return "?";
}

namespace {

std::string children_text(const wire::SearchQueryT& criteria) {
  std::string text;
  for (const auto& child : criteria.children) {
    if (!text.empty()) text += ", ";
    text += years(child->age);
    std::string details = child_sex_label(child->sex);
    for (auto need : child->needs) details += (details.empty() ? "" : ", ") + specialty_label(need);
    if (!details.empty()) text += " (" + details + ")";
  }
  return text.empty() ? "aucun enfant décrit" : text;
}

std::string hold_text(const wire::HoldT& hold) {
  return hold.id + " sur " + hold.facility_id + "/" + hold.unit_id + ", jusqu'à " + format_moment(hold.expires_at) +
         " (par " + hold.created_by + ")";
}

}  // namespace

std::string format_request_status(const wire::RequestStatusT& status) {
  if (!status.request) return "demande vide\n";
  const wire::PlacementRequestT& request = *status.request;
  std::string out = "Demande " + request.id + " — " + request_state_label(request.state) + "\n";
  out += "  Enfant (réf.)    " + request.child_ref + "\n";
  out += "  Origine          " + origin_label(request.origin) + " · " + legal_basis_label(request.legal_basis) + "\n";
  if (request.criteria) {
    const auto& criteria = *request.criteria;
    out += "  Enfants          " + children_text(criteria);
    if (criteria.children.size() > 1) out += request.keep_together ? " — ensemble" : " — séparation acceptée";
    out += "\n";
    std::string needs;
    for (auto need : criteria.needs) needs += (needs.empty() ? "" : ", ") + specialty_label(need);
    if (!needs.empty()) out += "  Besoins          " + needs + "\n";
    out += "  Département      " + criteria.departement;
    if (criteria.near_lat && criteria.near_lon) {
      out += " · près de " + decimal(*criteria.near_lat, 4) + " " + decimal(*criteria.near_lon, 4);
      if (criteria.max_km) out += " à " + decimal(*criteria.max_km, 0) + " km au plus";
    }
    out += "\n";
  }
  out += "  En attente       depuis " + format_moment(request.waiting_since) + " (" + format_wait(status.waiting_s) +
         ")" + (request.origin == wire::Origin::hospital ? " — sortie médicale possible" : "") + "\n";
  if (request.state == wire::RequestState::open || request.state == wire::RequestState::proposed) {
    out += "  Places possibles " +
           (status.matches == 0 ? std::string("aucune maintenant") : count_of(status.matches, "établissement", "établissements")) +
           "\n";
  }
  if (status.hold) out += "  Réservation      " + hold_text(*status.hold) + "\n";
  if (!request.admitted_at.empty()) out += "  Admis à          " + request.admitted_at + "\n";
  if (!request.cancel_reason.empty()) out += "  Motif            " + request.cancel_reason + "\n";
  for (const auto& refusal : request.refusals) {
    out += "  Refus            " + refusal->facility_id + "/" + refusal->unit_id + " : " +
           refusal_reason_label(refusal->reason) + (refusal->note.empty() ? "" : " (" + refusal->note + ")") + ", " +
           format_moment(refusal->at) + "\n";
  }
  out += "  Ouverte          " + format_moment(request.created_at) + " par " + request.created_by + "\n";
  return out;
}

std::string format_request_list(const wire::RequestListT& list) {
  if (list.requests.empty()) return "Aucune demande en cours.\n";
  std::string out = fit("Demande", 10) + " " + fit("État", 15) + " " + fit("Origine", 11) + " " + fit("Dépt", 5) + " " +
                    fit("Enfants", 24) + " " + fit("Attente", 10) + " Places\n";
  for (const auto& status : list.requests) {
    const auto& request = *status->request;
    out += fit(request.id, 10) + " " + fit(request_state_label(request.state), 15) + " " +
           fit(origin_label(request.origin), 11) + " " +
           fit(request.criteria ? request.criteria->departement : "", 5) + " " +
           fit(request.criteria ? children_text(*request.criteria) : "", 24) + " " + fit(format_wait(status->waiting_s), 10) +
           " " + std::to_string(status->matches) + "\n";
  }
  out += count_of(list.requests.size(), "demande", "demandes") + " (attente la plus longue en premier).\n";
  return out;
}

std::string format_hold_result(const wire::HoldResultT& result) {
  std::string out;
  if (result.hold) {
    const auto& hold = *result.hold;
    if (hold.state == wire::HoldState::active) {
      out += "Place réservée : " + hold_text(hold) + "\n";
    } else {
      out += "Réservation " + hold.id + " terminée : " + hold_state_label(hold.state) + "\n";
    }
  }
  if (result.availability) {
    const auto& a = *result.availability;
    out += "  Unité maintenant : " + std::to_string(a.available) + " disponible(s), " + std::to_string(a.reserved) +
           " réservée(s), " + std::to_string(a.occupied) + " occupée(s) sur " + std::to_string(a.installed) + "\n";
  }
  if (result.request) {
    out += "  Demande " + result.request->id + " : " + request_state_label(result.request->state) + "\n";
  }
  return out;
}

}  // namespace dispo::cli
