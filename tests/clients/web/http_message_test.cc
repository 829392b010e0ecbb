// The pure parts of dispo-web: request parsing, cookies, error shapes, static paths, sessions,
// the sign-in limiter and a reply's freshness headers (clients/web/src/http_message.cc,
// static_files.cc, web_sessions.cc, api.cc).
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "api.h"
#include "http_message.h"
#include "static_files.h"
#include "temp_dir.h"
#include "web_sessions.h"

namespace dispo::web {
namespace {

TEST(HttpMessageTest, PercentDecodingRefusesBadEscapes) {
  EXPECT_EQ(percent_decode("/a%2Fb%C3%A9", false), "/a/bé");
  EXPECT_EQ(percent_decode("a+b", true), "a b");
  EXPECT_EQ(percent_decode("a+b", false), "a+b");
  EXPECT_FALSE(percent_decode("%2", false));
  EXPECT_FALSE(percent_decode("%zz", false));
}

TEST(HttpMessageTest, QueriesSplitRepeatedAndCommaSeparatedValues) {
  HttpRequest request;
  request.query = parse_query("age=4&age=7&state=open,proposed&near=50.6%2C3.0&empty=&=x");
  EXPECT_EQ(request.params("age"), (std::vector<std::string>{"4", "7"}));
  EXPECT_EQ(request.params("state"), (std::vector<std::string>{"open", "proposed"}));
  EXPECT_EQ(request.param("near"), "50.6,3.0");
  EXPECT_EQ(request.param("empty"), "");
  EXPECT_FALSE(request.param("missing"));
}

TEST(HttpMessageTest, CookiesAreFoundByExactName) {
  EXPECT_EQ(cookie_value("a=1; dispo_session=abc; b=2", "dispo_session"), "abc");
  EXPECT_EQ(cookie_value("xdispo_session=abc", "dispo_session"), "");
  EXPECT_EQ(cookie_value("", "dispo_session"), "");
}

TEST(HttpMessageTest, BrokerStatusesMapToHttp) {
  EXPECT_EQ(http_status_of(wire::Status::forbidden), 403u);
  EXPECT_EQ(http_status_of(wire::Status::unknown_request), 404u);
  EXPECT_EQ(http_status_of(wire::Status::conflict), 409u);
  EXPECT_EQ(http_status_of(wire::Status::rate_limited), 429u);
  EXPECT_EQ(http_status_of(wire::Status::unavailable), 503u);
  EXPECT_EQ(http_status_of(wire::Status::unauthenticated), 503u);  // the gateway's key, not the person
  EXPECT_EQ(http_status_of(wire::Status::inconsistent_counts), 400u);
  const auto response = error_response(make_error(wire::Status::conflict, "la place n'est plus libre « R-1 »"));
  EXPECT_EQ(response.status, 409u);
  EXPECT_EQ(response.body, "{\"error\":{\"message\":\"la place n'est plus libre « R-1 »\",\"status\":\"conflict\"}}");
}

TEST(StaticFilesTest, PathsCannotLeaveTheAssetFolder) {
  testing::TempDir dir;
  std::filesystem::create_directories(dir / "assets" / "css");
  std::ofstream(dir / "assets" / "index.html") << "index";
  std::ofstream(dir / "assets" / "css" / "app.css") << "css";
  std::ofstream(dir / "secret.txt") << "secret";
  std::filesystem::create_symlink(dir / "secret.txt", dir / "assets" / "link.txt");
  StaticFiles files(dir / "assets");
  EXPECT_TRUE(files.resolve("/"));
  EXPECT_TRUE(files.resolve("/css/app.css"));
  EXPECT_FALSE(files.resolve("/css/")) << "a folder without index.html";
  for (const char* path : {"/../secret.txt", "/css/../../secret.txt", "/.hidden", "/link.txt", "/a\\b", "relative"}) {
    EXPECT_FALSE(files.resolve(path)) << path;
  }
  EXPECT_EQ(files.serve("/css/app.css").body, "css");
  EXPECT_EQ(files.serve("/css/app.css").content_type, "text/css; charset=utf-8");
  EXPECT_EQ(files.serve("/../secret.txt").status, 404u);
}

TEST(WebSessionsTest, RevokingAPersonEndsTheirSessionsOnly) {
  WebSessions sessions(std::chrono::hours(10), std::chrono::hours(16));
  const auto first = sessions.open({"astreinte-59", wire::Role::on_call, {"59"}, {}});
  const auto second = sessions.open({"astreinte-59", wire::Role::on_call, {"59"}, {}});
  const auto other = sessions.open({"juge-59", wire::Role::judge, {"59"}, {}});
  EXPECT_NE(first.token, second.token);
  EXPECT_NE(first.token, first.csrf_token);
  EXPECT_GE(first.token.size(), 43u) << "256 bits";
  EXPECT_TRUE(sessions.use(first.token));
  EXPECT_EQ(sessions.end_person("astreinte-59"), 2u);
  EXPECT_FALSE(sessions.use(first.token));
  EXPECT_FALSE(sessions.use(second.token));
  EXPECT_TRUE(sessions.use(other.token));
  EXPECT_FALSE(sessions.use("inconnu"));
}

TEST(WebSessionsTest, AnAbsoluteLimitOfZeroEndsEverySessionAtOnce) {
  WebSessions sessions(std::chrono::hours(10), std::chrono::seconds(-1));
  const auto record = sessions.open({"astreinte-59", wire::Role::on_call, {"59"}, {}});
  EXPECT_FALSE(sessions.use(record.token));
}

TEST(LoginLimiterTest, FailuresPerAccountAndPerAddressBlock) {
  LoginLimiter limiter(2, 3, std::chrono::minutes(15));
  EXPECT_FALSE(limiter.blocked("a", "10.0.0.1"));
  limiter.failed("a", "10.0.0.1");
  limiter.failed("a", "10.0.0.1");
  auto wait = limiter.blocked("a", "10.0.0.2");
  ASSERT_TRUE(wait) << "the account is blocked from any address";
  EXPECT_GT(wait->count(), 800);
  EXPECT_FALSE(limiter.blocked("b", "10.0.0.2"));
  limiter.failed("c", "10.0.0.1");
  EXPECT_TRUE(limiter.blocked("d", "10.0.0.1")) << "the address is blocked for any account";
  limiter.succeeded("a");
  EXPECT_FALSE(limiter.blocked("a", "10.0.0.2"));
}

// What the page's banner reads (app/src/freshness.js): the member that answered, and how old its
// state may be when it is out of touch with its leader; nothing from a single broker.
TEST(HttpMessageTest, AClusterMembersReplySaysWhoServedItAndHowOldItsStateMayBe) {
  const auto headers_of = [](std::uint64_t served_by, std::uint64_t lag_ms) {
    wire::ReplyT native;
    native.served_by = served_by;
    native.lag_ms = lag_ms;
    flatbuffers::FlatBufferBuilder builder;
    builder.Finish(wire::Reply::Pack(builder, &native));
    return with_freshness(json_response(200, "{}"), *flatbuffers::GetRoot<wire::Reply>(builder.GetBufferPointer()))
        .headers;
  };
  using Headers = std::vector<std::pair<std::string, std::string>>;
  EXPECT_EQ(headers_of(2, 4200), (Headers{{"X-Dispo-Served-By", "2"}, {"X-Dispo-Lag-Ms", "4200"}}));
  EXPECT_EQ(headers_of(3, 0), (Headers{{"X-Dispo-Served-By", "3"}}));
  EXPECT_EQ(headers_of(0, 0), Headers{});
}

}  // namespace
}  // namespace dispo::web
