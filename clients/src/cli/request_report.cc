#include "request_report.h"

#include <algorithm>

#include "french.h"
#include "held_request_report.h"
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

std::string positions_text(const std::vector<std::uint8_t>& children) {
  std::string out = children.size() > 1 ? "enfants " : "enfant ";
  for (std::size_t i = 0; i < children.size(); ++i) {
    if (i > 0) out += i + 1 == children.size() ? " et " : ", ";
    out += std::to_string(children[i] + 1);
  }
  return out;
}

std::string hold_text(const wire::HoldT& hold) {
  std::string text = hold.id + " sur " + hold.facility_id + "/" + hold.unit_id;
  if (!hold.children.empty()) {
    text += " pour " + positions_text(hold.children) + " (" + count_of(hold.children.size(), "place", "places") + ")";
  }
  return text + ", jusqu'à " + format_moment(hold.expires_at) + " (par " + hold.created_by + ")";
}

std::string child_state_text(const wire::ChildPlacementT& placement) {
  switch (placement.state) {
    case wire::ChildState::waiting: return "en attente d'une place";
    case wire::ChildState::held:
      return "place réservée : " + placement.hold_id + " sur " + placement.facility_id + "/" + placement.unit_id;
    case wire::ChildState::admitted:
      return "admis à " + placement.facility_id + "/" + placement.unit_id +
             (placement.admitted_at > 0 ? " le " + format_moment(placement.admitted_at) : std::string()) +
             (placement.hold_id.empty() ? std::string() : " (" + placement.hold_id + ")");
  }
  return "?";
}

// One line per child of a group (or of a request with a hold or an admission): where it stands.
std::string children_lines(const wire::PlacementRequestT& request) {
  const std::size_t count = request.criteria ? request.criteria->children.size() : 0;
  if (request.placements.size() != count || count == 0) return {};
  const bool pending = request.state == wire::RequestState::open || request.state == wire::RequestState::proposed;
  std::string out;
  for (std::size_t i = 0; i < count; ++i) {
    const auto& placement = *request.placements[i];
    if (!pending && placement.state != wire::ChildState::admitted) continue;
    const std::string label = "Enfant " + std::to_string(i + 1) + " (" + years(request.criteria->children[i]->age) + ")";
    out += "  " + label + std::string(label.size() < 17 ? 17 - label.size() : 1, ' ') + child_state_text(placement) + "\n";
  }
  if (pending && count > 1) {
    out += "  Encore en attente " + count_of(request.children_waiting, "enfant", "enfants") + " sur " +
           std::to_string(count) + "\n";
  }
  for (const auto& split : request.splits) {
    out += "  Fratrie séparée  " + positions_text(split->children) + " vers " + split->facility_id + "/" +
           split->unit_id + ", décidé par " + split->by + " le " + format_moment(split->at) + " : " + split->reason +
           " (Code civil, art. 371-5)\n";
  }
  return out;
}

}  // namespace

std::string format_request_status(const wire::RequestStatusT& status) {
  if (!status.request) return "demande vide\n";
  if (status.restricted) return format_held_request(status);
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
  out += children_lines(request);
  if (!status.holds.empty()) {
    for (const auto& hold : status.holds) out += "  Réservation      " + hold_text(*hold) + "\n";
  } else if (status.hold) {
    out += "  Réservation      " + hold_text(*status.hold) + "\n";
  }
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
  if (list.requests.front()->restricted) return format_held_request_list(list);
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
      out += "Réservation " + hold.id + " terminée : " + wire::hold_state_label(hold.state) + "\n";
    }
  }
  if (result.availability) {
    const auto& a = *result.availability;
    out += "  Unité maintenant : " + std::to_string(a.available) + " disponible(s), " + std::to_string(a.reserved) +
           " réservée(s), " + std::to_string(a.occupied) + " occupée(s) sur " + std::to_string(a.installed) + "\n";
  }
  if (result.request) {
    const auto& request = *result.request;
    out += "  Demande " + request.id + " : " + request_state_label(request.state);
    const std::size_t count = request.criteria ? request.criteria->children.size() : 0;
    if ((request.state == wire::RequestState::open || request.state == wire::RequestState::proposed) &&
        request.placements.size() == count && count > 1) {
      out += " — " + (request.children_waiting == 1 ? std::string("1 enfant attend encore son admission")
                                                   : std::to_string(request.children_waiting) +
                                                         " enfants attendent encore leur admission");
      const auto uncovered = std::count_if(request.placements.begin(), request.placements.end(),
                                           [](const auto& p) { return p->state == wire::ChildState::waiting; });
      if (uncovered > 0) out += " (" + count_of(uncovered, "sans réservation", "sans réservation") + ")";
    }
    out += "\n";
  }
  return out;
}

}  // namespace dispo::cli
