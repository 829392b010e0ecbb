// dispo-broker: the capacity bus daemon. Flags can also be set in a TOML file (--config).
#include <csignal>
#include <cstdio>

#include <CLI/CLI.hpp>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include "dispo/broker/broker.h"

namespace {

std::atomic<bool> stop_requested{false};

void request_stop(int) { stop_requested.store(true); }

}  // namespace

int main(int argc, char** argv) {
  dispo::broker::BrokerOptions options;
  std::string data_dir = options.data_dir.string();
  long stale_after_s = options.stale_after.count();
  long heartbeat_ms = options.heartbeat.count();
  std::string log_level = "info";
  std::uint64_t min_free_mb = options.min_free_bytes >> 20;

  CLI::App app{"dispo-broker: real-time capacity bus for child protection (ASE).\n"
               "Keeps facilities' live availability in an embedded RocksDB and answers publishers\n"
               "and clients over ZeroMQ."};
  app.allow_config_extras(CLI::config_extras_mode::error);
  app.set_config("--config", "", "TOML file setting any of these flags (e.g. api = \"tcp://...\")");
  app.add_option("--data", data_dir, "Data directory (RocksDB)")->capture_default_str();
  app.add_option("--api", options.api, "Endpoint of the request socket (ROUTER)")->capture_default_str();
  app.add_option("--feed", options.feed, "Endpoint of the change feed (XPUB)")->capture_default_str();
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
  app.add_option("--log-level", log_level, "trace, debug, info, warn, error")
      ->capture_default_str()->check(CLI::IsMember({"trace", "debug", "info", "warn", "error"}));
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    if (error.get_exit_code() == 0) return app.exit(error);  // --help
    const bool in_config = dynamic_cast<const CLI::ConfigError*>(&error) != nullptr;
    std::fprintf(stderr, "dispo-broker: %s%s (see dispo-broker --help)\n",
                 in_config ? "configuration file: unknown key or bad value: " : "", error.what());
    return 2;
  }

  options.data_dir = data_dir;
  options.min_free_bytes = min_free_mb << 20;
  options.stale_after = std::chrono::seconds(stale_after_s);
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
  logger->info("ready: data={} api={} feed={} facilities={} units={} sequence={} load_ms={:.1f}",
               options.data_dir.string(), options.api, options.feed, startup.facilities,
               startup.units, startup.sequence, startup.load_time.count() / 1000.0);

  std::signal(SIGINT, request_stop);
  std::signal(SIGTERM, request_stop);
  (*broker)->run(stop_requested);
  logger->info("stopped cleanly");
  return 0;
}
