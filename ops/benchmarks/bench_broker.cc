#include "bench_broker.h"

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <stdexcept>

#include "dispo/clients/session.h"
#include "dispo/schemas/curve_keys.h"

namespace dispo::bench {

std::string facility_id(int index) {
  char id[16];
  std::snprintf(id, sizeof id, "59%07d", index);
  return id;
}

std::string unit_id(int index) { return "unite-" + std::to_string(index); }

namespace {

// `dispo-broker init` in `dir`; returns the admin's client keys.
client::ClientKeys initialise_curve(const std::filesystem::path& dir) {
  const auto init = testing::run_command({testing::broker_binary(), "init", "--data", (dir / "data").string(),
                                          "--keys", (dir / "keys").string(), "--admin", "bench"});
  if (init.exit_code != 0) throw std::runtime_error("dispo-broker init failed: " + init.err);
  auto broker = wire::read_key_file(dir / "keys" / "broker.pub", false);
  auto admin = wire::read_key_file(dir / "keys" / "bench.key", true);
  if (!broker || !admin) throw std::runtime_error("cannot read the bench keys");
  return {broker->public_key, admin->public_key, admin->secret_key};
}

}  // namespace

namespace {

std::vector<std::string> with_curve(bool curve, const std::filesystem::path& dir, std::vector<std::string> flags) {
  if (curve) flags.insert(flags.begin(), {"--curve-key", (dir / "keys" / "broker.key").string()});
  return flags;
}

}  // namespace

// The rate limit is lifted (BrokerProcess passes --peer-rate 0 unless `flags` set it) so that the
// broker, not the limiter, is measured: with CURVE every bench client is the one admin principal,
// whose limit all its connections share.
BenchBroker::BenchBroker(bool curve, std::vector<std::string> flags, int members)
    : keys(curve ? initialise_curve(dir.path()) : client::ClientKeys{}),
      process(dir / "data", with_curve(curve, dir.path(), flags)) {
  process.set_probe_keys(keys);
  api = process.api();
  std::string every_api = api;
  if (members > 1) {
    std::string raft = "1=127.0.0.1:" + std::to_string(testing::free_port());
    std::string apis = "1=" + process.api();
    for (int m = 2; m <= members; ++m) {
      const auto member_dir = dir / ("member-" + std::to_string(m));
      std::filesystem::create_directories(member_dir);
      // Every member starts from the same store: with CURVE, the one `dispo-broker init` made (its
      // admin principal), as an operator copies it; the members then share the broker's key, so
      // their Raft traffic goes over the encrypted member link.
      if (curve) std::filesystem::copy(dir / "data", member_dir / "data", std::filesystem::copy_options::recursive);
      others.push_back(std::make_unique<testing::BrokerProcess>(member_dir / "data", with_curve(curve, dir.path(), flags)));
      others.back()->set_probe_keys(keys);
      raft += "," + std::to_string(m) + "=127.0.0.1:" + std::to_string(testing::free_port());
      apis += "," + std::to_string(m) + "=" + others.back()->api();
      every_api += "," + others.back()->api();
    }
    auto cluster_flags = [&](int m) {
      std::vector<std::string> with = with_curve(curve, dir.path(), flags);
      with.insert(with.end(), {"--node-id", std::to_string(m), "--cluster", raft, "--cluster-api", apis});
      return with;
    };
    process.set_extra_args(cluster_flags(1));
    for (int m = 2; m <= members; ++m) others[m - 2]->set_extra_args(cluster_flags(m));
    for (auto& other : others) other->start();
  }
  process.start();
  zmq::context_t context;
  // The first registration finds the leader (a Session given every member follows it).
  client::Session session(context, {every_api, std::chrono::seconds(30), 3, "bench-admin", keys});
  for (int first = 0; first < kFacilities; first += 100) {
    wire::RegistrationT registration;
    for (int f = first; f < first + 100; ++f) {
      auto facility = std::make_unique<wire::FacilityT>();
      facility->id = facility_id(f);
      facility->name = "Maison d'enfants " + std::to_string(f);
      facility->kind = wire::FacilityKind::mecs;
      facility->departement = "59";
      facility->commune_insee = "59350";
      facility->lat = 50.2 + (f % 50) * 0.02;
      facility->lon = 2.5 + (f / 50) * 0.03;
      facility->phone = "03 20 00 00 00";
      for (int u = 0; u < kUnitsPerFacility; ++u) {
        auto unit = std::make_unique<wire::UnitT>();
        unit->id = unit_id(u);
        unit->age_min = static_cast<std::uint8_t>((u * 2) % 14);
        unit->age_max = static_cast<std::uint8_t>(unit->age_min + 6);
        unit->installed = kInstalled;
        unit->max_siblings = static_cast<std::uint8_t>(1 + u % 4);
        facility->units.push_back(std::move(unit));
      }
      registration.facilities.push_back(std::move(facility));
    }
    wire::RequestBodyUnion body;
    body.Set(std::move(registration));
    auto reply = session.call(std::move(body));
    if (!reply) throw std::runtime_error("registration failed: " + reply.error().message);
  }
  api = session.endpoint();
}

client::SessionOptions BenchBroker::session(std::string client_id) const {
  return {api, std::chrono::seconds(30), 1, std::move(client_id), keys};
}

long BenchBroker::rss_kib() {
  std::ifstream status("/proc/" + std::to_string(process.pid()) + "/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
  }
  return -1;
}

std::string publisher_client_id(int index) {
  std::string id = "bench-publisher-" + std::to_string(index) + "-";
  id.resize(56, '.');
  return id;
}

wire::RequestBodyUnion update_for(int unit, int available) {
  wire::AvailabilityUpdateT update;
  update.facility_id = facility_id(unit / kUnitsPerFacility);
  update.unit_id = unit_id(unit % kUnitsPerFacility);
  update.available = static_cast<std::uint16_t>(available % 20);
  update.occupied = static_cast<std::uint16_t>(kInstalled - 20);
  update.reserved = 0;
  update.closed = 0;
  update.free_24h = 1;
  update.free_72h = 2;
  wire::RequestBodyUnion body;
  body.Set(std::move(update));
  return body;
}

std::string Latencies::summary() {
  if (micros.empty()) return "no samples";
  std::sort(micros.begin(), micros.end());
  auto at = [&](double q) { return micros[static_cast<std::size_t>(q * (micros.size() - 1))]; };
  char text[160];
  std::snprintf(text, sizeof text, "n=%zu p50=%.3f ms p99=%.3f ms max=%.3f ms", micros.size(),
                at(0.50) / 1000, at(0.99) / 1000, micros.back() / 1000);
  return text;
}

}  // namespace dispo::bench
