// dispo-web sessions (issue #13): enrolment with a one-time code, sign-in checked by the broker
// (argon2id), sign-out, CSRF on every change, sign-in rate limits with a French message, and
// failed sign-ins logged without the password. The real broker and dispo-web over HTTP.
#include <gtest/gtest.h>

#include "web_gateway.h"

namespace dispo::testing {
namespace {

class WebSessionTest : public ::testing::Test {
 protected:
  WebGateway gateway_{{"--login-failures-account", "3", "--login-failures-address", "6"}};
};

TEST_F(WebSessionTest, EnrolmentCodeSetsThePasswordOnceAndSignsIn) {
  const std::string code = gateway_.web_account("astreinte-59", wire::Role::on_call, {}, {"59"});
  Browser browser = gateway_.browser();

  EXPECT_EQ(browser.enrol("astreinte-59", code, "court").status, 400) << "a password under 12 characters";
  EXPECT_EQ(browser.enrol("astreinte-59", "AAAA-BBBB-CCCC-DDDD", kPassword).status, 403) << "a wrong code";

  const auto enrolled = browser.enrol("astreinte-59", code, kPassword);
  ASSERT_EQ(enrolled.status, 200) << enrolled.body;
  EXPECT_NE(enrolled.body.find("\"role\":\"on_call\""), std::string::npos) << enrolled.body;
  const std::string cookie = enrolled.header("set-cookie");
  EXPECT_NE(cookie.find("HttpOnly"), std::string::npos) << cookie;
  EXPECT_NE(cookie.find("SameSite=Strict"), std::string::npos) << cookie;
  EXPECT_EQ(cookie.find("Secure"), std::string::npos) << "no Secure without TLS: " << cookie;
  EXPECT_EQ(browser.call("GET", "/api/v1/session").status, 200);

  Browser again = gateway_.browser();
  const auto reused = again.enrol("astreinte-59", code, "une autre phrase longue");
  EXPECT_EQ(reused.status, 403) << "a code is spent once: " << reused.body;

  Browser other = gateway_.browser();
  EXPECT_EQ(other.sign_in("astreinte-59", kPassword).status, 200);
  EXPECT_EQ(other.sign_in("astreinte-59", "pas le bon mot de passe").status, 401);
}

TEST_F(WebSessionTest, SignOutEndsTheSession) {
  Browser browser = gateway_.signed_in("astreinte-59", wire::Role::on_call, {}, {"59"});
  ASSERT_EQ(browser.call("GET", "/api/v1/session").status, 200);
  EXPECT_EQ(browser.call("DELETE", "/api/v1/session").status, 204);
  const auto after = browser.call("GET", "/api/v1/session");
  EXPECT_EQ(after.status, 401);
  EXPECT_NE(after.body.find("identifiez-vous"), std::string::npos) << after.body;
}

TEST_F(WebSessionTest, ChangesWithoutTheCsrfTokenAreRefused) {
  Browser browser = gateway_.signed_in("mecs-59", wire::Role::facility, {"590000001"});
  const std::string update = "{\"available\":2,\"occupied\":5}";
  const std::string target = "/api/v1/facilities/590000001/units/u1/availability";

  Browser forged = browser;
  forged.csrf.clear();
  const auto refused = forged.call("POST", target, update);
  EXPECT_EQ(refused.status, 403) << refused.body;
  EXPECT_NE(refused.body.find("CSRF"), std::string::npos) << refused.body;
  forged.csrf = "pas-le-bon-jeton";
  EXPECT_EQ(forged.call("POST", target, update).status, 403);

  const auto accepted = browser.call("POST", target, update);
  EXPECT_EQ(accepted.status, 200) << accepted.body;
}

TEST_F(WebSessionTest, RepeatedFailedSignInsAreThrottledInFrenchAndLoggedWithoutThePassword) {
  gateway_.signed_in("hopital-59", wire::Role::hospital, {}, {"59"});
  Browser browser = gateway_.browser();
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(browser.sign_in("hopital-59", "mot-de-passe-faux-" + std::to_string(i)).status, 401);
  }
  const auto throttled = browser.sign_in("hopital-59", kPassword);
  EXPECT_EQ(throttled.status, 429) << throttled.body;
  EXPECT_NE(throttled.body.find("trop de tentatives de connexion"), std::string::npos) << throttled.body;

  // Per address: other accounts from the same address are throttled too past its limit.
  for (int i = 0; i < 3; ++i) browser.sign_in("inconnu-" + std::to_string(i), "mot-de-passe-faux-x");
  EXPECT_EQ(browser.sign_in("inconnu-9", "mot-de-passe-faux-y").status, 429);

  const std::string log = gateway_.web_log();
  EXPECT_NE(log.find("sign-in failed name=hopital-59"), std::string::npos) << log;
  EXPECT_EQ(log.find("mot-de-passe-faux"), std::string::npos) << "a password reached the log";
  EXPECT_EQ(gateway_.broker().log().find("mot-de-passe-faux"), std::string::npos) << "a password reached the broker log";
}

TEST_F(WebSessionTest, DispoAdminGrantWebPrintsAnEnrolmentCodeThatWorks) {
  const auto granted = run_command({admin_binary(), "--broker", gateway_.broker().api(), "--key",
                                    (gateway_.keys() / "admin-test.key").string(), "--broker-key",
                                    (gateway_.keys() / "broker.pub").string(), "grant", "juge-59", "--role", "judge",
                                    "--dept", "59", "--web", "--out", gateway_.keys().string()});
  ASSERT_EQ(granted.exit_code, 0) << granted.err;
  const auto at = granted.out.find("code d'activation ");
  ASSERT_NE(at, std::string::npos) << granted.out;
  const std::string code = granted.out.substr(at + 18, 19);
  EXPECT_NE(granted.out.find("valable jusqu'au"), std::string::npos) << granted.out;

  Browser browser = gateway_.browser();
  const auto enrolled = browser.enrol("juge-59", code, kPassword);
  EXPECT_EQ(enrolled.status, 200) << enrolled.body << " code=" << code;

  const auto reset = run_command({admin_binary(), "--broker", gateway_.broker().api(), "--key",
                                  (gateway_.keys() / "admin-test.key").string(), "--broker-key",
                                  (gateway_.keys() / "broker.pub").string(), "web-reset", "juge-59"});
  ASSERT_EQ(reset.exit_code, 0) << reset.err;
  EXPECT_EQ(gateway_.browser().sign_in("juge-59", kPassword).status, 401) << "web-reset forgets the password";
}

}  // namespace
}  // namespace dispo::testing
