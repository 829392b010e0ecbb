#include "endpoints.h"

#include <sys/stat.h>
#include <sys/un.h>

#include <cerrno>
#include <cstring>

namespace dispo::broker {
namespace {

Error invalid(std::string message) { return make_error(wire::Status::invalid, std::move(message)); }

}  // namespace

EndpointKind endpoint_kind(std::string_view endpoint) {
  if (endpoint.starts_with("ipc://")) return EndpointKind::ipc;
  if (endpoint.starts_with("inproc://")) return EndpointKind::inproc;
  for (std::string_view local : {"tcp://127.", "tcp://localhost:", "tcp://[::1]:"}) {
    if (endpoint.starts_with(local)) return EndpointKind::tcp_loopback;
  }
  return EndpointKind::other;
}

std::string default_ipc_endpoint(const std::filesystem::path& data_dir, std::string_view name) {
  std::error_code ec;
  auto absolute = std::filesystem::absolute(data_dir, ec);
  if (ec) absolute = data_dir;
  return "ipc://" + (absolute.lexically_normal() / (std::string(name) + ".sock")).string();
}

std::string bindable_endpoint(const std::string& endpoint) {
  constexpr std::string_view kLocalhost = "tcp://localhost:";
  if (endpoint.starts_with(kLocalhost)) return "tcp://127.0.0.1:" + endpoint.substr(kLocalhost.size());
  return endpoint;
}

Result<void> check_without_curve(const std::string& endpoint, bool insecure_tcp_loopback) {
  switch (endpoint_kind(endpoint)) {
    case EndpointKind::ipc:
    case EndpointKind::inproc:
      return {};
    case EndpointKind::tcp_loopback:
      if (insecure_tcp_loopback) return {};
      return invalid("refus d'écouter sur " + endpoint +
                     " sans CURVE : en TCP, même local, tout compte de la machine pourrait agir en "
                     "administrateur ; gardez les sockets ipc:// par défaut (dans le répertoire de "
                     "données), ou donnez --insecure-tcp-loopback (démo, tests), ou --curve-key");
    case EndpointKind::other:
      break;
  }
  return invalid("refus d'écouter sur " + endpoint +
                 " sans CURVE : au-delà de cette machine le broker exige --curve-key "
                 "(créée par `dispo-broker init`)");
}

std::filesystem::path ipc_path(std::string_view endpoint) {
  if (!endpoint.starts_with("ipc://")) return {};
  return std::filesystem::path(std::string(endpoint.substr(6)));
}

Result<void> prepare_ipc_directory(const std::filesystem::path& socket_path,
                                   const std::filesystem::path& data_dir, bool group_access) {
  const std::size_t limit = sizeof(sockaddr_un{}.sun_path) - 1;
  if (socket_path.string().size() > limit) {
    return invalid("chemin de socket trop long : " + socket_path.string() + " (" +
                   std::to_string(socket_path.string().size()) + " caractères, " + std::to_string(limit) +
                   " au plus) : choisissez un répertoire de données plus court ou --api/--feed ipc://…");
  }
  const auto directory = socket_path.parent_path().empty() ? std::filesystem::path(".") : socket_path.parent_path();
  std::error_code ec;
  const bool existed = std::filesystem::exists(directory, ec);
  if (!existed && !std::filesystem::create_directories(directory, ec) && ec) {
    return invalid("impossible de créer " + directory.string() + " : " + ec.message());
  }
  const bool is_data_dir = std::filesystem::equivalent(directory, data_dir, ec);
  if (existed && !is_data_dir) return {};  // the operator's own directory: only the socket is restricted
  const mode_t mode = group_access ? 0750 : 0700;
  if (::chmod(directory.c_str(), mode) != 0) {
    return invalid("impossible de restreindre " + directory.string() + " (chmod " +
                   (group_access ? "750" : "700") + ") : " + std::strerror(errno));
  }
  return {};
}

Result<void> restrict_ipc_socket(const std::filesystem::path& socket_path, bool group_access) {
  if (::chmod(socket_path.c_str(), group_access ? 0660 : 0600) != 0) {
    return invalid("impossible de restreindre la socket " + socket_path.string() + " : " + std::strerror(errno));
  }
  return {};
}

}  // namespace dispo::broker
