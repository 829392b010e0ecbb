// Publisher: what a facility sends to the broker — registrations, availability updates and
// "still current" confirmations — over a client::Session (timeouts, retries with the same
// request id, so a retried write is applied once).
//
// Each call waits for the broker's acknowledgement and keeps nothing on disk: updates that must
// survive an outage go through an Outbox (outbox.h), as dispo-publish and dispo-sim do.
// Not thread-safe: one Publisher per thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "dispo/clients/session.h"

namespace dispo::publishers {

class Publisher {
 public:
  Publisher(zmq::context_t& context, client::SessionOptions options);

  // Each returns the broker sequence number of the (last) change once it is durable, or the
  // broker's refusal / `unavailable` with a French message.
  Result<std::uint64_t> register_facilities(wire::RegistrationT registration);
  Result<std::uint64_t> update(wire::AvailabilityUpdateT update);
  Result<std::uint64_t> confirm(const std::string& facility_id, const std::string& unit_id = {});

  client::Session& session() { return session_; }

 private:
  Result<std::uint64_t> call(wire::RequestBodyUnion body);

  client::Session session_;
};

// A registration split into parts of at most `max_units` units each (whole facilities), so
// that each part stays well under the broker's message size limit.
std::vector<wire::RegistrationT> split_registration(const wire::RegistrationT& registration,
                                                   std::size_t max_units);

}  // namespace dispo::publishers
