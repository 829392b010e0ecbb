#include "dispo/publishers/outbox_delivery.h"

#include "dispo/publishers/outbox_request.h"

namespace dispo::publishers {

bool is_transient(const Error& error) {
  return error.status == wire::Status::unavailable || error.status == wire::Status::storage_error ||
         error.status == wire::Status::rate_limited || error.status == wire::Status::not_leader;
}

DeliveryReport deliver_outbox(Outbox& outbox, client::Session& session, const SettledHook& on_settled,
                              std::uint64_t reported_by_caller) {
  DeliveryReport report;
  while (!outbox.empty()) {
    const Outbox::Entry entry = outbox.entries().front();
    auto reply = session.call_encoded(entry.request_id, entry.request);
    // Not authenticated: nothing can be delivered with these keys, and nothing was refused either.
    if (!reply && (is_transient(reply.error()) || reply.error().status == wire::Status::unauthenticated)) {
      report.stopped = reply.error();
      return report;
    }
    Result<void> settled;
    if (reply) {
      settled = outbox.settle(1);
    } else if (entry.request_id == reported_by_caller) {
      settled = outbox.settle(1);
    } else {
      auto kept = outbox.reject_front(describe_request(entry.request) + " — refusé par le broker : " +
                                      reply.error().message);
      if (!kept) settled = kept.error();
    }
    if (!settled) {
      report.stopped = settled.error();
      return report;
    }
    if (reply) {
      ++report.delivered;
      on_settled(entry, (*reply)->sequence());
    } else {
      ++report.rejected;
      on_settled(entry, reply.error());
    }
  }
  return report;
}

}  // namespace dispo::publishers
