#include "broker_process.h"

#include <algorithm>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include <zmq.hpp>

#include "dispo/clients/session.h"

namespace dispo::testing {

namespace {
std::string& broker_binary_override() {
  static std::string path;
  return path;
}
}  // namespace

std::string broker_binary() { return broker_binary_override().empty() ? DISPO_BROKER_BIN : broker_binary_override(); }
void use_broker_binary(std::string path) { broker_binary_override() = std::move(path); }
std::string publish_binary() { return DISPO_PUBLISH_BIN; }
std::string sim_binary() { return DISPO_SIM_BIN; }
std::string dispo_binary() { return DISPO_CLI_BIN; }

BrokerProcess::BrokerProcess(std::filesystem::path data_dir, std::vector<std::string> extra_args)
    : data_dir_(std::move(data_dir)), extra_args_(std::move(extra_args)) {
  api_ = "tcp://127.0.0.1:" + std::to_string(free_port());
  feed_ = "tcp://127.0.0.1:" + std::to_string(free_port());
}

void BrokerProcess::start(std::chrono::milliseconds deadline) {
  // Ports come from free_port(), so another process (a parallel test's outgoing connection) can
  // take one before the broker binds it: then the broker says so and we retry on fresh ports.
  for (int attempt = 1;; ++attempt) {
    try {
      launch(deadline);
      return;
    } catch (const std::runtime_error&) {
      if (attempt == 5 || log().find("Address already in use") == std::string::npos) throw;
      api_ = "tcp://127.0.0.1:" + std::to_string(free_port());
      feed_ = "tcp://127.0.0.1:" + std::to_string(free_port());
    }
  }
}

void BrokerProcess::launch(std::chrono::milliseconds deadline) {
  // Loopback TCP on free ports, which tests need to run in parallel: explicitly insecure. The rate
  // limit sized for real clients is lifted unless the test sets its own (it measures other things).
  std::vector<std::string> argv = {broker_binary(), "--data", data_dir_.string(), "--api", api_,
                                   "--feed", feed_, "--insecure-tcp-loopback"};
  if (std::find(extra_args_.begin(), extra_args_.end(), "--peer-rate") == extra_args_.end()) {
    argv.insert(argv.end(), {"--peer-rate", "0"});
  }
  argv.insert(argv.end(), extra_args_.begin(), extra_args_.end());
  process_ = Process::start(argv, log_path().string());

  zmq::context_t context;
  const auto end = std::chrono::steady_clock::now() + deadline;
  while (std::chrono::steady_clock::now() < end) {
    if (!process_.running()) throw std::runtime_error("dispo-broker exited at start:\n" + log());
    client::Session session(context, {api_, std::chrono::milliseconds(200), 1, "test-probe", probe_keys_});
    wire::RequestBodyUnion body;
    body.Set(wire::SnapshotRequestT{});
    auto answered = session.call(std::move(body));
    if (answered || (up_when_key_refused_ && answered.error().status == wire::Status::unauthenticated)) return;
  }
  throw std::runtime_error("dispo-broker did not answer in time:\n" + log());
}

std::string BrokerProcess::log() const {
  std::ifstream in(log_path());
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace dispo::testing
