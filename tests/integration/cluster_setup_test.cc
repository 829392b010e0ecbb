// Issue #16, `dispo-broker init --cluster`: one folder per member (its dispo.toml, the shared
// broker key, the same initialised store), the keys for clients and the operator beside them, and
// a clear refusal that writes nothing. That the members start from those folders as one cluster
// is what every CURVE cluster test does (test_cluster.h: Cluster with `curve`, e.g. ClusterLinkTest
// and ClusterTest's kill loop over the encrypted link).
#include <sys/stat.h>

#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "broker_process.h"
#include "process.h"
#include "temp_dir.h"

namespace dispo::testing {
namespace {

std::string read_text(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

mode_t mode_of(const std::filesystem::path& path) {
  struct stat status {};
  EXPECT_EQ(::stat(path.c_str(), &status), 0) << path;
  return status.st_mode & 0777;
}

const std::string kCluster = "1=127.0.0.1:7411,2=127.0.0.1:7412,3=127.0.0.1:7413";
const std::string kApi = "1=tcp://127.0.0.1:7401,2=tcp://127.0.0.1:7501,3=tcp://127.0.0.1:7601";

TEST(ClusterSetupTest, InitWritesAFolderPerMemberWithTheSameStoreItsOwnConfigurationAndTheSecretKeyOnlyThere) {
  TempDir dir;
  const auto out = dir / "setup";
  // The paths in every member's dispo.toml are where member 1's files are here, so that its
  // configuration can be checked as it stands.
  const auto init = run_command({broker_binary(), "init", "--cluster", kCluster, "--cluster-api", kApi, "--out",
                                 out.string(), "--admin", "chef-astreinte", "--member-data",
                                 (out / "member-1" / "data").string(), "--member-key",
                                 (out / "member-1" / "broker.key").string()});
  ASSERT_EQ(init.exit_code, 0) << init.err;
  EXPECT_NE(init.out.find("DISPO_BROKER=tcp://127.0.0.1:7401,tcp://127.0.0.1:7501,tcp://127.0.0.1:7601"),
            std::string::npos) << init.out;
  EXPECT_NE(init.out.find("DISPO_FEED=tcp://127.0.0.1:7402,tcp://127.0.0.1:7502,tcp://127.0.0.1:7602"),
            std::string::npos) << init.out;

  EXPECT_TRUE(std::filesystem::exists(out / "keys" / "broker.pub"));
  EXPECT_TRUE(std::filesystem::exists(out / "keys" / "chef-astreinte.key"));
  EXPECT_FALSE(std::filesystem::exists(out / "keys" / "broker.key")) << "the secret belongs to the members only";

  const std::string key = read_text(out / "member-1" / "broker.key");
  ASSERT_NE(key.find("secret-key"), std::string::npos) << key;
  std::string first_sequence;
  for (int id = 1; id <= 3; ++id) {
    const auto folder = out / ("member-" + std::to_string(id));
    EXPECT_EQ(read_text(folder / "broker.key"), key) << "member " << id << " has another broker key";
    EXPECT_EQ(mode_of(folder / "broker.key"), 0600u);
    const std::string config = read_text(folder / "dispo.toml");
    EXPECT_NE(config.find("node-id = " + std::to_string(id) + "\n"), std::string::npos) << config;
    EXPECT_NE(config.find("cluster = \"" + kCluster + "\""), std::string::npos) << config;
    EXPECT_NE(config.find("api = \"tcp://127.0.0.1:7" + std::to_string(id - 1 + 4) + "01\""), std::string::npos)
        << config;
    // The same store everywhere: the first admin registered, at the same sequence.
    const auto sequence = run_command({broker_binary(), "sequence", "--data", (folder / "data").string()});
    ASSERT_EQ(sequence.exit_code, 0) << sequence.err;
    EXPECT_NE(sequence.out, "0\n");
    if (id == 1) first_sequence = sequence.out;
    EXPECT_EQ(sequence.out, first_sequence) << "member " << id;
  }
  const auto check = run_command({broker_binary(), "check-config", (out / "member-1" / "dispo.toml").string()});
  EXPECT_EQ(check.exit_code, 0) << check.err;
  EXPECT_NE(check.out.find("CURVE oui"), std::string::npos) << check.out;
}

TEST(ClusterSetupTest, AMemberReachedByNameListensOnEveryInterfaceAndAGivenFeedIsKept) {
  TempDir dir;
  const auto out = dir / "setup";
  const auto init = run_command({broker_binary(), "init", "--cluster", "1=10.0.0.11:7411,2=dispo-b.ase59.fr:7411",
                                 "--cluster-api", "1=tcp://10.0.0.11:7401,2=tcp://dispo-b.ase59.fr:7401",
                                 "--cluster-feed", "2=tcp://dispo-b.ase59.fr:7500", "--out", out.string()});
  ASSERT_EQ(init.exit_code, 0) << init.err;
  const std::string first = read_text(out / "member-1" / "dispo.toml");
  EXPECT_NE(first.find("api = \"tcp://10.0.0.11:7401\""), std::string::npos) << first;
  EXPECT_NE(first.find("feed = \"tcp://10.0.0.11:7402\""), std::string::npos) << first;
  EXPECT_EQ(first.find("cluster-bind"), std::string::npos) << first;
  const std::string second = read_text(out / "member-2" / "dispo.toml");
  EXPECT_NE(second.find("api = \"tcp://0.0.0.0:7401\""), std::string::npos) << second;
  EXPECT_NE(second.find("feed = \"tcp://0.0.0.0:7500\""), std::string::npos) << second;
  EXPECT_NE(second.find("cluster-bind = \"0.0.0.0:7411\""), std::string::npos) << second;
  EXPECT_NE(init.out.find("DISPO_FEED=tcp://10.0.0.11:7402,tcp://dispo-b.ase59.fr:7500"), std::string::npos)
      << init.out;
}

TEST(ClusterSetupTest, InitRefusesWhatCouldNotWorkSaysWhyAndWritesNothing) {
  TempDir dir;
  const auto out = dir / "setup";
  struct Case {
    std::vector<std::string> args;
    int exit_code;
    std::string said;
  };
  const std::vector<Case> cases = {
      {{"--cluster", kCluster, "--cluster-api", "1=tcp://127.0.0.1:7401,2=tcp://127.0.0.1:7501"}, 1,
       "ne donne pas l'adresse du nœud 3"},
      {{"--cluster", kCluster, "--cluster-api", "1=tcp://127.0.0.1:7401,2=ipc:///tmp/api,3=tcp://127.0.0.1:7601"}, 1,
       "n'est pas tcp://HÔTE:PORT"},
      {{"--cluster", kCluster, "--cluster-api", "1=tcp://127.0.0.1:7412,2=tcp://127.0.0.1:7501,3=tcp://127.0.0.1:7601"},
       1, "le port 127.0.0.1:7412 servirait deux fois"},
      {{"--cluster", kCluster, "--cluster-api", kApi, "--cluster-feed", "4=tcp://127.0.0.1:7999"}, 1,
       "--cluster-feed attend"},
      {{"--cluster", kCluster, "--cluster-api", kApi, "--admin", "nom invalide/"}, 1, "invalide"},
      {{"--cluster", "1=127.0.0.1", "--cluster-api", kApi}, 1, "n'est pas HÔTE:PORT"},
      {{"--cluster", kCluster, "--cluster-api", kApi, "--data", (dir / "data").string()}, 2, "ne vont pas ensemble"},
  };
  for (const Case& c : cases) {
    std::vector<std::string> argv = {broker_binary(), "init"};
    argv.insert(argv.end(), c.args.begin(), c.args.end());
    argv.insert(argv.end(), {"--out", out.string()});
    const auto init = run_command(argv);
    EXPECT_EQ(init.exit_code, c.exit_code) << c.said << "\n" << init.err;
    EXPECT_NE(init.err.find(c.said), std::string::npos) << init.err;
    EXPECT_FALSE(std::filesystem::exists(out)) << "written despite: " << init.err;
    EXPECT_FALSE(std::filesystem::exists(dir / "data"));
  }

  // An existing folder with something in it is left exactly as it was.
  std::filesystem::create_directories(out);
  std::ofstream(out / "notes.txt") << "à garder\n";
  const auto over = run_command({broker_binary(), "init", "--cluster", kCluster, "--cluster-api", kApi, "--out",
                                 out.string()});
  EXPECT_EQ(over.exit_code, 1);
  EXPECT_NE(over.err.find("n'est pas vide : rien n'a été écrasé"), std::string::npos) << over.err;
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(out), std::filesystem::directory_iterator{}), 1);
  EXPECT_EQ(read_text(out / "notes.txt"), "à garder\n");
}

}  // namespace
}  // namespace dispo::testing
