// The `dispo` subcommands. Each add_*_command registers its CLI11 subcommand and returns what to
// run once the command line is parsed. Exit codes are those of ExitCode.
#pragma once

#include <functional>
#include <string>

#include <CLI/CLI.hpp>

#include "dispo/clients/session.h"
#include "dispo/schemas/result.h"

namespace dispo::cli {

// 0: done (a search that finds nothing is still 0: the answer "no place" is a valid answer);
// 1: the broker refused (unknown facility, invalid query…); 2: wrong usage (flags, values,
// endpoints); 3: broker unreachable or unavailable.
enum ExitCode : int { kOk = 0, kRefused = 1, kUsage = 2, kUnreachable = 3 };

struct GlobalOptions {
  std::string broker = client::kDefaultBroker;
  double timeout_s = 2.0;  // per attempt; two attempts
};

struct Command {
  CLI::App* app = nullptr;
  std::function<int()> run;
};

Command add_find_command(CLI::App& parent, const GlobalOptions& global);
Command add_facility_command(CLI::App& parent, const GlobalOptions& global);
Command add_board_command(CLI::App& parent, const GlobalOptions& global);

// Session options for `global` (2 attempts of timeout_s).
client::SessionOptions session_options(const GlobalOptions& global);

// Prints "dispo : <message>" on stderr and returns the exit code for `error`
// (unavailable → 3, any other refusal → 1).
int fail(const Error& error);
// Prints "dispo : <message>" on stderr and returns kUsage.
int usage_error(const std::string& message);

// A Session to global.broker; the error (French) says the endpoint is malformed.
Result<client::Session> open_session(zmq::context_t& context, const GlobalOptions& global);

}  // namespace dispo::cli
