// dispo-broker init --cluster: one initialised store, copied into a folder per member with the
// shared broker key and that member's dispo.toml.
#include "dispo/broker/cluster_setup.h"

#include <arpa/inet.h>

#include <cstdio>
#include <fstream>
#include <map>
#include <optional>
#include <system_error>
#include <tuple>
#include <utility>

#include "dispo/broker/broker.h"
#include "dispo/schemas/curve_keys.h"
#include "dispo/schemas/host_port.h"

namespace dispo::broker {
namespace {

bool is_ip_literal(const std::string& host) {
  in_addr v4{};
  in6_addr v6{};
  return ::inet_pton(AF_INET, host.c_str(), &v4) == 1 || ::inet_pton(AF_INET6, host.c_str(), &v6) == 1;
}

// "HOST:PORT" for an endpoint or a Raft address, brackets around an IPv6 host.
std::string host_port(const std::string& host, unsigned port) {
  return (host.find(':') != std::string::npos ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

// A TOML basic string: quotes, backslashes and control characters escaped.
std::string toml_string(const std::string& text) {
  std::string quoted = "\"";
  for (char c : text) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
      char escaped[8];
      std::snprintf(escaped, sizeof escaped, "\\u%04x", static_cast<unsigned char>(c));
      quoted += escaped;
      continue;
    }
    if (c == '"' || c == '\\') quoted += '\\';
    quoted += c;
  }
  return quoted + "\"";
}

// One member's listeners: where it binds (its address when that is an IP, every interface when
// it is a name, which a socket cannot bind) and where clients reach it.
struct Listeners {
  wire::HostPort raft;
  wire::HostPort api;
  wire::HostPort feed_at;
  std::string api_bind;
  std::string feed_bind;
  std::string feed;
  std::string cluster_bind;  // empty: its Raft address
};

std::optional<wire::HostPort> tcp_endpoint(const std::string& endpoint) {
  auto parsed = endpoint.rfind("tcp://", 0) == 0 ? wire::parse_host_port(endpoint.substr(6)) : std::nullopt;
  if (!parsed || parsed->host.empty() || parsed->port == 0) return std::nullopt;
  return parsed;
}

// `feed`: its --cluster-feed entry, empty when none was given.
Result<Listeners> listeners_of(const ClusterMember& member, const std::string& feed) {
  const std::string id = std::to_string(member.id);
  Listeners listeners;
  listeners.raft = *wire::parse_host_port(member.raft);  // parse_cluster checked it
  const auto api = tcp_endpoint(member.api);
  if (api && feed.empty() && api->port == 65535)
    return make_error(wire::Status::invalid,
                      "le flux du nœud " + id + " prendrait le port 65536 : donnez-lui --cluster-feed");
  if (!api) {
    const std::string what = member.api.empty() ? "--cluster-api ne donne pas l'adresse du nœud " + id
                                                 : "--cluster-api : « " + member.api + " » (nœud " + id +
                                                       ") n'est pas tcp://HÔTE:PORT";
    return make_error(wire::Status::invalid, what + " ; chaque membre en a besoin d'une");
  }
  listeners.api = *api;
  listeners.feed_at = {api->host, static_cast<std::uint16_t>(api->port + 1u)};
  if (!feed.empty()) {
    const auto given = tcp_endpoint(feed);
    if (!given)
      return make_error(wire::Status::invalid,
                        "--cluster-feed : « " + feed + " » (nœud " + id + ") n'est pas tcp://HÔTE:PORT");
    listeners.feed_at = *given;
  }
  // Where a socket binds: its address when that is an IP, every interface when it is a name.
  const auto bind_host = [](const std::string& host) { return is_ip_literal(host) ? host : std::string("0.0.0.0"); };
  listeners.api_bind = "tcp://" + host_port(bind_host(api->host), api->port);
  listeners.feed_bind = "tcp://" + host_port(bind_host(listeners.feed_at.host), listeners.feed_at.port);
  listeners.feed = "tcp://" + host_port(listeners.feed_at.host, listeners.feed_at.port);
  if (!is_ip_literal(listeners.raft.host)) listeners.cluster_bind = host_port("0.0.0.0", listeners.raft.port);
  return listeners;
}

// Two listeners on one host and port (as written: a name and its address are not compared).
Result<void> check_no_clash(const std::vector<ClusterMember>& members, const std::vector<Listeners>& listeners) {
  std::map<std::pair<std::string, unsigned>, std::string> taken;
  for (std::size_t i = 0; i < members.size(); ++i) {
    const std::string id = std::to_string(members[i].id);
    const auto& l = listeners[i];
    for (const auto& [what, host, port] : {std::tuple{"Raft", l.raft.host, unsigned{l.raft.port}},
                                           std::tuple{"api", l.api.host, unsigned{l.api.port}},
                                           std::tuple{"flux", l.feed_at.host, unsigned{l.feed_at.port}}}) {
      const std::string name = std::string(what) + " du nœud " + id;
      auto [at, fresh] = taken.emplace(std::pair{host, port}, name);
      if (!fresh) {
        return make_error(wire::Status::invalid, "le port " + host_port(host, port) + " servirait deux fois : " +
                                                     at->second + " et " + name + " ; changez l'un des deux");
      }
    }
  }
  return {};
}

Result<void> check_out(const std::filesystem::path& out) {
  std::error_code error;
  if (!std::filesystem::exists(out, error)) return {};
  if (!std::filesystem::is_directory(out, error))
    return make_error(wire::Status::invalid, out.string() + " existe et n'est pas un répertoire");
  if (!std::filesystem::is_empty(out, error))
    return make_error(wire::Status::invalid,
                      out.string() + " n'est pas vide : rien n'a été écrasé (choisissez un répertoire neuf)");
  return {};
}

// Removes what set_up_cluster wrote unless it got to the end: OUT as it was before.
class Undo {
 public:
  explicit Undo(std::filesystem::path out) : out_(std::move(out)), existed_(std::filesystem::exists(out_)) {}
  ~Undo() {
    if (done_) return;
    std::error_code ignored;
    if (!existed_) {
      std::filesystem::remove_all(out_, ignored);
      return;
    }
    for (const auto& entry : std::filesystem::directory_iterator(out_, ignored))
      std::filesystem::remove_all(entry.path(), ignored);
  }
  Undo(const Undo&) = delete;
  Undo& operator=(const Undo&) = delete;
  void done() { done_ = true; }

