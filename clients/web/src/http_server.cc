#include "http_server.h"

#include <charconv>
#include <csignal>
#include <deque>
#include <thread>
#include <vector>

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include "dispo/schemas/spdlog.h"

#include "dispo/schemas/clock.h"
#include "dispo/schemas/thread_name.h"
#include "web_probe.h"

namespace dispo::web {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;

namespace {

constexpr const char* kContentSecurityPolicy =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
    "font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";
constexpr auto kIdleTimeout = std::chrono::seconds(60);
constexpr auto kWriteTimeout = std::chrono::seconds(30);

std::string_view text(beast::string_view view) { return std::string_view(view.data(), view.size()); }

template <typename Fields>
void set_security_headers(Fields& fields, bool tls, bool has_own_policy) {
  if (!has_own_policy) fields.set("Content-Security-Policy", kContentSecurityPolicy);
  fields.set("X-Content-Type-Options", "nosniff");
  fields.set("X-Frame-Options", "DENY");
  fields.set("Referrer-Policy", "no-referrer");
  fields.set("Cross-Origin-Opener-Policy", "same-origin");
  fields.set("Cross-Origin-Resource-Policy", "same-origin");
  if (tls) fields.set(http::field::strict_transport_security, "max-age=31536000");
  fields.set(http::field::server, "dispo-web");
}

}  // namespace

struct HttpServer::Impl {
  ServerOptions options;
  Api* api;
  EventHub* hub;
  const StaticFiles* files;
  asio::io_context io{std::max(1, options.threads)};
  std::optional<ssl::context> tls;
  std::optional<tcp::acceptor> acceptor;
  std::optional<tcp::acceptor> metrics_acceptor;
  WebProbe probe;
  asio::signal_set signals{io, SIGINT, SIGTERM};
  std::vector<std::thread> threads;

  Impl(ServerOptions o, Api& a, EventHub& h, const StaticFiles& f)
      : options(std::move(o)), api(&a), hub(&h), files(&f) {}
  void accept();
  void accept_metrics();
  HttpResponse metrics_answer(const HttpRequest& request) const;
};

namespace {

template <typename Stream>
class Connection : public StreamSink, public std::enable_shared_from_this<Connection<Stream>> {
 public:
  Connection(HttpServer::Impl& server, Stream stream, std::string address, bool metrics_only = false)
      : server_(server), stream_(std::move(stream)), address_(std::move(address)), metrics_only_(metrics_only) {}

  void start() {
    if constexpr (kTls) {
      beast::get_lowest_layer(stream_).expires_after(std::chrono::seconds(30));
      stream_.async_handshake(ssl::stream_base::server, [self = this->shared_from_this()](beast::error_code error) {
        if (error) return;  // not TLS, or a bad handshake: nothing to answer
        self->read();
      });
    } else {
      read();
    }
  }

  // ---- StreamSink (called by the hub, from any thread)
  const Person& person() const override { return person_; }
  void deliver(std::shared_ptr<const std::string> text) override {
    asio::post(stream_.get_executor(), [self = this->shared_from_this(), text = std::move(text)]() mutable {
      self->enqueue(std::move(text));
    });
  }
  void close() override {
    asio::post(stream_.get_executor(), [self = this->shared_from_this()] { self->end_stream(false); });
  }

 private:
  static constexpr bool kTls = !std::is_same_v<Stream, beast::tcp_stream>;

  void read() {
    parser_.emplace();
    parser_->body_limit(server_.options.body_limit);
    parser_->header_limit(16 * 1024);
    beast::get_lowest_layer(stream_).expires_after(kIdleTimeout);
    http::async_read(stream_, buffer_, *parser_,
                     [self = this->shared_from_this()](beast::error_code error, std::size_t) { self->on_read(error); });
  }

