// RaftLinkProxy: a TCP proxy in front of one cluster member's Raft port, which a test can cut for
// chosen peers — a network partition without network namespaces or root.
//
// The member binds its real port (--cluster-bind) while the others reach it through the proxy
// (its address in --cluster). libraft's first bytes on a connection name the connecting member
// (a handshake: protocol, member id, its address), so the proxy knows who each connection comes
// from: cut(from) closes that member's connections to this one and refuses its new ones until
// heal(). A link is cut both ways by cutting it on both members' proxies.
#pragma once

#include <atomic>
#include <cstdint>
#include <mutex>
#include <set>
#include <string>
#include <string_view>
#include <thread>

namespace dispo::testing {

class RaftLinkProxy {
 public:
  // Listens on 127.0.0.1:`listen_port` and forwards to 127.0.0.1:`target_port`.
  RaftLinkProxy(int listen_port, int target_port);
  ~RaftLinkProxy();
  RaftLinkProxy(const RaftLinkProxy&) = delete;
  RaftLinkProxy& operator=(const RaftLinkProxy&) = delete;

  void cut(std::uint64_t from);
  void heal();
  // The connections `from` has open now stop being read, and stay open: its bytes pile up and its
  // writes block, as on a link that silently stopped delivering. Its later connections pass.
  void stall(std::uint64_t from);
  // Whether `text` went through in clear, in either direction (the first 64 MiB are kept).
  bool saw(std::string_view text);

 private:
  void run();
  bool is_cut(std::uint64_t from);

  int listener_ = -1;
  int wake_[2] = {-1, -1};  // a pipe: cut, heal and the destructor wake the proxy's thread
  int target_port_;
  std::mutex mutex_;
  std::set<std::uint64_t> cut_;  // guarded by mutex_
  std::set<std::uint64_t> stall_;  // guarded by mutex_: members whose open links are to be stalled
  std::string seen_;             // guarded by mutex_: what went through
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

}  // namespace dispo::testing
