// `dispo-broker --metrics`: the real broker serves the Prometheus text format, which
// python3-prometheus-client's parser reads; the values follow what clients did; /healthz and
// /readyz say alive and ready, and not ready while writes are refused.
#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "broker_process.h"
#include "dispo/clients/session.h"
#include "parsed_metrics.h"
#include "temp_dir.h"
#include "wire_helpers.h"

namespace dispo::testing {
namespace {

using namespace std::chrono_literals;

struct HttpReply {
  int status = 0;
  std::string body;
};

// One HTTP/1.1 request to 127.0.0.1:port; status 0 when nothing answered.
HttpReply http(int port, const std::string& method, const std::string& path) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<std::uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  timeval timeout{5, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  HttpReply reply;
  if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0) {
    const std::string request = method + " " + path + " HTTP/1.1\r\nHost: test\r\n\r\n";
    ::send(fd, request.data(), request.size(), MSG_NOSIGNAL);
    std::string raw;
    char buffer[65536];
    for (ssize_t n; (n = ::recv(fd, buffer, sizeof buffer, 0)) > 0;) raw.append(buffer, static_cast<std::size_t>(n));
    if (raw.starts_with("HTTP/1.1 ")) reply.status = std::stoi(raw.substr(9, 3));
    const auto body = raw.find("\r\n\r\n");
    if (body != std::string::npos) reply.body = raw.substr(body + 4);
  }
  ::close(fd);
  return reply;
}

TEST(MetricsTest, ServesWhatTheBrokerDidInAFormatPrometheusParses) {
  TempDir dir;
  const int port = free_port();
  BrokerProcess broker(dir / "data", {"--metrics", "127.0.0.1:" + std::to_string(port)});
  broker.start();
  zmq::context_t context;
  client::Session session(context, {broker.api(), 5s, 1, "metrics-test"});
  auto facility = make_facility("590000040", 3, 10);
  facility.units[1]->emergency = true;
  ASSERT_TRUE(session.call(registration_of(std::move(facility))));
  ASSERT_TRUE(session.call(update_of("590000040", "u1", 4, 6)));
  ASSERT_TRUE(session.call(update_of("590000040", "u2", 2, 8)));
  auto refused = session.call(update_of("590000040", "u9", 1));
  ASSERT_FALSE(refused);

  // The loop publishes about once a second: poll until it shows the refused update.
  nlohmann::json parsed;
  std::string text;
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  do {
    text = http(port, "GET", "/metrics").body;
    if (text.find("status=\"unknown_unit\"") != std::string::npos) break;
  } while (std::chrono::steady_clock::now() < deadline);
  parsed = parse_exposition(dir, text);
  ASSERT_TRUE(parsed.contains("families")) << text;

  EXPECT_EQ(parsed["families"]["dispo_commit_seconds"], "histogram");
  EXPECT_EQ(parsed["families"]["dispo_free_places"], "gauge");
  EXPECT_EQ(sample_value(parsed, "dispo_requests_total", {{"type", "Registration"}, {"status", "ok"}}), 1);
  EXPECT_EQ(sample_value(parsed, "dispo_requests_total", {{"type", "AvailabilityUpdate"}, {"status", "ok"}}), 2);
  EXPECT_EQ(sample_value(parsed, "dispo_requests_total", {{"type", "AvailabilityUpdate"}, {"status", "unknown_unit"}}), 1);
  EXPECT_GE(sample_value(parsed, "dispo_commit_seconds_count"), 3);
  EXPECT_EQ(sample_value(parsed, "dispo_commit_batch_requests_bucket", {{"le", "+Inf"}}),
            sample_value(parsed, "dispo_commit_seconds_count"));
  EXPECT_EQ(sample_value(parsed, "dispo_feed_events_total"), 3);
  EXPECT_EQ(sample_value(parsed, "dispo_facilities", {{"departement", "59"}}), 1);
  EXPECT_EQ(sample_value(parsed, "dispo_units"), 3);
  EXPECT_EQ(sample_value(parsed, "dispo_free_places", {{"departement", "59"}, {"kind", "mecs"}}), 6);
  EXPECT_EQ(sample_value(parsed, "dispo_free_emergency_places", {{"departement", "59"}}), 2);
  EXPECT_EQ(sample_value(parsed, "dispo_facilities_stale", {{"departement", "59"}}), 0);
  EXPECT_EQ(sample_value(parsed, "dispo_facilities_silent_24h", {{"departement", "59"}}), 0);
  EXPECT_EQ(sample_value(parsed, "dispo_placement_requests", {{"state", "open"}}), 0);
  EXPECT_EQ(sample_value(parsed, "dispo_holds", {{"state", "active"}}), 0);
  EXPECT_EQ(sample_value(parsed, "dispo_writes_refused"), 0);
  EXPECT_GE(sample_value(parsed, "dispo_sequence"), 3);
  EXPECT_GE(sample_value(parsed, "dispo_rocksdb_memtable_bytes", {{"column_family", "events"}}), 1);
  EXPECT_GT(sample_value(parsed, "dispo_data_disk_free_bytes"), 0);

  // The alert rules and the Grafana dashboard of ops/monitoring use only metrics served here.
  const auto references = run_command({DISPO_PYTHON, DISPO_MONITORING "/check_references.py", (dir / "metrics.txt").string(),
                                       DISPO_MONITORING "/dispo-alerts.yml", DISPO_MONITORING "/dispo-dashboard.json"});
  EXPECT_EQ(references.exit_code, 0) << references.out << references.err;
  for (const char* alert : {"DispoBrokerDown", "DispoWritesRefused", "DispoFacilitySilent24h",
                            "DispoNoFreeEmergencyPlace", "DispoDiskNearlyFull"}) {
    EXPECT_NE(references.out.find(alert), std::string::npos) << alert << " missing: " << references.out;
  }

  EXPECT_EQ(http(port, "GET", "/healthz").status, 200);
  const auto ready = http(port, "GET", "/readyz");
  EXPECT_EQ(ready.status, 200) << ready.body;
  EXPECT_EQ(http(port, "GET", "/nothing").status, 404);
  EXPECT_EQ(http(port, "POST", "/metrics").status, 405);
  ASSERT_EQ(broker.stop(), 0);
}

TEST(MetricsTest, NotReadyWhileWritesAreRefused) {
  TempDir dir;
  const int port = free_port();
  // More free space asked for than any disk has: writes are refused from the start.
  BrokerProcess broker(dir / "data", {"--metrics", "127.0.0.1:" + std::to_string(port), "--min-free-mb",
                                      "1000000000"});
  broker.start();
  const auto ready = http(port, "GET", "/readyz");
  EXPECT_EQ(ready.status, 503);
  EXPECT_NE(ready.body.find("écritures refusées"), std::string::npos) << ready.body;
  EXPECT_EQ(http(port, "GET", "/healthz").status, 200) << "alive, even when not ready";
  const auto parsed = parse_exposition(dir, http(port, "GET", "/metrics").body);
  EXPECT_EQ(sample_value(parsed, "dispo_writes_refused"), 1);
  ASSERT_EQ(broker.stop(), 0);
}

TEST(MetricsTest, AnAddressItCannotUseStopsTheStartWithTheReason) {
  TempDir dir;
  const auto result = run_command({broker_binary(), "--data", (dir / "data").string(), "--api",
                                   "tcp://127.0.0.1:" + std::to_string(free_port()), "--feed",
                                   "tcp://127.0.0.1:" + std::to_string(free_port()), "--metrics", "nowhere:9401"},
                                  10s);
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_NE(result.err.find("adresse des métriques illisible"), std::string::npos) << result.err;
}

}  // namespace
}  // namespace dispo::testing