  void on_read(beast::error_code error) {
    if (error == http::error::body_limit) {
      keep_alive_ = false;
      return write(error_response(413, "too_large",
                                  "requête trop volumineuse : au plus " + std::to_string(server_.options.body_limit) +
                                      " octets"));
    }
    if (error == http::error::end_of_stream || error == beast::error::timeout || error == asio::error::eof ||
        error == asio::error::connection_reset || error == asio::error::operation_aborted) {
      return shut_down();
    }
    if (error) {
      keep_alive_ = false;
      return write(error_response(400, "malformed", "requête HTTP illisible"));
    }
    handle(parser_->release());
  }

  void handle(http::request<http::string_body> message) {
    keep_alive_ = message.keep_alive();
    HttpRequest request;
    request.method = std::string(message.method_string());
    const std::string_view target = text(message.target());
    const auto question = target.find('?');
    auto path = percent_decode(target.substr(0, question), false);
    if (!path || path->empty() || path->front() != '/' || path->find('\0') != std::string::npos) {
      return write(error_response(400, "malformed", "adresse illisible"));
    }
    request.path = std::move(*path);
    if (question != std::string_view::npos) request.query = parse_query(target.substr(question + 1));
    request.body = std::move(message.body());
    request.session_token = cookie_value(text(message[http::field::cookie]), "dispo_session");
    request.csrf_token = std::string(message["X-CSRF-Token"]);
    request.last_event_id = std::string(message["Last-Event-ID"]);
    request.content_type = std::string(message[http::field::content_type]);
    request.address = address_;
    request.tls = kTls;
    started_ = std::chrono::steady_clock::now();
    family_ = route_family(request.path);

    if (metrics_only_) {
      family_.clear();  // the metrics listener does not measure itself
      return write(server_.metrics_answer(request));
    }

    if (request.path == "/api/v1/events" && request.method == "GET") return open_stream(std::move(request));
    if (request.path.starts_with("/api/")) {
      auto self = this->shared_from_this();
      return server_.api->handle(std::move(request), [self](HttpResponse response) {
        asio::post(self->stream_.get_executor(),
                   [self, response = std::move(response)]() mutable { self->write(std::move(response)); });
      });
    }
    if (request.method != "GET" && request.method != "HEAD") {
      return write(error_response(405, "invalid", "méthode non permise"));
    }
    write(server_.files->serve(request.path));
  }

  void write(HttpResponse response) {
    if (!family_.empty()) {
      server_.probe.answered(family_, static_cast<int>(response.status),
                             std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count());
    }
    auto message = std::make_shared<http::response<http::string_body>>(static_cast<http::status>(response.status), 11);
    bool own_policy = false;
    for (const auto& [name, value] : response.headers) {
      message->insert(name, value);
      own_policy |= beast::iequals(name, "Content-Security-Policy");
    }
    set_security_headers(*message, kTls, own_policy);
    if (!response.body.empty() || response.status != 204) message->set(http::field::content_type, response.content_type);
    if (response.content_type.starts_with("application/json") || response.content_type.starts_with("text/csv")) {
      message->set(http::field::cache_control, "no-store");
    }
    message->body() = std::move(response.body);
    message->keep_alive(keep_alive_);
    message->prepare_payload();
    beast::get_lowest_layer(stream_).expires_after(kWriteTimeout);
    http::async_write(stream_, *message, [self = this->shared_from_this(), message](beast::error_code error, std::size_t) {
      if (error) return self->shut_down();
      if (!self->keep_alive_) return self->shut_down();
      self->read();
    });
  }

