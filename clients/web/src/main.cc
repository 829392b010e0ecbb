// dispo-web: the HTTP gateway between browsers and the dispo broker (issue #13). A client of
// the broker like the `dispo` CLI, acting as its own principal (role gateway) for the people
// signed in. See clients/web/README.md.
#include <sys/resource.h>

#include <cstdio>
#include <cstdlib>
#include <tuple>
#include <utility>

#include <CLI/CLI.hpp>
#include "dispo/schemas/host_port.h"
#include "dispo/schemas/spdlog.h"

#include "api.h"
#include "broker_pool.h"
#include "command_line_flags.h"
#include "event_hub.h"
#include "http_server.h"
#include "static_files.h"
#include "time_arguments.h"
#include "web_sessions.h"

namespace {

using namespace dispo;

constexpr const char* kProgram = "dispo-web";

struct Flags {
  std::string feed = client::kDefaultFeed;
  std::string listen = "127.0.0.1:8080";
  std::string assets;
  std::string tls_cert;
  std::string tls_key;
  std::string session_idle = "10h";
  std::string session_max = "16h";
  std::string keepalive = "15s";
  std::size_t body_limit = 64 * 1024;
  std::size_t stream_buffer = 256 * 1024;
  std::size_t ring = 20'000;
  int threads = 2;
  int broker_threads = 4;
  std::size_t login_failures_account = 5;
  std::size_t login_failures_address = 20;
  std::string login_window = "15m";
  std::string log_level = "info";
  std::string metrics;
  bool print_routes = false;
};

int usage(const std::string& message) { return client::report_usage(kProgram, message); }

// "HOST:PORT" (IPv6 in brackets) for `flag`; the message names the flag and what was given.
Result<std::pair<std::string, std::uint16_t>> host_port(const std::string& text, const std::string& flag) {
  if (text.find(':') == std::string::npos) {
    return make_error(wire::Status::invalid, flag + " : adresse:port attendu, reçu « " + text + " »");
  }
  const auto read = wire::parse_host_port(text);
  if (!read) return make_error(wire::Status::invalid, flag + " : port invalide dans « " + text + " »");
  return std::pair{read->host, read->port};
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"dispo-web — la passerelle HTTP de dispo : API JSON, flux d'événements (SSE) et pages web, "
               "pour les personnes connectées avec un compte web.",
               kProgram};
  app.allow_config_extras(CLI::config_extras_mode::error);
  app.set_config("--config", "", "Fichier TOML fixant ces options (ex. listen = \"127.0.0.1:8080\")");
  client::ConnectionOptions connection;
  client::add_connection_options(app, connection);
  Flags flags;
  if (const char* feed = std::getenv("DISPO_FEED")) flags.feed = feed;
  app.add_option("--feed", flags.feed,
                 "Adresse du flux du broker (d'un cluster : chaque nœud, séparés par des virgules), "
                 "ou variable DISPO_FEED")
      ->capture_default_str();
  app.add_option("--listen", flags.listen, "Adresse:port HTTP ; au-delà de la boucle locale, TLS obligatoire")
      ->capture_default_str();
  app.add_option("--assets", flags.assets, "Dossier des pages web (fichiers statiques)");
  app.add_option("--tls-cert", flags.tls_cert, "Certificat TLS (PEM, chaîne complète)");
  app.add_option("--tls-key", flags.tls_key, "Clé privée TLS (PEM)");
  app.add_option("--session-idle", flags.session_idle, "Session fermée après cette inactivité")->capture_default_str();
  app.add_option("--session-max", flags.session_max, "Durée maximale d'une session")->capture_default_str();
  app.add_option("--keepalive", flags.keepalive, "Commentaire de maintien sur chaque flux")->capture_default_str();
  app.add_option("--body-limit", flags.body_limit, "Taille maximale d'un corps de requête (octets)")->capture_default_str();
  app.add_option("--stream-buffer", flags.stream_buffer,
                 "Octets en attente pour un flux avant de couper un lecteur trop lent")->capture_default_str();
  app.add_option("--ring", flags.ring, "Événements gardés pour reprendre un flux (Last-Event-ID)")->capture_default_str();
  app.add_option("--threads", flags.threads, "Fils HTTP")->capture_default_str()->check(CLI::Range(1, 64));
  app.add_option("--broker-threads", flags.broker_threads, "Fils (et connexions) vers le broker")
      ->capture_default_str()->check(CLI::Range(1, 64));
  app.add_option("--login-failures-account", flags.login_failures_account,
                 "Échecs de connexion tolérés par compte sur la fenêtre")->capture_default_str();
  app.add_option("--login-failures-address", flags.login_failures_address,
                 "Échecs de connexion tolérés par adresse sur la fenêtre")->capture_default_str();
  app.add_option("--login-window", flags.login_window, "Fenêtre des échecs de connexion")->capture_default_str();
  app.add_option("--log-level", flags.log_level, "trace, debug, info, warn, error")
      ->capture_default_str()->check(CLI::IsMember({"trace", "debug", "info", "warn", "error"}));
  app.add_option("--metrics", flags.metrics,
                 "HÔTE:PORT où servir les métriques Prometheus, /healthz et /readyz (ex. 127.0.0.1:9402 ; aucun par défaut)");
  app.add_flag("--print-routes", flags.print_routes, "Affiche les routes de l'API (méthode et chemin) et sort");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    if (error.get_exit_code() == 0) return app.exit(error);
    return usage(client::french_usage(error, app, ""));
  }
  if (flags.print_routes) {
    for (const auto& route : web::Api::routes()) std::printf("%s %s\n", route.method.c_str(), route.pattern.c_str());
    return 0;
  }
  spdlog::set_level(spdlog::level::from_str(flags.log_level));
  spdlog::flush_on(spdlog::level::trace);  // logs go to a file or a journal: each line at once
  // Every event stream is an open socket: take every descriptor the system allows.
  if (rlimit files{}; getrlimit(RLIMIT_NOFILE, &files) == 0 && files.rlim_cur < files.rlim_max) {
    files.rlim_cur = files.rlim_max;
    setrlimit(RLIMIT_NOFILE, &files);
  }

  web::ServerOptions server;
  auto listen = host_port(flags.listen, "--listen");
  if (!listen) return usage(listen.error().message);
  std::tie(server.address, server.port) = *listen;
  if (!flags.metrics.empty()) {
    auto metrics = host_port(flags.metrics, "--metrics");
    if (!metrics) return usage(metrics.error().message);
    std::tie(server.metrics_address, server.metrics_port) = *metrics;
  }
  const bool tls = !flags.tls_cert.empty() || !flags.tls_key.empty();
  if (!tls && !web::is_loopback_address(server.address)) {
    return usage("refus d'écouter sur " + server.address +
                 " sans TLS : donnez --tls-cert et --tls-key (les mots de passe ne circulent jamais en clair)");
  }
  server.tls_cert = flags.tls_cert;
  server.tls_key = flags.tls_key;
  server.body_limit = flags.body_limit;
  server.stream_buffer = flags.stream_buffer;
  server.threads = flags.threads;

  auto idle = cli::parse_duration(flags.session_idle, "--session-idle");
  auto absolute = cli::parse_duration(flags.session_max, "--session-max");
  auto keepalive = cli::parse_duration(flags.keepalive, "--keepalive");
  auto window = cli::parse_duration(flags.login_window, "--login-window");
  for (const auto* parsed : {&idle, &absolute, &keepalive, &window}) {
    if (!*parsed) return usage(parsed->error().message);
  }

  zmq::context_t context;
  auto session_options = client::session_options(connection, "dispo-web-" + client::random_client_id());
  web::WebSessions sessions{std::chrono::seconds(*idle), std::chrono::seconds(*absolute)};
  web::LoginLimiter limiter(flags.login_failures_account, flags.login_failures_address, std::chrono::seconds(*window));
  web::BrokerPool pool(context, session_options, static_cast<std::size_t>(flags.broker_threads), 4096);
  web::HubOptions hub_options;
  hub_options.board.broker = connection.broker;
  hub_options.board.feed = flags.feed;
  hub_options.board.keys = connection.keys;
  hub_options.board.client_id = session_options.client_id + "-board";
  hub_options.ring = flags.ring;
  hub_options.keepalive = std::chrono::seconds(*keepalive);
  web::EventHub hub(context, hub_options, sessions);
  web::StaticFiles files(flags.assets);
  web::Api api(sessions, limiter, pool);
  web::HttpServer http(server, api, hub, files);
  if (auto listening = http.listen(); !listening) return usage(listening.error().message);
  hub.start();
  std::printf("dispo-web : à l'écoute sur %s://%s:%u (broker %s, flux %s)\n", tls ? "https" : "http",
              server.address.c_str(), static_cast<unsigned>(http.port()), connection.broker.c_str(), flags.feed.c_str());
  if (!server.metrics_address.empty()) {
    std::printf("dispo-web : métriques sur http://%s:%u/metrics\n", server.metrics_address.c_str(),
                static_cast<unsigned>(http.metrics_port()));
  }
  std::fflush(stdout);
  http.run();
  spdlog::info("dispo-web: stopping");
  hub.stop();
  pool.stop();
  return 0;
}
