// `dispo request open|discharge|update|cancel|list|show`: placement requests (issue #3).
#include <cstdio>
#include <memory>

#include "commands.h"
#include "dispo/schemas/json.h"
#include "dispo/schemas/names.h"
#include "find_query.h"
#include "request_report.h"
#include "time_arguments.h"

namespace dispo::cli {
namespace {

struct RequestArguments {
  FindArguments criteria;
  double max_km = 0;
  std::string child_ref;
  std::string origin = "on_call";
  std::string basis;
  bool split_ok = false;
  bool together = false;
  std::string waiting_since;
  std::string escalate_after;
  std::string id;
  std::string reason;
  std::vector<std::string> states;
  bool json = false;
};

int print_status(const GlobalOptions& global, wire::RequestBodyUnion body, bool json) {
  return call_and_print(global, std::move(body), "RequestStatus", json, &wire::Reply::body_as_RequestStatus,
                        [](const wire::RequestStatusT& status) { return format_request_status(status); });
}

// The request as the flags describe it. `hospital`: a discharge (origin hospital).
Result<wire::PlacementRequestT> build_request(const RequestArguments& a, const CLI::App& app, bool hospital) {
  wire::PlacementRequestT request;
  request.child_ref = a.child_ref;
  FindArguments criteria = a.criteria;
  if (app.count("--max-km") > 0) criteria.max_km = a.max_km;
  if (criteria.departement.empty()) return make_error(wire::Status::invalid, "--dept : le département de la demande est requis");
  if (criteria.ages.empty()) return make_error(wire::Status::invalid, "--age : au moins un enfant (une fois par enfant de la fratrie)");
  auto query = build_search_query(criteria);
  if (!query) return query.error();
  query->limit = 0;
  request.criteria = std::make_unique<wire::SearchQueryT>(std::move(*query));
  const std::string origin = hospital ? "hospital" : a.origin;
  auto parsed_origin = wire::enum_from_name(origin, wire::EnumValuesOrigin(), &wire::EnumNameOrigin);
  if (!parsed_origin) {
    return make_error(wire::Status::invalid, "--origin : « " + origin + " » inconnue (" +
                                                 wire::enum_names(wire::EnumValuesOrigin(), &wire::EnumNameOrigin) + ")");
  }
  request.origin = *parsed_origin;
  const std::string basis = a.basis.empty() ? "administrative" : a.basis;
  auto parsed_basis = wire::enum_from_name(basis, wire::EnumValuesLegalBasis(), &wire::EnumNameLegalBasis);
  if (!parsed_basis) {
    return make_error(wire::Status::invalid, "--basis : « " + basis + " » inconnue (" +
                                                 wire::enum_names(wire::EnumValuesLegalBasis(), &wire::EnumNameLegalBasis) + ")");
  }
  request.legal_basis = *parsed_basis;
  request.keep_together = !a.split_ok;
  if (!a.waiting_since.empty()) {
    auto since = parse_moment(a.waiting_since, hospital ? "--ready-since" : "--waiting-since");
    if (!since) return since.error();
    request.waiting_since = *since;
  }
  if (!a.escalate_after.empty()) {
    auto seconds = parse_duration(a.escalate_after, "--escalate-after");
    if (!seconds) return seconds.error();
    request.escalate_after_s = static_cast<std::uint32_t>(*seconds);
  }
  return request;
}

int run_open(const GlobalOptions& global, const RequestArguments& a, const CLI::App& app, bool hospital) {
  auto request = build_request(a, app, hospital);
  if (!request) return usage_error(request.error().message);
  wire::PlacementRequestOpenT open;
  open.request = std::make_unique<wire::PlacementRequestT>(std::move(*request));
  wire::RequestBodyUnion body;
  body.Set(std::move(open));
  return print_status(global, std::move(body), a.json);
}

// Fetches the request, applies the flags given on top, and sends the update.
int run_update(const GlobalOptions& global, const RequestArguments& a, const CLI::App& app) {
  zmq::context_t context;
  auto session = open_session(context, global);
  if (!session) return usage_error(session.error().message);
  wire::PlacementRequestQueryT query;
  query.id = a.id;
  wire::RequestBodyUnion ask;
  ask.Set(std::move(query));
  auto current = session->call(std::move(ask));
  if (!current) return fail(current.error());
  const auto* list = (*current)->body_as_RequestList();
  if (list == nullptr || list->requests() == nullptr || list->requests()->size() != 1) {
    return fail(make_error(wire::Status::malformed, "réponse inattendue du broker"));
  }
  std::unique_ptr<wire::PlacementRequestT> request(list->requests()->Get(0)->request()->UnPack());
  if (!a.criteria.ages.empty()) {
    RequestArguments merged = a;
    merged.criteria.departement = request->criteria->departement;
    merged.child_ref = request->child_ref;
    merged.origin = wire::EnumNameOrigin(request->origin);
    if (merged.basis.empty()) merged.basis = wire::EnumNameLegalBasis(request->legal_basis);
    auto rebuilt = build_request(merged, app, request->origin == wire::Origin::hospital);
    if (!rebuilt) return usage_error(rebuilt.error().message);
    request->criteria = std::move(rebuilt->criteria);
  } else if (app.count("--need") + app.count("--sex") + app.count("--kind") + app.count("--near") + app.count("--max-km") > 0) {
    return usage_error("--age : pour changer les enfants ou les critères, redonnez chaque --age (une fois par enfant)");
  }
  if (!a.basis.empty()) {
    auto basis = wire::enum_from_name(a.basis, wire::EnumValuesLegalBasis(), &wire::EnumNameLegalBasis);
    if (!basis) return usage_error("--basis : « " + a.basis + " » inconnue");
    request->legal_basis = *basis;
  }
  if (a.split_ok) request->keep_together = false;
  if (a.together) request->keep_together = true;
  if (!a.waiting_since.empty()) {
    auto since = parse_moment(a.waiting_since, "--waiting-since");
    if (!since) return usage_error(since.error().message);
    request->waiting_since = *since;
  }
  if (!a.escalate_after.empty()) {
    auto seconds = parse_duration(a.escalate_after, "--escalate-after");
    if (!seconds) return usage_error(seconds.error().message);
    request->escalate_after_s = static_cast<std::uint32_t>(*seconds);
  }
  wire::PlacementRequestUpdateT update;
  update.request = std::move(request);
  wire::RequestBodyUnion body;
  body.Set(std::move(update));
  auto reply = session->call(std::move(body));
  if (!reply) return fail(reply.error());
  const auto* status = (*reply)->body_as_RequestStatus();
  if (status == nullptr) return fail(make_error(wire::Status::malformed, "réponse inattendue du broker"));
  if (a.json) return client::print_json("dispo", status, "RequestStatus");
  std::unique_ptr<wire::RequestStatusT> native(status->UnPack());
  client::print_text(format_request_status(*native));
  return kOk;
}

int run_cancel(const GlobalOptions& global, const RequestArguments& a) {
  wire::PlacementRequestCancelT cancel;
  cancel.id = a.id;
  cancel.reason = a.reason;
  wire::RequestBodyUnion body;
  body.Set(std::move(cancel));
  return print_status(global, std::move(body), a.json);
}

int run_list(const GlobalOptions& global, const RequestArguments& a, bool one) {
  wire::PlacementRequestQueryT query;
  if (one) {
    query.id = a.id;
  } else {
    if (!a.criteria.departement.empty()) {
      auto departement = parse_departement(a.criteria.departement);
      if (!departement) return usage_error(departement.error().message);
      query.departement = *departement;
    }
    for (const auto& name : a.states) {
      auto state = wire::enum_from_name(name, wire::EnumValuesRequestState(), &wire::EnumNameRequestState);
      if (!state) {
        return usage_error("--state : « " + name + " » inconnu (" +
                           wire::enum_names(wire::EnumValuesRequestState(), &wire::EnumNameRequestState) + ")");
      }
      query.states.push_back(*state);
    }
  }
  wire::RequestBodyUnion body;
  body.Set(std::move(query));
  if (one) {
    return call_and_print(global, std::move(body), "RequestList", a.json, &wire::Reply::body_as_RequestList,
                          [](const wire::RequestListT& list) {
                            return list.requests.empty() ? std::string() : format_request_status(*list.requests[0]);
                          });
  }
  return call_and_print(global, std::move(body), "RequestList", a.json, &wire::Reply::body_as_RequestList,
                        [](const wire::RequestListT& list) { return format_request_list(list); });
}

void add_criteria_options(CLI::App* app, RequestArguments& a) {
  auto& c = a.criteria;
  app->add_option("--age", c.ages, "Âge en années (0–21) ; une fois par enfant de la fratrie")->allow_extra_args(false);
  app->add_option("--sex", c.sexes, "fille ou garcon ; une fois pour tous ou une fois par --age")->allow_extra_args(false);
  app->add_option("--need", c.needs, "Besoin (répétable ; N:besoin pour le N-ième --age seulement) : " + wire::specialty_names())->allow_extra_args(false);
  app->add_option("--kind", c.kinds, "Type d'établissement accepté (répétable) : " + wire::facility_kind_names())
      ->allow_extra_args(false);
  app->add_option("--near", c.near, "Famille / école près d'une commune (nom, code postal, code INSEE) ou de LAT,LON");
  app->add_option("--max-km", a.max_km, "Distance acceptable depuis --near, en km");
  app->add_flag("--emergency", c.emergency, "Accueil d'urgence (24 h) exigé");
  app->add_flag("--split-ok", a.split_ok, "La fratrie peut être séparée (par défaut : ensemble)");
  app->add_option("--basis", a.basis,
                  "Base légale : " + wire::enum_names(wire::EnumValuesLegalBasis(), &wire::EnumNameLegalBasis) +
                      " (administrative par défaut)");
  app->add_option("--escalate-after", a.escalate_after, "Alerter si la demande attend plus que cela (ex. 4h)");
  app->add_flag("--json", a.json, "Sortie JSON (noms du schéma)");
}

}  // namespace

Command add_request_command(CLI::App& parent, const GlobalOptions& global) {
  auto* app = parent.add_subcommand("request", "Demandes de placement : ouvrir, suivre, modifier, annuler");
  app->require_subcommand(1);
  auto a = std::make_shared<RequestArguments>();

  auto* open = app->add_subcommand("open", "Ouvrir une demande de placement (une seule en cours par enfant)");
  open->add_option("--child", a->child_ref, "Référence pseudonyme de l'enfant (jamais son nom)")->required();
  open->add_option("--dept", a->criteria.departement, "Département de la demande")->required();
  open->add_option("--origin", a->origin,
                   "Origine : " + wire::enum_names(wire::EnumValuesOrigin(), &wire::EnumNameOrigin) + " (on_call par défaut)");
  open->add_option("--waiting-since", a->waiting_since, "En attente depuis (ex. 2026-11-20T08:30 ; maintenant par défaut)");
  add_criteria_options(open, *a);

  auto* discharge = app->add_subcommand("discharge", "Hôpital : signaler un enfant prêt à sortir (ouvre une demande)");
  discharge->add_option("--child", a->child_ref, "Référence pseudonyme de l'enfant (jamais son nom)")->required();
  discharge->add_option("--dept", a->criteria.departement, "Département de la demande")->required();
  discharge->add_option("--ready-since", a->waiting_since, "Sortie médicale possible depuis (maintenant par défaut)");
  add_criteria_options(discharge, *a);

  auto* update = app->add_subcommand("update", "Modifier une demande en cours (les options données remplacent)");
  update->add_option("ID", a->id, "Demande (R-…)")->required();
  update->add_option("--waiting-since", a->waiting_since, "En attente depuis");
  update->add_flag("--together", a->together, "La fratrie doit rester ensemble");
  add_criteria_options(update, *a);

  auto* cancel = app->add_subcommand("cancel", "Annuler une demande (sa réservation est libérée)");
  cancel->add_option("ID", a->id, "Demande (R-…)")->required();
  cancel->add_option("--reason", a->reason, "Motif (sans nom d'enfant)");
  cancel->add_flag("--json", a->json, "Sortie JSON");

  auto* list = app->add_subcommand("list", "Lister les demandes visibles (en cours par défaut)");
  list->add_option("--dept", a->criteria.departement, "Département");
  list->add_option("--state", a->states,
                   "État (répétable) : " + wire::enum_names(wire::EnumValuesRequestState(), &wire::EnumNameRequestState))
      ->allow_extra_args(false);
  list->add_flag("--json", a->json, "Sortie JSON");

  auto* show = app->add_subcommand("show", "Une demande : état, chaque enfant (en attente, place réservée, admis), "
                                           "séparation de la fratrie, attente, places possibles, réservations, refus");
  show->add_option("ID", a->id, "Demande (R-…)")->required();
  show->add_flag("--json", a->json, "Sortie JSON");

  return {app, [&global, a, open, discharge, update, cancel, list, show] {
            if (open->parsed()) return run_open(global, *a, *open, false);
            if (discharge->parsed()) return run_open(global, *a, *discharge, true);
            if (update->parsed()) return run_update(global, *a, *update);
            if (cancel->parsed()) return run_cancel(global, *a);
            if (list->parsed()) return run_list(global, *a, false);
            if (show->parsed()) return run_list(global, *a, true);
            return usage_error("dispo request : open, discharge, update, cancel, list ou show");
          }};
}

}  // namespace dispo::cli
