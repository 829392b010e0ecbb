#include "client_identity.h"

#include <unistd.h>

#include <cstdlib>

namespace dispo::cli {

std::string stable_client_id(const std::string& given) {
  if (!given.empty()) return given;
  if (const char* env = std::getenv("DISPO_CLIENT_ID"); env != nullptr && *env != '\0') return env;
  const char* user = std::getenv("USER");
  char host[256] = "localhost";
  (void)gethostname(host, sizeof host - 1);
  return std::string(user != nullptr && *user != '\0' ? user : "dispo") + "@" + host;
}

}  // namespace dispo::cli
