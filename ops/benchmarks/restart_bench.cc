#include "scenarios.h"

#include <atomic>
#include <cstdio>

#include "dispo/broker/broker.h"
#include "dispo/clients/session.h"
#include "reports/history.h"
#include "storage/store.h"

namespace dispo::bench {
namespace {

// Writes 10,000 units and `events` AvailabilityChanged events straight into a store.
bool populate(const std::filesystem::path& data_dir, std::size_t events) {
  auto store = broker::Store::open(data_dir);
  if (!store) return false;
  auto batch = (*store)->batch();
  for (int f = 0; f < kFacilities; ++f) {
    wire::FacilityT facility;
    facility.id = facility_id(f);
    facility.name = "Maison d'enfants " + std::to_string(f);
    facility.departement = "59";
    facility.phone = "03 20 00 00 00";
    for (int u = 0; u < kUnitsPerFacility; ++u) {
      auto unit = std::make_unique<wire::UnitT>();
      unit->id = unit_id(u);
      unit->age_max = 18;
      unit->installed = kInstalled;
      wire::AvailabilityT availability;
      availability.installed = kInstalled;
      availability.available = 3;
      availability.confirmed_at = wire::now_ms();
      batch.put_availability(facility.id, unit->id, availability);
      facility.units.push_back(std::move(unit));
    }
    batch.put_facility(facility);
  }
  if (!(*store)->commit(batch)) return false;
  for (std::size_t sequence = 1; sequence <= events; ++sequence) {
    flatbuffers::FlatBufferBuilder builder(256);
    wire::AvailabilityT availability;
    availability.installed = kInstalled;
    availability.available = static_cast<std::uint16_t>(sequence % 20);
    availability.confirmed_at = wire::now_ms();
    availability.confirmed_by = "bench-populate";
    const int unit = static_cast<int>(sequence % (kFacilities * kUnitsPerFacility));
    auto change = wire::CreateAvailabilityChanged(
        builder, builder.CreateString(facility_id(unit / kUnitsPerFacility)),
        builder.CreateString(unit_id(unit % kUnitsPerFacility)),
        wire::CreateAvailability(builder, &availability));
    wire::finish(builder, wire::CreateFeedEvent(builder, sequence, wire::now_ms(),
                                                wire::Change::AvailabilityChanged, change.Union()));
    batch.append_event(sequence, {reinterpret_cast<const char*>(builder.GetBufferPointer()), builder.GetSize()});
    if (sequence % 20'000 == 0 || sequence == events) {
      batch.set_last_sequence(sequence);
      if (!(*store)->commit(batch)) return false;
    }
  }
  return true;
}

}  // namespace

void restart_scenario(std::size_t events) {
  testing::TempDir dir;
  const auto data_dir = dir / "data";
  if (!populate(data_dir, events)) {
    std::printf("restart cannot populate the store\n");
    return;
  }
  // The reports of a past moment (capacity --at, record --at-sequence, export) replay the log from
  // its start on the event loop: how long the broker stops answering for one.
  {
    auto store = broker::Store::open(data_dir);
    if (!store) return;
    const auto started = std::chrono::steady_clock::now();
    auto picture = broker::replay(**store, broker::ReplayLimit{});
    if (!picture) {
      std::printf("history replay failed: %s\n", picture.error().message.c_str());
      return;
    }
    std::printf("history replay of %llu logged events (capacity --at, record --at-sequence): %.1f ms\n",
                static_cast<unsigned long long>(picture->sequence),
                std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count());
  }
  // In process: open the store, rebuild the index, bind the sockets.
  broker::BrokerOptions options;
  options.data_dir = data_dir;
  options.api = "tcp://127.0.0.1:" + std::to_string(testing::free_port());
  options.feed = "tcp://127.0.0.1:" + std::to_string(testing::free_port());
  options.insecure_tcp_loopback = true;  // a benchmark on free loopback ports
  const auto started = std::chrono::steady_clock::now();
  auto broker = broker::Broker::open(options);
  const auto opened = std::chrono::steady_clock::now() - started;
  if (!broker) {
    std::printf("restart failed: %s\n", broker.error().message.c_str());
    return;
  }
  const auto& report = (*broker)->startup();
  std::printf("restart %zu units, %llu logged events: Broker::open %.1f ms (index rebuild %.1f ms)\n",
              report.units, static_cast<unsigned long long>(report.sequence),
              std::chrono::duration<double, std::milli>(opened).count(),
              report.load_time.count() / 1000.0);
  broker->reset();

  // The real binary: from exec to the first answered request.
  testing::BrokerProcess process(data_dir);
  const auto exec_started = std::chrono::steady_clock::now();
  process.start();
  std::printf("restart dispo-broker process from exec to first answered request: %.1f ms\n",
              std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - exec_started).count());
  process.stop();
}

}  // namespace dispo::bench
