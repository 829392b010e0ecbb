// The requests a publisher keeps in its Outbox: encoded once, with the request id and client id
// they keep for every redelivery, and described in French for the people who look at the outbox.
// Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "dispo/schemas/wire.h"

namespace dispo::publishers {

// A finished wire Message holding Request{request_id, client_id, body}: the bytes a Session sends.
std::string encode_request(std::uint64_t request_id, const std::string& client_id, wire::RequestBodyUnion body);

// "2 disponibles, 9 occupées" — only the counts the update carries.
std::string describe_counts(const wire::AvailabilityUpdateT& update);

// "590001234, unité u2 : 2 disponibles, 9 occupées", "590001234, toutes les unités : toujours à
// jour", "enregistrement de 3 établissements"; "requête illisible" for bytes that are not a Request.
std::string describe_request(std::string_view request);

}  // namespace dispo::publishers
