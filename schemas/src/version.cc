#include "dispo/schemas/version.h"

#ifndef DISPO_VERSION
#define DISPO_VERSION "unknown"
#endif

namespace dispo::wire {

const char* version() { return DISPO_VERSION; }

std::string version_line(std::string_view program) { return std::string(program) + " " + DISPO_VERSION; }

}  // namespace dispo::wire
