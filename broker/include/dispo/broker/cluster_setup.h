// `dispo-broker init --cluster …`: what the members of a new cluster need, one folder each.
//
//   auto setup = set_up_cluster({cluster, cluster_api, "/tmp/dispo-cluster"});
//   // OUT/keys/broker.pub, OUT/keys/<admin>.key|.pub: for the clients and the operator
//   // OUT/member-N/dispo.toml, broker.key, data/: copied to member N's machine
//
// Every member's data directory is the same initialised store (the broker key pair's first admin
// registered), as a Raft cluster needs: each member applies the same log to the same start. The
// members share the broker's key pair, as their clients expect one broker key; its secret half is
// written only into the member folders.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "dispo/schemas/result.h"

namespace dispo::broker {

struct ClusterSetupOptions {
  std::string cluster;         // --cluster: ID=HOST:PORT,… (the members' Raft addresses)
  std::string cluster_api;     // --cluster-api: ID=tcp://HOST:PORT,…, one for every member
  std::string cluster_feed;    // --cluster-feed: ID=tcp://HOST:PORT,… (optional: the api's port + 1)
  std::filesystem::path out;   // created, or an empty directory
  std::string admin = "admin";  // the first admin's name
  // Where each member finds its data and its key once its folder is installed (the paths of the
  // dispo-broker package); written into every member's dispo.toml.
  std::filesystem::path member_data = "/var/lib/dispo/data";
  std::filesystem::path member_key = "/etc/dispo/keys/broker.key";
};

struct MemberSetup {
  std::uint64_t id = 0;
  std::filesystem::path folder;  // OUT/member-ID: dispo.toml, broker.key, data/
  std::string api;               // where clients send requests: its --cluster-api entry
  std::string feed;              // where clients subscribe: its --cluster-feed entry, or the api's port + 1
};

struct ClusterSetup {
  std::filesystem::path broker_public;  // OUT/keys/broker.pub, for every client
  std::filesystem::path admin_key;      // OUT/keys/<admin>.key (secret)
  std::vector<MemberSetup> members;
};

// Writes OUT as above. Refuses, in French and writing nothing (OUT is left as it was), a cluster
// list `parse_cluster` refuses, a member without a tcp:// api endpoint, a feed that is not tcp://,
// two listeners on the same host and port, an OUT that is a file or not empty, an admin name the
// broker would refuse.
Result<ClusterSetup> set_up_cluster(const ClusterSetupOptions& options);

}  // namespace dispo::broker
