// What a member learns about TCP ports by binding one a moment: a free loopback port for a
// listener started right after, and why an address cannot be listened on (libraft only says
// "I/O error" when its listener fails).
#pragma once

#include <string>

namespace dispo::broker {

// A TCP port on 127.0.0.1 free a moment ago. Throws std::runtime_error when none is.
int free_loopback_port();

// Why this process cannot listen on `address` (IPv4 HOST:PORT), as people read it; empty when it
// can, or when `address` is no IPv4 address.
std::string why_cannot_listen(const std::string& address);

}  // namespace dispo::broker
