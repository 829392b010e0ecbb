// The gateway's view of one HTTP exchange, independent of Beast: what a route reads from the
// request and what it answers. Responses carry JSON errors in one shape:
//   {"error": {"status": "<broker status word>", "message": "<French sentence>"}}
// Pure functions; thread-safe.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "dispo/schemas/result.h"

namespace dispo::web {

struct HttpRequest {
  std::string method;                              // "GET", "POST", …
  std::string path;                                // percent-decoded, without the query
  std::multimap<std::string, std::string> query;   // percent-decoded
  std::string body;
  std::string session_token;                       // the dispo_session cookie
  std::string csrf_token;                          // X-CSRF-Token
  std::string last_event_id;                       // Last-Event-ID
  std::string content_type;
  std::string address;                             // the peer's IP address
  bool tls = false;

  // The query value of `name` (the first one), or nothing.
  std::optional<std::string> param(const std::string& name) const;
  // Every value of `name`, commas splitting a value ("state=open,proposed").
  std::vector<std::string> params(const std::string& name) const;
};

struct HttpResponse {
  unsigned status = 200;
  std::string content_type = "application/json; charset=utf-8";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // extra: Set-Cookie, Content-Disposition…
};

// Called once with the response, from any thread.
using Respond = std::function<void(HttpResponse)>;

HttpResponse json_response(unsigned status, std::string body);
HttpResponse error_response(unsigned status, std::string_view status_word, std::string_view message);
// The broker's refusal as a response: its status mapped to 400/403/404/409/429/503.
HttpResponse error_response(const Error& error);
unsigned http_status_of(wire::Status status);

// "%C3%A9" → "é"; '+' → ' ' only when `plus_is_space` (queries). Nothing for a bad escape.
std::optional<std::string> percent_decode(std::string_view text, bool plus_is_space);
// "a=1&b=x%20y" → {a:1, b:x y}; malformed pairs are skipped.
std::multimap<std::string, std::string> parse_query(std::string_view query);
// The value of cookie `name` in a Cookie header, or "".
std::string cookie_value(std::string_view header, std::string_view name);
// A JSON string literal ("…" with escapes).
std::string json_quote(std::string_view text);

}  // namespace dispo::web
