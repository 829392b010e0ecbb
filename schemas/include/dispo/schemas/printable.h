// Text that came from another party, made safe to show: on a terminal (the dispo CLIs, logs) or
// cited inside a message. One function for all text output, so a name or a phone number can never
// carry an escape sequence onto the on-call worker's screen. Pure; thread-safe.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace dispo::wire {

// `text` with every control character (C0 except line feed and tab, DEL, C1) written as a visible
// escape (\x1b, \x7f, \u009b) and every byte that is not valid UTF-8 as \xNN. Valid printable
// UTF-8 (accents, «, …) is kept as is.
std::string printable(std::string_view text);

// `text` for citing in a message: « text », with line feeds and tabs escaped too, cut after
// `max_chars` characters with "…" and the full size in bytes ("« aaaa… » (10000 octets)").
std::string quoted(std::string_view text, std::size_t max_chars = 40);

}  // namespace dispo::wire
