// Internal: one UTF-8 code point at a time, strictly (RFC 3629: no overlong forms, no surrogates,
// nothing past U+10FFFF). Pure.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace dispo::wire::utf8 {

struct CodePoint {
  char32_t value = 0;
  std::size_t length = 0;  // bytes
};

// The code point starting at `text[at]`, or nothing when the bytes there are not valid UTF-8.
inline std::optional<CodePoint> decode(std::string_view text, std::size_t at) {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[at + k]); };
  const unsigned char first = byte(0);
  if (first < 0x80) return CodePoint{first, 1};
  std::size_t length = 0;
  char32_t value = 0;
  char32_t minimum = 0;
  if (first >= 0xC2 && first <= 0xDF) {
    length = 2, value = first & 0x1F, minimum = 0x80;
  } else if ((first & 0xF0) == 0xE0) {
    length = 3, value = first & 0x0F, minimum = 0x800;
  } else if (first >= 0xF0 && first <= 0xF4) {
    length = 4, value = first & 0x07, minimum = 0x10000;
  } else {
    return std::nullopt;
  }
  if (at + length > text.size()) return std::nullopt;
  for (std::size_t k = 1; k < length; ++k) {
    if ((byte(k) & 0xC0) != 0x80) return std::nullopt;
    value = (value << 6) | (byte(k) & 0x3F);
  }
  if (value < minimum || value > 0x10FFFF || (value >= 0xD800 && value <= 0xDFFF)) return std::nullopt;
  return CodePoint{value, length};
}

// C0 (including line feed and tab), DEL and C1.
inline bool is_control(char32_t c) { return c < 0x20 || (c >= 0x7F && c <= 0x9F); }

}  // namespace dispo::wire::utf8
