// CLI11 in French, for every dispo binary (dispo, dispo-admin, dispo-publish, dispo-sim,
// dispo-broker): the help's labels and type names, the help and --version flags, and CLI11's own
// error messages ("Could not convert", "… is required", "The following arguments were not
// expected") said again in French. Here rather than in clients/ because the broker uses it too
// and never includes client code. Thread-safe (pure functions; speak_french configures one App).
#pragma once

#include <string>
#include <string_view>

#include <CLI/CLI.hpp>

namespace dispo::wire {

// Call right after constructing `app`, before adding options and subcommands (they inherit the
// formatter and help flag): French labels, "-h,--help" and "--version" (prints
// "<program> <version>"), and CLI11's failure message in French.
void speak_french(CLI::App& app, std::string_view program);

// Call once every subcommand is added: their help group is "Commandes".
void name_subcommand_groups(CLI::App& app);

// CLI11's message for `error`, in French, one line ("--age : valeur illisible « abc »").
std::string french_cli_error(const CLI::Error& error);

}  // namespace dispo::wire
