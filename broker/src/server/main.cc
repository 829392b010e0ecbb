// dispo-broker: the capacity bus daemon. Flags can also be set in a TOML file (--config).
#include <sys/stat.h>

#include <csignal>
#include <cstdio>

#include <CLI/CLI.hpp>
#include "dispo/schemas/spdlog.h"
#include <spdlog/sinks/stdout_color_sinks.h>

#include "dispo/broker/broker.h"
#include "dispo/broker/cluster_setup.h"
#include "dispo/schemas/cli_french.h"
#include "dispo/broker/metrics.h"
#include "dispo/schemas/curve_keys.h"
#include "access/endpoints.h"
#include "service/config_check.h"
#include "service/log_format.h"
#include "service/systemd_notifier.h"

namespace {

std::atomic<bool> stop_requested{false};

void request_stop(int) { stop_requested.store(true); }

// What `dispo-broker init --cluster` wrote, and what the operator does with it.
int print_cluster_setup(const dispo::Result<dispo::broker::ClusterSetup>& setup,
                        const dispo::broker::ClusterSetupOptions& options) {
  if (!setup) {
    std::fprintf(stderr, "dispo-broker init : %s\n", setup.error().message.c_str());
    return 1;
  }
  std::printf("cluster de %zu membres préparé dans %s ; sur la machine de chaque membre, avant son premier\n"
              "démarrage (propriétaire : l'utilisateur du broker) :\n",
              setup->members.size(), options.out.c_str());
  std::string apis;
  std::string feeds;
  for (const auto& member : setup->members) {
    std::printf("  membre %llu : %s/dispo.toml → /etc/dispo/dispo.toml, broker.key → %s, data/ → %s\n",
                static_cast<unsigned long long>(member.id), member.folder.c_str(), options.member_key.c_str(),
                options.member_data.c_str());
    apis += (apis.empty() ? "" : ",") + member.api;
    feeds += (feeds.empty() ? "" : ",") + member.feed;
  }
  std::printf("broker.key (secrète, commune aux membres) n'est que dans ces dossiers ; un membre ajouté plus\n"
              "tard la reçoit d'un autre membre.\n"
              "clé publique du broker : %s (à donner à chaque client : --broker-key)\n"
              "clés de l'administrateur « %s » : %s (secrètes : pour `dispo-admin … --key`)\n"
              "pour les clients : DISPO_BROKER=%s\n"
              "                   DISPO_FEED=%s\n",
              setup->broker_public.c_str(), options.admin.c_str(), setup->admin_key.c_str(), apis.c_str(),
              feeds.c_str());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  dispo::broker::BrokerOptions options;
  std::string data_dir = options.data_dir.string();
  long stale_after_s = options.stale_after.count();
  long escalate_after_s = options.escalate_after.count();
  long heartbeat_ms = options.heartbeat.count();
  std::string log_level = "info";
  std::string curve_key_file;
  std::string init_data = options.data_dir.string();
  std::string init_keys = "keys";
  std::string init_admin = "admin";
  std::uint64_t min_free_mb = options.min_free_bytes >> 20;
  std::string metrics_address;
  std::string log_format = "text";
  std::string check_file;

  CLI::App app{"dispo-broker — le bus de places disponibles de la protection de l'enfance (ASE).\n"
               "Garde les disponibilités des établissements dans une base RocksDB embarquée et répond\n"
               "aux publications et aux recherches par ZeroMQ.",
               "dispo-broker"};
  dispo::wire::speak_french(app, "dispo-broker");
  app.footer(
      "Sans --curve-key, le broker écoute sur des sockets Unix dans le répertoire de données\n"
      "(ipc://DATA/api.sock et ipc://DATA/feed.sock ; répertoire 700, sockets 600), que seul son\n"
      "utilisateur peut joindre (et son groupe avec --group-access). TCP local sans CURVE :\n"
      "--insecure-tcp-loopback (démo, tests). Au-delà de la machine : --curve-key.\n"
      "Codes de sortie : 0 arrêt propre, 1 démarrage impossible, 2 utilisation incorrecte.\n");
  bool insecure_tcp_loopback = false;
  app.allow_config_extras(CLI::config_extras_mode::error);
  app.set_config("--config", "", "Fichier TOML donnant n'importe laquelle de ces options (ex. api = \"ipc://...\")");
  app.add_option("--data", data_dir, "Répertoire de données (RocksDB)")->capture_default_str();
  app.add_option("--api", options.api,
                 "Adresse des requêtes (ROUTER) ; défaut ipc://DATA/api.sock, ou tcp://… (voir plus bas)");
  app.add_option("--feed", options.feed, "Adresse du flux des changements (XPUB) ; défaut ipc://DATA/feed.sock");
  app.add_flag("--insecure-tcp-loopback", insecure_tcp_loopback,
               "Accepter tcp://127.0.0.1:… sans CURVE : tout compte de la machine peut alors agir en\n"
               "administrateur (démo et tests seulement ; un avertissement est écrit au journal)");
  app.add_flag("--group-access", options.group_access,
               "Sockets ipc:// joignables aussi par le groupe du broker (répertoire 750, sockets 660)");
  app.add_option("--escalate-after", escalate_after_s,
                 "Secondes d'attente après lesquelles une demande de placement est signalée (alerte\n"
                 "request_waiting) ; une demande peut fixer la sienne")
      ->check(CLI::Range(1L, 365L * 24 * 3600));
  app.add_option("--stale-after", stale_after_s,
                 "Secondes après lesquelles une disponibilité non confirmée est périmée")
      ->capture_default_str()->check(CLI::Range(1L, 30L * 24 * 3600));
  app.add_option("--heartbeat-ms", heartbeat_ms, "Période du signal de vie du flux, en millisecondes")
      ->capture_default_str()->check(CLI::Range(10L, 1000L));
  app.add_option("--max-message-bytes", options.max_message_bytes, "Plus grande requête acceptée (octets)")
      ->capture_default_str()->check(CLI::Range(std::size_t{1024}, std::size_t{64u << 20}));
  app.add_option("--min-free-mb", min_free_mb,
                 "Espace libre (Mio) en dessous duquel les écritures sont refusées (storage_error ; 0 = pas de contrôle)")
      ->capture_default_str();
  app.add_option("--peer-rate", options.peer_rate,
                 "Requêtes par seconde permises en moyenne à un principal (sans CURVE : à une connexion),\n"
                 "au-delà rate_limited (0 = sans limite ; bancs d'essai, simulateur)")
      ->capture_default_str()->check(CLI::Range(0.0, 1e9));
  app.add_option("--peer-burst", options.peer_burst, "Requêtes qu'un principal (ou une connexion) peut envoyer d'un coup")
      ->capture_default_str()->check(CLI::Range(1.0, 1e9));
  long batch_time_per_peer_us = options.batch_time_per_peer.count();
  app.add_option("--batch-per-peer", options.batch_per_peer,
                 "Requêtes d'une même connexion servies dans un lot (la suite attend le lot suivant)")
      ->capture_default_str()->check(CLI::Range(std::size_t{1}, std::size_t{1'000'000}));
  app.add_option("--batch-time-per-peer-us", batch_time_per_peer_us,
                 "Temps de traitement (µs) d'une même connexion dans un lot, environ (0 = sans limite)")
      ->capture_default_str()->check(CLI::Range(0L, 10'000'000L));
  app.add_option("--feed-hwm", options.feed_high_water_mark,
                 "Messages du flux en attente par abonné ; au-delà, un abonné lent en manque (il le voit\n"
                 "et se resynchronise) et le broker ne l'attend jamais")
      ->capture_default_str()->check(CLI::Range(1, 10'000'000));
  app.add_option("--log-level", log_level, "trace, debug, info, warn, error")
      ->capture_default_str()->check(CLI::IsMember({"trace", "debug", "info", "warn", "error"}, CLI::ignore_case));
  app.add_option("--curve-key", curve_key_file,
                 "Fichier de clés CURVE du broker (de `dispo-broker init` ; mode 600). Avec lui toute\n"
                 "connexion est chiffrée et authentifiée ; sans lui, seules les sockets locales servent");
  app.add_option("--metrics", metrics_address,
                 "HÔTE:PORT où servir les métriques Prometheus, /healthz et /readyz en HTTP\n"
                 "(ex. 127.0.0.1:9401 ; aucun par défaut)");
  app.add_option("--log-format", log_format,
                 "text (lu tel quel par journald : pas d'horodatage à nous sous systemd) ou json (un objet par ligne)")
      ->capture_default_str()->check(CLI::IsMember({"text", "json"}));
  std::string cluster_spec;
  std::string cluster_api_spec;
  app.add_option("--node-id", options.node_id,
                 "Numéro de ce nœud dans le cluster (avec --cluster ; 0 = broker seul, le défaut)")
      ->check(CLI::Range(std::uint64_t{0}, std::uint64_t{1'000'000}));
  app.add_option("--cluster", cluster_spec,
                 "Les nœuds du cluster Raft : ID=HÔTE:PORT,… (ex. 1=127.0.0.1:7401,2=127.0.0.1:7402,\n"
                 "3=127.0.0.1:7403 ; au-delà de la boucle locale, avec --curve-key)");
  app.add_option("--cluster-api", cluster_api_spec,
                 "L'adresse des requêtes de chaque nœud, nommée à qui écrit ailleurs qu'au leader :\n"
                 "ID=ADRESSE,… (ex. 1=tcp://127.0.0.1:7001,…)");
  app.add_option("--election-timeout-ms", options.election_timeout_ms,
                 "Silence du leader (ms) après lequel un autre nœud est élu")
      ->capture_default_str()->check(CLI::Range(100u, 60'000u));
  app.add_option("--cluster-bind", options.cluster_bind,
                 "HÔTE:PORT où ce nœud écoute les autres, quand ce n'est pas son adresse dans --cluster\n"
                 "(derrière un relais ou une traduction d'adresses)");
  app.add_flag("--join", options.cluster_join,
               "Nouveau nœud d'un cluster qui tourne (répertoire de données vide) : il attend que le\n"
               "leader l'ajoute (dispo-admin cluster add ID HÔTE:PORT)");
  app.add_option("--snapshot-every", options.snapshot_every,
                 "Entrées du journal Raft entre deux instantanés de la base (le journal d'avant est\n"
                 "effacé ; un nœud très en retard ou vidé reçoit l'instantané)")
      ->capture_default_str()->check(CLI::Range(16u, 1'000'000'000u));
  CLI::App* check_config = app.add_subcommand(
      "check-config", "Vérifier un fichier de configuration sans rien démarrer (code 0 s'il est valide)");
  check_config->add_option("file", check_file, "Le fichier TOML (ex. /etc/dispo/dispo.toml)")->required();
  CLI::App* init = app.add_subcommand(
      "init", "Créer la paire de clés CURVE du broker et celle d'un premier administrateur, et enregistrer\n"
              "cet administrateur (une fois, broker arrêté ; puis démarrer avec --curve-key KEYS/broker.key) ;\n"
              "avec --cluster, préparer de même les dossiers des membres d'un nouveau cluster");
  init->add_option("--data", init_data, "Répertoire de données (RocksDB)")->capture_default_str();
  init->add_option("--keys", init_keys, "Répertoire des fichiers de clés")->capture_default_str();
  init->add_option("--admin", init_admin, "Nom du premier administrateur")->capture_default_str();
  dispo::broker::ClusterSetupOptions setup;
  CLI::Option* setup_cluster = init->add_option(
      "--cluster", setup.cluster,
      "Préparer les membres d'un cluster (ID=HÔTE:PORT,…, leurs adresses Raft) : un dossier par membre\n"
      "dans --out (dispo.toml, broker.key, data/), la même base initialisée pour tous");
  CLI::Option* setup_api = init->add_option(
      "--cluster-api", setup.cluster_api,
      "Avec --cluster : l'adresse des requêtes de chaque membre, ID=tcp://HÔTE:PORT,… (son flux\n"
      "prend le port suivant)");
  CLI::Option* setup_feed = init->add_option(
      "--cluster-feed", setup.cluster_feed,
      "Avec --cluster : l'adresse du flux de chaque membre, ID=tcp://HÔTE:PORT,… (défaut : le port de son\n"
      "api + 1)");
  CLI::Option* setup_out = init->add_option("--out", setup.out, "Avec --cluster : le répertoire à créer (ou vide)");
  CLI::Option* setup_data =
      init->add_option("--member-data", setup.member_data,
                       "Avec --cluster : le répertoire de données sur chaque membre")
          ->capture_default_str();
  CLI::Option* setup_key =
      init->add_option("--member-key", setup.member_key, "Avec --cluster : où chaque membre aura broker.key")
          ->capture_default_str();
  setup_cluster->needs(setup_api)->needs(setup_out);
  for (CLI::Option* with_cluster : {setup_api, setup_feed, setup_out, setup_data, setup_key})
    with_cluster->needs(setup_cluster);
  for (const char* single : {"--data", "--keys"}) setup_cluster->excludes(init->get_option(single));
  std::string sequence_data;
  CLI::App* sequence = app.add_subcommand(
      "sequence", "Afficher la dernière séquence validée du répertoire de données d'un broker ARRÊTÉ ou\n"
                  "d'une sauvegarde, sans rien y changer (utilisé par ops/restore)");
  sequence->add_option("--data", sequence_data, "Répertoire de données ou sauvegarde")->required();
  dispo::wire::name_subcommand_groups(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    if (error.get_exit_code() == 0) return app.exit(error);  // --help, --version
    std::fprintf(stderr, "dispo-broker : %s (voir dispo-broker --help)\n",
                 dispo::wire::french_cli_error(error).c_str());
    return 2;
  }
  options.insecure_tcp_loopback = insecure_tcp_loopback;
  if (!cluster_spec.empty() || options.node_id != 0) {
    if (cluster_spec.empty() || options.node_id == 0) {
      std::fprintf(stderr, "dispo-broker : %s (voir dispo-broker --help)\n",
                   cluster_spec.empty() ? "--node-id demande --cluster, la liste des nœuds"
                                        : "--cluster demande --node-id, le numéro de ce nœud (1 ou plus)");
      return 2;
    }
    auto cluster = dispo::broker::parse_cluster(cluster_spec, cluster_api_spec);
    if (!cluster) {
      std::fprintf(stderr, "dispo-broker : %s\n", cluster.error().message.c_str());
      return 2;
    }
    options.cluster = std::move(*cluster);
    bool listed = false;
    for (const auto& member : options.cluster) listed = listed || member.id == options.node_id;
    if (!listed) {
      std::fprintf(stderr, "dispo-broker : le nœud %llu (--node-id) n'est pas dans --cluster\n",
                   static_cast<unsigned long long>(options.node_id));
      return 2;
    }
  }
  options.batch_time_per_peer = std::chrono::microseconds(batch_time_per_peer_us);
  // Everything the broker creates (data, sockets, backups) is its user's (and group's) alone.
  ::umask(options.group_access ? 0007 : 0077);

  if (check_config->parsed()) {
    try {
      app.clear();
      app.parse("--config \"" + check_file + "\"", false);
    } catch (const CLI::ParseError& error) {
      std::fprintf(stderr, "dispo-broker check-config: %s : configuration refusée (clé inconnue ou valeur invalide) : %s\n", check_file.c_str(),
                   error.what());
      return 1;
    }
    options.data_dir = data_dir;
    if (options.api.empty()) options.api = dispo::broker::default_ipc_endpoint(data_dir, "api");
    if (options.feed.empty()) options.feed = dispo::broker::default_ipc_endpoint(data_dir, "feed");
    const auto problems = dispo::broker::check_config(
        {options, curve_key_file, metrics_address, cluster_spec, cluster_api_spec});
    for (const auto& problem : problems) {
      std::fprintf(stderr, "dispo-broker check-config: %s : %s\n", check_file.c_str(), problem.c_str());
    }
    if (!problems.empty()) return 1;
    std::printf("configuration valide : %s (data %s, api %s, feed %s, CURVE %s, métriques %s)\n", check_file.c_str(),
                data_dir.c_str(), options.api.c_str(), options.feed.c_str(),
                curve_key_file.empty() ? "non" : "oui", metrics_address.empty() ? "non" : metrics_address.c_str());
    return 0;
  }
  if (init->parsed() && !setup.cluster.empty()) {
    setup.admin = init_admin;
    return print_cluster_setup(dispo::broker::set_up_cluster(setup), setup);
  }
  if (init->parsed()) {
    auto report = dispo::broker::initialise_security(init_data, init_keys, init_admin);
    if (!report) {
      std::fprintf(stderr, "dispo-broker init : %s\n", report.error().message.c_str());
      return 1;
    }
    std::printf("clés du broker :         %s (secrètes, mode 600 : pour le broker seul)\n"
                "clé publique du broker : %s (à donner à chaque client : --broker-key)\n"
                "clés de l'administrateur : %s (secrètes : pour `dispo-admin … --key`)\n"
                "administrateur « %s » enregistré dans %s\n",
                report->broker_key.c_str(), report->broker_public.c_str(), report->admin_key.c_str(),
                init_admin.c_str(), init_data.c_str());
    return 0;
  }
  if (sequence->parsed()) {
    auto last = dispo::broker::last_sequence_of(sequence_data);
    if (!last) {
      std::fprintf(stderr, "dispo-broker sequence: %s\n", last.error().message.c_str());
      return 1;
    }
    std::printf("%llu\n", static_cast<unsigned long long>(*last));
    return 0;
  }
  if (!curve_key_file.empty()) {
    auto keys = dispo::wire::read_key_file(curve_key_file, true);
    if (!keys) {
      std::fprintf(stderr, "dispo-broker : %s\n", keys.error().message.c_str());
      return 2;
    }
    options.curve_public_key = keys->public_key;
    options.curve_secret_key = keys->secret_key;
  }
  options.data_dir = data_dir;
  options.min_free_bytes = min_free_mb << 20;
  options.stale_after = std::chrono::seconds(stale_after_s);
  options.escalate_after = std::chrono::seconds(escalate_after_s);
  options.heartbeat = std::chrono::milliseconds(heartbeat_ms);

  auto logger = spdlog::stderr_color_mt("broker");
  logger->set_level(spdlog::level::from_str(log_level));
  dispo::broker::apply_log_format(*logger, *dispo::broker::parse_log_format(log_format),
                                  dispo::broker::stderr_is_journal());

  std::unique_ptr<dispo::broker::MetricsServer> metrics;
  if (!metrics_address.empty()) {
    options.metrics = std::make_shared<dispo::broker::MetricsBoard>();
    auto started = dispo::broker::MetricsServer::start(metrics_address, options.metrics);
    if (!started) {
      logger->critical("cannot start: {}", started.error().message);
      return 1;
    }
    metrics = std::move(*started);
    logger->info("metrics: http://{}:{}/metrics (/healthz, /readyz)",
                 metrics_address.substr(0, metrics_address.rfind(':')), metrics->port());
  }
  dispo::broker::SystemdNotifier systemd;
  options.on_turn = [&systemd] { systemd.watchdog_tick(); };

  auto broker = dispo::broker::Broker::open(options);
  if (!broker) {
    logger->critical("démarrage impossible : {}", broker.error().message);
    return 1;
  }
  const auto& startup = (*broker)->startup();
  logger->info("ready: data={} api={} feed={} curve={} facilities={} units={} sequence={} load_ms={:.1f}",
               options.data_dir.string(), startup.api, startup.feed,
               options.curve_secret_key.empty() ? "off (local sockets only)" : "on", startup.facilities,
               startup.units, startup.sequence, startup.load_time.count() / 1000.0);
  systemd.ready("prêt : " + std::to_string(startup.facilities) + " établissements, séquence " +
                std::to_string(startup.sequence));

  std::signal(SIGINT, request_stop);
  std::signal(SIGTERM, request_stop);
  try {
    (*broker)->run(stop_requested);
  } catch (const std::exception& error) {  // ZeroMQ failing under the loop: say it, exit non-zero
    logger->critical("event loop stopped: {}", error.what());
    systemd.stopping();
    return 1;
  }
  systemd.stopping();
  logger->info("stopped cleanly");
  return 0;
}
