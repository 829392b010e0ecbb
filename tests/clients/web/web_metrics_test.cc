// dispo-web --metrics (issue #15): a listener of its own serving /metrics in the Prometheus text
// format (read back by python3-prometheus-client's parser), /healthz and /readyz — ready only
// while the broker answers the gateway — and nothing else; the web listener does not serve them.
#include <cmath>
#include <fstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "parsed_metrics.h"
#include "web_gateway.h"

namespace dispo::testing {
namespace {

using namespace std::chrono_literals;

// Polls `target` on the metrics port until its status is `status` (the broker's state reaches
// the gateway within its heartbeat), or the deadline passes; returns the last answer.
HttpResult poll_until(int port, const std::string& target, int status, std::chrono::seconds deadline = 15s) {
  const auto until = std::chrono::steady_clock::now() + deadline;
  HttpResult result = http_request(port, "GET", target);
  while (result.status != status && std::chrono::steady_clock::now() < until) {
    result = http_request(port, "GET", target);
  }
  return result;
}

TEST(WebMetricsTest, TheGatewayCountsItsAnswersAndIsReadyOnlyWhileTheBrokerAnswers) {
  const int metrics = free_port();
  WebGateway gateway({"--metrics", "127.0.0.1:" + std::to_string(metrics)});
  TempDir dir;
  Browser browser = gateway.signed_in("astreinte-59", wire::Role::on_call, {}, {"59"});
  ASSERT_EQ(browser.call("GET", "/api/v1/find?dept=59&age=8").status, 200);
  ASSERT_EQ(browser.call("GET", "/api/v1/no-such-route").status, 404);
  SseStream stream(gateway.port(), browser.cookie);

  EXPECT_EQ(http_request(metrics, "GET", "/healthz").status, 200);
  EXPECT_EQ(poll_until(metrics, "/readyz", 200).status, 200);
  const auto scraped = http_request(metrics, "GET", "/metrics");
  ASSERT_EQ(scraped.status, 200);
  const auto parsed = parse_exposition(dir, scraped.body);
  EXPECT_EQ(sample_value(parsed, "dispo_web_http_responses_total", {{"route", "find"}, {"status", "200"}, {"class", "2xx"}}), 1);
  EXPECT_EQ(sample_value(parsed, "dispo_web_http_responses_total", {{"route", "autre"}, {"status", "404"}, {"class", "4xx"}}), 1)
      << "an unknown path is counted under one label, never its own";
  EXPECT_GE(sample_value(parsed, "dispo_web_http_response_seconds_count"), 3);
  EXPECT_EQ(sample_value(parsed, "dispo_web_event_streams"), 1);
  EXPECT_EQ(sample_value(parsed, "dispo_web_event_streams_opened_total"), 1);
  EXPECT_EQ(sample_value(parsed, "dispo_web_sessions"), 1);
  EXPECT_EQ(sample_value(parsed, "dispo_web_broker_up"), 1);
  EXPECT_EQ(parsed["families"].value("dispo_web_http_response_seconds", ""), "histogram");

  EXPECT_EQ(http_request(gateway.port(), "GET", "/metrics").status, 404) << "not on the web listener";
  EXPECT_EQ(http_request(metrics, "GET", "/api/v1/session").status, 404) << "only metrics on the metrics listener";

  // The broker stops: at once the live board is out of date (not ready), and after the hub's
  // grace (3 s without the broker) it is said unreachable, in /metrics and /readyz.
  gateway.broker().stop();
  EXPECT_EQ(poll_until(metrics, "/readyz", 503).status, 503);
  const auto until = std::chrono::steady_clock::now() + 15s;
  double up = 1;
  while (up != 0 && std::chrono::steady_clock::now() < until) {
    up = sample_value(parse_exposition(dir, http_request(metrics, "GET", "/metrics").body), "dispo_web_broker_up");
  }
  EXPECT_EQ(up, 0);
  const auto unready = http_request(metrics, "GET", "/readyz");
  EXPECT_EQ(unready.status, 503);
  EXPECT_NE(unready.body.find("le broker ne répond pas"), std::string::npos) << unready.body;
  EXPECT_EQ(http_request(metrics, "GET", "/healthz").status, 200) << "the gateway itself is alive";
}

}  // namespace
}  // namespace dispo::testing
