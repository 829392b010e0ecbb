// clients/web/openapi.yaml is the authority on dispo-web's routes: this test fails when a route
// of the gateway (`dispo-web --print-routes`) is not in the document, or the document describes
// a route the gateway does not serve.
#include <cctype>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include <gtest/gtest.h>

#include "web_gateway.h"

namespace dispo::testing {
namespace {

// "GET /api/v1/requests/{}" lines from the OpenAPI document (paths under the /api/v1 server).
std::set<std::string> documented_routes() {
  std::ifstream in(web_source_dir() / "openapi.yaml");
  std::set<std::string> routes;
  std::string line;
  std::string path;
  bool in_paths = false;
  const std::regex path_line("^  (/[^:]*):\\s*$");
  const std::regex method_line("^    (get|post|put|patch|delete):.*$");
  while (std::getline(in, line)) {
    if (line == "paths:") {
      in_paths = true;
      continue;
    }
    if (!in_paths) continue;
    if (!line.empty() && line[0] != ' ') break;
    std::smatch match;
    if (std::regex_match(line, match, path_line)) {
      path = match[1];
    } else if (std::regex_match(line, match, method_line) && !path.empty()) {
      std::string method = match[1];
      for (auto& c : method) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      routes.insert(method + " /api/v1" + std::regex_replace(path, std::regex("\\{[^}]*\\}"), "{}"));
    }
  }
  return routes;
}

std::set<std::string> served_routes() {
  const auto printed = run_command({web_binary(), "--print-routes"});
  EXPECT_EQ(printed.exit_code, 0) << printed.err;
  std::set<std::string> routes;
  std::istringstream lines(printed.out);
  std::string line;
  while (std::getline(lines, line)) {
    if (!line.empty()) routes.insert(std::regex_replace(line, std::regex("\\{[^}]*\\}"), "{}"));
  }
  return routes;
}

TEST(WebRoutesTest, EveryRouteIsInTheOpenApiDocumentAndNothingElse) {
  const auto documented = documented_routes();
  const auto served = served_routes();
  ASSERT_GT(served.size(), 30u);
  for (const auto& route : served) EXPECT_TRUE(documented.count(route)) << "not in openapi.yaml: " << route;
  for (const auto& route : documented) EXPECT_TRUE(served.count(route)) << "documented but not served: " << route;
}

}  // namespace
}  // namespace dispo::testing
