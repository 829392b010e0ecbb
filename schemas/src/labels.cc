#include "dispo/schemas/labels.h"

namespace dispo::wire {

std::string origin_label(Origin origin) {
  switch (origin) {
    case Origin::on_call: return "astreinte";
    case Origin::hospital: return "hôpital";
    case Origin::court: return "tribunal";
    case Origin::ase_service: return "service ASE";
  }
  return "?";
}

std::string legal_basis_label(LegalBasis basis) {
  switch (basis) {
    case LegalBasis::opp: return "OPP";
    case LegalBasis::judgment_375: return "jugement (art. 375)";
    case LegalBasis::administrative: return "accueil administratif";
    case LegalBasis::reception_72h: return "accueil 72 h";
    case LegalBasis::mna_shelter: return "mise à l'abri MNA";
  }
  return "?";
}

std::string request_state_label(RequestState state) {
  switch (state) {
    case RequestState::open: return "ouverte";
    case RequestState::proposed: return "place proposée";
    case RequestState::admitted: return "admise";
    case RequestState::cancelled: return "annulée";
  }
  return "?";
}

std::string request_state_explained(RequestState state) {
  switch (state) {
    case RequestState::open: return "ouverte, en attente d'une place";
    case RequestState::proposed: return "proposée (une place est réservée)";
    case RequestState::admitted: return "admise (enfants accueillis)";
    case RequestState::cancelled: return "annulée";
  }
  return "dans un état inconnu";
}

std::string hold_state_label(HoldState state) {
  switch (state) {
    case HoldState::active: return "active";
    case HoldState::admitted: return "admission";
    case HoldState::released: return "libérée";
    case HoldState::expired: return "expirée";
    case HoldState::declined: return "refusée par l'établissement";
  }
  return "?";
}

}  // namespace dispo::wire
