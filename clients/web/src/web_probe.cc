#include "web_probe.h"

#include <set>

#include "api.h"

namespace dispo::web {
namespace {

constexpr std::string_view kApi = "/api/v1/";

std::string_view first_segment(std::string_view path) {
  path.remove_prefix(kApi.size());
  return path.substr(0, path.find('/'));
}

const std::set<std::string, std::less<>>& api_families() {
  static const std::set<std::string, std::less<>> families = [] {
    std::set<std::string, std::less<>> out;
    for (const auto& route : Api::routes()) {
      if (route.pattern.starts_with(kApi)) out.emplace(first_segment(route.pattern));
    }
    return out;
  }();
  return families;
}

std::string status_class(int status) { return std::to_string(status / 100) + "xx"; }

}  // namespace

WebProbe::WebProbe() : seconds_({0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5}) {}

void WebProbe::answered(std::string_view family, int status, double seconds) {
  std::lock_guard lock(mutex_);
  ++answers_[{std::string(family), status}];
  seconds_.observe(seconds);
}

std::string WebProbe::render(const WebGauges& gauges) const {
  metrics::Exposition out;
  {
    std::lock_guard lock(mutex_);
    out.family("dispo_web_http_responses_total", "counter", "HTTP answers by route family and status");
    for (const auto& [key, count] : answers_) {
      const std::string status = std::to_string(key.second);
      const std::string klass = status_class(key.second);
      out.sample("dispo_web_http_responses_total", {{"route", key.first}, {"status", status}, {"class", klass}},
                 static_cast<double>(count));
    }
    out.family("dispo_web_http_response_seconds", "histogram", "Time from a request read to its answer written");
    out.histogram("dispo_web_http_response_seconds", {}, seconds_);
  }
  out.family("dispo_web_event_streams", "gauge", "Event streams (SSE) open");
  out.sample("dispo_web_event_streams", static_cast<double>(gauges.streams));
  out.family("dispo_web_event_streams_opened_total", "counter", "Event streams opened");
  out.sample("dispo_web_event_streams_opened_total", static_cast<double>(streams_opened_.load()));
  out.family("dispo_web_event_streams_cut_total", "counter", "Event streams cut off for reading too slowly");
  out.sample("dispo_web_event_streams_cut_total", static_cast<double>(streams_cut_.load()));
  out.family("dispo_web_sessions", "gauge", "Signed-in sessions");
  out.sample("dispo_web_sessions", static_cast<double>(gauges.sessions));
  out.family("dispo_web_feed_sequence", "gauge", "Last feed event passed on to the streams");
  out.sample("dispo_web_feed_sequence", static_cast<double>(gauges.sequence));
  out.family("dispo_web_broker_up", "gauge", "1 while the broker answers the gateway");
  out.sample("dispo_web_broker_up", gauges.broker_reachable ? 1 : 0);
  out.family("dispo_web_broker_unreachable_seconds", "gauge", "Seconds since the broker stopped answering (0: it answers)");
  out.sample("dispo_web_broker_unreachable_seconds",
             gauges.broker_reachable || gauges.unreachable_since_ms == 0
                 ? 0.0
                 : static_cast<double>(gauges.now_ms - gauges.unreachable_since_ms) / 1000.0);
  return out.take();
}

std::string route_family(std::string_view path) {
  if (path == "/api/v1/events") return "events";
  if (!path.starts_with("/api/")) return "static";
  if (!path.starts_with(kApi)) return "autre";
  const auto segment = first_segment(path);
  return api_families().contains(segment) ? std::string(segment) : "autre";
}

}  // namespace dispo::web
