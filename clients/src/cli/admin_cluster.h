// `dispo-admin cluster status|add|remove|transfer`: the operator's view and changes of a cluster
// of brokers (issue #16). Status is answered by the first member listed in --broker (each member
// says how it sees the cluster); changes go to the leader (the session follows it).
#pragma once

#include <vector>

#include <CLI/CLI.hpp>

#include "command_line_flags.h"

namespace dispo::client {

// Adds `cluster` and its commands to `app`; their runners go to `commands`. `connection` is read
// when a command runs.
void add_cluster_commands(CLI::App& app, const ConnectionOptions& connection, std::vector<Subcommand>& commands);

}  // namespace dispo::client
