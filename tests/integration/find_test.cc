// End to end, with the real broker and the real `dispo` binary: a sibling group finds the facility
// that takes it whole before a nearer one that would split it; distance orders the rest; stale and
// full places are left out; when nobody takes the group, a split is proposed and said so.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "broker_process.h"
#include "dispo/clients/session.h"
#include "temp_dir.h"
#include "wire_helpers.h"

namespace dispo::testing {
namespace {

constexpr double kLilleLat = 50.6292;
constexpr double kLilleLon = 3.0573;
constexpr double kKmPerDegreeLat = 111.19508;

constexpr int kStaleAfterS = 3;  // freshness limit of this test's broker

class FindTest : public ::testing::Test {
 protected:
  void SetUp() override {
    broker_.start();
    session_ = std::make_unique<client::Session>(
        context_, client::SessionOptions{broker_.api(), std::chrono::seconds(2), 2, "find-test"});
  }

  // A facility `km_north` of Lille with one unit per entry of `max_siblings`, each with
  // `available` places, published (confirmed now) unless `publish` is false.
  void add(const std::string& id, double km_north, std::vector<int> max_siblings, int available,
           bool publish = true) {
    auto facility = make_facility(id, static_cast<int>(max_siblings.size()), 10,
                                  kLilleLat + km_north / kKmPerDegreeLat, kLilleLon);
    for (std::size_t i = 0; i < max_siblings.size(); ++i) {
      facility.units[i]->max_siblings = static_cast<std::uint8_t>(max_siblings[i]);
    }
    ASSERT_TRUE(session_->call(registration_of(std::move(facility))));
    if (!publish) return;
    for (std::size_t i = 1; i <= max_siblings.size(); ++i) {
      auto done = session_->call(update_of(id, "u" + std::to_string(i), available, 10 - available));
      ASSERT_TRUE(done) << done.error().message;
    }
  }

  CommandResult find(std::vector<std::string> arguments) {
    arguments.insert(arguments.begin(), {dispo_binary(), "--broker", broker_.api(), "find"});
    return run_command(arguments);
  }

  nlohmann::json find_json(std::vector<std::string> arguments) {
    arguments.push_back("--json");
    auto result = find(arguments);
    EXPECT_EQ(result.exit_code, 0) << result.err;
    return nlohmann::json::parse(result.out, nullptr, /*allow_exceptions=*/false);
  }

  static std::vector<std::string> ids(const nlohmann::json& matches) {
    std::vector<std::string> out;
    for (const auto& match : matches) out.push_back(match.at("facility_id").get<std::string>());
    return out;
  }

