// The version every dispo binary prints for --version (the project version from CMake).
// Thread-safe.
#pragma once

#include <string>
#include <string_view>

namespace dispo::wire {

// "0.1.0"
const char* version();

// "<program> 0.1.0" — what `<program> --version` prints.
std::string version_line(std::string_view program);

}  // namespace dispo::wire
