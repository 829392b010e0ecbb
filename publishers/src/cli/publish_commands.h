// The `dispo-publish` subcommands: what a facility's staff (or its software) sends to the broker.
// Each add_*_command registers its CLI11 subcommand and returns what to run once the command line
// is parsed; exit codes are client::ExitCode. People read French; scripts read the exit code.
#pragma once

#include <functional>
#include <string>

#include <CLI/CLI.hpp>

#include "dispo/clients/command_line.h"
#include "dispo/publishers/publisher.h"

namespace dispo::publishers::cli {

inline constexpr const char* kProgram = "dispo-publish";

struct GlobalOptions {
  client::ConnectionOptions connection;
  std::string client_id;  // stable id the broker keys idempotent retries on; empty = one per process
};

using Command = client::Subcommand;

Command add_register_command(CLI::App& parent, const GlobalOptions& global);
Command add_update_command(CLI::App& parent, const GlobalOptions& global);
Command add_confirm_command(CLI::App& parent, const GlobalOptions& global);

// Runs `use` with a Publisher connected as `global` says; a malformed endpoint is a usage error.
int with_publisher(const GlobalOptions& global, const std::function<int(Publisher&)>& use);

inline int fail(const Error& error) { return client::report_failure(kProgram, error); }
inline int usage_error(const std::string& message) { return client::report_usage(kProgram, message); }

}  // namespace dispo::publishers::cli
