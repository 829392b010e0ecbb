// Holds for sibling groups (issue #10) on a real store and state, without sockets: a hold covers
// some children of a request and reserves one place each; admission is per hold and the request
// is admitted only once every child is; a split needs its reason (Code civil art. 371-5); a
// release reopens its own children only; every refusal changes nothing; and what was committed
// is what a restart reads back.
#include "writes/holds.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "dispo/schemas/wire.h"

#include "writes/changes.h"
#include "writes/placement_requests.h"
#include "temp_dir.h"

namespace dispo::broker {
namespace {

constexpr std::int64_t kNow = 1'790'000'000'000;
constexpr const char* kFacility = "590000001";

struct UnitSpec {
  const char* id;
  int age_min;
  int age_max;
  int max_siblings;
  wire::UnitSex sex = wire::UnitSex::mixte;
};

class HoldsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = Store::open(dir_ / "data");
    ASSERT_TRUE(opened) << opened.error().message;
    store_ = std::move(*opened);
    pending_ = std::make_unique<PendingCommit>(store_->batch());
    wire::FacilityT facility;
    facility.id = kFacility;
    facility.name = "MECS du test";
    facility.kind = wire::FacilityKind::mecs;
    facility.departement = "59";
    facility.authorisation = wire::Authorisation::autorise;
    facility.commune_insee = "59350";
    facility.lat = 50.63;
    facility.lon = 3.06;
    facility.phone = "03 20 00 00 00";
    for (const UnitSpec& spec : {UnitSpec{"fratrie", 3, 12, 3}, UnitSpec{"grands", 6, 17, 2},
                                 UnitSpec{"petits", 0, 6, 2}, UnitSpec{"filles", 0, 17, 3, wire::UnitSex::filles},
                                 UnitSpec{"seul", 0, 17, 1}}) {
      auto unit = std::make_unique<wire::UnitT>();
      unit->id = spec.id;
      unit->age_min = static_cast<std::uint8_t>(spec.age_min);
      unit->age_max = static_cast<std::uint8_t>(spec.age_max);
      unit->max_siblings = static_cast<std::uint8_t>(spec.max_siblings);
      unit->sex = spec.sex;
      unit->installed = 10;
      facility.units.push_back(std::move(unit));
    }
    wire::RegistrationT registration;
    registration.facilities.push_back(std::make_unique<wire::FacilityT>(std::move(facility)));
    flatbuffers::FlatBufferBuilder builder;
    builder.Finish(wire::Registration::Pack(builder, &registration));
    auto registered = register_facilities(
        state_, *pending_, *flatbuffers::GetRoot<wire::Registration>(builder.GetBufferPointer()), context());
    ASSERT_TRUE(registered) << registered.error().message;
    for (const char* unit : {"fratrie", "grands", "petits", "filles", "seul"}) set_counts(unit, 3, 5);
    commit();
  }

  RequestContext context(std::int64_t now = kNow) const {
    return RequestContext{"peer", "astreinte", &Principals::local(), now, "2026-09-21"};
  }

  void commit() {
    auto committed = store_->commit(pending_->batch);
    ASSERT_TRUE(committed) << committed.error().message;
    pending_->clear();
  }

  void set_counts(const std::string& unit, int available, int occupied) {
    wire::AvailabilityUpdateT update;
    update.facility_id = kFacility;
    update.unit_id = unit;
    update.available = static_cast<std::uint16_t>(available);
    update.occupied = static_cast<std::uint16_t>(occupied);
    update.reserved = 0;
    flatbuffers::FlatBufferBuilder builder;
    builder.Finish(wire::AvailabilityUpdate::Pack(builder, &update));
    auto done = update_availability(state_, *pending_,
                                    *flatbuffers::GetRoot<wire::AvailabilityUpdate>(builder.GetBufferPointer()), context());
    ASSERT_TRUE(done) << done.error().message;
  }

