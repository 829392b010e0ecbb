// Helpers shared by the integration tests that compare a Board with the real broker.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <utility>

#include <gtest/gtest.h>

#include "dispo/clients/board.h"
#include "dispo/clients/session.h"
#include "dispo/schemas/json.h"
#include "wire_helpers.h"

namespace dispo::testing {

// The broker's full state as JSON per facility (from a fresh snapshot), and its sequence.
inline std::pair<std::uint64_t, std::map<std::string, std::string>> broker_state(client::Session& session) {
  std::map<std::string, std::string> facilities;
  auto reply = session.call(snapshot_request());
  EXPECT_TRUE(reply);
  if (!reply) return {};
  const auto* snapshot = (*reply)->body_as_Snapshot();
  for (const auto* state : *snapshot->facilities()) {
    facilities[state->facility()->id()->str()] = wire::to_json(state, "FacilityState");
  }
  return {snapshot->sequence(), facilities};
}

// The board's state in the same form.
inline std::map<std::string, std::string> board_state(const client::Board& board) {
  std::map<std::string, std::string> facilities;
  for (const auto& [id, state] : board.facilities()) {
    flatbuffers::FlatBufferBuilder builder;
    builder.Finish(wire::FacilityState::Pack(builder, &state));
    facilities[id] = wire::to_json(flatbuffers::GetRoot<wire::FacilityState>(builder.GetBufferPointer()),
                                   "FacilityState");
  }
  return facilities;
}

// Polls the board until it is in sync at `sequence` (false if it passes it or the deadline passes).
inline bool catch_up(client::Board& board, std::uint64_t sequence, std::chrono::seconds deadline) {
  const auto end = std::chrono::steady_clock::now() + deadline;
  while (std::chrono::steady_clock::now() < end) {
    board.poll(std::chrono::milliseconds(100));
    if (board.in_sync() && board.sequence() >= sequence) return board.sequence() == sequence;
  }
  return false;
}

}  // namespace dispo::testing
