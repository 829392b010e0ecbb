#include "dispo/schemas/printable.h"

#include <cstdio>

#include "utf8.h"

namespace dispo::wire {
namespace {

// Bidirectional overrides and isolates reorder what follows them on screen: shown, not obeyed.
bool is_bidi_control(char32_t c) { return (c >= 0x202A && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069); }

void escape_byte(std::string& out, unsigned char byte) {
  char text[8];
  std::snprintf(text, sizeof text, "\\x%02x", byte);
  out += text;
}

void escape_code_point(std::string& out, char32_t c) {
  char text[16];
  std::snprintf(text, sizeof text, "\\u%04x", static_cast<unsigned>(c));
  out += text;
}

// Appends `text` escaped; stops after `max_chars` characters, returns whether it stopped early.
bool append_escaped(std::string& out, std::string_view text, bool keep_line_breaks, std::size_t max_chars) {
  std::size_t chars = 0;
  for (std::size_t i = 0; i < text.size();) {
    if (chars == max_chars) return true;
    ++chars;
    const auto point = utf8::decode(text, i);
    if (!point) {
      escape_byte(out, static_cast<unsigned char>(text[i]));
      ++i;
      continue;
    }
    const char32_t c = point->value;
    if (keep_line_breaks && (c == '\n' || c == '\t')) {
      out += static_cast<char>(c);
    } else if (c < 0x80 && utf8::is_control(c)) {
      escape_byte(out, static_cast<unsigned char>(c));
    } else if (utf8::is_control(c) || is_bidi_control(c)) {
      escape_code_point(out, c);
    } else {
      out.append(text.substr(i, point->length));
    }
    i += point->length;
  }
  return false;
}

}  // namespace

std::string printable(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  append_escaped(out, text, /*keep_line_breaks=*/true, text.size() + 1);
  return out;
}

std::string quoted(std::string_view text, std::size_t max_chars) {
  std::string out = "« ";
  const bool cut = append_escaped(out, text, /*keep_line_breaks=*/false, max_chars);
  if (cut) out += "…";
  out += " »";
  if (cut) out += " (" + std::to_string(text.size()) + " octets)";
  return out;
}

}  // namespace dispo::wire
