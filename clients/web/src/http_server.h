// HttpServer: dispo-web's HTTP(S) side on Boost.Beast/Asio — asynchronous, a few threads for
// every connection (long-lived event streams included). It reads each request with a body limit
// (413 beyond), answers /api/v1/events as a Server-Sent Events stream fed by the EventHub, other
// /api/ paths through the Api, and the rest from the asset folder; every response carries the
// security headers (strict CSP, nosniff, frame-ancestors 'none', no-referrer, HSTS under TLS).
// An event stream has a bounded queue: a browser that reads too slowly is cut off, never waited for.
// With a metrics address, a second listener answers /metrics (WebProbe), /healthz (the gateway
// answers) and /readyz (the broker answers and the live board is loaded), and nothing else.
// Thread-safe; run() blocks on the calling thread plus `threads - 1` more until stop().
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "api.h"
#include "dispo/schemas/result.h"
#include "event_hub.h"
#include "static_files.h"

namespace dispo::web {

struct ServerOptions {
  std::string address = "127.0.0.1";
  std::uint16_t port = 8080;                 // 0 = any free port (see port())
  std::string tls_cert;                       // PEM chain; with tls_key: HTTPS only
  std::string tls_key;
  std::size_t body_limit = 64 * 1024;         // bytes of a request body (413 beyond)
  std::size_t stream_buffer = 256 * 1024;     // bytes queued for one event stream before it is cut off
  int threads = 2;
  // Prometheus /metrics, /healthz and /readyz on a listener of their own (nothing else there);
  // empty: none.
  std::string metrics_address;
  std::uint16_t metrics_port = 0;            // 0 = any free port (see metrics_port())
};

class HttpServer {
 public:
  HttpServer(ServerOptions options, Api& api, EventHub& hub, const StaticFiles& files);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Loads the TLS files and binds; `invalid` (French) for a bad address, files or a busy port.
  Result<void> listen();
  std::uint16_t port() const;   // the bound port
  std::uint16_t metrics_port() const;   // the metrics listener's bound port (0: none)
  void run();
  void stop();                  // from any thread (signal handlers: through asio::signal_set)

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

// True for 127.0.0.0/8, ::1 and "localhost".
bool is_loopback_address(const std::string& address);

}  // namespace dispo::web
