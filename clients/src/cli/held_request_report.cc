#include "held_request_report.h"

#include "french.h"
#include "request_report.h"
#include "time_arguments.h"

namespace dispo::cli {
namespace {

std::string children_of(const wire::SearchQueryT* criteria) {
  if (criteria == nullptr || criteria->children.empty()) return "aucun enfant décrit";
  std::string text;
  for (const auto& child : criteria->children) {
    if (!text.empty()) text += ", ";
    text += years(child->age);
    std::string details = child_sex_label(child->sex);
    for (auto need : child->needs) details += (details.empty() ? "" : ", ") + specialty_label(need);
    if (!details.empty()) text += " (" + details + ")";
  }
  return text;
}

}  // namespace

std::string format_held_request(const wire::RequestStatusT& status) {
  if (!status.request) return "demande vide\n";
  const wire::PlacementRequestT& request = *status.request;
  const wire::SearchQueryT* criteria = request.criteria.get();
  std::string out = "Demande " + request.id + " — " + request_state_label(request.state) +
                    " (vue de l'établissement : seulement ce qu'il faut pour admettre ou refuser)\n";
  out += "  Enfant (réf.)    " + request.child_ref + "\n";
  out += "  Base légale      " + legal_basis_label(request.legal_basis) + "\n";
  out += "  Enfants          " + children_of(criteria);
  if (criteria && criteria->children.size() > 1) out += request.keep_together ? " — ensemble" : " — séparation acceptée";
  out += "\n";
  std::string needs;
  if (criteria) {
    for (auto need : criteria->needs) needs += (needs.empty() ? "" : ", ") + specialty_label(need);
  }
  if (!needs.empty()) out += "  Besoins          " + needs + "\n";
  if (status.hold) {
    const wire::HoldT& hold = *status.hold;
    out += "  Votre réservation " + hold.id + " sur l'unité " + hold.unit_id + ", jusqu'à " +
           format_moment(hold.expires_at) + " : dispo admit " + hold.id + " ou dispo decline " + hold.id +
           " --reason …\n";
  }
  return out;
}

std::string format_held_request_list(const wire::RequestListT& list) {
  if (list.requests.empty()) return "Aucune demande pour laquelle une de vos places est réservée.\n";
  std::string out = fit("Demande", 10) + " " + fit("Réservation", 12) + " " + fit("Unité", 8) + " " +
                    fit("Base légale", 22) + " Enfants\n";
  for (const auto& status : list.requests) {
    if (!status->request) continue;
    const auto& request = *status->request;
    out += fit(request.id, 10) + " " + fit(status->hold ? status->hold->id : "", 12) + " " +
           fit(status->hold ? status->hold->unit_id : "", 8) + " " + fit(legal_basis_label(request.legal_basis), 22) +
           " " + children_of(request.criteria.get()) + "\n";
  }
  out += count_of(list.requests.size(), "demande", "demandes") + " avec une place réservée chez vous.\n";
  return out;
}

}  // namespace dispo::cli
