// How the dispo command lines write what they received: text through wire::printable() (no
// control character from another party ever reaches the terminal), JSON through FlatBuffers'
// printer or not at all (a table it cannot render is an error, never an empty success).
// Thread-safe as stdio is.
#pragma once

#include <cstdio>
#include <string>
#include <string_view>

#include "dispo/schemas/result.h"

namespace dispo::client {

// Writes `text` to `stream` (stdout by default) through wire::printable().
void print_text(std::string_view text, std::FILE* stream = stdout);

// `table` (a verified table of type `table_name`, e.g. "SearchResult") as JSON, or an error
// (malformed, French) when FlatBuffers' printer refuses it (e.g. text that is not UTF-8).
Result<std::string> json_of(const void* table, std::string_view table_name);

// Prints json_of(table) on stdout and returns 0; when it cannot be produced, prints
// "<program> : …" on stderr and returns 1 (kRefused) with nothing on stdout.
int print_json(std::string_view program, const void* table, std::string_view table_name);

}  // namespace dispo::client