  // ---- Server-Sent Events
  void open_stream(HttpRequest request) {
    auto session = server_.api->session_of(request);
    if (!session) {
      keep_alive_ = false;
      return write(error_response(401, "forbidden", "vous n'êtes pas connecté(e), ou votre session a expiré : identifiez-vous"));
    }
    person_ = session->person;
    session_token_ = session->token;
    std::optional<std::uint64_t> last_event_id;
    if (!request.last_event_id.empty()) {
      std::uint64_t value = 0;
      const auto& text = request.last_event_id;
      const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
      last_event_id = error == std::errc() && end == text.data() + text.size() ? value : 0;  // unreadable: resync
    }
    auto header = std::make_shared<http::response<http::empty_body>>(http::status::ok, 11);
    set_security_headers(*header, kTls, false);
    header->set(http::field::content_type, "text/event-stream; charset=utf-8");
    header->set(http::field::cache_control, "no-store");
    header->set("X-Accel-Buffering", "no");
    header->keep_alive(false);
    auto serializer = std::make_shared<http::response_serializer<http::empty_body>>(*header);
    streaming_ = true;
    beast::error_code ignored;
    beast::get_lowest_layer(stream_).socket().set_option(asio::socket_base::send_buffer_size(64 * 1024), ignored);
    beast::get_lowest_layer(stream_).expires_after(kWriteTimeout);
    http::async_write_header(stream_, *serializer,
                             [self = this->shared_from_this(), header, serializer, last_event_id](beast::error_code error, std::size_t) {
                               if (error) return self->end_stream(false);
                               beast::get_lowest_layer(self->stream_).expires_never();
                               // Attached first: a browser that reads the welcome receives every later event.
                               self->server_.hub->attach(self, last_event_id);
                               self->server_.probe.stream_opened();
                               // The watch is armed while the expiry is "never": started after the
                               // first write, it would inherit that write's timeout and close every
                               // stream after kWriteTimeout.
                               self->watch_for_close();
                               self->enqueue(std::make_shared<const std::string>("retry: 3000\n: bienvenue\n\n"));
                             });
  }

  // The browser sends nothing on a stream: any read completion means it went away.
  void watch_for_close() {
    stream_.async_read_some(asio::buffer(sink_byte_, sizeof sink_byte_),
                            [self = this->shared_from_this()](beast::error_code, std::size_t) { self->end_stream(false); });
  }

  void enqueue(std::shared_ptr<const std::string> text) {
    if (ended_) return;
    if (queued_bytes_ + text->size() > server_.options.stream_buffer) {
      spdlog::warn("dispo-web: stream of person={} address={} cut off: {} bytes waiting (reads too slowly)",
                   person_.name, address_, queued_bytes_);
      server_.probe.stream_cut();
      return end_stream(true);
    }
    queued_bytes_ += text->size();
    queue_.push_back(std::move(text));
    if (!writing_) write_next();
  }

  void write_next() {
    if (queue_.empty() || ended_) {
      writing_ = false;
      return;
    }
    writing_ = true;
    // The write owns its bytes: end_stream() may empty the queue before the write completes (the
    // browser left, the stream was cut off or revoked meanwhile), and its completion then finds
    // the stream ended and touches the queue no more.
    auto text = queue_.front();
    beast::get_lowest_layer(stream_).expires_after(kWriteTimeout);
    asio::async_write(stream_, asio::buffer(*text),
                      [self = this->shared_from_this(), text](beast::error_code error, std::size_t) {
                        if (error || self->ended_) return self->end_stream(false);
                        beast::get_lowest_layer(self->stream_).expires_never();
                        self->queued_bytes_ -= text->size();
                        self->queue_.pop_front();
                        self->write_next();
                      });
  }

  void end_stream(bool cut_off) {
    if (ended_) return;
    ended_ = true;
    server_.hub->detach(this);
    queue_.clear();
    queued_bytes_ = 0;
    beast::error_code ignored;
    // A reader too slow is cut off at once (reset): what the kernel still holds for it would
    // otherwise keep the connection, and its FIN, waiting behind data it does not read.
    if (cut_off) beast::get_lowest_layer(stream_).socket().set_option(asio::socket_base::linger(true, 0), ignored);
    beast::get_lowest_layer(stream_).socket().shutdown(tcp::socket::shutdown_both, ignored);
    beast::get_lowest_layer(stream_).close();
  }

  void shut_down() {
    if (streaming_) return end_stream(false);
    beast::error_code ignored;
    if constexpr (kTls) {
      beast::get_lowest_layer(stream_).expires_after(std::chrono::seconds(5));
      stream_.async_shutdown([self = this->shared_from_this()](beast::error_code) {
        beast::get_lowest_layer(self->stream_).close();
      });
    } else {
      stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
      drain();
    }
  }

