#include "dispo/clients/command_line.h"

#include <cstdio>

#include "dispo/schemas/printable.h"

namespace dispo::client {

SessionOptions session_options(const ConnectionOptions& options, std::string client_id) {
  SessionOptions session;
  session.broker = options.broker;
  session.timeout = std::chrono::milliseconds(static_cast<long>(options.timeout_s * 1000));
  session.attempts = 2;
  session.client_id = std::move(client_id);
  session.keys = options.keys;
  return session;
}

Result<Session> open_session(zmq::context_t& context, const SessionOptions& options) {
  try {
    return Session(context, options);
  } catch (const zmq::error_t& error) {
    return make_error(wire::Status::invalid,
                      "adresse du broker invalide : « " + options.broker + " » (" + error.what() +
                          ") ; formes acceptées : ipc:///chemin/api.sock, tcp://hôte:port, tcp://localhost:port");
  }
}

int report_failure(std::string_view program, const Error& error) {
  // The message may come from the broker: shown through wire::printable(), like all received text.
  std::fprintf(stderr, "%.*s : %s\n", static_cast<int>(program.size()), program.data(),
               wire::printable(error.message).c_str());
  if (error.status == wire::Status::unauthenticated) return kUnauthenticated;
  return error.status == wire::Status::unavailable || error.status == wire::Status::not_leader ? kUnreachable
                                                                                              : kRefused;
}

int report_usage(std::string_view program, std::string_view message) {
  const std::string safe = wire::printable(message);
  std::fprintf(stderr, "%.*s : %s\n", static_cast<int>(program.size()), program.data(), safe.c_str());
  return kUsage;
}

}  // namespace dispo::client
