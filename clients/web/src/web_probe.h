// WebProbe: what dispo-web measures for Prometheus (issue #15), apart from the logic it measures.
// The HTTP server tells it of each answer (route family, status, seconds) and of each event
// stream opened or cut off for reading too slowly; render() adds the gauges read at scrape time
// (open streams, signed-in sessions, the last feed event passed on, whether the broker answers).
// Thread-safe.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>

#include "dispo/schemas/prometheus.h"

namespace dispo::web {

struct WebGauges {
  std::size_t streams = 0;                 // event streams open
  std::size_t sessions = 0;                // signed-in sessions
  std::uint64_t sequence = 0;              // last feed event passed on to the streams
  bool broker_reachable = true;
  std::int64_t unreachable_since_ms = 0;   // when the broker stopped answering (0: it answers)
  std::int64_t now_ms = 0;
};

class WebProbe {
 public:
  WebProbe();

  // One HTTP answer: `family` from route_family(), its status, the seconds from request to answer.
  void answered(std::string_view family, int status, double seconds);
  void stream_opened() { streams_opened_.fetch_add(1, std::memory_order_relaxed); }
  void stream_cut() { streams_cut_.fetch_add(1, std::memory_order_relaxed); }

  // The Prometheus text format (version 0.0.4).
  std::string render(const WebGauges& gauges) const;

 private:
  mutable std::mutex mutex_;  // guards what follows
  std::map<std::pair<std::string, int>, std::uint64_t> answers_;  // (family, status) → count
  metrics::Histogram seconds_;
  std::atomic<std::uint64_t> streams_opened_{0};
  std::atomic<std::uint64_t> streams_cut_{0};
};

// The label for a request path, from a bounded set: the API's first segment ("find",
// "requests", "holds", … as in Api::routes()), "events" for the stream, "static" for the app's
// files, "autre" for an /api/ path no route has (so a scanner cannot grow the label set).
std::string route_family(std::string_view path);

}  // namespace dispo::web