  // Reads (and drops) what the client still sends until it closes, so that closing our side
  // never resets a connection whose response the client has not read yet (e.g. after a 413).
  void drain() {
    beast::get_lowest_layer(stream_).expires_after(std::chrono::seconds(5));
    beast::get_lowest_layer(stream_).async_read_some(
        asio::buffer(sink_byte_, sizeof sink_byte_),
        [self = this->shared_from_this()](beast::error_code error, std::size_t) {
          if (!error) self->drain();
        });
  }

  HttpServer::Impl& server_;
  Stream stream_;
  std::string address_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  bool keep_alive_ = true;
  bool metrics_only_ = false;
  std::string family_;  // the route family of the request being answered (WebProbe); empty: not measured
  std::chrono::steady_clock::time_point started_;
  // event stream
  Person person_;
  std::string session_token_;
  bool streaming_ = false;
  bool ended_ = false;
  bool writing_ = false;
  std::deque<std::shared_ptr<const std::string>> queue_;
  std::size_t queued_bytes_ = 0;
  char sink_byte_[64];
};

using PlainConnection = Connection<beast::tcp_stream>;
using TlsConnection = Connection<beast::ssl_stream<beast::tcp_stream>>;

// Opens `acceptor` listening on address:port ("localhost" is 127.0.0.1); `what` names it in the
// French error ("l'écoute", "les métriques").
Result<void> open_listener(asio::io_context& io, std::optional<tcp::acceptor>& acceptor, const std::string& address,
                           std::uint16_t port, const std::string& what) {
  beast::error_code error;
  const auto ip = asio::ip::make_address(address == "localhost" ? "127.0.0.1" : address, error);
  if (error) return make_error(wire::Status::invalid, "adresse invalide pour " + what + " : " + address);
  const tcp::endpoint endpoint(ip, port);
  acceptor.emplace(io);
  acceptor->open(endpoint.protocol(), error);
  if (!error) acceptor->set_option(asio::socket_base::reuse_address(true), error);
  if (!error) acceptor->bind(endpoint, error);
  if (!error) acceptor->listen(asio::socket_base::max_listen_connections, error);
  if (error) {
    return make_error(wire::Status::invalid, "impossible d'ouvrir " + what + " sur " + address + ":" +
                                                 std::to_string(port) + " : " + error.message());
  }
  return {};
}

}  // namespace

void HttpServer::Impl::accept() {
  acceptor->async_accept(asio::make_strand(io), [this](beast::error_code error, tcp::socket socket) {
    if (error) {
      if (error == asio::error::operation_aborted) return;
      spdlog::warn("dispo-web: accept failed: {}", error.message());
    } else {
      beast::error_code ignored;
      const auto remote = socket.remote_endpoint(ignored);
      std::string address = ignored ? std::string("?") : remote.address().to_string();
      if (tls) {
        std::make_shared<TlsConnection>(*this, beast::ssl_stream<beast::tcp_stream>(std::move(socket), *tls),
                                        std::move(address))
            ->start();
      } else {
        std::make_shared<PlainConnection>(*this, beast::tcp_stream(std::move(socket)), std::move(address))->start();
      }
    }
    accept();
  });
}

void HttpServer::Impl::accept_metrics() {
  metrics_acceptor->async_accept(asio::make_strand(io), [this](beast::error_code error, tcp::socket socket) {
    if (error == asio::error::operation_aborted) return;
    if (!error) {
      std::make_shared<PlainConnection>(*this, beast::tcp_stream(std::move(socket)), "metrics", true)->start();
    }
    accept_metrics();
  });
}

HttpResponse HttpServer::Impl::metrics_answer(const HttpRequest& request) const {
  auto plain = [](int status, std::string body) {
    HttpResponse response;
    response.status = status;
    response.content_type = "text/plain; charset=utf-8";
    response.body = std::move(body);
    return response;
  };
  if (request.method != "GET" && request.method != "HEAD") return plain(405, "GET seulement\n");
  const std::int64_t unreachable_since = hub->broker_unreachable_since();
  if (request.path == "/metrics") {
    WebGauges gauges;
    gauges.streams = hub->streams();
    gauges.sessions = api->sessions().size();
    gauges.sequence = hub->sequence();
    gauges.broker_reachable = unreachable_since == 0;
    gauges.unreachable_since_ms = unreachable_since;
    gauges.now_ms = wire::now_ms();
    HttpResponse response = plain(200, probe.render(gauges));
    response.content_type = "text/plain; version=0.0.4; charset=utf-8";
    return response;
  }
  if (request.path == "/healthz") return plain(200, "ok\n");
  if (request.path == "/readyz") {
    if (unreachable_since != 0) return plain(503, "le broker ne répond pas à la passerelle\n");
    if (!hub->in_sync()) return plain(503, "le tableau en direct n'est pas à jour : (re)connexion au broker en cours\n");
    return plain(200, "prêt\n");
  }
  return plain(404, "inconnu : /metrics, /healthz ou /readyz\n");
}

HttpServer::HttpServer(ServerOptions options, Api& api, EventHub& hub, const StaticFiles& files)
    : impl_(std::make_unique<Impl>(std::move(options), api, hub, files)) {}

HttpServer::~HttpServer() { stop(); }

Result<void> HttpServer::listen() {
  auto& options = impl_->options;
  if (!options.tls_cert.empty() || !options.tls_key.empty()) {
    if (options.tls_cert.empty() || options.tls_key.empty()) {
      return make_error(wire::Status::invalid, "--tls-cert et --tls-key vont ensemble");
    }
    try {
      impl_->tls.emplace(ssl::context::tls_server);
      impl_->tls->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 |
                              ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1 | ssl::context::single_dh_use);
      impl_->tls->use_certificate_chain_file(options.tls_cert);
      impl_->tls->use_private_key_file(options.tls_key, ssl::context::pem);
    } catch (const boost::system::system_error& error) {
      impl_->tls.reset();
      return make_error(wire::Status::invalid, "certificat ou clé TLS illisible (" + options.tls_cert + ", " +
                                                   options.tls_key + ") : " + error.what());
    }
  }
  if (auto opened = open_listener(impl_->io, impl_->acceptor, options.address, options.port, "l'écoute"); !opened) {
    return opened.error();
  }
  impl_->accept();
  if (!options.metrics_address.empty()) {
    if (auto opened = open_listener(impl_->io, impl_->metrics_acceptor, options.metrics_address, options.metrics_port,
                                    "les métriques");
        !opened) {
      return opened.error();
    }
    impl_->accept_metrics();
  }
  impl_->signals.async_wait([this](beast::error_code error, int) {
    if (!error) impl_->io.stop();
  });
  return {};
}

std::uint16_t HttpServer::port() const {
  beast::error_code ignored;
  return impl_->acceptor ? impl_->acceptor->local_endpoint(ignored).port() : 0;
}

std::uint16_t HttpServer::metrics_port() const {
  beast::error_code ignored;
  return impl_->metrics_acceptor ? impl_->metrics_acceptor->local_endpoint(ignored).port() : 0;
}

void HttpServer::run() {
  for (int i = 1; i < impl_->options.threads; ++i) {
    impl_->threads.emplace_back([this] {
      wire::name_this_thread("dispo-http");
      impl_->io.run();
    });
  }
  impl_->io.run();
  for (auto& thread : impl_->threads) thread.join();
  impl_->threads.clear();
}

void HttpServer::stop() { impl_->io.stop(); }

bool is_loopback_address(const std::string& address) {
  if (address == "localhost") return true;
  beast::error_code error;
  const auto parsed = asio::ip::make_address(address, error);
  return !error && parsed.is_loopback();
}

}  // namespace dispo::web
