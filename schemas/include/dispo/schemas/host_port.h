// "HOST:PORT", as the daemons' listening flags take it (dispo-broker --metrics, dispo-web --listen
// and --metrics): one reading for both, each daemon saying its own error.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace dispo::wire {

struct HostPort {
  std::string host;  // as written, without the brackets of "[::1]"; may be empty (":9401")
  std::uint16_t port = 0;
};

// The host before the last ':' and the port after it (decimal digits only, 0..65535); nothing
// when there is no ':' or the port is not that.
std::optional<HostPort> parse_host_port(std::string_view text);

}  // namespace dispo::wire
