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

Result<void> may_handle_requests(const wire::PrincipalT& who, std::string_view departement) {
  if (who.role == wire::Role::admin) return {};
  if (who.role != wire::Role::on_call && who.role != wire::Role::hospital) {
    return forbidden(who, "les demandes de placement sont réservées aux astreintes, hôpitaux et administrateurs");
  }
  if (!departement.empty() && !contains(who.departements, departement)) {
    return forbidden(who, "le département " + std::string(departement) + " n'est pas dans son territoire");
  }
  return {};
}

Result<void> may_see_request(const wire::PrincipalT& who, const Workflow& workflow, std::string_view id) {
  const wire::PlacementRequestT* request = workflow.request(id);
  if (request == nullptr) return may_handle_requests(who, {});
  if (!sees_request(who, *request)) {
    return forbidden(who, who.role == wire::Role::hospital
                              ? "un hôpital ne suit que les demandes qu'il a ouvertes"
                              : "la demande " + std::string(id) + " n'est pas dans son territoire");
  }
  return {};
}

// Holds are the on-call service's tool; the facility holding the place may end them too.
Result<void> may_hold(const wire::PrincipalT& who, const AvailabilityIndex& index, std::string_view facility_id,
                      bool ending) {
  if (who.role == wire::Role::admin) return {};
  if (ending && who.role == wire::Role::facility && contains(who.facilities, facility_id)) return {};
  if (who.role != wire::Role::on_call) {
    return forbidden(who, ending ? "seuls l'astreinte et l'établissement concerné terminent une réservation"
                                 : "seule l'astreinte réserve une place");
  }
  const FacilityRecord* facility = index.facility(facility_id);
  if (facility != nullptr && !contains(who.departements, facility->facility.departement)) {
    return forbidden(who, "l'établissement " + std::string(facility_id) + " n'est pas dans son territoire");
  }
  return {};
}

Result<void> may_subscribe(const wire::PrincipalT& who, const wire::Subscription& subscription,
                           const Workflow& workflow) {
  switch (subscription.kind()) {
    case wire::SubscriptionKind::search:
      return may_read(who, subscription.query() ? text(subscription.query()->departement()) : std::string_view(),
                      "la recherche enregistrée est");
    case wire::SubscriptionKind::request:
      return may_see_request(who, workflow, text(subscription.request_id()));
    case wire::SubscriptionKind::territory:
      if (reads_aggregates(who, text(subscription.departement()))) return {};
      return forbidden(who, "le seuil de places libres d'un département est réservé à son territoire");
    default:
      return forbidden(who, "type d'abonnement inconnu");
  }
}

}  // namespace

bool sees_request(const wire::PrincipalT& who, const wire::PlacementRequestT& request) {
  if (who.revoked) return false;
  if (who.role == wire::Role::admin) return true;
  if (who.role == wire::Role::hospital) return request.created_by == who.name;
  const std::string_view departement = request.criteria ? std::string_view(request.criteria->departement) : "";
  return who.role == wire::Role::on_call && contains(who.departements, departement);
}

bool reads_aggregates(const wire::PrincipalT& who, std::string_view departement) {
  if (who.revoked) return false;
  if (who.role == wire::Role::admin) return true;
  if (who.role == wire::Role::facility || who.role == wire::Role::hospital) return false;
  return departement.empty() || contains(who.departements, departement);
}

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
  if (territory.starts_with("requests:")) {
    return who.role == wire::Role::on_call && contains(who.departements, territory.substr(9));
  }
  return territory != "admin" && reads_territory(who, territory);
}

Result<void> authorise(const wire::PrincipalT& who, const wire::Request& request,
                       const AvailabilityIndex& index, const Workflow& workflow) {
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
    case wire::RequestBody::PlacementRequestOpen: {
      const auto* opened = request.body_as_PlacementRequestOpen()->request();
      if (who.role == wire::Role::hospital && opened->origin() != wire::Origin::hospital) {
        return forbidden(who, "un hôpital ouvre des demandes d'origine « hôpital » seulement");
      }
      return may_handle_requests(who, opened->criteria() ? text(opened->criteria()->departement())
                                                         : std::string_view());
    }
    case wire::RequestBody::PlacementRequestUpdate: {
      const auto* updated = request.body_as_PlacementRequestUpdate()->request();
      if (auto seen = may_see_request(who, workflow, text(updated->id())); !seen) return seen;
      return may_handle_requests(who, updated->criteria() ? text(updated->criteria()->departement())
                                                          : std::string_view());
    }
    case wire::RequestBody::PlacementRequestCancel:
      return may_see_request(who, workflow, text(request.body_as_PlacementRequestCancel()->id()));
    case wire::RequestBody::PlacementRequestQuery: {
      const auto* query = request.body_as_PlacementRequestQuery();
      if (query->id() != nullptr) return may_see_request(who, workflow, text(query->id()));
      return may_handle_requests(who, text(query->departement()));
    }
    case wire::RequestBody::RecordRequest:
      return may_see_request(who, workflow, text(request.body_as_RecordRequest()->request_id()));
    case wire::RequestBody::HoldPlace:
      return may_hold(who, index, text(request.body_as_HoldPlace()->facility_id()), false);
    case wire::RequestBody::HoldEnd: {
      auto hold = workflow.holds.find(text(request.body_as_HoldEnd()->hold_id()));
      return may_hold(who, index, hold == workflow.holds.end() ? std::string_view() : std::string_view(hold->second.facility_id),
                      true);
    }
    case wire::RequestBody::Subscribe:
      return may_subscribe(who, *request.body_as_Subscribe()->subscription(), workflow);
    case wire::RequestBody::CapacityRequest:
      if (reads_aggregates(who, text(request.body_as_CapacityRequest()->departement()))) return {};
      return forbidden(who, "les agrégats de capacité sont réservés aux astreintes, juges, observatoires et "
                            "administrateurs, dans leur territoire");
    case wire::RequestBody::ExportRequest:
      if (reads_aggregates(who, text(request.body_as_ExportRequest()->departement()))) return {};
      return forbidden(who, "l'export est réservé aux astreintes, juges, observatoires et administrateurs, "
                            "dans leur territoire");
    case wire::RequestBody::Unsubscribe:
    case wire::RequestBody::AlertFetch:
    case wire::RequestBody::AlertAck:
    case wire::RequestBody::SubscriptionQuery:
      return {};  // each principal's own subscriptions and alerts only (see alert handling)
    default:
      return {};  // unknown types are refused by the dispatcher
  }
}

}  // namespace dispo::broker
