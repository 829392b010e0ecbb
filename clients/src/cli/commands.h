// The `dispo` subcommands. Each add_*_command registers its CLI11 subcommand and returns what to
// run once the command line is parsed. Exit codes are those of client::ExitCode.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "dispo/clients/command_line.h"
#include "dispo/schemas/result.h"

namespace dispo::cli {

using client::ExitCode, client::kOk, client::kRefused, client::kUsage, client::kUnreachable;
using GlobalOptions = client::ConnectionOptions;

using Command = client::Subcommand;

Command add_find_command(CLI::App& parent, const GlobalOptions& global);
Command add_facility_command(CLI::App& parent, const GlobalOptions& global);
Command add_board_command(CLI::App& parent, const GlobalOptions& global);
Command add_capacity_command(CLI::App& parent, const GlobalOptions& global);
Command add_export_command(CLI::App& parent, const GlobalOptions& global);
Command add_record_command(CLI::App& parent, const GlobalOptions& global);
Command add_request_command(CLI::App& parent, const GlobalOptions& global);
// hold, admit, release, decline
std::vector<Command> add_hold_commands(CLI::App& parent, const GlobalOptions& global);
Command add_subscribe_command(CLI::App& parent, const GlobalOptions& global);
Command add_unsubscribe_command(CLI::App& parent, const GlobalOptions& global);
Command add_subscriptions_command(CLI::App& parent, const GlobalOptions& global);
Command add_watch_command(CLI::App& parent, const GlobalOptions& global);

// Prints "dispo : <message>" on stderr and returns the exit code for `error`
// (unavailable → 3, any other refusal → 1).
inline int fail(const Error& error) { return client::report_failure("dispo", error); }
// Prints "dispo : <message>" on stderr and returns kUsage.
inline int usage_error(const std::string& message) { return client::report_usage("dispo", message); }

// A Session to global.broker; the error (French) says the endpoint is malformed.
inline Result<client::Session> open_session(zmq::context_t& context, const GlobalOptions& global) {
  return client::open_session(context, client::session_options(global));
}

}  // namespace dispo::cli
