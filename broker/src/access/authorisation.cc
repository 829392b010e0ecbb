#include "authorisation.h"

#include <algorithm>

#include "dispo/schemas/feed_topics.h"
#include "dispo/schemas/labels.h"

#include "model/principals.h"

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

std::string outside(std::string_view departement) {
  return "le département " + std::string(departement) + " n'est pas dans son territoire";
}

Result<void> may_publish_for(const wire::PrincipalT& who, std::string_view facility_id) {
  if (who.role == wire::Role::admin) return {};
  if (who.role != wire::Role::facility) {
    return forbidden(who, "seuls l'établissement lui-même et les administrateurs publient ses places (" +
                              std::string(facility_id) + ")");
  }
  if (contains(who.facilities, facility_id)) return {};
  return forbidden(who, "ne peut pas publier pour l'établissement " + std::string(facility_id) +
                            ", qui n'est pas l'un des siens");
}

Result<void> may_read(const wire::PrincipalT& who, std::string_view departement, const char* what) {
  if (!reads_facility_data(who.role)) {
    std::string why = std::string(what) + " réservé(e) aux astreintes, hôpitaux et administrateurs";
    if (who.role == wire::Role::judge) {
      why += " ; un juge n'a accès qu'aux agrégats et aux demandes judiciaires de son ressort";
    } else if (who.role == wire::Role::observatory) {
      why += " ; ce rôle n'a accès qu'aux agrégats";
    }
    return forbidden(who, why);
  }
  if (!departement.empty() && !reads_territory(who, departement)) return forbidden(who, outside(departement));
  return {};
}

// Opening, changing and cancelling requests: on-call, hospitals and admins, in their territory.
Result<void> may_handle_requests(const wire::PrincipalT& who, std::string_view departement) {
  if (who.role == wire::Role::admin) return {};
  if (who.role != wire::Role::on_call && who.role != wire::Role::hospital) {
    return forbidden(who, std::string("l'ouverture, la modification et l'annulation des demandes de placement sont "
                                      "réservées aux astreintes, hôpitaux et administrateurs") +
                              (who.role == wire::Role::judge ? " ; un juge les consulte seulement" : ""));
  }
  if (!departement.empty() && !contains(who.departements, departement)) return forbidden(who, outside(departement));
  return {};
}

// Lists of requests: each principal gets those it sees (answer_requests, request_views.h).
Result<void> may_list_requests(const wire::PrincipalT& who, std::string_view departement) {
  switch (who.role) {
    case wire::Role::admin:
    case wire::Role::facility:  // the requests held on its units, whatever the département
      return {};
    case wire::Role::on_call:
    case wire::Role::hospital:
    case wire::Role::judge:
      if (!departement.empty() && !contains(who.departements, departement)) return forbidden(who, outside(departement));
      return {};
    case wire::Role::gateway:
      return forbidden(who, "la passerelle web ne lit les demandes qu'au nom d'une personne (on_behalf_of)");
    default:
      return forbidden(who, "l'observatoire n'a accès qu'aux agrégats, pas aux demandes de placement");
  }
}

// Why `who` does not see `request` (sees_request is false): the real reason, by role.
std::string unseen_reason(const wire::PrincipalT& who, const wire::PlacementRequestT& request) {
  const std::string departement = request.criteria ? request.criteria->departement : std::string();
  switch (who.role) {
    case wire::Role::hospital:
      return "un hôpital ne suit que les demandes qu'il a ouvertes (" + request.id + " ne l'a pas été par lui)";
    case wire::Role::judge:
      if (!is_court_ordered(request)) {
        return "un juge ne consulte que les demandes judiciaires (origine tribunal, OPP, jugement art. 375) ; " +
               request.id + " est d'origine « " + wire::origin_label(request.origin) + " », base légale « " +
               wire::legal_basis_label(request.legal_basis) + " »";
      }
      return "la demande " + request.id + " est du département " + departement + ", hors de son territoire";
    case wire::Role::facility:
      return "un établissement ne lit que les demandes pour lesquelles une de ses places est réservée, et " +
             request.id + " n'en a aucune";
    case wire::Role::observatory:
      return "l'observatoire n'a accès qu'aux agrégats, pas aux demandes de placement";
    default:
      return "la demande " + request.id + " est du département " + departement + ", hors de son territoire";
  }
}