 private:
  std::filesystem::path out_;
  bool existed_;
  bool done_ = false;
};

std::string member_config(const ClusterSetupOptions& options, const ClusterMember& member,
                          const Listeners& listeners, std::size_t size) {
  std::string text;
  text += "# dispo.toml of member " + std::to_string(member.id) + " of a cluster of " + std::to_string(size) +
          " brokers, written by `dispo-broker init --cluster`.\n"
          "# Install as /etc/dispo/dispo.toml, with this folder's broker.key at curve-key and its data/\n"
          "# at data below (both owned by the broker's user), before the member's first start. Every other\n"
          "# setting keeps its default (the commented /etc/dispo/dispo.toml of the package lists them).\n";
  text += "data = " + toml_string(options.member_data.string()) + "\n";
  text += "curve-key = " + toml_string(options.member_key.string()) + "\n";
  text += "# Requests (this member's entry in cluster-api) and the change feed.\n";
  text += "api = " + toml_string(listeners.api_bind) + "\n";
  text += "feed = " + toml_string(listeners.feed_bind) + "\n";
  text += "metrics = \"127.0.0.1:9401\"\n";
  text += "node-id = " + std::to_string(member.id) + "\n";
  text += "cluster = " + toml_string(options.cluster) + "\n";
  text += "cluster-api = " + toml_string(options.cluster_api) + "\n";
  if (!listeners.cluster_bind.empty()) {
    text += "# The other members reach this one by name; it listens on every interface.\n";
    text += "cluster-bind = " + toml_string(listeners.cluster_bind) + "\n";
  }
  return text;
}

Result<void> write_file(const std::filesystem::path& path, const std::string& text) {
  std::ofstream file(path, std::ios::binary | std::ios::trunc);
  file << text;
  file.close();
  if (!file) return make_error(wire::Status::storage_error, "impossible d'écrire " + path.string());
  return {};
}

}  // namespace

Result<ClusterSetup> set_up_cluster(const ClusterSetupOptions& options) {
  auto members = parse_cluster(options.cluster, options.cluster_api);
  if (!members) return members.error();
  // The feed list reads as an api list does: the same ID=ENDPOINT pairs, ids of the cluster.
  auto feeds = parse_cluster(options.cluster, options.cluster_feed);
  if (!feeds)
    return make_error(wire::Status::invalid,
                      "--cluster-feed attend ID=tcp://HÔTE:PORT,… pour des nœuds de --cluster "
                      "(ex. 1=tcp://10.0.0.1:7402)");
  std::vector<Listeners> listeners;
  for (std::size_t i = 0; i < members->size(); ++i) {
    auto of = listeners_of((*members)[i], (*feeds)[i].api);
    if (!of) return of.error();
    listeners.push_back(std::move(*of));
  }
  if (auto clear = check_no_clash(*members, listeners); !clear) return clear.error();
  if (auto clear = check_out(options.out); !clear) return clear.error();

  Undo undo(options.out);
  const auto folder = [&](const ClusterMember& member) {
    return options.out / ("member-" + std::to_string(member.id));
  };
  const std::filesystem::path keys = options.out / "keys";
  const std::filesystem::path first_data = folder(members->front()) / "data";
  std::error_code error;
  std::filesystem::create_directories(folder(members->front()), error);
  if (error)
    return make_error(wire::Status::storage_error,
                      "impossible de créer " + options.out.string() + " : " + error.message());
  auto initialised = initialise_security(first_data, keys, options.admin);
  if (!initialised) return initialised.error();
  auto broker_keys = wire::read_key_file(initialised->broker_key, true);
  if (!broker_keys) return broker_keys.error();

  ClusterSetup setup{initialised->broker_public, initialised->admin_key, {}};
  for (std::size_t i = 0; i < members->size(); ++i) {
    const ClusterMember& member = (*members)[i];
    const std::filesystem::path dir = folder(member);
    if (i > 0) {
      std::filesystem::create_directories(dir, error);
      if (!error) std::filesystem::copy(first_data, dir / "data", std::filesystem::copy_options::recursive, error);
      if (error)
        return make_error(wire::Status::storage_error,
                          "impossible de copier la base dans " + dir.string() + " : " + error.message());
    }
    if (auto written = wire::write_key_file(dir / "broker.key", *broker_keys, "dispo-broker"); !written)
      return written.error();
    if (auto written = write_file(dir / "dispo.toml", member_config(options, member, listeners[i], members->size()));
        !written)
      return written.error();
    setup.members.push_back({member.id, dir, member.api, listeners[i].feed});
  }
  // The secret half lives with the members only.
  std::filesystem::remove(initialised->broker_key, error);
  if (error) return make_error(wire::Status::storage_error, "impossible d'effacer " + initialised->broker_key.string());
  undo.done();
  return setup;
}

}  // namespace dispo::broker
