// `dispo subscribe`, `dispo unsubscribe`, `dispo subscriptions` and `dispo watch`.
//
// Alerts belong to the principal with CURVE, else to the client id (client_identity.h); these
// commands also take --client-id to speak as another owner.
#include <atomic>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <memory>

#include "client_identity.h"
#include "commands.h"
#include "dispo/clients/alert_watch.h"
#include "dispo/schemas/json.h"
#include "dispo/schemas/names.h"
#include "find_query.h"

namespace dispo::cli {
namespace {

std::atomic<bool> interrupted{false};
void on_signal(int) { interrupted = true; }

void add_client_id_option(CLI::App* app, std::string& client_id) {
  app->add_option("--client-id", client_id,
                  "Identifiant stable de ce client, propriétaire des alertes sans CURVE "
                  "(ou DISPO_CLIENT_ID ; par défaut utilisateur@machine)");
}

Result<client::ReplyMessage> call(const GlobalOptions& global, const std::string& client_id,
                                  wire::RequestBodyUnion body) {
  zmq::context_t context;
  auto session = client::open_session(context, client::session_options(global, stable_client_id(client_id)));
  if (!session) return session.error();
  return session->call(std::move(body));
}

std::string kind_word(wire::SubscriptionKind kind) {
  switch (kind) {
    case wire::SubscriptionKind::search:
      return "recherche";
    case wire::SubscriptionKind::request:
      return "demande";
    case wire::SubscriptionKind::territory:
      return "seuil";
    default:
      return "?";
  }
}

std::string describe(const wire::SubscriptionT& subscription) {
  std::string text = subscription.id + "  " + kind_word(subscription.kind);
  switch (subscription.kind) {
    case wire::SubscriptionKind::search: {
      const auto& query = subscription.query;
      if (!query) break;
      text += query->departement.empty() ? "  tous départements" : "  département " + query->departement;
      if (!query->children.empty()) {
        text += ", âges";
        for (const auto& child : query->children) text += " " + std::to_string(child->age);
      }
      for (auto kind : query->kinds) text += std::string(", ") + wire::EnumNameFacilityKind(kind);
      for (auto need : query->needs) text += std::string(", ") + wire::EnumNameSpecialty(need);
      if (query->emergency_only) text += ", urgence";
      break;
    }
    case wire::SubscriptionKind::request:
      text += "  " + subscription.request_id;
      break;
    case wire::SubscriptionKind::territory:
      text += "  département " + subscription.departement +
              (subscription.facility_kind ? std::string(" (") + wire::EnumNameFacilityKind(*subscription.facility_kind) + ")"
                                          : std::string()) +
              ", alerte sous " + std::to_string(subscription.threshold) + " places libres";
      break;
    default:
      break;
  }
  return text;
}

// ---------------------------------------------------------------- subscribe

struct SubscribeOptions {
  std::string client_id;
  bool json = false;
  FindArguments search;
  std::string request_id;
  std::string departement;
  std::string kind;
  int below = 0;
  double max_km = 0;
};

int send_subscription(const GlobalOptions& global, const SubscribeOptions& options, wire::SubscriptionT subscription) {
  wire::SubscribeT subscribe;
  subscribe.subscription = std::make_unique<wire::SubscriptionT>(std::move(subscription));
  wire::RequestBodyUnion body;
  body.Set(std::move(subscribe));
  auto reply = call(global, options.client_id, std::move(body));
  if (!reply) return reply.error().status == wire::Status::invalid && reply.error().message.starts_with("adresse")
                         ? usage_error(reply.error().message)
                         : fail(reply.error());
  const auto* saved = (*reply)->body_as_Subscription();
  if (saved == nullptr) return fail(make_error(wire::Status::malformed, "réponse inattendue du broker"));
  if (options.json) {
    return client::print_json("dispo", saved, "Subscription");
  }
  std::unique_ptr<wire::SubscriptionT> native(saved->UnPack());
  client::print_text("abonnement enregistré : " + describe(*native) +
                     "\nles alertes arrivent avec : dispo watch --client-id " + stable_client_id(options.client_id) +
                     "\n");
  return kOk;
}

int run_subscribe_search(const GlobalOptions& global, const SubscribeOptions& options) {
  auto query = build_search_query(options.search);
  if (!query) return usage_error(query.error().message);
  wire::SubscriptionT subscription;
  subscription.kind = wire::SubscriptionKind::search;
  subscription.query = std::make_unique<wire::SearchQueryT>(std::move(*query));
  return send_subscription(global, options, std::move(subscription));
}

int run_subscribe_request(const GlobalOptions& global, const SubscribeOptions& options) {
  wire::SubscriptionT subscription;
  subscription.kind = wire::SubscriptionKind::request;
  subscription.request_id = options.request_id;
  return send_subscription(global, options, std::move(subscription));
}

int run_subscribe_territory(const GlobalOptions& global, const SubscribeOptions& options) {
  auto departement = parse_departement(options.departement);
  if (!departement) return usage_error(departement.error().message);
  if (options.below < 1) return usage_error("--below : un nombre de places ≥ 1 est attendu");
  wire::SubscriptionT subscription;
  subscription.kind = wire::SubscriptionKind::territory;
  subscription.departement = *departement;
  subscription.threshold = static_cast<std::uint32_t>(options.below);
  if (!options.kind.empty()) {
    bool found = false;
    for (auto kind : wire::EnumValuesFacilityKind()) {
      if (options.kind == wire::EnumNameFacilityKind(kind)) {
        subscription.facility_kind = kind;
        found = true;
      }
    }
    if (!found) return usage_error("--kind : type inconnu « " + options.kind + " » (" + wire::facility_kind_names() + ")");
  }
  return send_subscription(global, options, std::move(subscription));
}

// ---------------------------------------------------------------- watch

struct WatchOptions {
  std::string client_id;
  std::string feed = client::kDefaultFeed;
  std::string principal;
  bool json = false;
  int count = 0;
};

// Says, on stderr, that the watch now waits and for what: the owner's subscriptions, in French
// (or that only the alerts addressed to it without a subscription will come).
void say_waiting(const GlobalOptions& global, const WatchOptions& options) {
  const std::string owner = !options.principal.empty() ? "de « " + options.principal + " »"
                            : global.keys.empty()      ? "de « " + stable_client_id(options.client_id) + " »"
                                                       : "de cette clé";
  wire::RequestBodyUnion body;
  body.Set(wire::SubscriptionQueryT{});
  auto reply = call(global, options.client_id, std::move(body));
  const auto* list = reply ? (*reply)->body_as_SubscriptionList() : nullptr;
  std::string text = "dispo watch : en attente des alertes " + owner;
  if (list == nullptr) {
    text += " (abonnements non lus : " + (reply ? std::string("réponse inattendue") : reply.error().message) + ")\n";
  } else {
    std::unique_ptr<wire::SubscriptionListT> native(list->UnPack());
    if (native->subscriptions.empty()) {
      text += " — aucun abonnement : seules arrivent les alertes adressées d'office (réservations des places d'un "
              "établissement, demandes que vous avez ouvertes)\n";
    } else {
      text += " — " + std::to_string(native->subscriptions.size()) +
              (native->subscriptions.size() > 1 ? " abonnements" : " abonnement") +
              ", et les demandes que vous avez ouvertes :\n";
      for (const auto& subscription : native->subscriptions) text += "  " + describe(*subscription) + "\n";
    }
  }
  client::print_text(text, stderr);  // subscriptions come from the broker: escaped like every output
}

int run_watch(const GlobalOptions& global, const WatchOptions& options) {
  client::AlertWatchOptions watch_options;
  watch_options.session = client::session_options(global, stable_client_id(options.client_id));
  watch_options.feed = options.feed;
  watch_options.owner = options.principal;
  zmq::context_t context;
  client::AlertWatch watch(context, watch_options);
  std::signal(SIGINT, on_signal);
  std::signal(SIGTERM, on_signal);
  using Clock = std::chrono::steady_clock;
  constexpr auto kAckEvery = std::chrono::milliseconds(200);
  auto acked_at = Clock::now();
  int printed = 0;
  std::uint64_t to_acknowledge = 0;
  const bool counted = options.count > 0;
  auto acknowledge = [&]() -> Result<void> {
    if (to_acknowledge <= watch.acknowledged()) return {};
    acked_at = Clock::now();
    return watch.acknowledge(to_acknowledge);
  };
  // The broker gone (not started yet, restarted, network cut): say so once, keep trying, say when
  // it is back — the alerts raised meanwhile are fetched then, in order. Any other error ends.
  bool unreachable = false;
  auto transient = [&](const Error& error) {
    if (error.status != wire::Status::unavailable) return false;
    if (!unreachable) {
      std::fprintf(stderr, "dispo watch : %s — nouvel essai en continu ; les alertes de l'intervalle arriveront "
                           "dans l'ordre au retour du broker\n", error.message.c_str());
      unreachable = true;
    }
    return true;
  };
  const auto back = [&] {
    if (!unreachable) return;
    std::fprintf(stderr, "dispo watch : broker de nouveau joignable\n");
    unreachable = false;
  };
  for (;;) {
    auto started = watch.start();
    if (started) break;
    if (started.error().status == wire::Status::invalid) return usage_error(started.error().message);
    if (!transient(started.error())) return fail(started.error());
    if (interrupted) return kOk;
  }
  back();
  say_waiting(global, options);
  while (!interrupted && (!counted || printed < options.count)) {
    auto alerts = watch.poll(std::chrono::milliseconds(200));
    if (!alerts) {
      if (transient(alerts.error())) continue;
      return fail(alerts.error());
    }
    back();
    for (const auto& alert : *alerts) {
      if (counted && printed >= options.count) break;  // the rest stays unacknowledged: shown next time
      if (options.json) {
        auto line = client::alert_json(alert);
        if (!line) return fail(line.error());
        std::printf("%s\n", line->c_str());
      } else {
        client::print_text(client::format_alert(alert) + "\n");
      }
      to_acknowledge = alert.number;
      ++printed;
    }
    std::fflush(stdout);
    if (Clock::now() - acked_at >= kAckEvery) {
      if (auto acked = acknowledge(); !acked && !transient(acked.error())) return fail(acked.error());
    }
  }
  if (auto acked = acknowledge(); !acked) return fail(acked.error());
  return kOk;
}

}  // namespace

Command add_subscribe_command(CLI::App& parent, const GlobalOptions& global) {
  auto* app = parent.add_subcommand("subscribe", "S'abonner : recherche enregistrée, demande suivie ou seuil de places");
  auto options = std::make_shared<SubscribeOptions>();
  add_client_id_option(app, options->client_id);
  app->add_flag("--json", options->json, "Sortie JSON (Subscription, noms du schéma)");
  app->require_subcommand(1);
  app->fallthrough();

  auto* search = app->add_subcommand("search", "Alerte quand une place correspond nouvellement à cette recherche");
  auto& a = options->search;
  search->add_option("--age", a.ages, "Âge en années (0–21) ; une fois par enfant de la fratrie")->allow_extra_args(false);
  search->add_option("--sex", a.sexes, "fille ou garcon ; une fois pour tous ou une fois par --age")
      ->allow_extra_args(false);
  search->add_option("--need", a.needs, "Spécialité requise (répétable) : " + wire::specialty_names())
      ->allow_extra_args(false);
  search->add_option("--dept", a.departement, "Département (59, 2A, 974…)");
  search->add_option("--kind", a.kinds, "Type d'établissement (répétable) : " + wire::facility_kind_names())
      ->allow_extra_args(false);
  search->add_option("--near", a.near, "Près de LAT,LON (degrés décimaux)");
  search->add_option("--max-km", options->max_km, "Distance maximale depuis --near, en km");
  search->add_flag("--emergency", a.emergency, "Seulement les unités qui accueillent en urgence (24 h)");
  search->add_flag("--include-stale", a.include_stale, "Inclure les places dont les données sont périmées");

  auto* request = app->add_subcommand("request", "Suivre une demande de placement (changements d'état, places)");
  request->add_option("ID", options->request_id, "Identifiant de la demande (R-…)")->required();

  auto* territory = app->add_subcommand("territory", "Alerte quand les places libres d'un département passent sous un seuil");
  territory->add_option("--dept", options->departement, "Département (59, 2A, 974…)")->required();
  territory->add_option("--kind", options->kind, "Un type d'établissement : " + wire::facility_kind_names());
  territory->add_option("--below", options->below, "Seuil : alerte quand les places libres passent en dessous")
      ->required();

  return {app, [&global, options, search, request, territory] {
            if (search->parsed()) {
              if (search->count("--max-km") > 0) options->search.max_km = options->max_km;
              return run_subscribe_search(global, *options);
            }
            if (request->parsed()) return run_subscribe_request(global, *options);
            if (territory->parsed()) return run_subscribe_territory(global, *options);
            return usage_error("dispo subscribe : search, request ou territory attendu");
          }};
}

Command add_unsubscribe_command(CLI::App& parent, const GlobalOptions& global) {
  auto* app = parent.add_subcommand("unsubscribe", "Supprimer un de ses abonnements");
  auto options = std::make_shared<std::pair<std::string, std::string>>();  // id, client id
  app->add_option("ID", options->first, "Identifiant de l'abonnement (S-…)")->required();
  add_client_id_option(app, options->second);
  return {app, [&global, options] {
            wire::UnsubscribeT unsubscribe;
            unsubscribe.id = options->first;
            wire::RequestBodyUnion body;
            body.Set(std::move(unsubscribe));
            auto reply = call(global, options->second, std::move(body));
            if (!reply) return fail(reply.error());
            std::printf("abonnement %s supprimé\n", options->first.c_str());
            return static_cast<int>(kOk);
          }};
}

Command add_subscriptions_command(CLI::App& parent, const GlobalOptions& global) {
  auto* app = parent.add_subcommand("subscriptions", "Lister ses abonnements");
  auto options = std::make_shared<std::pair<std::string, bool>>();  // client id, json
  add_client_id_option(app, options->first);
  app->add_flag("--json", options->second, "Sortie JSON (SubscriptionList)");
  return {app, [&global, options] {
            wire::RequestBodyUnion body;
            body.Set(wire::SubscriptionQueryT{});
            auto reply = call(global, options->first, std::move(body));
            if (!reply) return fail(reply.error());
            const auto* list = (*reply)->body_as_SubscriptionList();
            if (list == nullptr) return fail(make_error(wire::Status::malformed, "réponse inattendue du broker"));
            if (options->second) {
              return client::print_json("dispo", list, "SubscriptionList");
            }
            std::unique_ptr<wire::SubscriptionListT> native(list->UnPack());
            if (native->subscriptions.empty()) std::printf("aucun abonnement\n");
            for (const auto& subscription : native->subscriptions) client::print_text(describe(*subscription) + "\n");
            return static_cast<int>(kOk);
          }};
}

Command add_watch_command(CLI::App& parent, const GlobalOptions& global) {
  auto* app = parent.add_subcommand("watch", "Afficher ses alertes à mesure qu'elles arrivent (et celles manquées)");
  auto options = std::make_shared<WatchOptions>();
  add_client_id_option(app, options->client_id);
  app->add_option("--feed", options->feed,
                  "Adresse du flux du broker (d'un cluster : chaque nœud, séparés par des virgules), "
                  "ou variable DISPO_FEED")
      ->envname("DISPO_FEED")
      ->capture_default_str();
  app->add_option("--principal", options->principal,
                  "Avec CURVE, le nom de son principal (obligatoire pour un administrateur)");
  app->add_flag("--json", options->json, "Une alerte par ligne en JSON (Alert, noms du schéma)");
  app->add_option("--count", options->count, "Sortir après N alertes")->check(CLI::PositiveNumber);
  app->footer("Chaque alerte est affichée une fois : celles manquées pendant l'absence d'abord, dans l'ordre,\n"
              "puis les nouvelles ; une alerte affichée est acquittée (elle ne revient pas).");
  return {app, [&global, options] { return run_watch(global, *options); }};
}

}  // namespace dispo::cli
