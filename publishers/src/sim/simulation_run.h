// Internal to dispo-sim: the run itself — register the simulated département, publish a first
// round of availability, then paced steps of the ActivityModel through an Outbox (and an
// OutboxPipeline) until asked to stop. Messages for people are in French on stdout (progress) and stderr (problems).
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>

#include "command_line_flags.h"

namespace dispo::sim {

struct SimulationOptions {
  client::ConnectionOptions connection;  // --broker, --timeout (per attempt)
  std::string departement = "59";
  std::size_t facilities = 100;
  double rate = 5.0;        // steps per second
  std::uint64_t seed = 1;
  double duration_s = 0;    // after registration and the first round; 0 = until stopped
  bool quiet = false;       // no progress lines (problems are still reported)
  std::string outbox;       // --outbox; empty = default_outbox_directory("sim-<département>")
  std::chrono::seconds summary_every{10};
};

// Runs the simulation until `stop` is set (SIGINT/SIGTERM) or the duration is over; returns the
// exit code (client::ExitCode: kUnreachable if it cannot register at start-up, kKeptInOutbox if
// updates still wait in the outbox at the end). Every update goes through the outbox (kept on
// disk before it is sent); while the broker is down the simulation goes on, its updates wait in
// the outbox and are delivered in order when the broker is back, or by the next run.
int run_simulation(const SimulationOptions& options, const std::atomic<bool>& stop);

}  // namespace dispo::sim
