// The `dispo` subcommands. Each add_*_command registers its CLI11 subcommand and returns what to
// run once the command line is parsed. Exit codes are those of client::ExitCode.
#pragma once

#include <cstdio>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <CLI/CLI.hpp>

#include "client_identity.h"
#include "command_line_flags.h"
#include "dispo/clients/terminal_output.h"
#include "dispo/schemas/json.h"
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

// The broker names what is missing as people say it ("le motif de séparation"), for every client;
// on the command line, the flag that gives it follows: "(--split-reason)".
inline Error with_flag_names(Error error) {
  static constexpr std::pair<std::string_view, std::string_view> kFlags[] = {
      {"motif de séparation", " (--split-reason)"},
  };
  for (const auto& [words, flag] : kFlags) {
    if (const auto at = error.message.find(words); at != std::string::npos) {
      error.message.insert(at + words.size(), flag);
    }
  }
  return error;
}

// Prints "dispo : <message>" on stderr and returns the exit code for `error`
// (unavailable → 3, any other refusal → 1).
inline int fail(const Error& error) { return client::report_failure("dispo", with_flag_names(error)); }
// Prints "dispo : <message>" on stderr and returns kUsage.
inline int usage_error(const std::string& message) { return client::report_usage("dispo", message); }

// A Session to global.broker under this user's stable client id (client_identity.h); the error
// (French) says the endpoint is malformed.
inline Result<client::Session> open_session(zmq::context_t& context, const GlobalOptions& global) {
  return client::open_session(context, client::session_options(global, stable_client_id()));
}

// Sends `body` and hands the reply's body to `use`, once checked to be a `Table` (`get` is e.g.
// &wire::Reply::body_as_CapacityReport). The broker unreachable → 3, refused → 1, a malformed
// endpoint → 2, an unexpected reply → 1; otherwise what `use` returns.
template <typename Table, typename Use>
int call_for(const GlobalOptions& global, wire::RequestBodyUnion body, const Table* (wire::Reply::*get)() const,
             Use use) {
  zmq::context_t context;
  auto session = open_session(context, global);
  if (!session) return usage_error(session.error().message);
  auto reply = session->call(std::move(body));
  if (!reply) return fail(reply.error());
  client::warn_if_stale("dispo", (*reply).get());
  const Table* table = ((*reply).get().*get)();
  if (table == nullptr) return fail(make_error(wire::Status::malformed, "réponse inattendue du broker"));
  return use(*table);
}

// As call_for, printing the table as JSON (schema names, `table_name` as in the schema; a table
// the printer refuses is an error, exit 1) when `json`, else the text `format(native table)`
// returns, through wire::printable().
template <typename Table, typename Format>
int call_and_print(const GlobalOptions& global, wire::RequestBodyUnion body, const char* table_name, bool json,
                   const Table* (wire::Reply::*get)() const, Format format) {
  return call_for(global, std::move(body), get, [&](const Table& table) {
    if (json) {
      return client::print_json("dispo", &table, table_name);
    }
    std::unique_ptr<typename Table::NativeTableType> native(table.UnPack());
    client::print_text(format(*native));
    return static_cast<int>(kOk);
  });
}

}  // namespace dispo::cli
