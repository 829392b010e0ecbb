#include "peer_turns.h"

namespace dispo::broker {
namespace {

std::size_t size_of(const PeerTurns::Frames& frames) {
  std::size_t bytes = 0;
  for (const auto& frame : frames) bytes += frame.size();
  return bytes;
}

}  // namespace

void PeerTurns::push(std::string peer, Frames frames) {
  bytes_ += size_of(frames);
  ++waiting_;
  Peer& entry = peers_[peer];
  if (entry.requests.empty()) order_.push_back(std::move(peer));
  entry.requests.push_back(std::move(frames));
}

void PeerTurns::start_batch() {
  std::erase_if(peers_, [](const auto& entry) { return entry.second.requests.empty(); });
  for (auto& [name, peer] : peers_) {
    peer.taken = 0;
    peer.spent = {};
  }
}

std::optional<PeerTurns::Turn> PeerTurns::next() {
  for (std::size_t looked = 0, candidates = order_.size(); looked < candidates; ++looked) {
    std::string name = std::move(order_.front());
    order_.pop_front();
    Peer& peer = peers_[name];
    const bool out_of_time = per_peer_time_.count() > 0 && peer.spent >= per_peer_time_;
    if (peer.taken >= per_peer_ || out_of_time) {
      order_.push_back(std::move(name));  // its turn comes again in the next batch
      continue;
    }
    Turn turn{name, std::move(peer.requests.front())};
    peer.requests.pop_front();
    ++peer.taken;
    --waiting_;
    bytes_ -= size_of(turn.frames);
    if (!peer.requests.empty()) order_.push_back(std::move(name));
    return turn;
  }
  return std::nullopt;
}

void PeerTurns::charge(const std::string& peer, Clock::duration spent) {
  auto found = peers_.find(peer);
  if (found != peers_.end()) found->second.spent += spent;
}

}  // namespace dispo::broker
