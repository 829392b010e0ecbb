#include "dispatcher.h"

#include <spdlog/spdlog.h>

#include "changes.h"
#include "logger.h"
#include "queries.h"
#include "replies.h"

namespace dispo::broker {
namespace {

bool is_write(wire::RequestBody type) {
  return type == wire::RequestBody::Registration || type == wire::RequestBody::AvailabilityUpdate ||
         type == wire::RequestBody::Confirmation;
}

}  // namespace

std::string Dispatcher::refuse(std::string_view peer, std::uint64_t request_id, const Error& error) {
  ++stats_.refusals;
  logger()->info("refused peer={} request={} status={} reason=\"{}\"", peer, request_id,
                              wire::EnumNameStatus(error.status), error.message);
  return encode_error(request_id, error, state_->sequence);
}

std::string Dispatcher::handle(std::string_view peer, std::string_view frame, PendingCommit& pending,
                               std::int64_t now_ms, const std::string& today) {
  auto message = wire::decode(frame.data(), frame.size(), max_message_bytes_);
  if (!message) return refuse(peer, 0, message.error());
  const wire::Request* envelope = (*message)->body_as_Request();
  if (envelope == nullptr) {
    return refuse(peer, 0, make_error(wire::Status::malformed,
                                      "message sans requête : seules les requêtes sont acceptées ici"));
  }
  const wire::Request& request = *envelope;
  if (request.body() == nullptr && *wire::EnumNameRequestBody(request.body_type()) != '\0' &&
      request.body_type() != wire::RequestBody::NONE) {
    return refuse(peer, request.request_id(),
                  make_error(wire::Status::malformed, "requête de type " +
                                                          std::string(wire::EnumNameRequestBody(request.body_type())) +
                                                          " sans contenu"));
  }
  const RequestContext context{peer, request.client_id() ? request.client_id()->string_view() : "",
                               now_ms, today};

  switch (request.body_type()) {
    case wire::RequestBody::SearchQuery:
      ++stats_.reads;
      return answer_search(*state_, request.request_id(), *request.body_as_SearchQuery(), context);
    case wire::RequestBody::SnapshotRequest:
      ++stats_.reads;
      return answer_snapshot(*state_, request.request_id(), *request.body_as_SnapshotRequest());
    case wire::RequestBody::FacilityRequest:
      ++stats_.reads;
      return answer_facility(*state_, request.request_id(), *request.body_as_FacilityRequest());
    case wire::RequestBody::BackupRequest:
      if (backup_) return backup_(request, peer);
      break;
    default:
      break;
  }
  if (!is_write(request.body_type())) {
    return refuse(peer, request.request_id(),
                  make_error(wire::Status::unknown_type,
                             "type de requête inconnu (" +
                                 std::to_string(static_cast<int>(request.body_type())) +
                                 ") : client plus récent que le broker ?"));
  }
  if (context.client_id.empty()) {
    return refuse(peer, request.request_id(),
                  make_error(wire::Status::invalid, "requête d'écriture sans identifiant client"));
  }
  return handle_write(request, pending, context);
}

std::string Dispatcher::handle_write(const wire::Request& request, PendingCommit& pending,
                                     const RequestContext& context) {
  const std::uint64_t request_id = request.request_id();
  auto earlier = replies_->find(context.client_id, request_id);
  if (!earlier) return refuse(context.peer, request_id, earlier.error());
  if (earlier->has_value()) {
    ++stats_.duplicates;
    return std::move(**earlier);
  }
  if (write_refusal_) return refuse(context.peer, request_id, *write_refusal_);

  Result<std::uint64_t> applied = make_error(wire::Status::unknown_type, "");
  switch (request.body_type()) {
    case wire::RequestBody::Registration:
      applied = register_facilities(*state_, pending, *request.body_as_Registration(), context);
      break;
    case wire::RequestBody::AvailabilityUpdate:
      applied = update_availability(*state_, pending, *request.body_as_AvailabilityUpdate(), context);
      break;
    case wire::RequestBody::Confirmation:
      applied = confirm_current(*state_, pending, *request.body_as_Confirmation(), context);
      break;
    default:
      break;
  }
  if (!applied) return refuse(context.peer, request_id, applied.error());
  ++stats_.writes;
  std::string reply = encode_reply(request_id, wire::Status::ok, {}, *applied);
  pending.batch.put_reply(context.client_id, request_id, reply);
  replies_->remember(context.client_id, request_id, reply);
  return reply;
}

}  // namespace dispo::broker