  // Opens a request for children of `ages` (and sexes, when given); returns its id.
  std::string open(const std::string& child_ref, std::vector<int> ages, std::vector<wire::ChildSex> sexes = {}) {
    wire::PlacementRequestT request;
    request.child_ref = child_ref;
    request.origin = wire::Origin::on_call;
    request.legal_basis = wire::LegalBasis::opp;
    request.criteria = std::make_unique<wire::SearchQueryT>();
    request.criteria->departement = "59";
    for (std::size_t i = 0; i < ages.size(); ++i) {
      auto child = std::make_unique<wire::ChildT>();
      child->age = static_cast<std::uint8_t>(ages[i]);
      if (i < sexes.size()) child->sex = sexes[i];
      request.criteria->children.push_back(std::move(child));
    }
    wire::PlacementRequestOpenT open;
    open.request = std::make_unique<wire::PlacementRequestT>(std::move(request));
    flatbuffers::FlatBufferBuilder builder;
    builder.Finish(wire::PlacementRequestOpen::Pack(builder, &open));
    auto opened = open_request(state_, *pending_,
                               *flatbuffers::GetRoot<wire::PlacementRequestOpen>(builder.GetBufferPointer()), context());
    EXPECT_TRUE(opened) << opened.error().message;
    commit();
    return "R-" + std::to_string(opened ? opened->sequence : 0);
  }

  // HoldPlace for children at `positions` (0-based; empty = not said).
  Result<Applied> try_hold(const std::string& unit, const std::string& request, std::vector<std::uint8_t> positions = {},
                           const std::string& split_reason = {}) {
    wire::HoldPlaceT place;
    place.facility_id = kFacility;
    place.unit_id = unit;
    place.request_id = request;
    place.children = std::move(positions);
    place.split_reason = split_reason;
    flatbuffers::FlatBufferBuilder builder;
    builder.Finish(wire::HoldPlace::Pack(builder, &place));
    return place_hold(state_, *pending_, *flatbuffers::GetRoot<wire::HoldPlace>(builder.GetBufferPointer()), context());
  }

  // Places the hold (it must succeed) and returns its id.
  std::string hold(const std::string& unit, const std::string& request, std::vector<std::uint8_t> positions = {},
                   const std::string& split_reason = {}) {
    const std::uint64_t before = state_.sequence;
    auto held = try_hold(unit, request, std::move(positions), split_reason);
    EXPECT_TRUE(held) << held.error().message;
    commit();
    return held ? "H-" + std::to_string(before + 1) : std::string();
  }

  Result<Applied> end(const std::string& hold_id, wire::HoldState outcome,
                      wire::RefusalReason reason = wire::RefusalReason::other) {
    wire::HoldEndT ending;
    ending.hold_id = hold_id;
    ending.outcome = outcome;
    ending.reason = reason;
    flatbuffers::FlatBufferBuilder builder;
    builder.Finish(wire::HoldEnd::Pack(builder, &ending));
    auto ended = end_hold(state_, *pending_, *store_, *flatbuffers::GetRoot<wire::HoldEnd>(builder.GetBufferPointer()), context());
    if (ended) commit();
    return ended;
  }

  const wire::AvailabilityT& unit(const std::string& id) {
    return state_.index.facility(kFacility)->unit(id)->availability;
  }

  const wire::PlacementRequestT& request(const std::string& id) { return *state_.workflow.request(id); }

  std::vector<wire::ChildState> child_states(const std::string& id) {
    std::vector<wire::ChildState> states;
    for (const auto& placement : request(id).placements) states.push_back(placement->state);
    return states;
  }

  // The whole request as bytes, to compare before and after.
  std::string bytes_of(const std::string& id) {
    flatbuffers::FlatBufferBuilder builder;
    builder.Finish(wire::PlacementRequest::Pack(builder, &request(id)));
    return {reinterpret_cast<const char*>(builder.GetBufferPointer()), builder.GetSize()};
  }

  // The workflow as a restarted broker reads it from the store.
  Workflow reloaded() {
    Workflow workflow;
    auto loaded = store_->load_workflow(workflow);
    EXPECT_TRUE(loaded) << loaded.error().message;
    return workflow;
  }

  testing::TempDir dir_;
  std::unique_ptr<Store> store_;
  BrokerState state_;
  std::unique_ptr<PendingCommit> pending_;
};

using wire::ChildState;

