#include "web_gateway.h"

#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "dispo/schemas/curve_keys.h"
#include "dispo/schemas/web_secrets.h"
#include "test_cluster.h"
#include "watchers.h"
#include "wire_helpers.h"

namespace dispo::testing {

std::string web_binary() { return DISPO_WEB_BIN; }
std::string admin_binary() { return DISPO_ADMIN_BIN; }
std::filesystem::path web_source_dir() { return DISPO_WEB_SOURCE_DIR; }

namespace {

wire::FacilityT facility_in(const std::string& id, const std::string& departement) {
  auto facility = make_facility(id, 2, 10);
  facility.departement = departement;
  return facility;
}

}  // namespace

WebGateway::WebGateway(std::vector<std::string> web_flags) : keys_(dir_ / "keys") {
  const auto init = run_command({broker_binary(), "init", "--data", (dir_ / "data").string(), "--keys", keys_.string(),
                                 "--admin", "admin-test"});
  if (init.exit_code != 0) throw std::runtime_error("dispo-broker init failed: " + init.err);
  broker_public_ = wire::read_key_file(keys_ / "broker.pub", false)->public_key;
  auto admin = wire::read_key_file(keys_ / "admin-test.key", true);
  admin_ = {broker_public_, admin->public_key, admin->secret_key};
  broker_ = std::make_unique<BrokerProcess>(dir_ / "data",
                                            std::vector<std::string>{"--curve-key", (keys_ / "broker.key").string()});
  broker_->set_probe_keys(admin_);
  broker_->start();
  set_up(std::move(web_flags));
}

WebGateway::WebGateway(OnCluster, std::vector<std::string> web_flags) : keys_(dir_ / "keys") {
  cluster_ = std::make_unique<Cluster>(false, false, true);
  admin_ = cluster_->client_keys();
  broker_public_ = admin_.broker_public;
  std::filesystem::create_directories(keys_);
  std::filesystem::copy_file(cluster_->key_flags().at(3), keys_ / "broker.pub");  // --broker-key's file
  set_up(std::move(web_flags));
}

void WebGateway::set_up(std::vector<std::string> web_flags) {
  admin_call(registration_of(facility_in("590000001", "59")));
  admin_call(registration_of(facility_in("620000001", "62")));
  const auto gateway = grant("dispo-web", wire::Role::gateway, {}, {});
  auto written = wire::write_key_file(keys_ / "dispo-web.key", {gateway.public_key, gateway.secret_key}, "dispo-web");
  if (!written) throw std::runtime_error(written.error().message);
  start_web(std::move(web_flags));
}

WebGateway::~WebGateway() {
  web_.stop();
  if (broker_) broker_->stop();
}

std::string WebGateway::brokers() const {
  return cluster_ ? all_members(*cluster_, &BrokerProcess::api, 0) : broker_->api();
}

std::string WebGateway::feeds() const {
  return cluster_ ? all_members(*cluster_, &BrokerProcess::feed, 0) : broker_->feed();
}

std::vector<std::string> WebGateway::web_command(int port, std::vector<std::string> flags) const {
  std::filesystem::create_directories(dir_ / "assets");
  std::vector<std::string> argv = {web_binary(), "--broker", brokers(), "--feed", feeds(),
                                   "--listen", "127.0.0.1:" + std::to_string(port), "--key",
                                   (keys_ / "dispo-web.key").string(), "--broker-key", (keys_ / "broker.pub").string(),
                                   "--assets", (dir_ / "assets").string()};
  argv.insert(argv.end(), flags.begin(), flags.end());
  return argv;
}

void WebGateway::start_web(std::vector<std::string> flags) {
  std::filesystem::create_directories(dir_ / "assets");
  {
    std::ofstream index(dir_ / "assets" / "index.html");
    index << "<!doctype html><title>dispo</title><p>dispo</p>\n";
  }
  std::ofstream(dir_ / "secret.txt") << "outside the assets\n";
  for (int attempt = 1; attempt <= 5; ++attempt) {
    port_ = free_port();
    std::filesystem::remove(dir_ / "web.log");
    std::ofstream(dir_ / "web.log").close();
    web_ = Process::start(web_command(port_, flags), (dir_ / "web.log").string());
    // It prints that it listens, then logs once its live board has its first snapshot.
    if (file_says(dir_ / "web.log", "live board in sync", std::chrono::seconds(20)) &&
        http_request(port_, "GET", "/api/v1/session").status == 401) {
      return;
    }
    if (web_log().find("impossible d'écouter") == std::string::npos) break;
  }
  throw std::runtime_error("dispo-web did not start:\n" + web_log());
}

std::string WebGateway::web_log() const {
  std::ifstream in(dir_ / "web.log");
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

Result<client::ReplyMessage> WebGateway::admin_try(wire::RequestBodyUnion body) {
  // A cluster's members are tried in turn until the leader answers (through an election too).
  client::Session session(context_, cluster_ ? client::SessionOptions{brokers(), std::chrono::milliseconds(500), 20,
                                                                      "web-test", admin_}
                                             : client::SessionOptions{brokers(), std::chrono::milliseconds(5000), 1,
                                                                      "web-test", admin_});
  return session.call(std::move(body));
}

client::ReplyMessage WebGateway::admin_call(wire::RequestBodyUnion body) {
  auto reply = admin_try(std::move(body));
  if (!reply) throw std::runtime_error("admin request refused: " + reply.error().message);
  return std::move(*reply);
}

client::ClientKeys WebGateway::grant(const std::string& name, wire::Role role, std::vector<std::string> facilities,
                                     std::vector<std::string> departements) {
  const auto keys = wire::generate_key_pair();
  wire::PrincipalGrantT grant;
  grant.principal = std::make_unique<wire::PrincipalT>();
  grant.principal->name = name;
  grant.principal->public_key = keys.public_key;
  grant.principal->role = role;
  grant.principal->facilities = std::move(facilities);
  grant.principal->departements = std::move(departements);
  wire::RequestBodyUnion body;
  body.Set(std::move(grant));
  admin_call(std::move(body));
  return {broker_public_, keys.public_key, keys.secret_key};
}

std::string WebGateway::web_account(const std::string& name, wire::Role role, std::vector<std::string> facilities,
                                    std::vector<std::string> departements) {
  grant(name, role, std::move(facilities), std::move(departements));
  const std::string code = wire::new_enrolment_code();
  wire::WebAccountResetT reset;
  reset.name = name;
  reset.code_hash = wire::enrolment_code_hash(code);
  wire::RequestBodyUnion body;
  body.Set(std::move(reset));
  admin_call(std::move(body));
  return code;
}

Browser WebGateway::signed_in(const std::string& name, wire::Role role, std::vector<std::string> facilities,
                              std::vector<std::string> departements) {
  const std::string code = web_account(name, role, std::move(facilities), std::move(departements));
  Browser browser = this->browser();
  const auto enrolled = browser.enrol(name, code, kPassword);
  if (enrolled.status != 200)
    throw std::runtime_error("enrolment of " + name + " failed (HTTP " + std::to_string(enrolled.status) +
                             "): " + enrolled.body + "\n" + web_log());
  return browser;
}

}  // namespace dispo::testing
