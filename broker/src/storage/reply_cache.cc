#include "reply_cache.h"

namespace dispo::broker {

Result<ReplyCache::ClientReplies*> ReplyCache::client(std::string_view client_id) {
  auto it = clients_.find(std::string(client_id));
  if (it != clients_.end()) return &it->second;
  auto highest = store_->last_request_id(client_id);
  if (!highest) return highest.error();
  ClientReplies& replies = clients_[std::string(client_id)];
  replies.highest_applied = highest->value_or(0);
  return &replies;
}

Result<std::optional<std::string>> ReplyCache::find(std::string_view client_id,
                                                    std::uint64_t request_id) {
  auto replies = client(client_id);
  if (!replies) return replies.error();
  ClientReplies& known = **replies;
  if (auto it = known.recent.find(request_id); it != known.recent.end()) {
    return std::optional<std::string>(it->second);
  }
  if (request_id > known.highest_applied) return std::optional<std::string>();
  return store_->reply(client_id, request_id);  // an old retry, or a request lost in transit
}

void ReplyCache::remember(std::string_view client_id, std::uint64_t request_id, std::string reply) {
  auto replies = client(client_id);
  if (!replies) return;  // the durable copy is staged in the batch; lookups fall back to it
  ClientReplies& known = **replies;
  known.highest_applied = std::max(known.highest_applied, request_id);
  if (known.recent.emplace(request_id, std::move(reply)).second) known.order.push_back(request_id);
  while (known.order.size() > kRecentPerClient) {
    known.recent.erase(known.order.front());
    known.order.pop_front();
  }
}

}  // namespace dispo::broker
