// The `dispo-publish` subcommands: what a facility's staff (or its software) sends to the broker.
// Each add_*_command registers its CLI11 subcommand and returns what to run once the command line
// is parsed; exit codes are client::ExitCode. People read French; scripts read the exit code.
#pragma once

#include <functional>
#include <string>

#include <CLI/CLI.hpp>

#include "command_line_flags.h"
#include "dispo/publishers/publisher.h"

namespace dispo::publishers::cli {

inline constexpr const char* kProgram = "dispo-publish";

struct GlobalOptions {
  client::ConnectionOptions connection;
  std::string client_id;  // stable id the broker keys idempotent retries on; empty = one per process
                          // (the outbox's own persisted id for updates and confirmations)
  std::string outbox;     // --outbox / $DISPO_OUTBOX; empty = default_outbox_directory("outbox")
};

using Command = client::Subcommand;

Command add_register_command(CLI::App& parent, const GlobalOptions& global);
Command add_update_command(CLI::App& parent, const GlobalOptions& global);
Command add_confirm_command(CLI::App& parent, const GlobalOptions& global);
Command add_flush_command(CLI::App& parent, const GlobalOptions& global);
Command add_outbox_command(CLI::App& parent, const GlobalOptions& global);

// Publishes `body` through the outbox: kept on disk first, then what waited before it and then
// it are delivered in order. `what` names it for people ("mise à jour", "confirmation");
// `on_accepted` prints the success line. Returns kOk (acknowledged), kRefused (refused by the
// broker: nothing changed), kKeptInOutbox (the broker did not answer: kept for later), kUsage,
// or kUnreachable (the outbox is unusable or busy and the broker did not answer: nothing kept).
int publish_through_outbox(const GlobalOptions& global, wire::RequestBodyUnion body, const std::string& what,
                           const std::function<void(std::uint64_t sequence)>& on_accepted);

// "dispo-publish@<host>#<random>": readable in `confirmed_by`, unique per process.
std::string default_client_id();

// Runs `use` with a Publisher connected as `global` says; a malformed endpoint is a usage error.
int with_publisher(const GlobalOptions& global, const std::function<int(Publisher&)>& use);

inline int fail(const Error& error) { return client::report_failure(kProgram, error); }
inline int usage_error(const std::string& message) { return client::report_usage(kProgram, message); }

}  // namespace dispo::publishers::cli
