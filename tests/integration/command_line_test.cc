// Issue #11, "clear words": every binary has --version, and CLI11's own messages come out in
// French from each of them (dispo, dispo-admin, dispo-publish, dispo-sim, dispo-broker).
#include <gtest/gtest.h>

#include "broker_process.h"
#include "dispo/schemas/version.h"

namespace dispo::testing {
namespace {

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

struct Binary {
  std::string name;
  std::string path;
};

std::vector<Binary> binaries() {
  return {{"dispo", dispo_binary()},
          {"dispo-admin", DISPO_ADMIN_BIN},
          {"dispo-publish", publish_binary()},
          {"dispo-sim", sim_binary()},
          {"dispo-broker", broker_binary()}};
}

TEST(CommandLineTest, EveryBinaryHasVersion) {
  for (const auto& binary : binaries()) {
    const auto result = run_command({binary.path, "--version"});
    EXPECT_EQ(result.exit_code, 0) << binary.name << ": " << result.err;
    EXPECT_EQ(result.out, binary.name + " " + wire::version() + "\n") << binary.name;
  }
}

TEST(CommandLineTest, EveryBinarySaysTheCommandLineLibrarysErrorsInFrench) {
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
      {{dispo_binary(), "find", "--age", "sept"}, "valeur illisible « sept »"},
      {{DISPO_ADMIN_BIN, "grant", "--role", "admin"}, "NAME est obligatoire"},
      {{publish_binary(), "update", "590000001", "u1", "--available", "deux"}, "valeur illisible « deux »"},
      {{sim_binary(), "--rate", "vite"}, "valeur illisible « vite »"},
      {{sim_binary(), "surplus"}, "argument inattendu : surplus"},
      {{broker_binary(), "--heartbeat-ms", "5000"}, "hors des limites"},
      {{broker_binary(), "--bogus"}, "argument inattendu : --bogus"},
  };
  for (const auto& [argv, french] : cases) {
    const auto result = run_command(argv);
    EXPECT_EQ(result.exit_code, 2) << argv[0] << ": " << result.err;
    EXPECT_TRUE(contains(result.err, french)) << argv[0] << ": " << result.err;
    for (const char* english : {"Could not convert", "is required", "not expected", "not in range", "Usage"}) {
      EXPECT_FALSE(contains(result.err, english)) << argv[0] << ": " << result.err;
    }
  }
  for (const auto& binary : binaries()) {
    const auto help = run_command({binary.path, "--help"});
    EXPECT_EQ(help.exit_code, 0) << binary.name;
    EXPECT_TRUE(contains(help.out, "Utilisation")) << binary.name << ":\n" << help.out;
    EXPECT_FALSE(contains(help.out, "Usage:")) << binary.name << ":\n" << help.out;
    EXPECT_FALSE(contains(help.out, "Print this help")) << binary.name << ":\n" << help.out;
  }
}

}  // namespace
}  // namespace dispo::testing
