// What every dispo command line shares (`dispo`, `dispo-publish`, `dispo-sim`): exit codes, the
// one-line French error a person sees, and opening a session from the common flags. No command
// line library here: the CLI11 side (flags, French parse errors, subcommands) is
// clients/src/flags/command_line_flags.h, in dispo::command_line.
// Pure functions apart from printing on stderr; thread-safe.
#pragma once

#include <string>
#include <string_view>

#include <zmq.hpp>

#include "dispo/clients/session.h"
#include "dispo/schemas/result.h"

namespace dispo::client {

// 0: done (a search that finds nothing is still 0: "no place" is a valid answer);
// 1: refused (by the broker, or a file that does not pass the checks); 2: wrong usage (flags,
// values, endpoints); 3: broker unreachable or unavailable; 5: authentication failed (the broker
// requires CURVE and no key was given, the key is unknown or revoked, or the broker key is wrong).
enum ExitCode : int { kOk = 0, kRefused = 1, kUsage = 2, kUnreachable = 3, kUnauthenticated = 5 };
inline constexpr ExitCode kKeptInOutbox = static_cast<ExitCode>(4);  // 4: unreachable, kept in the publisher's outbox

// The flags every command line has.
struct ConnectionOptions {
  std::string broker = kDefaultBroker;  // api endpoint (or $DISPO_BROKER)
  double timeout_s = 2.0;               // per attempt; two attempts
  ClientKeys keys;                      // from --key and --broker-key (or $DISPO_KEY, $DISPO_BROKER_KEY)
  bool current = false;                 // `dispo --current`: reads answered by a cluster's leader, current
};

// Session options for `options` (two attempts of timeout_s), with `client_id` (empty = random).
SessionOptions session_options(const ConnectionOptions& options, std::string client_id = {});

// A Session to options.broker; the error (French) says the endpoint is malformed.
Result<Session> open_session(zmq::context_t& context, const SessionOptions& options);

// Prints "<program> : <message>" on stderr and returns the exit code for `error`
// (unavailable → 3, unauthenticated → 5, any other refusal → 1).
int report_failure(std::string_view program, const Error& error);

// A cluster member cut from its majority answers reads from what it has: says so on stderr when
// `reply` may be stale (Reply.lag_ms), naming the member. Nothing otherwise.
void warn_if_stale(std::string_view program, const wire::Reply& reply);

// Prints "<program> : <message>" on stderr and returns kUsage.
int report_usage(std::string_view program, std::string_view message);

}  // namespace dispo::client
