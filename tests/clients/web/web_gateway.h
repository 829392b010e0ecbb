// WebGateway: the real dispo-broker (with CURVE, from `dispo-broker init`) and the real
// dispo-web in front of it, on free loopback ports, for the gateway's integration tests. It
// grants the gateway its principal and key, registers two facilities (590000001 in the Nord,
// 620000001 in the Pas-de-Calais), and makes web accounts ready to sign in. Or the same in front
// of a cluster of three brokers (OnCluster; test_cluster.h), dispo-web given every member.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <zmq.hpp>

#include "broker_process.h"
#include "dispo/clients/session.h"
#include "http_client.h"
#include "process.h"
#include "temp_dir.h"

namespace dispo::testing {

std::string web_binary();
std::string admin_binary();
std::filesystem::path web_source_dir();   // clients/web in the source tree

inline constexpr const char* kPassword = "une phrase de passe solide";

class Cluster;

class WebGateway {
 public:
  // Starts both; `web_flags` are added to dispo-web's command line.
  explicit WebGateway(std::vector<std::string> web_flags = {});
  // Three CURVE members set up by `dispo-broker init --cluster`, then dispo-web with every
  // member's api and feed (--broker a,b,c --feed a,b,c), as an operator runs it.
  struct OnCluster {};
  explicit WebGateway(OnCluster, std::vector<std::string> web_flags = {});
  ~WebGateway();

  // A principal with fresh keys (not a web account).
  client::ClientKeys grant(const std::string& name, wire::Role role, std::vector<std::string> facilities,
                           std::vector<std::string> departements);
  // A web account; returns its one-time enrolment code.
  std::string web_account(const std::string& name, wire::Role role, std::vector<std::string> facilities,
                          std::vector<std::string> departements);
  // A web account enrolled (password kPassword) and signed in.
  Browser signed_in(const std::string& name, wire::Role role, std::vector<std::string> facilities = {},
                    std::vector<std::string> departements = {});

  // A request as the admin principal (CURVE); throws on refusal.
  client::ReplyMessage admin_call(wire::RequestBodyUnion body);
  Result<client::ReplyMessage> admin_try(wire::RequestBodyUnion body);

  int port() const { return port_; }
  Browser browser() const { return Browser{port_, {}, {}}; }
  std::string web_log() const;
  const std::filesystem::path& keys() const { return keys_; }
  BrokerProcess& broker() { return *broker_; }  // the single broker (not OnCluster)
  Cluster& cluster() { return *cluster_; }       // OnCluster only
  std::vector<std::string> web_command(int port, std::vector<std::string> flags) const;

 private:
  void set_up(std::vector<std::string> web_flags);  // registrations, the gateway's key, dispo-web
  void start_web(std::vector<std::string> flags);
  std::string brokers() const;  // dispo-web's --broker: the broker, or every member
  std::string feeds() const;

  TempDir dir_;
  std::filesystem::path keys_;
  zmq::context_t context_;
  std::unique_ptr<BrokerProcess> broker_;
  std::unique_ptr<Cluster> cluster_;
  client::ClientKeys admin_;
  std::string broker_public_;
  Process web_;
  int port_ = 0;
};

}  // namespace dispo::testing
