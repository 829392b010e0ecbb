// Issue #11, "clear words": against a broker that requires CURVE, a client without a key, with an
// unknown key or with another broker's public key is told at once that authentication failed
// (exit 5, "authentification"), not "broker injoignable" after its timeouts; dispo-publish keeps
// nothing it could never deliver; ops/backup without keys fails fast; the broker logs the failed
// handshakes, and admin actions with who made them. The real binaries, a real CURVE broker.
#include <thread>

#include <gtest/gtest.h>

#include "broker_process.h"
#include "dispo/schemas/curve_keys.h"
#include "temp_dir.h"
#include "wire_helpers.h"

namespace dispo::testing {
namespace {

using std::chrono::milliseconds;
using Clock = std::chrono::steady_clock;

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

class AuthenticationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto init = run_command({broker_binary(), "init", "--data", (dir_ / "data").string(), "--keys",
                                   keys().string(), "--admin", "admin-test"});
    ASSERT_EQ(init.exit_code, 0) << init.err;
    auto broker_public = wire::read_key_file(keys() / "broker.pub", false);
    auto admin = wire::read_key_file(keys() / "admin-test.key", true);
    ASSERT_TRUE(broker_public && admin);
    admin_ = {broker_public->public_key, admin->public_key, admin->secret_key};
    broker_ = std::make_unique<BrokerProcess>(
        dir_ / "data", std::vector<std::string>{"--curve-key", (keys() / "broker.key").string()});
    broker_->set_probe_keys(admin_);
    broker_->start();
  }

  std::filesystem::path keys() const { return dir_ / "keys"; }

  // Runs `argv` and returns its result with how long it took.
  std::pair<CommandResult, milliseconds> timed(const std::vector<std::string>& argv,
                                               const std::vector<std::string>& env = {}) {
    const auto started = Clock::now();
    auto result = run_command(argv, std::chrono::seconds(30), env);
    return {result, std::chrono::duration_cast<milliseconds>(Clock::now() - started)};
  }

  // Polls the broker's log (never sleeps blindly) until it holds `text`.
  bool log_shows(const std::string& text, milliseconds deadline = milliseconds(5000)) {
    const auto end = Clock::now() + deadline;
    while (Clock::now() < end) {
      if (contains(broker_->log(), text)) return true;
      std::this_thread::sleep_for(milliseconds(20));
    }
    return false;
  }

  TempDir dir_;
  std::unique_ptr<BrokerProcess> broker_;
  client::ClientKeys admin_;
  zmq::context_t context_;
};

TEST_F(AuthenticationTest, AClientWithoutAKeyIsToldAuthenticationFailedQuickly) {
  // --timeout 2 × 2 attempts: "broker injoignable" would take 4 s.
  auto [result, took] = timed({dispo_binary(), "find", "--age", "7", "--broker", broker_->api(), "--timeout", "2"});
  EXPECT_EQ(result.exit_code, 5) << result.err;
  EXPECT_TRUE(contains(result.err, "authentification")) << result.err;
  EXPECT_TRUE(contains(result.err, "--key")) << result.err;
  EXPECT_FALSE(contains(result.err, "injoignable")) << result.err;
  EXPECT_LT(took, milliseconds(1500)) << result.err;
  EXPECT_TRUE(log_shows("authentication failed socket=api")) << broker_->log();
  EXPECT_TRUE(log_shows("without CURVE keys")) << broker_->log();
}

TEST_F(AuthenticationTest, AnUnknownKeyIsToldAuthenticationFailedQuickly) {
  const auto stranger = wire::generate_key_pair();
  ASSERT_TRUE(wire::write_key_file(dir_ / "stranger.key", stranger, "stranger"));
  auto [result, took] = timed({dispo_binary(), "facility", "590000001", "--broker", broker_->api(), "--key",
                               (dir_ / "stranger.key").string(), "--broker-key", (keys() / "broker.pub").string()});
  EXPECT_EQ(result.exit_code, 5) << result.err;
  EXPECT_TRUE(contains(result.err, "authentification refusée")) << result.err;
  EXPECT_TRUE(contains(result.err, "inconnue ou a été révoquée")) << result.err;
  EXPECT_LT(took, milliseconds(1500)) << result.err;
  EXPECT_TRUE(log_shows("unknown key")) << broker_->log();
}

