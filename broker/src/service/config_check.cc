#include "config_check.h"

#include <algorithm>

#include <system_error>
#include <utility>

#include "dispo/schemas/curve_keys.h"
#include "access/endpoints.h"

namespace dispo::broker {
namespace {

bool has_transport(std::string_view endpoint) {
  for (std::string_view transport : {"tcp://", "ipc://", "inproc://"}) {
    if (endpoint.starts_with(transport) && endpoint.size() > transport.size()) return true;
  }
  return false;
}

bool valid_metrics_address(const std::string& address) {
  const auto colon = address.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == address.size()) return false;
  const std::string port = address.substr(colon + 1);
  if (port.find_first_not_of("0123456789") != std::string::npos || port.size() > 5) return false;
  return std::stoul(port) <= 65535;
}

}  // namespace

std::vector<std::string> check_config(const ConfigToCheck& config) {
  std::vector<std::string> problems;
  const bool curve = !config.curve_key_file.empty();
  for (const auto& [name, endpoint] : {std::pair{"api", config.options.api}, std::pair{"feed", config.options.feed}}) {
    if (!has_transport(endpoint)) {
      problems.push_back(std::string(name) + " = \"" + endpoint +
                         "\" : point d'accès illisible (attendu tcp://HÔTE:PORT ou ipc://CHEMIN)");
    } else if (!curve) {
      if (auto allowed = check_without_curve(endpoint, config.options.insecure_tcp_loopback); !allowed) {
        problems.push_back(std::string(name) + " : " + allowed.error().message);
      }
    }
  }
  if (config.options.api == config.options.feed) {
    problems.push_back("api et feed utilisent le même point d'accès : " + config.options.api);
  }
  if (curve) {
    if (auto keys = wire::read_key_file(config.curve_key_file, true); !keys) {
      problems.push_back("curve-key : " + keys.error().message);
    }
  }
  if (!config.metrics_address.empty() && !valid_metrics_address(config.metrics_address)) {
    problems.push_back("metrics = \"" + config.metrics_address +
                       "\" : adresse illisible (attendu HÔTE:PORT, ex. 127.0.0.1:9401)");
  }
  if (config.options.node_id != 0 || !config.cluster.empty()) {
    if (config.options.node_id == 0 || config.cluster.empty()) {
      problems.push_back(config.cluster.empty() ? "node-id demande cluster, la liste des nœuds"
                                                : "cluster demande node-id, le numéro de ce nœud (1 ou plus)");
    } else if (auto members = parse_cluster(config.cluster, config.cluster_api); !members) {
      problems.push_back(members.error().message);
    } else if (std::none_of(members->begin(), members->end(),
                            [&](const ClusterMember& member) { return member.id == config.options.node_id; })) {
      problems.push_back("node-id = " + std::to_string(config.options.node_id) + " n'est pas dans cluster");
    }
  }
  std::error_code error;
  const auto& data = config.options.data_dir;
  if (std::filesystem::exists(data, error) && !std::filesystem::is_directory(data, error)) {
    problems.push_back("data = \"" + data.string() + "\" existe et n'est pas un répertoire");
  }
  return problems;
}

}  // namespace dispo::broker