TEST_F(HoldsTest, ThreeSiblingsInOneUnitTakeThreePlacesAndAdmissionRaisesOccupancyByThree) {
  const std::string id = open("E59-0001", {4, 7, 10});
  EXPECT_EQ(request(id).children_waiting, 3);
  EXPECT_EQ(child_states(id), (std::vector{ChildState::waiting, ChildState::waiting, ChildState::waiting}));

  const std::string hold_id = hold("fratrie", id);  // no children named: every child
  EXPECT_EQ(unit("fratrie").available, 0);
  EXPECT_EQ(unit("fratrie").reserved, 3);
  EXPECT_EQ(state_.workflow.holds.at(hold_id).children, (std::vector<std::uint8_t>{0, 1, 2}));
  EXPECT_EQ(request(id).state, wire::RequestState::proposed);
  EXPECT_EQ(request(id).hold_id, hold_id);
  EXPECT_EQ(child_states(id), (std::vector{ChildState::held, ChildState::held, ChildState::held}));

  ASSERT_TRUE(end(hold_id, wire::HoldState::admitted));
  EXPECT_EQ(unit("fratrie").occupied, 8);
  EXPECT_EQ(unit("fratrie").reserved, 0);
  EXPECT_EQ(unit("fratrie").available, 0);
  EXPECT_EQ(request(id).state, wire::RequestState::admitted);
  EXPECT_EQ(request(id).children_waiting, 0);
  EXPECT_EQ(request(id).admitted_at, "590000001/fratrie");
  EXPECT_FALSE(state_.workflow.open_by_child.contains("E59-0001"));

  auto restarted = reloaded();
  const auto& stored = *restarted.request(id);
  EXPECT_EQ(stored.state, wire::RequestState::admitted);
  ASSERT_EQ(stored.placements.size(), 3u);
  for (const auto& placement : stored.placements) {
    EXPECT_EQ(placement->state, ChildState::admitted);
    EXPECT_EQ(placement->unit_id, "fratrie");
    EXPECT_EQ(placement->hold_id, hold_id);
  }
  EXPECT_TRUE(restarted.holds.empty());
}

TEST_F(HoldsTest, ASplitTwoPlusOneIsAdmittedOnlyAfterItsSecondAdmissionInEitherOrder) {
  for (const bool small_first : {false, true}) {
    SCOPED_TRACE(small_first ? "the single child admitted first" : "the pair admitted first");
    const std::string id = open(small_first ? "E59-0102" : "E59-0101", {4, 7, 10});
    const std::string pair = hold("petits", id, {0});  // a first hold may cover part of the group
    ASSERT_TRUE(end(pair, wire::HoldState::released));
    const std::string together = hold("grands", id, {1, 2});
    const std::string apart = hold("petits", id, {0}, "aucune unité n'accueille 4 et 10 ans ensemble cette nuit");
    ASSERT_FALSE(apart.empty());
    EXPECT_EQ(request(id).state, wire::RequestState::proposed);
    EXPECT_EQ(request(id).children_waiting, 3);
    ASSERT_EQ(request(id).splits.size(), 1u);
    EXPECT_EQ(request(id).splits[0]->hold_id, apart);
    EXPECT_EQ(request(id).splits[0]->by, "astreinte");
    EXPECT_EQ(request(id).splits[0]->children, (std::vector<std::uint8_t>{0}));
    EXPECT_EQ(state_.workflow.holds.at(apart).split_reason, "aucune unité n'accueille 4 et 10 ans ensemble cette nuit");
    EXPECT_TRUE(state_.workflow.holds.at(together).split_reason.empty());

    const std::string first = small_first ? apart : together;
    const std::string second = small_first ? together : apart;
    const wire::AvailabilityT grands = unit("grands");
    const wire::AvailabilityT petits = unit("petits");
    ASSERT_TRUE(end(first, wire::HoldState::admitted));
    EXPECT_EQ(request(id).state, wire::RequestState::proposed) << "a child still waits";
    EXPECT_EQ(request(id).children_waiting, small_first ? 2 : 1);
    EXPECT_TRUE(state_.workflow.open_by_child.contains(request(id).child_ref));
    EXPECT_EQ(request(id).hold_id, second);
    ASSERT_TRUE(end(second, wire::HoldState::admitted));
    EXPECT_EQ(request(id).state, wire::RequestState::admitted);
    EXPECT_EQ(request(id).children_waiting, 0);
    EXPECT_EQ(child_states(id), (std::vector{ChildState::admitted, ChildState::admitted, ChildState::admitted}));
    EXPECT_EQ(unit("grands").occupied, grands.occupied + 2);
    EXPECT_EQ(unit("grands").reserved, grands.reserved - 2);
    EXPECT_EQ(unit("petits").occupied, petits.occupied + 1);
    EXPECT_EQ(unit("petits").reserved, petits.reserved - 1);
    EXPECT_NE(request(id).admitted_at.find("590000001/grands"), std::string::npos) << request(id).admitted_at;
    EXPECT_NE(request(id).admitted_at.find("590000001/petits"), std::string::npos) << request(id).admitted_at;
    EXPECT_EQ(reloaded().request(id)->state, wire::RequestState::admitted);
    set_counts("grands", 3, 5);
    set_counts("petits", 3, 5);
    commit();
  }
}

