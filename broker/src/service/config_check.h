// `dispo-broker check-config FILE`: what can be checked in a configuration without starting
// anything (no socket bound, no data directory opened or created). The file's syntax, unknown
// keys and value ranges are checked by the command line parser before this.
#pragma once

#include <string>
#include <vector>

#include "dispo/broker/broker.h"

namespace dispo::broker {

struct ConfigToCheck {
  BrokerOptions options;        // as the file sets them, api/feed defaults filled in (resolve_endpoints)
  std::string curve_key_file;   // empty: no CURVE
  std::string metrics_address;  // empty: no metrics
  std::string cluster;          // `cluster` and `cluster-api` as written (empty: a single broker)
  std::string cluster_api;
};

// Every problem found, in French, one per entry; empty when the configuration is valid.
std::vector<std::string> check_config(const ConfigToCheck& config);

}  // namespace dispo::broker
