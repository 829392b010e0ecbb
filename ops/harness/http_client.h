// A tiny HTTP/1.1 client on raw POSIX sockets for the dispo-web tests: one request per
// connection ("Connection: close"), and an event-stream reader that waits with deadlines
// (poll), never by sleeping. A Browser keeps the session cookie and the CSRF token.
#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace dispo::testing {

struct HttpResult {
  int status = 0;                              // 0: no answer (connection refused, closed, timeout)
  std::multimap<std::string, std::string> headers;   // names in lower case
  std::string body;

  std::string header(const std::string& lower_name) const;
};

// Sends one request to 127.0.0.1:`port` and reads the whole response (until close or deadline).
HttpResult http_request(int port, const std::string& method, const std::string& target,
                        const std::vector<std::pair<std::string, std::string>>& headers = {},
                        const std::string& body = {},
                        std::chrono::milliseconds deadline = std::chrono::seconds(10));

// The same bytes as given (for malformed requests).
HttpResult http_raw(int port, const std::string& bytes, std::chrono::milliseconds deadline = std::chrono::seconds(10));

struct Browser {
  int port = 0;
  std::string cookie;   // "dispo_session=…"
  std::string csrf;

  // With the cookie, and the CSRF token on changing requests; a JSON body.
  HttpResult call(const std::string& method, const std::string& target, const std::string& body = {});
  // POST /api/v1/session; keeps the cookie and token on success.
  HttpResult sign_in(const std::string& name, const std::string& password);
  HttpResult enrol(const std::string& name, const std::string& code, const std::string& password);
  void keep(const HttpResult& result);
};

struct SseEvent {
  std::string id;
  std::string event;
  std::string data;
};

// One open event stream.
class SseStream {
 public:
  // Opens GET /api/v1/events with `cookie` (and Last-Event-ID when given) and returns once the
  // gateway's welcome comment arrived (the stream is attached). `receive_buffer` > 0
  // shrinks the socket's receive buffer (a reader that stalls fills it quickly).
  SseStream(int port, const std::string& cookie, std::optional<std::string> last_event_id = std::nullopt,
            int receive_buffer = 0);
  ~SseStream();
  SseStream(const SseStream&) = delete;
  SseStream& operator=(const SseStream&) = delete;

  int status() const { return status_; }
  // The next event (comments skipped), or nothing at the deadline or when the stream ended.
  std::optional<SseEvent> next(std::chrono::milliseconds deadline);
  // True once the server closed the stream (reads until EOF or the deadline, dropping events).
  bool ended_within(std::chrono::milliseconds deadline);
  bool ended() const { return ended_; }
  std::size_t comments() const { return comments_; }
  int fd() const { return fd_; }

 private:
  bool fill(std::chrono::steady_clock::time_point until);

  int fd_ = -1;
  int status_ = 0;
  bool ended_ = false;
  std::string buffer_;
  std::size_t comments_ = 0;
};

}  // namespace dispo::testing
