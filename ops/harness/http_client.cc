#include "http_client.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>

namespace dispo::testing {
namespace {

using Clock = std::chrono::steady_clock;

int connect_to(int port, int receive_buffer = 0) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  if (receive_buffer > 0) ::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &receive_buffer, sizeof receive_buffer);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<std::uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

bool send_all(int fd, const std::string& bytes) {
  std::size_t sent = 0;
  while (sent < bytes.size()) {
    const auto n = ::send(fd, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) return false;
    sent += static_cast<std::size_t>(n);
  }
  return true;
}

// Reads what is there within the time left: >0 bytes read, 0 EOF, -1 timeout or error.
long read_some(int fd, std::string& into, Clock::time_point until) {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - Clock::now()).count();
  pollfd item{fd, POLLIN, 0};
  if (::poll(&item, 1, static_cast<int>(std::max<long>(left, 0))) <= 0) return -1;
  char chunk[16384];
  const auto n = ::recv(fd, chunk, sizeof chunk, 0);
  if (n > 0) into.append(chunk, static_cast<std::size_t>(n));
  return n < 0 ? 0 : n;
}

std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::tolower(c); });
  return text;
}

// Parses the status line and headers of `head` (without the blank line).
void parse_head(const std::string& head, HttpResult& result) {
  std::size_t start = 0;
  bool first = true;
  while (start < head.size()) {
    auto end = head.find("\r\n", start);
    if (end == std::string::npos) end = head.size();
    const std::string line = head.substr(start, end - start);
    if (first) {
      if (line.size() >= 12) result.status = std::atoi(line.c_str() + 9);
      first = false;
    } else if (auto colon = line.find(':'); colon != std::string::npos) {
      std::string value = line.substr(colon + 1);
      while (!value.empty() && value.front() == ' ') value.erase(0, 1);
      result.headers.emplace(lower(line.substr(0, colon)), value);
    }
    start = end + 2;
  }
}

}  // namespace

std::string HttpResult::header(const std::string& lower_name) const {
  auto found = headers.find(lower_name);
  return found == headers.end() ? std::string() : found->second;
}

HttpResult http_raw(int port, const std::string& bytes, std::chrono::milliseconds deadline) {
  HttpResult result;
  const int fd = connect_to(port);
  if (fd < 0) return result;
  const auto until = Clock::now() + deadline;
  std::string received;
  if (send_all(fd, bytes)) {
    while (read_some(fd, received, until) > 0) {
    }
  }
  ::close(fd);
  const auto blank = received.find("\r\n\r\n");
  if (blank == std::string::npos) return result;
  parse_head(received.substr(0, blank), result);
  result.body = received.substr(blank + 4);
  if (auto length = result.header("content-length"); !length.empty()) {
    result.body.resize(std::min<std::size_t>(result.body.size(), std::stoul(length)));
  }
  return result;
}

HttpResult http_request(int port, const std::string& method, const std::string& target,
                        const std::vector<std::pair<std::string, std::string>>& headers, const std::string& body,
                        std::chrono::milliseconds deadline) {
  std::string bytes = method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n";
  for (const auto& [name, value] : headers) bytes += name + ": " + value + "\r\n";
  if (!body.empty() || method == "POST" || method == "PATCH") {
    bytes += "Content-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) + "\r\n";
  }
  bytes += "\r\n" + body;
  return http_raw(port, bytes, deadline);
}

HttpResult Browser::call(const std::string& method, const std::string& target, const std::string& body) {
  std::vector<std::pair<std::string, std::string>> headers;
  if (!cookie.empty()) headers.emplace_back("Cookie", cookie);
  if (method != "GET" && !csrf.empty()) headers.emplace_back("X-CSRF-Token", csrf);
  return http_request(port, method, target, headers, body);
}

