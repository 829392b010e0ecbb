// The CLI11 side of every dispo command line (`dispo`, `dispo-admin`, `dispo-publish`, `dispo-sim`,
// `dispo-web`): the connection flags, French parse errors and help, and running the subcommand
// given. Kept out of the client library's public headers (dispo/clients/command_line.h has the
// exit codes and sessions), so that a program using dispo::clients does not inherit CLI11.
// Pure functions apart from printing on stderr; thread-safe.
#pragma once

#include <functional>
#include <span>
#include <string>
#include <string_view>

#include <CLI/CLI.hpp>

#include "dispo/clients/command_line.h"

namespace dispo::client {

// Adds --broker (defaulting to $DISPO_BROKER), --timeout, and the CURVE key files --key (this
// client's key pair, $DISPO_KEY) and --broker-key (the broker's public key file, $DISPO_BROKER_KEY)
// to `app`. A key file that cannot be read is a usage error naming the file.
void add_connection_options(CLI::App& app, ConnectionOptions& options);

// `options` for a request that may take long to answer (a backup's checkpoint, a member added to a
// cluster and sent its state): a wait of 120 s, unless --timeout was given on `app`'s line.
ConnectionOptions patient(const ConnectionOptions& options, const CLI::App& app);

// Makes `app` (named `program`) speak French — help labels, -h/--help, --version — see
// dispo/schemas/cli_french.h. Call right after constructing it, before adding anything.
void prepare_command_line(CLI::App& app, std::string_view program);

// CLI11's parse errors are English; this says them again in French, in one line. `app` is the
// application that failed to parse; `commands` lists its subcommands ("find, facility ou board").
std::string french_usage(const CLI::ParseError& error, const CLI::App& app, std::string_view commands);

// A subcommand and what to run once the command line is parsed.
struct Subcommand {
  CLI::App* app = nullptr;
  std::function<int()> run;
};

// Parses `argc/argv` for `app` and runs the subcommand given. --help and --version print and return 0; a parse
// error is one French line and kUsage (`names` lists the subcommands: "find, facility ou board");
// an exception escaping a subcommand is "erreur interne" and kRefused, never a crash.
int run_subcommands(CLI::App& app, std::span<const Subcommand> subcommands, std::string_view names,
                    int argc, char** argv);

}  // namespace dispo::client