// May `who` read request `id` (in full, or a facility its restricted view)? Unknown ids pass for
// the roles that read some requests: the answer then says the request is unknown.
Result<void> may_see_request(const wire::PrincipalT& who, const Workflow& workflow, std::string_view id) {
  const wire::PlacementRequestT* request = workflow.request(id);
  if (request == nullptr) return may_list_requests(who, {});
  if (sees_request(who, *request)) return {};
  if (who.role == wire::Role::facility && holds_place_for(who, workflow, id)) return {};
  return forbidden(who, unseen_reason(who, *request));
}

// The full request, not a facility's restricted view (records, following).
Result<void> may_see_full_request(const wire::PrincipalT& who, const Workflow& workflow, std::string_view id,
                                  const char* what) {
  if (who.role == wire::Role::facility) {
    return forbidden(who, std::string(what) + " : un établissement ne lit d'une demande que ce qui concerne la place "
                                              "réservée chez lui (dispo request show)");
  }
  return may_see_request(who, workflow, id);
}

// Holds are the on-call service's tool; the facility holding the place may end them too.
// `hold`: the active hold being ended (nullptr when placing one, or when unknown).
Result<void> may_hold(const wire::PrincipalT& who, const AvailabilityIndex& index, std::string_view facility_id,
                      bool ending, const wire::HoldT* hold) {
  if (who.role == wire::Role::admin) return {};
  if (ending && who.role == wire::Role::facility) {
    if (hold == nullptr || contains(who.facilities, facility_id)) return {};  // unknown: the answer says so
    return forbidden(who, "la réservation " + hold->id + " porte sur l'établissement " + std::string(facility_id) +
                              ", qui n'est pas l'un des siens");
  }
  if (who.role != wire::Role::on_call) {
    return forbidden(who, ending ? "seuls l'astreinte et l'établissement concerné terminent une réservation"
                                 : "seule l'astreinte réserve une place");
  }
  const FacilityRecord* facility = index.facility(facility_id);
  if (facility != nullptr && !contains(who.departements, facility->facility.departement)) {
    return forbidden(who, "l'établissement " + std::string(facility_id) + " est du département " +
                              facility->facility.departement + ", hors de son territoire");
  }
  return {};
}

Result<void> may_read_aggregates(const wire::PrincipalT& who, std::string_view departement, const char* what) {
  if (reads_aggregates(who, departement)) return {};
  if (who.role == wire::Role::facility || who.role == wire::Role::hospital) {
    return forbidden(who, std::string(what) + " réservé(e) aux astreintes, juges, observatoires et administrateurs");
  }
  return forbidden(who, outside(departement));
}

