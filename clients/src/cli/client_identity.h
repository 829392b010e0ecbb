// Who this `dispo` command speaks as when the broker has no CURVE keys (the dev/demo setup): the
// client id owns the alerts, the requests it opened and its stored replies, so every command uses
// the same STABLE id — `dispo request open` today and `dispo watch` tomorrow are the same owner.
#pragma once

#include <string>

namespace dispo::cli {

// `given` when not empty, else $DISPO_CLIENT_ID, else "<user>@<host>".
std::string stable_client_id(const std::string& given = {});

}  // namespace dispo::cli
