// MetricsServer: Boost.Asio, one io_context on one thread, one request per connection.
#include <utility>  // before Asio: Boost 1.74's awaitable.hpp uses std::exchange without it

#include <boost/asio.hpp>

#include <thread>

#include "dispo/broker/metrics.h"
#include "dispo/schemas/host_port.h"
#include "dispo/schemas/thread_name.h"

namespace dispo::broker {
namespace {

namespace asio = boost::asio;
using asio::ip::tcp;

constexpr std::size_t kMaxRequestBytes = 8192;

struct Response {
  int status;
  std::string_view reason;
  std::string content_type;
  std::string body;
};

Response respond(std::string_view request_line, const MetricsBoard& board, std::chrono::seconds stall_after) {
  const auto space = request_line.find(' ');
  const std::string_view method = request_line.substr(0, space);
  std::string_view target = space == std::string_view::npos ? std::string_view{} : request_line.substr(space + 1);
  target = target.substr(0, target.find(' '));
  target = target.substr(0, target.find('?'));
  const std::string text = "text/plain; charset=utf-8";
  if (method != "GET" && method != "HEAD") return {405, "Method Not Allowed", text, "GET seulement\n"};
  const auto since = board.since_last_publish();
  const bool stalled = since && *since > stall_after;
  if (target == "/metrics") {
    return {200, "OK", "text/plain; version=0.0.4; charset=utf-8", *board.exposition()};
  }
  if (target == "/healthz") {
    if (stalled) return {503, "Service Unavailable", text, "la boucle du broker ne répond plus\n"};
    return {200, "OK", text, "ok\n"};
  }
  if (target == "/readyz") {
    const Health health = board.health();
    if (!health.loaded) return {503, "Service Unavailable", text, "données pas encore chargées\n"};
    if (stalled) return {503, "Service Unavailable", text, "la boucle du broker ne répond plus\n"};
    if (!health.writable) return {503, "Service Unavailable", text, "écritures refusées : " + health.reason + "\n"};
    return {200, "OK", text, "prêt\n"};
  }
  return {404, "Not Found", text, "inconnu : /metrics, /healthz ou /readyz\n"};
}

class Connection : public std::enable_shared_from_this<Connection> {
 public:
  Connection(tcp::socket socket, const MetricsBoard& board, std::chrono::seconds stall_after)
      : socket_(std::move(socket)), timer_(socket_.get_executor()), board_(board), stall_after_(stall_after),
        buffer_(kMaxRequestBytes) {}

  void serve() {
    timer_.expires_after(std::chrono::seconds(5));
    timer_.async_wait([self = shared_from_this()](boost::system::error_code error) {
      if (!error) self->socket_.close();
    });
    asio::async_read_until(socket_, buffer_, "\r\n\r\n",
                           [self = shared_from_this()](boost::system::error_code error, std::size_t) {
                             if (!error) self->answer();
                             else self->timer_.cancel();
                           });
  }

 private:
  void answer() {
    std::string head(asio::buffers_begin(buffer_.data()), asio::buffers_end(buffer_.data()));
    const std::string_view line = std::string_view(head).substr(0, head.find("\r\n"));
    const Response response = respond(line, board_, stall_after_);
    const bool head_only = line.starts_with("HEAD ");
    reply_ = "HTTP/1.1 " + std::to_string(response.status) + " " + std::string(response.reason) +
             "\r\nContent-Type: " + response.content_type +
             "\r\nContent-Length: " + std::to_string(response.body.size()) + "\r\nConnection: close\r\n\r\n";
    if (!head_only) reply_ += response.body;
    asio::async_write(socket_, asio::buffer(reply_), [self = shared_from_this()](boost::system::error_code, std::size_t) {
      boost::system::error_code ignored;
      self->socket_.shutdown(tcp::socket::shutdown_both, ignored);
      self->timer_.cancel();
    });
  }

  tcp::socket socket_;
  asio::steady_timer timer_;
  const MetricsBoard& board_;
  std::chrono::seconds stall_after_;
  asio::streambuf buffer_;
  std::string reply_;
};

}  // namespace

struct MetricsServer::Impl {
  asio::io_context io;
  tcp::acceptor acceptor{io};
  std::shared_ptr<const MetricsBoard> board;
  std::chrono::seconds stall_after{10};
  std::uint16_t port = 0;
  std::thread thread;

  void accept() {
    acceptor.async_accept([this](boost::system::error_code error, tcp::socket socket) {
      if (!acceptor.is_open()) return;
      if (!error) std::make_shared<Connection>(std::move(socket), *board, stall_after)->serve();
      accept();
    });
  }
};

Result<std::unique_ptr<MetricsServer>> MetricsServer::start(const std::string& address,
                                                            std::shared_ptr<const MetricsBoard> board,
                                                            std::chrono::seconds stall_after) {
  const auto host_port = wire::parse_host_port(address);
  if (!host_port) {
    return make_error(wire::Status::invalid,
                      "adresse des métriques illisible : « " + address + " » (attendu HÔTE:PORT, ex. 127.0.0.1:9401)");
  }
  const std::string& host = host_port->host;
  auto impl = std::make_unique<Impl>();
  impl->board = std::move(board);
  impl->stall_after = stall_after;
  boost::system::error_code error;
  const auto ip = asio::ip::make_address(host, error);
  if (error) {
    return make_error(wire::Status::invalid,
                      "adresse des métriques illisible : « " + host + " » n'est pas une adresse IP");
  }
  const tcp::endpoint endpoint(ip, host_port->port);
  impl->acceptor.open(endpoint.protocol(), error);
  if (!error) impl->acceptor.set_option(tcp::acceptor::reuse_address(true), error);
  if (!error) impl->acceptor.bind(endpoint, error);
  if (!error) impl->acceptor.listen(asio::socket_base::max_listen_connections, error);
  if (error) {
    return make_error(wire::Status::invalid,
                      "impossible d'écouter les métriques sur " + address + " : " + error.message());
  }
  impl->port = impl->acceptor.local_endpoint(error).port();
  impl->accept();
  Impl* raw = impl.get();
  impl->thread = std::thread([raw] {
    wire::name_this_thread("dispo-metrics");
    raw->io.run();
  });
  return std::unique_ptr<MetricsServer>(new MetricsServer(std::move(impl)));
}

MetricsServer::MetricsServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

MetricsServer::~MetricsServer() {
  asio::post(impl_->io, [impl = impl_.get()] {
    boost::system::error_code ignored;
    impl->acceptor.close(ignored);
  });
  impl_->io.stop();
  if (impl_->thread.joinable()) impl_->thread.join();
}

std::uint16_t MetricsServer::port() const { return impl_->port; }

}  // namespace dispo::broker