Result<void> may_subscribe(const wire::PrincipalT& who, const wire::Subscription& subscription,
                           const Workflow& workflow) {
  switch (subscription.kind()) {
    case wire::SubscriptionKind::search:
      return may_read(who, subscription.query() ? text(subscription.query()->departement()) : std::string_view(),
                      "la recherche enregistrée est");
    case wire::SubscriptionKind::request:
      if (who.role == wire::Role::facility) {
        return forbidden(who, "un établissement ne suit pas une demande : les réservations de ses places lui sont "
                              "signalées d'office");
      }
      return may_see_request(who, workflow, text(subscription.request_id()));
    case wire::SubscriptionKind::territory:
      return may_read_aggregates(who, text(subscription.departement()), "le seuil de places libres d'un département est");
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
  if (who.role == wire::Role::judge) return is_court_ordered(request) && contains(who.departements, departement);
  return who.role == wire::Role::on_call && contains(who.departements, departement);
}

bool holds_place_for(const wire::PrincipalT& who, const Workflow& workflow, std::string_view request_id) {
  if (who.revoked || who.role != wire::Role::facility) return false;
  return std::any_of(workflow.holds.begin(), workflow.holds.end(), [&](const auto& entry) {
    return entry.second.request_id == request_id && contains(who.facilities, entry.second.facility_id);
  });
}

bool reads_aggregates(const wire::PrincipalT& who, std::string_view departement) {
  if (who.revoked) return false;
  if (who.role == wire::Role::admin) return true;
  if (who.role == wire::Role::facility || who.role == wire::Role::hospital) return false;
  return departement.empty() || contains(who.departements, departement);
}

std::vector<std::string> readable_territories(const wire::PrincipalT& who) {
  if (who.role == wire::Role::admin || who.role == wire::Role::gateway) return {};
  return who.departements;
}

bool reads_territory(const wire::PrincipalT& who, std::string_view departement) {
  if (who.role == wire::Role::admin || who.role == wire::Role::gateway) return true;
  return reads_facility_data(who.role) && contains(who.departements, departement);
}

bool receives_territory(const wire::PrincipalT& who, std::string_view territory) {
  if (who.revoked) return false;
  if (who.role == wire::Role::admin || who.role == wire::Role::gateway) return true;
  if (territory == wire::kLivenessTerritory) return reads_facility_data(who.role);
  if (auto departement = wire::departement_of_requests(territory)) {
    return who.role == wire::Role::on_call && contains(who.departements, *departement);
  }
  return territory != "admin" && reads_territory(who, territory);
}

namespace rules {

Result<void> admin_only(const wire::PrincipalT& who, const wire::Request& request, const AvailabilityIndex&,
                        const Workflow&) {
  if (who.role == wire::Role::admin) return {};
  const auto type = request.body_type();
  return forbidden(who, std::string(type == wire::RequestBody::Registration    ? "l'enregistrement d'établissements"
                                    : type == wire::RequestBody::BackupRequest ? "la sauvegarde"
                                    : type == wire::RequestBody::ClusterStatusRequest ||
                                            type == wire::RequestBody::ClusterChange
                                        ? "la conduite du cluster"
                                                                               : "la gestion des principaux") +
                            " est réservé(e) aux administrateurs");
}

Result<void> publish_update(const wire::PrincipalT& who, const wire::Request& request, const AvailabilityIndex&,
                            const Workflow&) {
  return may_publish_for(who, text(request.body_as_AvailabilityUpdate()->facility_id()));
}

Result<void> publish_confirmation(const wire::PrincipalT& who, const wire::Request& request,
                                  const AvailabilityIndex&, const Workflow&) {
  return may_publish_for(who, text(request.body_as_Confirmation()->facility_id()));
}

Result<void> read_search(const wire::PrincipalT& who, const wire::Request& request, const AvailabilityIndex&,
                         const Workflow&) {
  return may_read(who, text(request.body_as_SearchQuery()->departement()), "la recherche est");
}

Result<void> read_snapshot(const wire::PrincipalT& who, const wire::Request& request, const AvailabilityIndex&,
                           const Workflow&) {
  return may_read(who, text(request.body_as_SnapshotRequest()->departement()), "l'état complet est");
}

Result<void> read_facility(const wire::PrincipalT& who, const wire::Request& request,
                           const AvailabilityIndex& index, const Workflow&) {
  const auto id = text(request.body_as_FacilityRequest()->facility_id());
  if (who.role == wire::Role::facility) {
    if (contains(who.facilities, id)) return {};
    return forbidden(who, "ne peut consulter que ses propres établissements");
  }
  const FacilityRecord* facility = index.facility(id);
  return may_read(who, facility ? std::string_view(facility->facility.departement) : std::string_view(),
                  "le détail d'un établissement est");
}

Result<void> open_request(const wire::PrincipalT& who, const wire::Request& request, const AvailabilityIndex&,
                          const Workflow&) {
  const auto* opened = request.body_as_PlacementRequestOpen()->request();
  if (who.role == wire::Role::hospital && opened->origin() != wire::Origin::hospital) {
    return forbidden(who, "un hôpital ouvre des demandes d'origine « hôpital » seulement");
  }
  return may_handle_requests(who, opened->criteria() ? text(opened->criteria()->departement()) : std::string_view());
}

Result<void> update_request(const wire::PrincipalT& who, const wire::Request& request, const AvailabilityIndex&,
                            const Workflow& workflow) {
  const auto* updated = request.body_as_PlacementRequestUpdate()->request();
  if (auto handled = may_handle_requests(who, {}); !handled) return handled;
  if (auto seen = may_see_request(who, workflow, text(updated->id())); !seen) return seen;
  return may_handle_requests(who, updated->criteria() ? text(updated->criteria()->departement()) : std::string_view());
}

Result<void> cancel_request(const wire::PrincipalT& who, const wire::Request& request, const AvailabilityIndex&,
                            const Workflow& workflow) {
  if (auto handled = may_handle_requests(who, {}); !handled) return handled;
  return may_see_request(who, workflow, text(request.body_as_PlacementRequestCancel()->id()));
}

Result<void> read_requests(const wire::PrincipalT& who, const wire::Request& request, const AvailabilityIndex&,
                           const Workflow& workflow) {
  const auto* query = request.body_as_PlacementRequestQuery();
  if (query->id() != nullptr) return may_see_request(who, workflow, text(query->id()));
  return may_list_requests(who, text(query->departement()));
}

Result<void> read_record(const wire::PrincipalT& who, const wire::Request& request, const AvailabilityIndex&,
                         const Workflow& workflow) {
  return may_see_full_request(who, workflow, text(request.body_as_RecordRequest()->request_id()),
                              "le relevé écrit d'une demande lui est fermé");
}

Result<void> place_hold(const wire::PrincipalT& who, const wire::Request& request, const AvailabilityIndex& index,
                        const Workflow&) {
  return may_hold(who, index, text(request.body_as_HoldPlace()->facility_id()), false, nullptr);
}

Result<void> end_hold(const wire::PrincipalT& who, const wire::Request& request, const AvailabilityIndex& index,
                      const Workflow& workflow) {
  auto found = workflow.holds.find(text(request.body_as_HoldEnd()->hold_id()));
  const wire::HoldT* hold = found == workflow.holds.end() ? nullptr : &found->second;
  return may_hold(who, index, hold ? std::string_view(hold->facility_id) : std::string_view(), true, hold);
}

Result<void> subscribe(const wire::PrincipalT& who, const wire::Request& request, const AvailabilityIndex&,
                       const Workflow& workflow) {
  return may_subscribe(who, *request.body_as_Subscribe()->subscription(), workflow);
}

Result<void> read_capacity(const wire::PrincipalT& who, const wire::Request& request, const AvailabilityIndex&,
                           const Workflow&) {
  return may_read_aggregates(who, text(request.body_as_CapacityRequest()->departement()),
                             "les agrégats de capacité sont");
}

Result<void> read_export(const wire::PrincipalT& who, const wire::Request& request, const AvailabilityIndex&,
                         const Workflow&) {
  return may_read_aggregates(who, text(request.body_as_ExportRequest()->departement()), "l'export est");
}

Result<void> check_password(const wire::PrincipalT& who, const wire::Request&, const AvailabilityIndex&,
                            const Workflow&) {
  if (&who == &Principals::local()) return {};  // a broker without CURVE trusts loopback
  return forbidden(who, "la vérification des mots de passe est réservée à la passerelle web");
}

Result<void> own_subscriptions_and_alerts(const wire::PrincipalT&, const wire::Request&,
                                          const AvailabilityIndex&, const Workflow&) {
  return {};  // each principal's own subscriptions and alerts only: the handlers select them by owner
}

}  // namespace rules

Result<void> authorise_gateway_itself(const wire::PrincipalT& who, bool allowed) {
  if (allowed) return {};
  return forbidden(who, "la passerelle web n'agit que pour une personne connectée (on_behalf_of)");
}

Result<void> refuse_unknown_type(const wire::PrincipalT& who, wire::RequestBody type) {
  return forbidden(who, "type de requête " + std::to_string(static_cast<int>(type)) +
                            " inconnu du broker : refusé (rien n'est permis qui ne soit dans sa table des requêtes)");
}

Result<void> refuse_revoked(const wire::PrincipalT& who) {
  if (who.revoked) return forbidden(who, "cette clé a été révoquée");
  return {};
}

}  // namespace dispo::broker
