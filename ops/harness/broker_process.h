// BrokerProcess: the real dispo-broker binary on loopback ports with its data in a directory,
// for integration tests (--insecure-tcp-loopback; --peer-rate 0 unless extra_args sets it). start() returns once the broker answers requests (polled with a
// deadline). kill9() simulates a crash; start() again restarts on the same data.
#pragma once

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

#include "dispo/clients/session.h"
#include "process.h"

namespace dispo::testing {

// Paths of the binaries under test (set by CMake).
std::string broker_binary();
// Runs `path` instead of this build's dispo-broker from now on (dispo-bench --broker: the same
// measurements on another build). Call before starting any broker.
void use_broker_binary(std::string path);
std::string publish_binary();
std::string sim_binary();
std::string dispo_binary();

class BrokerProcess {
 public:
  explicit BrokerProcess(std::filesystem::path data_dir, std::vector<std::string> extra_args = {});

  // Arguments added to the command line from the next start() on (a cluster member needs the
  // other members' endpoints, known once they are all constructed).
  void set_extra_args(std::vector<std::string> extra_args) { extra_args_ = std::move(extra_args); }
  // The keys start() probes with, for a broker running with --curve-key.
  void set_probe_keys(client::ClientKeys keys) { probe_keys_ = std::move(keys); }
  const client::ClientKeys& probe_keys() const { return probe_keys_; }
  // A cluster member joining with an empty store knows no principal until it is sent the state:
  // start() then takes a refusal of the probe's key (the broker's ZAP handler answered) as up.
  void set_up_when_the_key_is_refused(bool up) { up_when_key_refused_ = up; }

  // Starts the broker and waits until it answers (throws after `deadline`).
  void start(std::chrono::milliseconds deadline = std::chrono::seconds(20));
  void kill9() { process_.kill9(); }
  int stop() { return process_.stop(); }
  bool running() { return process_.running(); }
  pid_t pid() const { return process_.pid(); }

  const std::string& api() const { return api_; }
  const std::string& feed() const { return feed_; }
  const std::filesystem::path& data_dir() const { return data_dir_; }
  std::filesystem::path log_path() const { return data_dir_.parent_path() / "broker.log"; }
  std::string log() const;

 private:
  void launch(std::chrono::milliseconds deadline);

  std::filesystem::path data_dir_;
  std::vector<std::string> extra_args_;
  std::string api_;
  std::string feed_;
  Process process_;
  client::ClientKeys probe_keys_;
  bool up_when_key_refused_ = false;
};

}  // namespace dispo::testing
