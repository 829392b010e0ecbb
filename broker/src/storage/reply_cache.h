// ReplyCache: makes retried writes idempotent (DESIGN.md §5, guarantee 2).
//
// A write applied for (client, request id) has its reply stored in the same RocksDB batch as
// the change. A retry is answered with that reply and applied no second time, also after a
// broker restart. Recent replies of each client stay in memory; older ones are read from the
// store. Owned by the event loop thread: not thread-safe.
#pragma once

#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "store.h"

namespace dispo::broker {

class ReplyCache {
 public:
  explicit ReplyCache(const Store& store) : store_(&store) {}

  // The reply already given to this request, if it was applied before.
  Result<std::optional<std::string>> find(std::string_view client_id, std::uint64_t request_id);

  // Remembers the reply of a request being applied now (its batch stages the durable copy).
  void remember(std::string_view client_id, std::uint64_t request_id, std::string reply);

  // Forgets everything held in memory (after a failed commit, the store is the truth).
  void clear() { clients_.clear(); }

  // Bounds memory; call between commits only (never with replies staged but not committed).
  void trim() {
    if (clients_.size() > kMaxClients) clients_.clear();
  }

 private:
  struct ClientReplies {
    std::uint64_t highest_applied = 0;
    std::unordered_map<std::uint64_t, std::string> recent;
    std::deque<std::uint64_t> order;  // oldest first, to bound `recent`
  };

  Result<ClientReplies*> client(std::string_view client_id);

  static constexpr std::size_t kRecentPerClient = 4096;
  static constexpr std::size_t kMaxClients = 10'000;

  const Store* store_;
  std::unordered_map<std::string, ClientReplies> clients_;
};

}  // namespace dispo::broker