TEST_F(HoldsTest, ReleasingOneHoldOfASplitReopensItsChildrenOnly) {
  const std::string id = open("E59-0201", {4, 7, 10});
  const std::string together = hold("grands", id, {1, 2});
  const std::string apart = hold("petits", id, {0}, "pas de place pour trois ensemble");
  ASSERT_TRUE(end(apart, wire::HoldState::released));
  EXPECT_EQ(child_states(id), (std::vector{ChildState::waiting, ChildState::held, ChildState::held}));
  EXPECT_EQ(request(id).state, wire::RequestState::proposed);
  EXPECT_EQ(request(id).hold_id, together);
  EXPECT_EQ(unit("petits").available, 3);
  EXPECT_EQ(unit("petits").reserved, 0);
  EXPECT_EQ(unit("grands").reserved, 2);
  EXPECT_TRUE(state_.workflow.holds.contains(together));
  // The waiting child can be held again (still apart, so with a reason), and admission of both
  // holds admits the request.
  const std::string again = hold("petits", id, {}, "pas de place pour trois ensemble");
  EXPECT_EQ(state_.workflow.holds.at(again).children, (std::vector<std::uint8_t>{0}));
  EXPECT_EQ(request(id).splits.size(), 2u) << "each split decision is kept";

  // Expiry of one hold behaves as a release: its children only.
  pending_->clear();
  const std::int64_t later = state_.workflow.holds.at(again).expires_at;
  state_.workflow.holds.at(together).expires_at = later + 1000;
  EXPECT_EQ(expire_holds(state_, *pending_, context(later)), 1u);
  commit();
  EXPECT_EQ(child_states(id), (std::vector{ChildState::waiting, ChildState::held, ChildState::held}));
  EXPECT_EQ(request(id).state, wire::RequestState::proposed);

  // A decline of the other reopens its children, records the refusal, and the request is open.
  ASSERT_TRUE(end(together, wire::HoldState::declined, wire::RefusalReason::siblings));
  EXPECT_EQ(child_states(id), (std::vector{ChildState::waiting, ChildState::waiting, ChildState::waiting}));
  EXPECT_EQ(request(id).state, wire::RequestState::open);
  EXPECT_TRUE(request(id).hold_id.empty());
  ASSERT_EQ(request(id).refusals.size(), 1u);
  EXPECT_EQ(request(id).refusals[0]->unit_id, "grands");
  EXPECT_EQ(unit("grands").reserved, 0);
  EXPECT_EQ(unit("grands").available, 3);
}

TEST_F(HoldsTest, TheLastPlacesGoToExactlyOneWinnerEach) {
  set_counts("seul", 2, 8);
  commit();
  std::vector<std::string> requests;
  for (int i = 0; i < 3; ++i) requests.push_back(open("E59-03" + std::to_string(i), {8}));
  int won = 0;
  int lost = 0;
  for (const auto& id : requests) {
    auto held = try_hold("seul", id);
    if (held) {
      ++won;
      commit();
    } else {
      ++lost;
      EXPECT_EQ(held.error().status, wire::Status::conflict);
      EXPECT_NE(held.error().message.find("plus aucune place"), std::string::npos) << held.error().message;
    }
  }
  EXPECT_EQ(won, 2);
  EXPECT_EQ(lost, 1);
  EXPECT_EQ(unit("seul").available, 0);
  EXPECT_EQ(unit("seul").reserved, 2);

  // A group asking for more places than are left gets none of them.
  set_counts("fratrie", 2, 8);
  commit();
  const std::string group = open("E59-0310", {4, 7, 10});
  auto too_big = try_hold("fratrie", group);
  ASSERT_FALSE(too_big);
  EXPECT_EQ(too_big.error().status, wire::Status::conflict);
  EXPECT_NE(too_big.error().message.find("seulement 2 place(s) disponible(s) pour 3 enfant(s)"), std::string::npos)
      << too_big.error().message;
  EXPECT_EQ(unit("fratrie").available, 2);
  EXPECT_EQ(unit("fratrie").reserved, 0);
}

