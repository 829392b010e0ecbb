#include "report_labels.h"

namespace dispo::cli {

std::string origin_label(wire::Origin origin) {
  switch (origin) {
    case wire::Origin::on_call: return "astreinte";
    case wire::Origin::hospital: return "hôpital";
    case wire::Origin::court: return "juge des enfants";
    case wire::Origin::ase_service: return "service de l'ASE";
  }
  return wire::EnumNameOrigin(origin);
}

std::string legal_basis_label(wire::LegalBasis basis) {
  switch (basis) {
    case wire::LegalBasis::opp: return "OPP (ordonnance de placement provisoire)";
    case wire::LegalBasis::judgment_375: return "jugement (art. 375 du code civil)";
    case wire::LegalBasis::administrative: return "accueil administratif";
    case wire::LegalBasis::reception_72h: return "accueil 72 h";
    case wire::LegalBasis::mna_shelter: return "mise à l'abri MNA";
  }
  return wire::EnumNameLegalBasis(basis);
}

std::string request_state_label(wire::RequestState state) {
  switch (state) {
    case wire::RequestState::open: return "ouverte (en attente)";
    case wire::RequestState::proposed: return "place proposée (réservée)";
    case wire::RequestState::admitted: return "admise";
    case wire::RequestState::cancelled: return "annulée";
  }
  return wire::EnumNameRequestState(state);
}

std::string refusal_label(wire::RefusalReason reason) {
  using R = wire::RefusalReason;
  switch (reason) {
    case R::full: return "complet";
    case R::stale: return "données périmées";
    case R::age: return "âge";
    case R::sex: return "sexe";
    case R::siblings: return "fratrie";
    case R::specialisation: return "spécialisation";
    case R::distance: return "distance";
    case R::kind: return "type d'établissement";
    case R::not_authorised: return "non autorisé";
    case R::emergency: return "pas d'accueil d'urgence";
    case R::territory: return "hors département";
    case R::behaviour: return "situation hors de portée de l'établissement";
    case R::other: return "autre motif";
  }
  return wire::EnumNameRefusalReason(reason);
}

}  // namespace dispo::cli
