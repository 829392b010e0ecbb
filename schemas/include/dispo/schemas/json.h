// JSON rendering of wire tables with FlatBuffers' own printer (schema field names, enum names,
// default values included so scripts always find every field). Thread-safe.
#pragma once

#include <string>
#include <string_view>

namespace dispo::wire {

// The text of dispo.fbs, embedded at build time.
std::string_view schema_text();

// Renders `table` (a pointer to a verified table of type `table_name`, e.g. "SearchResult")
// as JSON. Returns an empty string if the name is not a table of the schema.
std::string to_json(const void* table, std::string_view table_name);

}  // namespace dispo::wire
