#include "queries.h"

#include "access/authorisation.h"
#include "model/facility_state.h"
#include "writes/holds.h"
#include "model/replies.h"
#include "matching/search.h"
#include "matching/validation.h"

namespace dispo::broker {
namespace {

std::vector<flatbuffers::Offset<wire::Match>> pack_matches(flatbuffers::FlatBufferBuilder& builder,
                                                           const std::vector<std::unique_ptr<wire::MatchT>>& matches) {
  std::vector<flatbuffers::Offset<wire::Match>> packed;
  packed.reserve(matches.size());
  for (const auto& match : matches) packed.push_back(wire::CreateMatch(builder, match.get()));
  return packed;
}

// As the object API packs it, except that `matches` and `split` are present even when empty, so
// that `dispo find --json` always has them ("matches": []) for scripts.
flatbuffers::Offset<wire::SearchResult> pack_search_result(flatbuffers::FlatBufferBuilder& builder,
                                                           const wire::SearchResultT& result) {
  const auto matches = builder.CreateVector(pack_matches(builder, result.matches));
  const auto split = builder.CreateVector(pack_matches(builder, result.split));
  return wire::CreateSearchResult(builder, matches, result.whole_group_found, split, result.stale_excluded,
                                  result.sequence);
}

}  // namespace

std::string answer_search(const BrokerState& state, std::uint64_t request_id,
                          const wire::SearchQuery& query, const RequestContext& context) {
  if (auto valid = check_query(query); !valid) {
    return encode_error(request_id, valid.error(), state.sequence);
  }
  wire::SearchQueryT native;
  query.UnPackTo(&native);
  SearchContext search_context;
  search_context.now_ms = context.now_ms;
  search_context.stale_after_ms = state.stale_after_ms;
  search_context.sequence = state.sequence;
  search_context.today = context.today;
  search_context.territories = readable_territories(*context.principal);
  const wire::SearchResultT result = search(state.index, native, search_context);
  return encode_reply(request_id, wire::Status::ok, {}, state.sequence, [&](auto& builder) {
    return std::pair{wire::ReplyBody::SearchResult, pack_search_result(builder, result).Union()};
  });
}

std::string answer_snapshot(const BrokerState& state, std::uint64_t request_id,
                            const wire::SnapshotRequest& request, const RequestContext& context) {
  const std::string_view departement =
      request.departement() ? request.departement()->string_view() : std::string_view();
  return encode_reply(request_id, wire::Status::ok, {}, state.sequence, [&](auto& builder) {
    std::vector<flatbuffers::Offset<wire::FacilityState>> facilities;
    for (const auto& [id, record] : state.index.facilities()) {
      if (!departement.empty() && record.facility.departement != departement) continue;
      if (!reads_territory(*context.principal, record.facility.departement)) continue;
      facilities.push_back(pack_facility_state(builder, record, state.stale_after_ms));
    }
    std::vector<flatbuffers::Offset<wire::TerritorySequence>> territories;
    for (const auto& [territory, sequence] : state.territory_sequence) {
      if (!departement.empty() && territory != departement) continue;
      if (!receives_territory(*context.principal, territory)) continue;
      territories.push_back(wire::CreateTerritorySequence(builder, builder.CreateString(territory), sequence));
    }
    auto snapshot = wire::CreateSnapshot(builder, state.sequence,
                                         static_cast<std::uint32_t>(state.stale_after_ms / 1000),
                                         builder.CreateVector(facilities), builder.CreateVector(territories));
    return std::pair{wire::ReplyBody::Snapshot, snapshot.Union()};
  });
}

std::string answer_facility(const BrokerState& state, std::uint64_t request_id,
                            const wire::FacilityRequest& request) {
  const FacilityRecord* record = state.index.facility(request.facility_id()->string_view());
  if (record == nullptr) {
    return encode_reply(request_id, wire::Status::unknown_facility,
                        "établissement " + request.facility_id()->str() + " inconnu",
                        state.sequence);
  }
  return encode_reply(request_id, wire::Status::ok, {}, state.sequence, [&](auto& builder) {
    return std::pair{wire::ReplyBody::FacilityState,
                     pack_facility_state(builder, *record, state.stale_after_ms, holds_on(state, record->facility.id)).Union()};
  });
}

}  // namespace dispo::broker
