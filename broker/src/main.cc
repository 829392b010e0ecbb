// dispo-broker: the capacity bus daemon. Flags can also be set in a TOML file (--config).
#include <csignal>
#include <cstdio>

#include <CLI/CLI.hpp>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include "dispo/broker/broker.h"
#include "dispo/schemas/curve_keys.h"

namespace {

std::atomic<bool> stop_requested{false};

void request_stop(int) { stop_requested.store(true); }

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

  CLI::App app{"dispo-broker: real-time capacity bus for child protection (ASE).\n"
               "Keeps facilities' live availability in an embedded RocksDB and answers publishers\n"
               "and clients over ZeroMQ."};
  app.allow_config_extras(CLI::config_extras_mode::error);
  app.set_config("--config", "", "TOML file setting any of these flags (e.g. api = \"tcp://...\")");
  app.add_option("--data", data_dir, "Data directory (RocksDB)")->capture_default_str();
  app.add_option("--api", options.api, "Endpoint of the request socket (ROUTER)")->capture_default_str();
  app.add_option("--feed", options.feed, "Endpoint of the change feed (XPUB)")->capture_default_str();
  app.add_option("--escalate-after", escalate_after_s,
                 "Seconds a placement request may wait before it escalates (request_waiting alert); "
                 "a request may set its own")
      ->check(CLI::Range(1L, 365L * 24 * 3600));
  app.add_option("--stale-after", stale_after_s,
                 "Seconds after which unconfirmed availability is stale")
      ->capture_default_str()->check(CLI::Range(1L, 30L * 24 * 3600));
  app.add_option("--heartbeat-ms", heartbeat_ms, "Feed heartbeat period in milliseconds")
      ->capture_default_str()->check(CLI::Range(10L, 1000L));
  app.add_option("--max-message-bytes", options.max_message_bytes, "Largest request accepted")
      ->capture_default_str()->check(CLI::Range(std::size_t{1024}, std::size_t{64u << 20}));
  app.add_option("--min-free-mb", min_free_mb,
                 "Free space (MiB) below which writes are refused with storage_error (0 = no check)")
      ->capture_default_str();
  app.add_option("--peer-rate", options.peer_rate,
                 "Requests per second one connection may send on average, then rate_limited (0 = no limit)")
      ->capture_default_str()->check(CLI::Range(0.0, 1e9));
  app.add_option("--peer-burst", options.peer_burst, "Requests one connection may send at once")
      ->capture_default_str()->check(CLI::Range(1.0, 1e9));
  app.add_option("--feed-hwm", options.feed_high_water_mark,
                 "Feed messages queued per subscriber; beyond them a slow subscriber misses messages\n"
                 "(it detects the gap and resynchronises) and the broker never waits for it")
      ->capture_default_str()->check(CLI::Range(1, 10'000'000));
  app.add_option("--log-level", log_level, "trace, debug, info, warn, error")
      ->capture_default_str()->check(CLI::IsMember({"trace", "debug", "info", "warn", "error"}));
  app.add_option("--curve-key", curve_key_file,
                 "The broker's CURVE key file (from `dispo-broker init`; mode 600). With it every\n"
                 "connection is encrypted and authenticated; without it only loopback is served");
  CLI::App* init = app.add_subcommand(
      "init", "Create the broker's CURVE key pair and a first admin's, and register that admin\n"
              "(run once, broker stopped; then start the broker with --curve-key KEYS/broker.key)");
  init->add_option("--data", init_data, "Data directory (RocksDB)")->capture_default_str();
  init->add_option("--keys", init_keys, "Directory for the key files")->capture_default_str();
  init->add_option("--admin", init_admin, "Name of the first admin principal")->capture_default_str();
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    if (error.get_exit_code() == 0) return app.exit(error);  // --help
    const bool in_config = dynamic_cast<const CLI::ConfigError*>(&error) != nullptr;
    std::fprintf(stderr, "dispo-broker: %s%s (see dispo-broker --help)\n",
                 in_config ? "configuration file: unknown key or bad value: " : "", error.what());
    return 2;
  }

  if (init->parsed()) {
    auto report = dispo::broker::initialise_security(init_data, init_keys, init_admin);
    if (!report) {
      std::fprintf(stderr, "dispo-broker init: %s\n", report.error().message.c_str());
      return 1;
    }
    std::printf("broker key pair:  %s (secret, mode 600: only for the broker)\n"
                "broker public key: %s (give it to every client: --broker-key)\n"
                "admin key pair:   %s (secret: for `dispo admin ...` --key)\n"
                "admin \"%s\" registered in %s\n",
                report->broker_key.c_str(), report->broker_public.c_str(), report->admin_key.c_str(),
                init_admin.c_str(), init_data.c_str());
    return 0;
  }
  if (!curve_key_file.empty()) {
    auto keys = dispo::wire::read_key_file(curve_key_file, true);
    if (!keys) {
      std::fprintf(stderr, "dispo-broker: %s\n", keys.error().message.c_str());
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
  logger->set_pattern("%Y-%m-%dT%H:%M:%S.%e %^%l%$ %n: %v");

  auto broker = dispo::broker::Broker::open(options);
  if (!broker) {
    logger->critical("cannot start: {}", broker.error().message);
    return 1;
  }
  const auto& startup = (*broker)->startup();
  logger->info("ready: data={} api={} feed={} curve={} facilities={} units={} sequence={} load_ms={:.1f}",
               options.data_dir.string(), options.api, options.feed,
               options.curve_secret_key.empty() ? "off (loopback only)" : "on", startup.facilities,
               startup.units, startup.sequence, startup.load_time.count() / 1000.0);

  std::signal(SIGINT, request_stop);
  std::signal(SIGTERM, request_stop);
  (*broker)->run(stop_requested);
  logger->info("stopped cleanly");
  return 0;
}