TEST_F(AuthenticationTest, AnotherBrokersPublicKeyIsToldAuthenticationFailed) {
  const auto other = wire::generate_key_pair();
  ASSERT_TRUE(wire::write_key_file(dir_ / "other-broker.pub", {other.public_key, {}}, "other"));
  auto [result, took] = timed({dispo_binary(), "facility", "590000001", "--broker", broker_->api(), "--key",
                               (keys() / "admin-test.key").string(), "--broker-key",
                               (dir_ / "other-broker.pub").string(), "--timeout", "2"});
  EXPECT_EQ(result.exit_code, 5) << result.err;
  EXPECT_TRUE(contains(result.err, "authentification échouée")) << result.err;
  EXPECT_TRUE(contains(result.err, "--broker-key")) << result.err;
  EXPECT_LT(took, milliseconds(2500)) << result.err;
  EXPECT_TRUE(log_shows("another broker public key")) << broker_->log();
}

TEST_F(AuthenticationTest, DispoPublishKeepsNothingItCouldNeverDeliver) {
  const auto outbox = (dir_ / "outbox").string();
  auto [result, took] = timed({publish_binary(), "update", "590000001", "u1", "--available", "2", "--occupied", "3",
                               "--broker", broker_->api(), "--outbox", outbox});
  EXPECT_EQ(result.exit_code, 5) << result.err;
  EXPECT_TRUE(contains(result.err, "authentification")) << result.err;
  EXPECT_TRUE(contains(result.err, "non gardée")) << result.err;
  EXPECT_LT(took, milliseconds(2500)) << result.err;
  const auto listed = run_command({publish_binary(), "outbox", "--outbox", outbox});
  EXPECT_EQ(listed.exit_code, 0) << listed.err;
  EXPECT_TRUE(contains(listed.out, "vide")) << listed.out;
}

TEST_F(AuthenticationTest, BackupWithoutKeysFailsFast) {
  const auto target = dir_ / "backup";
  auto [result, took] = timed({std::string(DISPO_SOURCE_DIR) + "/ops/backup", target.string()},
                              {"DISPO_BROKER=" + broker_->api(), std::string("DISPO_ADMIN=") + DISPO_ADMIN_BIN,
                               "DISPO_KEY=", "DISPO_BROKER_KEY="});
  EXPECT_EQ(result.exit_code, 5) << result.err;
  EXPECT_TRUE(contains(result.err, "authentification")) << result.err;
  EXPECT_LT(took, milliseconds(2500)) << result.err;
  EXPECT_FALSE(std::filesystem::exists(target));
}

TEST_F(AuthenticationTest, AdminActionsAreLoggedWithWhoMadeThem) {
  const auto granted = run_command({DISPO_ADMIN_BIN, "grant", "astreinte-59", "--role", "ON_CALL", "--dept", "59",
                                    "--out", dir_.path().string(), "--broker", broker_->api(), "--key",
                                    (keys() / "admin-test.key").string(), "--broker-key",
                                    (keys() / "broker.pub").string()});
  ASSERT_EQ(granted.exit_code, 0) << granted.err;
  EXPECT_TRUE(log_shows("admin action=grant principal=astreinte-59 role=on_call by=admin-test")) << broker_->log();
  const auto revoked = run_command({DISPO_ADMIN_BIN, "revoke", "astreinte-59", "--broker", broker_->api(), "--key",
                                    (keys() / "admin-test.key").string(), "--broker-key",
                                    (keys() / "broker.pub").string()});
  ASSERT_EQ(revoked.exit_code, 0) << revoked.err;
  EXPECT_TRUE(log_shows("admin action=revoke principal=astreinte-59 by=admin-test")) << broker_->log();
  client::Session session(context_, {broker_->api(), milliseconds(3000), 1, "auth-test", admin_});
  ASSERT_TRUE(session.call(registration_of(make_facility("590000001", 1, 10))));
  EXPECT_TRUE(log_shows("admin action=register facilities=1 ids=590000001 by=admin-test")) << broker_->log();
  const auto backup = run_command({DISPO_ADMIN_BIN, "backup", (dir_ / "copy").string(), "--broker", broker_->api(),
                                   "--key", (keys() / "admin-test.key").string(), "--broker-key",
                                   (keys() / "broker.pub").string()});
  EXPECT_TRUE(log_shows("admin action=backup directory=" + (dir_ / "copy").string() + " by=admin-test"))
      << backup.err << broker_->log();
}

}  // namespace
}  // namespace dispo::testing