TEST_F(HoldsTest, EveryRefusalChangesNothing) {
  const std::string id = open("E59-0401", {4, 7, 10}, {wire::ChildSex::fille, wire::ChildSex::garcon});
  const std::string first = hold("grands", id, {1, 2});
  struct Case {
    const char* what;
    std::string unit;
    std::vector<std::uint8_t> children;
    std::string split_reason;
    wire::Status status;
    std::string says;
  };
  const std::vector<Case> cases{
      {"a child the request does not describe", "petits", {3}, "motif", wire::Status::invalid, "décrit 3 enfant(s)"},
      {"a child named twice", "petits", {0, 0}, "motif", wire::Status::invalid, "nommé deux fois"},
      {"a child already held", "petits", {1}, "motif", wire::Status::conflict, "a déjà la réservation " + first},
      {"a child out of the unit's ages", "grands", {0}, "", wire::Status::invalid, "pas l'enfant 1 (4 ans)"},
      {"a split without its reason", "petits", {0}, "", wire::Status::invalid, "371-5"},
      {"a split with a blank reason", "petits", {0}, "  ", wire::Status::invalid, "371-5"},
  };
  set_counts("seul", 0, 10);
  commit();
  const std::string before = bytes_of(id);
  const std::size_t holds = state_.workflow.holds.size();
  const std::uint64_t sequence = state_.sequence;
  std::map<std::string, std::uint16_t> available;
  for (const char* name : {"fratrie", "grands", "petits", "filles", "seul"}) available[name] = unit(name).available;
  for (const Case& c : cases) {
    SCOPED_TRACE(c.what);
    auto refused = try_hold(c.unit, id, c.children, c.split_reason);
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().status, c.status) << refused.error().message;
    EXPECT_NE(refused.error().message.find(c.says), std::string::npos) << refused.error().message;
    EXPECT_EQ(bytes_of(id), before);
    EXPECT_EQ(state_.workflow.holds.size(), holds);
    EXPECT_EQ(state_.sequence, sequence);
    EXPECT_TRUE(pending_->events.empty());
    for (const auto& [name, count] : available) EXPECT_EQ(unit(name).available, count) << name;
  }

  // The unit's rules on a fresh group: sex, the largest group it takes, a full unit.
  const std::string girls = open("E59-0402", {5, 9}, {wire::ChildSex::fille, wire::ChildSex::garcon});
  const std::string girls_before = bytes_of(girls);
  auto boy = try_hold("filles", girls);
  ASSERT_FALSE(boy);
  EXPECT_NE(boy.error().message.find("n'accueille que des filles : pas l'enfant 2 (9 ans)"), std::string::npos)
      << boy.error().message;
  auto too_many = try_hold("seul", girls);
  ASSERT_FALSE(too_many);
  EXPECT_NE(too_many.error().message.find("au plus 1 enfant(s) d'une même fratrie"), std::string::npos)
      << too_many.error().message;
  auto full = try_hold("seul", girls, {0}, "");
  ASSERT_FALSE(full);
  EXPECT_EQ(full.error().status, wire::Status::conflict);
  EXPECT_EQ(bytes_of(girls), girls_before);
  EXPECT_TRUE(pending_->events.empty());
}

