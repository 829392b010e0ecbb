#include "dispo/schemas/wire.h"

#include <gtest/gtest.h>

#include "dispo/schemas/json.h"
#include "dispo/schemas/names.h"

namespace dispo::wire {
namespace {

TEST(WireTest, DecodesWhatItPacks) {
  RequestT request;
  request.request_id = 77;
  request.client_id = "abc";
  SearchQueryT query;
  query.departement = "59";
  request.body.Set(std::move(query));
  const std::string bytes = pack(request);
  auto message = decode(bytes.data(), bytes.size());
  ASSERT_TRUE(message) << message.error().message;
  const auto* decoded = (*message)->body_as_Request();
  ASSERT_NE(decoded, nullptr);
  EXPECT_EQ(decoded->request_id(), 77u);
  EXPECT_EQ(decoded->body_as_SearchQuery()->departement()->str(), "59");
}

TEST(WireTest, RefusesOversizedShortForeignAndCorruptBuffers) {
  const std::string bytes = pack(RequestT{});
  EXPECT_EQ(decode(bytes.data(), bytes.size(), bytes.size() - 1).error().status, Status::too_large);
  EXPECT_EQ(decode("abc", 3).error().status, Status::malformed);
  std::string foreign = bytes;
  foreign[4] = 'X';  // file identifier
  EXPECT_NE(decode(foreign.data(), foreign.size()).error().message.find("pas un message dispo"),
            std::string::npos);
  std::string corrupt = bytes;
  corrupt[0] = '\x7f';  // root offset past the end
  EXPECT_EQ(decode(corrupt.data(), corrupt.size()).error().status, Status::malformed);
}

TEST(WireTest, JsonUsesSchemaNamesAndKeepsZeroCounts) {
  AvailabilityT availability;
  availability.installed = 12;
  availability.available = 0;
  flatbuffers::FlatBufferBuilder builder;
  builder.Finish(Availability::Pack(builder, &availability));
  const std::string json =
      to_json(flatbuffers::GetRoot<Availability>(builder.GetBufferPointer()), "Availability");
  EXPECT_NE(json.find("\"installed\": 12"), std::string::npos) << json;
  EXPECT_NE(json.find("\"available\": 0"), std::string::npos) << json;
  EXPECT_TRUE(to_json(builder.GetBufferPointer(), "NoSuchTable").empty());
}

TEST(WireTest, EnumNamesRoundTrip) {
  EXPECT_EQ(facility_kind_from_name("pouponniere"), FacilityKind::pouponniere);
  EXPECT_EQ(specialty_from_name("soins_psy"), Specialty::soins_psy);
  EXPECT_EQ(authorisation_from_name("hotel"), Authorisation::hotel);
  EXPECT_FALSE(facility_kind_from_name("hotel").has_value());
  EXPECT_NE(specialty_names().find("ado_difficulte"), std::string::npos);
}

}  // namespace
}  // namespace dispo::wire
