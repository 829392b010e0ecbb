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
  session.current = options.current;
  return session;
}

void warn_if_stale(std::string_view program, const wire::Reply& reply) {
  if (reply.lag_ms() == 0) return;
  std::fprintf(stderr,
               "%.*s : attention, réponse du nœud %llu, sans nouvelles du leader du cluster depuis %.1f s : ces "
               "données peuvent être anciennes (--current pour une lecture confirmée par le leader)\n",
               static_cast<int>(program.size()), program.data(), static_cast<unsigned long long>(reply.served_by()),
               static_cast<double>(reply.lag_ms()) / 1000.0);
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
