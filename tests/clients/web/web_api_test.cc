// dispo-web's JSON API (issue #13) over HTTP, the real broker behind it: the role matrix (the
// broker authorises each request as the signed-in person), errors a person understands (the
// broker's French reason, 400 naming the field, 413), security headers, static files that
// cannot leave their folder, and refusal to listen beyond loopback without TLS.
#include <gtest/gtest.h>

#include <set>

#include <nlohmann/json.hpp>

#include "temp_dir.h"
#include "web_gateway.h"

namespace dispo::testing {
namespace {

class WebApiTest : public ::testing::Test {
 protected:
  WebGateway gateway_{{"--body-limit", "4096"}};
};

TEST_F(WebApiTest, AJudgeGetsAggregatesButNotAFacilitysDetail) {
  Browser judge = gateway_.signed_in("juge-59", wire::Role::judge, {}, {"59"});
  const auto detail = judge.call("GET", "/api/v1/facilities/590000001");
  EXPECT_EQ(detail.status, 403) << detail.body;
  EXPECT_NE(detail.body.find("agrégats"), std::string::npos) << "the broker's French reason: " << detail.body;
  const auto capacity = judge.call("GET", "/api/v1/capacity?dept=59");
  EXPECT_EQ(capacity.status, 200) << capacity.body;
  EXPECT_EQ(judge.call("GET", "/api/v1/capacity?dept=62").status, 403) << "outside the judge's territory";
}

TEST_F(WebApiTest, AFacilityUpdatesItsOwnUnitsOnly) {
  Browser facility = gateway_.signed_in("mecs-59", wire::Role::facility, {"590000001"});
  const auto own = facility.call("POST", "/api/v1/facilities/590000001/units/u1/availability",
                                 "{\"available\":3,\"occupied\":6}");
  EXPECT_EQ(own.status, 200) << own.body;
  const auto other = facility.call("POST", "/api/v1/facilities/620000001/units/u1/availability",
                                   "{\"available\":3,\"occupied\":6}");
  EXPECT_EQ(other.status, 403) << other.body;
  EXPECT_NE(other.body.find("ne peut pas publier pour l'établissement 620000001"), std::string::npos) << other.body;

  const auto state = facility.call("GET", "/api/v1/facilities/590000001");
  ASSERT_EQ(state.status, 200) << state.body;
  const auto json = nlohmann::json::parse(state.body);
  EXPECT_EQ(json["units"][0]["availability"]["available"], 3) << state.body;
  EXPECT_EQ(json["units"][0]["availability"]["confirmed_by"], "mecs-59") << "the person, not the gateway";
  EXPECT_EQ(facility.call("POST", "/api/v1/facilities/590000001/confirm").status, 200);
}

TEST_F(WebApiTest, OnCallSearchesOpensARequestAndHoldsAPlace) {
  Browser facility = gateway_.signed_in("mecs-59", wire::Role::facility, {"590000001"});
  ASSERT_EQ(facility.call("POST", "/api/v1/facilities/590000001/units/u1/availability", "{\"available\":2,\"occupied\":8}").status, 200);
  Browser on_call = gateway_.signed_in("astreinte-59", wire::Role::on_call, {}, {"59"});

  const auto found = on_call.call("GET", "/api/v1/find?age=4&age=7&dept=59");
  ASSERT_EQ(found.status, 200) << found.body;
  EXPECT_EQ(nlohmann::json::parse(found.body)["matches"][0]["facility_id"], "590000001") << found.body;
  EXPECT_EQ(on_call.call("GET", "/api/v1/find?age=4&dept=62").status, 403);

  const auto opened = on_call.call("POST", "/api/v1/requests",
                                   R"({"child_ref":"E59-0042","origin":"on_call","legal_basis":"opp",)"
                                   R"("criteria":{"departement":"59","children":[{"age":4},{"age":7}]}})");
  ASSERT_EQ(opened.status, 200) << opened.body;
  const std::string id = nlohmann::json::parse(opened.body)["request"]["id"];
  const auto listed = on_call.call("GET", "/api/v1/requests?dept=59&state=open,proposed");
  EXPECT_NE(listed.body.find(id), std::string::npos) << listed.body;

  const auto patched = on_call.call("PATCH", "/api/v1/requests/" + id, R"({"note":"fratrie, école à Lille"})");
  EXPECT_EQ(patched.status, 200) << patched.body;
  const auto shown = nlohmann::json::parse(on_call.call("GET", "/api/v1/requests/" + id).body);
  EXPECT_EQ(shown["requests"][0]["request"]["note"], "fratrie, école à Lille") << shown.dump();

  const auto held = on_call.call("POST", "/api/v1/holds",
                                 R"({"facility_id":"590000001","unit_id":"u1","request_id":")" + id + R"(","duration_s":3600})");
  ASSERT_EQ(held.status, 200) << held.body;
  const std::string hold = nlohmann::json::parse(held.body)["hold"]["id"];
  const auto holds = facility.call("GET", "/api/v1/holds?facility=590000001");
  EXPECT_NE(holds.body.find(hold), std::string::npos) << "the facility sees the hold on its unit: " << holds.body;
  const auto declined = facility.call("POST", "/api/v1/holds/" + hold + "/decline", R"({"reason":"siblings"})");
  EXPECT_EQ(declined.status, 200) << declined.body;
  const auto again = on_call.call("POST", "/api/v1/holds/" + hold + "/release");
  EXPECT_EQ(again.status, 409) << "a hold already ended: " << again.body;

  const auto record = on_call.call("GET", "/api/v1/requests/" + id + "/record.html");
  EXPECT_EQ(record.status, 200);
  EXPECT_NE(record.header("content-type").find("text/html"), std::string::npos);
  EXPECT_NE(record.body.find("E59-0042"), std::string::npos);
  EXPECT_EQ(on_call.call("POST", "/api/v1/requests/" + id + "/cancel", R"({"reason":"placé par la famille"})").status, 200);
  EXPECT_EQ(on_call.call("GET", "/api/v1/requests/R-999999").status, 404);
}

TEST_F(WebApiTest, MalformedJsonIsRefusedNamingTheFieldAndLargeBodiesGet413) {
  Browser facility = gateway_.signed_in("mecs-59", wire::Role::facility, {"590000001"});
  const std::string target = "/api/v1/facilities/590000001/units/u1/availability";
  const auto unknown = facility.call("POST", target, "{\"availble\":2}");
  EXPECT_EQ(unknown.status, 400);
  EXPECT_NE(unknown.body.find("availble"), std::string::npos) << unknown.body;
  const auto wrong_type = facility.call("POST", target, "{\"available\":\"deux\"}");
  EXPECT_EQ(wrong_type.status, 400);
  EXPECT_NE(wrong_type.body.find("available"), std::string::npos) << wrong_type.body;
  const auto broken = facility.call("POST", target, "{\"available\":");
  EXPECT_EQ(broken.status, 400);
  EXPECT_NE(broken.body.find("JSON illisible"), std::string::npos) << broken.body;
  const auto inconsistent = facility.call("POST", target, "{\"available\":8,\"occupied\":8}");
  EXPECT_EQ(inconsistent.status, 400) << inconsistent.body;

  const auto large = facility.call("POST", target, "{\"note\":\"" + std::string(8000, 'x') + "\"}");
  EXPECT_EQ(large.status, 413) << large.body;
  EXPECT_NE(large.body.find("trop volumineuse"), std::string::npos) << large.body;
}

TEST_F(WebApiTest, EveryResponseCarriesTheSecurityHeaders) {
  for (const std::string target : {"/", "/api/v1/session", "/nope"}) {
    const auto response = http_request(gateway_.port(), "GET", target);
    const std::string policy = response.header("content-security-policy");
    EXPECT_NE(policy.find("frame-ancestors 'none'"), std::string::npos) << target << ": " << policy;
    EXPECT_NE(policy.find("script-src 'self'"), std::string::npos) << policy;
    EXPECT_EQ(policy.find("unsafe-inline"), std::string::npos) << policy;
    EXPECT_EQ(response.header("x-content-type-options"), "nosniff") << target;
    EXPECT_EQ(response.header("referrer-policy"), "no-referrer") << target;
    EXPECT_EQ(response.header("strict-transport-security"), "") << "no HSTS without TLS";
  }
  const auto index = http_request(gateway_.port(), "GET", "/");
  EXPECT_EQ(index.status, 200) << index.body << "\n" << gateway_.web_log();
  EXPECT_NE(index.body.find("<title>dispo</title>"), std::string::npos);
}

TEST_F(WebApiTest, StaticPathsCannotLeaveTheAssetFolder) {
  for (const std::string target : {"/../secret.txt", "/%2e%2e/secret.txt", "/..%2fsecret.txt", "/a/../../secret.txt",
                                   "/.%2e/secret.txt", "/%2e%2e%2f%2e%2e%2fetc/passwd", "/..\\secret.txt"}) {
    const auto response = http_raw(gateway_.port(), "GET " + target + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    EXPECT_TRUE(response.status == 404 || response.status == 400) << target << " → " << response.status;
    EXPECT_EQ(response.body.find("outside the assets"), std::string::npos) << target;
  }
}

TEST_F(WebApiTest, TheBrokerUnreachableIsA503InFrench) {
  Browser on_call = gateway_.signed_in("astreinte-59", wire::Role::on_call, {}, {"59"});
  gateway_.broker().stop();
  const auto response = on_call.call("GET", "/api/v1/find?age=4&dept=59");
  EXPECT_EQ(response.status, 503) << response.body;
  EXPECT_NE(response.body.find("injoignable"), std::string::npos) << response.body;
}

TEST_F(WebApiTest, OnlyTheGatewayActsForAPersonAndSecretsNeverLeaveTheBroker) {
  gateway_.signed_in("astreinte-59", wire::Role::on_call, {}, {"59"});
  const auto facility_keys = gateway_.grant("mecs-59", wire::Role::facility, {"590000001"}, {});
  zmq::context_t context;
  client::Session session(context, {gateway_.broker().api(), std::chrono::milliseconds(3000), 1, "impostor", facility_keys});
  wire::SearchQueryT query;
  query.departement = "59";
  wire::RequestBodyUnion body;
  body.Set(std::move(query));
  auto impersonated = session.call_for("astreinte-59", std::move(body));
  ASSERT_FALSE(impersonated) << "a facility acted for an on-call worker";
  EXPECT_EQ(impersonated.error().status, wire::Status::forbidden);
  EXPECT_NE(impersonated.error().message.find("seule la passerelle web"), std::string::npos) << impersonated.error().message;

  wire::RequestBodyUnion list;
  list.Set(wire::PrincipalListRequestT{});
  auto principals = gateway_.admin_call(std::move(list));
  wire::PrincipalListT native;
  principals->body_as_PrincipalList()->UnPackTo(&native);
  bool found = false;
  for (const auto& principal : native.principals) {
    EXPECT_TRUE(principal->password_hash.empty() && principal->enrolment_hash.empty()) << principal->name;
    found |= principal->name == "astreinte-59" && principal->web;
  }
  EXPECT_TRUE(found);
  EXPECT_EQ(gateway_.broker().log().find("argon2id"), std::string::npos);
}

TEST_F(WebApiTest, UnderTlsResponsesCarryHstsAndTheCookieIsSecure) {
  TempDir tls;
  const auto made = run_command({"openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj",
                                 "/CN=127.0.0.1", "-keyout", (tls / "key.pem").string(), "-out",
                                 (tls / "cert.pem").string()});
  ASSERT_EQ(made.exit_code, 0) << made.err;
  gateway_.signed_in("astreinte-59", wire::Role::on_call, {}, {"59"});
  const int port = free_port();
  auto argv = gateway_.web_command(port, {"--tls-cert", (tls / "cert.pem").string(), "--tls-key", (tls / "key.pem").string()});
  Process web = Process::start(argv, (tls / "web.log").string());
  const std::string url = "https://127.0.0.1:" + std::to_string(port) + "/api/v1/session";
  CommandResult answer;
  const auto end = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  do {
    answer = run_command({"curl", "-sk", "-i", "-H", "Content-Type: application/json", "-d",
                          std::string("{\"name\":\"astreinte-59\",\"password\":\"") + kPassword + "\"}", url});
  } while (answer.out.find("HTTP/1.1 200") == std::string::npos && std::chrono::steady_clock::now() < end);
  EXPECT_NE(answer.out.find("HTTP/1.1 200"), std::string::npos) << answer.out << answer.err;
  EXPECT_NE(answer.out.find("Strict-Transport-Security: max-age="), std::string::npos) << answer.out;
  EXPECT_NE(answer.out.find("; Secure"), std::string::npos) << "the session cookie is Secure under TLS: " << answer.out;
  const auto plain = http_request(port, "GET", "/api/v1/session", {}, {}, std::chrono::seconds(3));
  EXPECT_NE(plain.status, 200) << "no plain HTTP on a TLS port";
  web.stop();
}

TEST(WebServerTest, BeyondLoopbackWithTlsItListens) {
  TempDir tls;
  const auto made = run_command({"openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj",
                                 "/CN=dispo", "-keyout", (tls / "key.pem").string(), "-out", (tls / "cert.pem").string()});
  ASSERT_EQ(made.exit_code, 0) << made.err;
  const int port = free_port();
  Process web = Process::start({web_binary(), "--listen", "0.0.0.0:" + std::to_string(port), "--tls-cert",
                                (tls / "cert.pem").string(), "--tls-key", (tls / "key.pem").string(), "--broker",
                                "tcp://127.0.0.1:1", "--feed", "tcp://127.0.0.1:1"},
                               (tls / "web.log").string());
  CommandResult answer;
  const auto end = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  do {
    answer = run_command({"curl", "-sk", "-o", "/dev/null", "-w", "%{http_code}", "https://127.0.0.1:" + std::to_string(port) + "/api/v1/session"});
  } while (answer.out != "401" && std::chrono::steady_clock::now() < end);
  EXPECT_EQ(answer.out, "401") << answer.err;
  web.stop();
}

TEST(WebServerTest, StopsAtOnceWhileItsBrokerIsUnreachable) {
  // The live board waits up to 5 s for its first snapshot (2 attempts of 2.5 s); a SIGTERM in
  // that wait (systemctl stop while the broker is down) ends the program without finishing it.
  TempDir dir;
  const int port = free_port();
  const std::string nowhere = "tcp://127.0.0.1:" + std::to_string(free_port());
  Process web = Process::start({web_binary(), "--listen", "127.0.0.1:" + std::to_string(port), "--broker", nowhere,
                                "--feed", nowhere},
                               (dir / "web.log").string());
  HttpResult answer;
  const auto end = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  do {
    answer = http_request(port, "GET", "/api/v1/session", {}, {}, std::chrono::seconds(1));
  } while (answer.status != 401 && std::chrono::steady_clock::now() < end);
  ASSERT_EQ(answer.status, 401) << "dispo-web listening";
  // Meanwhile, `top -H` names its parts: HTTP threads, the broker pool's, the live board's.
  const std::set<std::string> parts = {"dispo-http", "dispo-pool", "dispo-events"};
  const std::set<std::string> threads = thread_names(web.pid(), parts);
  for (const auto& part : parts)
    EXPECT_TRUE(threads.contains(part)) << part << " not among dispo-web's threads";
  EXPECT_EQ(web.stop(std::chrono::milliseconds(2000)), 0) << "-999: still running 2 s after SIGTERM";
}

TEST(WebServerTest, RefusesToListenBeyondLoopbackWithoutTls) {
  const auto refused = run_command({web_binary(), "--listen", "0.0.0.0:" + std::to_string(free_port())});
  EXPECT_EQ(refused.exit_code, 2) << refused.out << refused.err;
  EXPECT_NE(refused.err.find("sans TLS"), std::string::npos) << refused.err;
}

}  // namespace
}  // namespace dispo::testing
