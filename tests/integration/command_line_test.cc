// Issue #11, "clear words": every binary has --version, and CLI11's own messages come out in
// French from each of them (dispo, dispo-admin, dispo-publish, dispo-sim, dispo-broker); a
// cluster member's flags given wrong are said so.
#include <gtest/gtest.h>

#include <filesystem>

#include "broker_process.h"
#include "temp_dir.h"
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

// A member's flags given wrong: the broker says which and what it wants, exits 2 and creates
// nothing (its data directory stays absent).
TEST(CommandLineTest, ABrokerGivenItsClusterFlagsWrongSaysWhatIsMissingAndStartsNothing) {
  TempDir dir;
  const std::string data = (dir / "data").string();
  const std::string members = "1=127.0.0.1:7411,2=127.0.0.1:7412,3=127.0.0.1:7413";
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
      {{"--node-id", "1"}, "--node-id demande --cluster"},
      {{"--cluster", members}, "--cluster demande --node-id, le numéro de ce nœud (1 ou plus)"},
      {{"--node-id", "0", "--cluster", members}, "--cluster demande --node-id"},
      {{"--node-id", "4", "--cluster", members}, "le nœud 4 (--node-id) n'est pas dans --cluster"},
      {{"--node-id", "1", "--cluster", "1=127.0.0.1:7411,1=127.0.0.1:7412"}, "le nœud 1 figure deux fois"},
      {{"--node-id", "1", "--cluster", "1=127.0.0.1:99999"}, "n'est pas HÔTE:PORT"},
  };
  for (const auto& [flags, said] : cases) {
    std::vector<std::string> argv = {broker_binary(), "--data", data};
    argv.insert(argv.end(), flags.begin(), flags.end());
    const auto result = run_command(argv);
    EXPECT_EQ(result.exit_code, 2) << said << ": " << result.err;
    EXPECT_TRUE(contains(result.err, said)) << result.err;
    EXPECT_FALSE(std::filesystem::exists(dir / "data")) << "created despite: " << result.err;
  }
}

}  // namespace
}  // namespace dispo::testing