  TempDir dir_;
  BrokerProcess broker_{dir_ / "data", {"--stale-after", std::to_string(kStaleAfterS)}};
  zmq::context_t context_;
  std::unique_ptr<client::Session> session_;
};

const std::vector<std::string> kSiblings = {"--age", "4", "--age", "7", "--age", "10",
                                            "--near", "50.6292,3.0573"};

TEST_F(FindTest, WholeSiblingGroupFirstThenDistance) {
  add("590000001", 2, {1, 1}, 1);    // 2 km: takes only two of the three, one per unit
  add("590000002", 30, {3}, 3);      // 30 km: the whole group in one unit
  add("590000003", 12, {2, 1}, 2);   // 12 km: the whole group in two units of the same facility
  add("590000004", 1, {3}, 0);       // 1 km: full
  add("590000005", 0.5, {3}, 3, /*publish=*/false);  // 0.5 km: registered, never published

  auto result = find_json(kSiblings);
  ASSERT_FALSE(result.is_discarded());
  EXPECT_TRUE(result.at("whole_group_found").get<bool>());
  EXPECT_EQ(ids(result.at("matches")), (std::vector<std::string>{"590000003", "590000002", "590000001"}));
  EXPECT_TRUE(result["matches"][0]["whole_group"].get<bool>());
  EXPECT_FALSE(result["matches"][2]["whole_group"].get<bool>());
  EXPECT_NEAR(result["matches"][0]["distance_km"].get<double>(), 12.0, 0.1);
  auto within_20_km = find_json([] {
    auto arguments = kSiblings;
    arguments.insert(arguments.end(), {"--max-km", "20"});
    return arguments;
  }());
  EXPECT_EQ(ids(within_20_km.at("matches")), (std::vector<std::string>{"590000003", "590000001"}));
}

TEST_F(FindTest, NoFacilityTakesTheGroupSoASplitIsProposed) {
  add("590000001", 2, {1, 1}, 1);  // two of them
  add("590000002", 8, {1}, 1);     // one of them

  auto result = find_json(kSiblings);
  EXPECT_FALSE(result.at("whole_group_found").get<bool>());
  ASSERT_EQ(result.at("split").size(), 2u);
  EXPECT_EQ(ids(result.at("split")), (std::vector<std::string>{"590000001", "590000002"}));

  auto text = find(kSiblings);
  EXPECT_EQ(text.exit_code, 0) << text.err;
  EXPECT_NE(text.out.find("Aucun établissement ne peut accueillir les 3 enfants ensemble"), std::string::npos)
      << text.out;
  EXPECT_NE(text.out.find("Répartition proposée entre 2 établissements"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("Tél. 24h/24 : 03 20 00 00 00"), std::string::npos) << text.out;
}

TEST_F(FindTest, StalePlacesAreLeftOutUnlessAskedAndSayTheirAge) {
  add("590000005", 0.5, {3}, 3);  // will go stale: not confirmed within kStaleAfterS
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(4 * kStaleAfterS);
  nlohmann::json result;
  do {
    result = find_json(kSiblings);
  } while (result.value("stale_excluded", 0) == 0 && std::chrono::steady_clock::now() < deadline);
  ASSERT_EQ(result.at("stale_excluded").get<int>(), 1) << "never went stale";
  EXPECT_TRUE(result.at("matches").empty());

  add("590000006", 20, {3}, 3);  // fresh
  auto arguments = kSiblings;
  arguments.push_back("--include-stale");
  auto with_stale = find_json(arguments);
  ASSERT_EQ(ids(with_stale.at("matches")), (std::vector<std::string>{"590000005", "590000006"}));
  EXPECT_TRUE(with_stale["matches"][0]["stale"].get<bool>());
  EXPECT_GE(with_stale["matches"][0]["age_s"].get<int>(), kStaleAfterS);
  EXPECT_FALSE(with_stale["matches"][1]["stale"].get<bool>());

  auto text = find(arguments);
  EXPECT_NE(text.out.find("DONNÉES PÉRIMÉES"), std::string::npos) << text.out;
}

TEST_F(FindTest, AnUpdateIsVisibleToTheNextSearch) {
  add("590000001", 5, {3}, 0);
  EXPECT_TRUE(find_json(kSiblings).at("matches").empty());
  ASSERT_TRUE(session_->call(update_of("590000001", "u1", 3, 7)));
  EXPECT_EQ(ids(find_json(kSiblings).at("matches")), (std::vector<std::string>{"590000001"}));
}

// Issue 10: what a person reads carries what they act on — the facility id `dispo hold` takes, the
// unit's name, the town by name, the address — and the criteria applied; --near takes a commune.
TEST_F(FindTest, PeopleReadTheFacilityIdUnitNameTownAddressAndCriteriaNearACommune) {
  auto facility = make_facility("590001234", 2, 10, kLilleLat, kLilleLon);
  facility.address = "12 rue des Tilleuls 59000 Lille";
  facility.units[0]->name = "Les Lucioles";
  ASSERT_TRUE(session_->call(registration_of(std::move(facility))));
  ASSERT_TRUE(session_->call(update_of("590001234", "u1", 3, 7)));

  // --include-stale throughout: this fixture's data goes stale after 3 s, which a loaded machine reaches.
  auto text = find({"--age", "4", "--age", "7", "--need", "2:soins_psy", "--near", "lille", "--max-km", "10",
                    "--include-stale"});
  ASSERT_EQ(text.exit_code, 0) << text.err;
  EXPECT_NE(text.out.find("  - enfant 2 (7 ans) : besoins propres : soins psychiques"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("à 10,0 km au plus de Lille (59)"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("Sans aucune place proposée : enfant 2 (7 ans)"), std::string::npos)
      << "the unit offers no mental-health care\n" << text.out;

  text = find({"--age", "4", "--age", "7", "--near", "59000", "--max-km", "10", "--include-stale"});
  ASSERT_EQ(text.exit_code, 0) << text.err;
  EXPECT_NE(text.out.find("1. Établissement 590001234 — n° 590001234 — MECS — Lille (59) — à "), std::string::npos)
      << text.out;
  EXPECT_NE(text.out.find("   Adresse : 12 rue des Tilleuls 59000 Lille"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("   Unité « Les Lucioles » (u1) : 3 places disponibles sur 10"), std::string::npos)
      << text.out;

  auto json = find_json({"--age", "4", "--near", "Lille", "--include-stale"});
  ASSERT_FALSE(json.is_discarded());
  EXPECT_EQ(json["matches"][0]["address"], "12 rue des Tilleuls 59000 Lille");
  EXPECT_EQ(json["matches"][0]["placements"][0]["unit_name"], "Les Lucioles");

  auto ambiguous = find({"--age", "4", "--near", "Saint-Denis"});
  EXPECT_EQ(ambiguous.exit_code, 2) << ambiguous.out;
  EXPECT_NE(ambiguous.err.find("INSEE 93066"), std::string::npos) << ambiguous.err;
}

}  // namespace
}  // namespace dispo::testing