TEST_F(HoldsTest, CancellingASplitGroupReleasesEveryHold) {
  const std::string id = open("E59-0501", {4, 7, 10});
  hold("grands", id, {1, 2});
  hold("petits", id, {0}, "pas de place pour trois ensemble");
  wire::PlacementRequestCancelT cancel;
  cancel.id = id;
  flatbuffers::FlatBufferBuilder builder;
  builder.Finish(wire::PlacementRequestCancel::Pack(builder, &cancel));
  auto cancelled = cancel_request(state_, *pending_,
                                  *flatbuffers::GetRoot<wire::PlacementRequestCancel>(builder.GetBufferPointer()), context());
  ASSERT_TRUE(cancelled) << cancelled.error().message;
  commit();
  EXPECT_TRUE(state_.workflow.holds.empty());
  EXPECT_EQ(unit("grands").reserved, 0);
  EXPECT_EQ(unit("petits").reserved, 0);
  EXPECT_EQ(unit("grands").available, 3);
  EXPECT_EQ(unit("petits").available, 3);
  EXPECT_EQ(request(id).state, wire::RequestState::cancelled);
  EXPECT_EQ(request(id).children_waiting, 0);
  EXPECT_TRUE(reloaded().holds.empty());
}

// Ending a hold twice says how it already ended; a number no hold ever had is unknown.
TEST_F(HoldsTest, EndingAHoldThatIsNotActiveSaysWhetherItEndedOrNeverExisted) {
  const std::string id = open("E59-0701", {8});
  const std::string hold_id = hold("grands", id);
  ASSERT_TRUE(end(hold_id, wire::HoldState::admitted));
  const auto occupied = unit("grands").occupied;

  auto again = end(hold_id, wire::HoldState::released);
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().status, wire::Status::conflict);
  EXPECT_NE(again.error().message.find("déjà terminée (admission)"), std::string::npos) << again.error().message;

  auto unknown = end("H-999999", wire::HoldState::admitted);
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().status, wire::Status::unknown_request);
  EXPECT_NE(unknown.error().message.find("inconnue"), std::string::npos) << unknown.error().message;
  EXPECT_EQ(unit("grands").occupied, occupied);
  EXPECT_EQ(request(id).state, wire::RequestState::admitted);
}

// The person following a split group is told where each child stands, not "modified".
TEST_F(HoldsTest, AnAlertAboutASplitGroupSaysWhereEachChildStands) {
  const std::string id = open("E59-0801", {4, 7, 10});
  const std::string together = hold("grands", id, {1, 2});
  hold("petits", id, {0}, "aucune unité n'accueille 4 et 10 ans ensemble cette nuit");
  wire::HoldEndT ending;
  ending.hold_id = together;
  ending.outcome = wire::HoldState::admitted;
  flatbuffers::FlatBufferBuilder builder;
  builder.Finish(wire::HoldEnd::Pack(builder, &ending));
  auto ended = end_hold(state_, *pending_, *store_, *flatbuffers::GetRoot<wire::HoldEnd>(builder.GetBufferPointer()),
                        context());
  ASSERT_TRUE(ended) << ended.error().message;
  std::vector<std::string> words;
  for (const auto& staged : pending_->alerts) {
    auto message = wire::decode(staged.bytes.data(), staged.bytes.size());
    if (message && (*message)->body_as_Alert() && (*message)->body_as_Alert()->message()) {
      words.push_back((*message)->body_as_Alert()->message()->str());
    }
  }
  const std::string expected = "demande " + id + " modifiée : 2 enfants admis et 1 avec une place réservée";
  EXPECT_NE(std::find(words.begin(), words.end(), expected), words.end()) << ::testing::PrintToString(words);
  commit();
}

// A request and its hold written before issue #10 (no placements, a hold without children):
// the hold still ends as it was made — one place — and admits the whole request.
TEST_F(HoldsTest, AHoldMadeBeforeSiblingGroupsStillEnds) {
  const std::string id = open("E59-0601", {6, 9});
  const std::string hold_id = hold("grands", id);
  wire::PlacementRequestT& old = *state_.workflow.request(id);
  old.placements.clear();
  old.children_waiting = 0;
  wire::HoldT& legacy = state_.workflow.holds.at(hold_id);
  legacy.children.clear();
  state_.index.facility(kFacility)->unit("grands")->availability.reserved = 1;
  state_.index.facility(kFacility)->unit("grands")->availability.available = 2;
  ASSERT_TRUE(end(hold_id, wire::HoldState::admitted));
  EXPECT_EQ(unit("grands").reserved, 0);
  EXPECT_EQ(unit("grands").occupied, 6);
  EXPECT_EQ(request(id).state, wire::RequestState::admitted);
  EXPECT_EQ(child_states(id), (std::vector{ChildState::admitted, ChildState::admitted}));
}

}  // namespace
}  // namespace dispo::broker