void Browser::keep(const HttpResult& result) {
  const std::string set_cookie = result.header("set-cookie");
  if (result.status == 200 && !set_cookie.empty()) cookie = set_cookie.substr(0, set_cookie.find(';'));
  const auto token = result.body.find("\"csrf_token\":\"");
  if (result.status == 200 && token != std::string::npos) {
    const auto start = token + 14;
    csrf = result.body.substr(start, result.body.find('"', start) - start);
  }
}

HttpResult Browser::sign_in(const std::string& name, const std::string& password) {
  auto result = http_request(port, "POST", "/api/v1/session", {},
                             "{\"name\":\"" + name + "\",\"password\":\"" + password + "\"}");
  keep(result);
  return result;
}

HttpResult Browser::enrol(const std::string& name, const std::string& code, const std::string& password) {
  auto result = http_request(port, "POST", "/api/v1/enrolment", {},
                             "{\"name\":\"" + name + "\",\"code\":\"" + code + "\",\"password\":\"" + password + "\"}",
                             std::chrono::seconds(20));
  keep(result);
  return result;
}

SseStream::SseStream(int port, const std::string& cookie, std::optional<std::string> last_event_id,
                     int receive_buffer) {
  fd_ = connect_to(port, receive_buffer);
  if (fd_ < 0) {
    ended_ = true;
    return;
  }
  std::string request = "GET /api/v1/events HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\nCookie: " +
                        cookie + "\r\n";
  if (last_event_id) request += "Last-Event-ID: " + *last_event_id + "\r\n";
  request += "\r\n";
  if (!send_all(fd_, request)) {
    ended_ = true;
    return;
  }
  const auto until = Clock::now() + std::chrono::seconds(10);
  while (buffer_.find("\r\n\r\n") == std::string::npos) {
    if (read_some(fd_, buffer_, until) <= 0) {
      ended_ = true;
      return;
    }
  }
  const auto blank = buffer_.find("\r\n\r\n");
  HttpResult head;
  parse_head(buffer_.substr(0, blank), head);
  status_ = head.status;
  buffer_.erase(0, blank + 4);
  // The gateway writes its welcome once the stream is attached: from then on nothing is missed.
  while (status_ == 200 && buffer_.find(": bienvenue\n\n") == std::string::npos) {
    if (read_some(fd_, buffer_, until) <= 0) {
      ended_ = true;
      return;
    }
  }
}

SseStream::~SseStream() {
  if (fd_ >= 0) ::close(fd_);
}

bool SseStream::fill(Clock::time_point until) {
  if (ended_) return false;
  const long n = read_some(fd_, buffer_, until);
  if (n == 0) ended_ = true;
  return n > 0;
}

std::optional<SseEvent> SseStream::next(std::chrono::milliseconds deadline) {
  const auto until = Clock::now() + deadline;
  while (true) {
    const auto blank = buffer_.find("\n\n");
    if (blank != std::string::npos) {
      const std::string block = buffer_.substr(0, blank);
      buffer_.erase(0, blank + 2);
      SseEvent event;
      bool any = false;
      std::size_t start = 0;
      while (start <= block.size()) {
        auto end = block.find('\n', start);
        if (end == std::string::npos) end = block.size();
        const std::string line = block.substr(start, end - start);
        start = end + 1;
        if (line.empty()) continue;
        if (line.front() == ':') {
          ++comments_;
          continue;
        }
        const auto colon = line.find(": ");
        const std::string field = line.substr(0, colon);
        const std::string value = colon == std::string::npos ? std::string() : line.substr(colon + 2);
        if (field == "id") event.id = value, any = true;
        if (field == "event") event.event = value, any = true;
        if (field == "data") event.data += value, any = true;
      }
      if (any && !event.event.empty()) return event;
      continue;
    }
    // One read even when the deadline has passed: a zero deadline takes what has already arrived.
    if (!fill(until)) return std::nullopt;
  }
}

bool SseStream::ended_within(std::chrono::milliseconds deadline) {
  const auto until = Clock::now() + deadline;
  while (!ended_ && Clock::now() < until) {
    fill(until);
    buffer_.clear();
  }
  return ended_;
}

}  // namespace dispo::testing
