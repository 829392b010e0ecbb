// Shared pieces of dispo-bench: a real broker process with 10,000 registered units, latency
// statistics, and the update messages the scenarios send.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "broker_process.h"
#include "dispo/clients/session.h"
#include "dispo/schemas/wire.h"
#include "temp_dir.h"

namespace dispo::bench {

inline constexpr int kFacilities = 1000;
inline constexpr int kUnitsPerFacility = 10;   // 10,000 units in all
inline constexpr int kInstalled = 60;

std::string facility_id(int index);
std::string unit_id(int index);

// A fresh broker on loopback in a temporary directory, with the 10,000 units registered.
// With `curve`, the broker runs with a key from `dispo-broker init` and every bench client
// connects with the admin's keys (`keys`), to measure what encryption costs.
// `flags` are more broker flags (e.g. "--peer-rate", "10"); without --peer-rate the limit is lifted.
// With `members` 3, three brokers on loopback form a Raft cluster (issue #16): `process` is member
// 1, the units are registered through the leader, and session() speaks to the leader. With `curve`
// too, every member starts from the one initialised store and has the broker's key: the members'
// Raft traffic goes over the encrypted member link.
struct BenchBroker {
  explicit BenchBroker(bool curve = false, std::vector<std::string> flags = {}, int members = 1);
  testing::TempDir dir;
  client::ClientKeys keys;
  testing::BrokerProcess process;
  std::vector<std::unique_ptr<testing::BrokerProcess>> others;  // the other members of a cluster
  std::string api;  // where session() connects: the broker, or the cluster's leader
  long rss_kib();  // resident memory of the broker process
  client::SessionOptions session(std::string client_id) const;
};

// The client id of publisher `index`, padded so that an update request is 200 bytes on the wire
// (the size issue #2 gives for its figures).
std::string publisher_client_id(int index);

// The update of unit number `unit` (0..9999) setting `available` (occupied fills the rest).
wire::RequestBodyUnion update_for(int unit, int available);

// Latencies in microseconds; summary() gives count, p50, p99, max.
struct Latencies {
  std::vector<double> micros;
  void add(std::chrono::steady_clock::duration d) {
    micros.push_back(std::chrono::duration<double, std::micro>(d).count());
  }
  std::string summary();
};

}  // namespace dispo::bench
