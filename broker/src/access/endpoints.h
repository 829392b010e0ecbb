// Where the broker listens, and who may reach it there (issue #11 "safe by default").
//
// Without CURVE nothing authenticates a peer, so the default endpoints are Unix sockets in the
// data directory (`ipc://DATA/api.sock`, `ipc://DATA/feed.sock`): the directory is made 0700 and
// the sockets 0600 (0750 / 0660 with group access), so only the broker's own user (and group)
// can connect. Plain TCP on loopback is for demos and tests only, behind an explicit
// `insecure_tcp_loopback`; anything beyond loopback needs CURVE. Pure functions apart from the
// file-system calls of secure_ipc_*; thread-safe.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include "dispo/schemas/result.h"

namespace dispo::broker {

enum class EndpointKind { ipc, inproc, tcp_loopback, other };

EndpointKind endpoint_kind(std::string_view endpoint);

// "ipc://<absolute data dir>/<name>.sock".
std::string default_ipc_endpoint(const std::filesystem::path& data_dir, std::string_view name);

// What may be bound: "tcp://localhost:P" becomes "tcp://127.0.0.1:P" (libzmq would read
// "localhost" as a network interface: "No such device"); other endpoints are returned as they are.
std::string bindable_endpoint(const std::string& endpoint);

// Whether `endpoint` may be served without CURVE. Errors (invalid, French, naming the endpoint and
// the flag that allows it): tcp loopback without `insecure_tcp_loopback`, or not local at all.
Result<void> check_without_curve(const std::string& endpoint, bool insecure_tcp_loopback);

// The path of an ipc:// endpoint ("" for other kinds).
std::filesystem::path ipc_path(std::string_view endpoint);

// Before binding an ipc endpoint: its directory exists, and is 0700 (0750 with group access)
// when it is the data directory or was created here; the path fits a Unix socket (107 bytes).
Result<void> prepare_ipc_directory(const std::filesystem::path& socket_path,
                                   const std::filesystem::path& data_dir, bool group_access);

// After binding: the socket file is 0600 (0660 with group access).
Result<void> restrict_ipc_socket(const std::filesystem::path& socket_path, bool group_access);

}  // namespace dispo::broker
