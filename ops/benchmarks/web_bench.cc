// dispo-bench --only web (issue #13): dispo-web in front of the bench broker (no CURVE: the
// gateway speaks as the local admin, acting for a web account). Search through the gateway
// against the same search straight to the broker; change → event received by N open event
// streams; the gateway's resident memory with them open.
#include <poll.h>
#include <sys/resource.h>

#include <cstdio>
#include <fstream>
#include <random>
#include <string>
#include <thread>

#include "dispo/schemas/curve_keys.h"
#include "dispo/schemas/web_secrets.h"
#include "http_client.h"
#include "process.h"
#include "scenarios.h"

namespace dispo::bench {
namespace {

using Clock = std::chrono::steady_clock;

long rss_kib_of(pid_t pid) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.starts_with("VmRSS:")) return std::stol(line.substr(6));
  }
  return 0;
}

// The bench's web account: an on-call principal of the Nord, enrolled through the gateway.
testing::Browser enrolled(client::Session& admin, int port) {
  wire::PrincipalGrantT grant;
  grant.principal = std::make_unique<wire::PrincipalT>();
  grant.principal->name = "bench-astreinte";
  grant.principal->public_key = wire::generate_key_pair().public_key;
  grant.principal->role = wire::Role::on_call;
  grant.principal->departements = {"59"};
  wire::RequestBodyUnion body;
  body.Set(std::move(grant));
  if (auto granted = admin.call(std::move(body)); !granted) std::printf("web     grant failed: %s\n", granted.error().message.c_str());
  const std::string code = wire::new_enrolment_code();
  wire::WebAccountResetT reset;
  reset.name = "bench-astreinte";
  reset.code_hash = wire::enrolment_code_hash(code);
  body.Set(std::move(reset));
  if (auto made = admin.call(std::move(body)); !made) std::printf("web     reset failed: %s\n", made.error().message.c_str());
  testing::Browser browser{port, {}, {}};
  const auto result = browser.enrol("bench-astreinte", code, "une phrase de passe pour le banc");
  if (result.status != 200) std::printf("web     enrolment failed: %d %s\n", result.status, result.body.c_str());
  return browser;
}

}  // namespace

void web_scenario(BenchBroker& broker, int queries, int streams, int samples) {
  rlimit files{};
  getrlimit(RLIMIT_NOFILE, &files);
  files.rlim_cur = files.rlim_max;
  setrlimit(RLIMIT_NOFILE, &files);
  const int port = testing::free_port();
  auto web = testing::Process::start({DISPO_WEB_BIN, "--broker", broker.process.api(), "--feed", broker.process.feed(),
                                      "--listen", "127.0.0.1:" + std::to_string(port), "--log-level", "warn"},
                                     (broker.dir / "web.log").string());
  const auto ready_by = Clock::now() + std::chrono::seconds(20);
  while (Clock::now() < ready_by && testing::http_request(port, "GET", "/api/v1/session").status != 401) {
    std::this_thread::yield();
  }
  zmq::context_t context;
  client::Session admin(context, broker.session("bench-web-admin"));
  testing::Browser browser = enrolled(admin, port);

  // Search: the same varied queries through the gateway (a new HTTP connection each) and direct.
  std::mt19937 random(42);
  Latencies through, direct;
  for (int q = 0; q < queries; ++q) {
    const int age = static_cast<int>(random() % 18);
    const std::string target = "/api/v1/find?dept=59&age=" + std::to_string(age) + (q % 2 ? "&near=50.6,3.0&max_km=40" : "");
    auto started = Clock::now();
    const auto response = browser.call("GET", target);
    through.add(Clock::now() - started);
    if (response.status != 200) std::printf("web     search failed: %d %s\n", response.status, response.body.c_str());
    wire::SearchQueryT query;
    auto child = std::make_unique<wire::ChildT>();
    child->age = static_cast<std::uint8_t>(age);
    query.children.push_back(std::move(child));
    query.departement = "59";
    if (q % 2) {
      query.near_lat = 50.6;
      query.near_lon = 3.0;
      query.max_km = 40.0;
    }
    wire::RequestBodyUnion body;
    body.Set(std::move(query));
    started = Clock::now();
    (void)admin.call(std::move(body));
    direct.add(Clock::now() - started);
  }
  std::printf("web     search through dispo-web (HTTP, new connection each): %s\n", through.summary().c_str());
  std::printf("web     the same search straight to the broker (Session):     %s\n", direct.summary().c_str());

  // Streams: N open, then `samples` changes; each change's latency to every stream.
  std::vector<std::unique_ptr<testing::SseStream>> open;
  for (int s = 0; s < streams; ++s) {
    open.push_back(std::make_unique<testing::SseStream>(port, browser.cookie));
    if (open.back()->status() != 200) {
      std::printf("web     stream %d refused (%d)\n", s, open.back()->status());
      open.pop_back();
      break;
    }
  }
  const long rss_streams = rss_kib_of(web.pid());
  Latencies change_to_event;
  std::size_t missed = 0;
  std::vector<pollfd> fds(open.size());
  for (int sample = 0; sample < samples; ++sample) {
    const auto started = Clock::now();
    if (auto sent = admin.call(update_for(sample % 10, 1 + sample % 7)); !sent) continue;
    std::vector<bool> got(open.size(), false);
    std::size_t remaining = open.size();
    const auto deadline = started + std::chrono::seconds(5);
    while (remaining > 0 && Clock::now() < deadline) {
      for (std::size_t i = 0; i < open.size(); ++i) fds[i] = {got[i] ? -1 : open[i]->fd(), POLLIN, 0};
      if (::poll(fds.data(), fds.size(), 100) <= 0) continue;
      for (std::size_t i = 0; i < open.size(); ++i) {
        if (got[i] || !(fds[i].revents & POLLIN)) continue;
        while (auto event = open[i]->next(std::chrono::milliseconds(0))) {
          if (event->event != "availability") continue;
          change_to_event.add(Clock::now() - started);
          got[i] = true;
          --remaining;
          break;
        }
      }
    }
    missed += remaining;
  }
  std::printf("web     change → event on each of %zu streams (%d changes): %s; missed %zu\n", open.size(), samples,
              change_to_event.summary().c_str(), missed);
  std::printf("memory  dispo-web RSS with %zu streams open: %.1f MB (after the runs: %.1f MB)\n", open.size(),
              rss_streams / 1024.0, rss_kib_of(web.pid()) / 1024.0);
  open.clear();
  web.stop();
}

}  // namespace dispo::bench
