// `dispo-broker check-config FILE` on the real binary: the packaged default configuration is
// valid; a bad one is refused with the reason in French; nothing is started or created.
#include <gtest/gtest.h>

#include <fstream>

#include "broker_process.h"
#include "process.h"
#include "temp_dir.h"

namespace dispo::testing {
namespace {

CommandResult check(const std::filesystem::path& file) {
  return run_command({broker_binary(), "check-config", file.string()});
}

std::filesystem::path write(const TempDir& dir, const std::string& name, const std::string& text) {
  const auto path = dir / name;
  std::ofstream(path) << text;
  return path;
}

TEST(ConfigCheckTest, ThePackagedDefaultConfigurationIsValid) {
  const auto result = check(DISPO_SOURCE_DIR "/ops/packaging/dispo.toml");
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_NE(result.out.find("configuration valide"), std::string::npos) << result.out;
  EXPECT_NE(result.out.find("/var/lib/dispo/data"), std::string::npos) << result.out;
  EXPECT_NE(result.out.find("métriques 127.0.0.1:9401"), std::string::npos) << result.out;
  const auto example = check(DISPO_SOURCE_DIR "/ops/broker.example.toml");
  EXPECT_EQ(example.exit_code, 0) << example.err;
}

TEST(ConfigCheckTest, ABadConfigurationIsRefusedWithTheReasonAndNothingIsCreated) {
  TempDir dir;
  const std::string data = "data = \"" + (dir / "never").string() + "\"\n";
  struct Case {
    std::string text;
    std::string expected;
  };
  const std::vector<Case> cases = {
      {data + "colour = \"blue\"\n", "colour"},
      {data + "heartbeat-ms = 5000\n", "heartbeat-ms"},
      {data + "api = \"tcp://0.0.0.0:7401\"\n", "exige --curve-key"},
      {data + "feed = \"localhost:7402\"\n", "point d'accès illisible"},
      {data + "curve-key = \"" + (dir / "absent.key").string() + "\"\n", "curve-key"},
      {data + "metrics = \"9401\"\n", "metrics"},
      {data + "log-format = \"xml\"\n", "log-format"},
      {data + "node-id = 4\ncluster = \"1=127.0.0.1:7411,2=127.0.0.1:7412\"\n", "n'est pas dans cluster"},
      {data + "node-id = 1\ncluster = \"1=127.0.0.1\"\n", "HÔTE:PORT"},
      {data + "node-id = 1\n", "node-id demande cluster"},
      {data + "cluster = \"1=127.0.0.1:7411,2=127.0.0.1:7412\"\n", "cluster demande node-id"},
  };
  for (const auto& c : cases) {
    const auto result = check(write(dir, "bad.toml", c.text));
    EXPECT_EQ(result.exit_code, 1) << c.text;
    EXPECT_NE(result.err.find(c.expected), std::string::npos) << c.text << " -> " << result.err;
  }
  const auto missing = check(dir / "absent.toml");
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_NE(missing.err.find("absent.toml"), std::string::npos) << missing.err;
  EXPECT_FALSE(std::filesystem::exists(dir / "never")) << "check-config created the data directory";

  const auto good = check(write(dir, "good.toml", data + "metrics = \"127.0.0.1:0\"\nlog-format = \"json\"\n"));
  EXPECT_EQ(good.exit_code, 0) << good.err;
  const auto member = check(write(dir, "member.toml",
                                  data + "node-id = 2\ncluster = \"1=127.0.0.1:7411,2=127.0.0.1:7412,3=127.0.0.1:7413\"\n"));
  EXPECT_EQ(member.exit_code, 0) << member.err;
  EXPECT_FALSE(std::filesystem::exists(dir / "never"));
}

}  // namespace
}  // namespace dispo::testing
