#include "authorisation.h"

#include <algorithm>

#include "principals.h"

namespace dispo::broker {
namespace {

bool contains(const std::vector<std::string>& values, std::string_view value) {
  return std::find(values.begin(), values.end(), value) != values.end();
}

bool reads_facility_data(wire::Role role) {
  return role == wire::Role::on_call || role == wire::Role::hospital || role == wire::Role::admin;
}

Error forbidden(const wire::PrincipalT& who, const std::string& what) {
  return make_error(wire::Status::forbidden, "refusé à « " + who.name + " » (" + role_name(who.role) +
                                                 ") : " + what);
}

std::string_view text(const flatbuffers::String* value) {
  return value == nullptr ? std::string_view() : value->string_view();
}

Result<void> may_publish_for(const wire::PrincipalT& who, std::string_view facility_id) {
  if (who.role == wire::Role::admin) return {};
  if (who.role == wire::Role::facility && contains(who.facilities, facility_id)) return {};
  return forbidden(who, "ne peut pas publier pour l'établissement " + std::string(facility_id));
}

Result<void> may_read(const wire::PrincipalT& who, std::string_view departement, const char* what) {
  if (!reads_facility_data(who.role)) {
    return forbidden(who, std::string(what) + " réservé(e) aux astreintes, hôpitaux et administrateurs" +
                              (who.role == wire::Role::judge || who.role == wire::Role::observatory
                                   ? " ; ce rôle n'a accès qu'aux agrégats"
                                   : ""));
  }
  if (!departement.empty() && !reads_territory(who, departement)) {
    return forbidden(who, "le département " + std::string(departement) + " n'est pas dans son territoire");
  }
  return {};
}

}  // namespace

std::vector<std::string> readable_territories(const wire::PrincipalT& who) {
  if (who.role == wire::Role::admin) return {};
  return who.departements;
}

bool reads_territory(const wire::PrincipalT& who, std::string_view departement) {
  if (who.role == wire::Role::admin) return true;
  return reads_facility_data(who.role) && contains(who.departements, departement);
}

bool receives_territory(const wire::PrincipalT& who, std::string_view territory) {
  if (who.revoked) return false;
  if (who.role == wire::Role::admin) return true;
  if (territory == "*") return reads_facility_data(who.role);
  return territory != "admin" && reads_territory(who, territory);
}

Result<void> authorise(const wire::PrincipalT& who, const wire::Request& request,
                       const AvailabilityIndex& index) {
  if (who.revoked) return forbidden(who, "cette clé a été révoquée");
  switch (request.body_type()) {
    case wire::RequestBody::AvailabilityUpdate:
      return may_publish_for(who, text(request.body_as_AvailabilityUpdate()->facility_id()));
    case wire::RequestBody::Confirmation:
      return may_publish_for(who, text(request.body_as_Confirmation()->facility_id()));
    case wire::RequestBody::SearchQuery:
      return may_read(who, text(request.body_as_SearchQuery()->departement()), "la recherche est");
    case wire::RequestBody::SnapshotRequest:
      return may_read(who, text(request.body_as_SnapshotRequest()->departement()), "l'état complet est");
    case wire::RequestBody::FacilityRequest: {
      const auto id = text(request.body_as_FacilityRequest()->facility_id());
      if (who.role == wire::Role::facility) {
        if (contains(who.facilities, id)) return {};
        return forbidden(who, "ne peut consulter que ses propres établissements");
      }
      const FacilityRecord* facility = index.facility(id);
      return may_read(who, facility ? std::string_view(facility->facility.departement) : std::string_view(),
                      "le détail d'un établissement est");
    }
    case wire::RequestBody::Registration:
    case wire::RequestBody::PrincipalGrant:
    case wire::RequestBody::PrincipalRevoke:
    case wire::RequestBody::PrincipalListRequest:
    case wire::RequestBody::BackupRequest:
      if (who.role == wire::Role::admin) return {};
      return forbidden(who, std::string(request.body_type() == wire::RequestBody::Registration ? "l'enregistrement d'établissements"
                                        : request.body_type() == wire::RequestBody::BackupRequest ? "la sauvegarde"
                                                                                                 : "la gestion des principaux") +
                                " est réservé(e) aux administrateurs");
    default:
      return {};  // unknown types are refused by the dispatcher
  }
}

}  // namespace dispo::broker
