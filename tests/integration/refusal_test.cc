// Guarantee 5: bad input gets a clear error reply and changes nothing; the broker never crashes.
#include <gtest/gtest.h>

#include <zmq.hpp>

#include "broker_process.h"
#include "dispo/clients/session.h"
#include "dispo/schemas/json.h"
#include "temp_dir.h"
#include "wire_helpers.h"

namespace dispo::testing {
namespace {

constexpr const char* kFacility = "590000003";

class RefusalTest : public ::testing::Test {
 protected:
  void SetUp() override {
    broker_.start();
    auto facility = make_facility(kFacility, 2, 10);
    ASSERT_TRUE(session_.call(registration_of(std::move(facility))));
    ASSERT_TRUE(session_.call(update_of(kFacility, "u1", 2, 5)));
    before_ = state();
  }

  // The broker's whole observable state: its sequence and the facility's JSON.
  std::string state() {
    wire::FacilityRequestT request;
    request.facility_id = kFacility;
    wire::RequestBodyUnion body;
    body.Set(std::move(request));
    auto reply = session_.call(std::move(body));
    EXPECT_TRUE(reply);
    if (!reply) return {};
    return std::to_string((*reply)->sequence()) + " " +
           wire::to_json((*reply)->body_as_FacilityState(), "FacilityState");
  }

  // Sends raw frames and returns the decoded reply's status and message.
  std::pair<wire::Status, std::string> send_raw(const std::vector<std::string>& frames) {
    zmq::socket_t socket(context_, zmq::socket_type::dealer);
    socket.set(zmq::sockopt::linger, 0);
    socket.set(zmq::sockopt::rcvtimeo, 5000);
    socket.connect(broker_.api());
    for (std::size_t i = 0; i < frames.size(); ++i) {
      socket.send(zmq::buffer(frames[i]),
                  i + 1 < frames.size() ? zmq::send_flags::sndmore : zmq::send_flags::none);
    }
    zmq::message_t reply;
    if (!socket.recv(reply)) return {wire::Status::ok, "no reply"};
    auto message = wire::decode(reply.data(), reply.size());
    EXPECT_TRUE(message);
    const auto* body = (*message)->body_as_Reply();
    return {body->status(), body->message() ? body->message()->str() : ""};
  }

  void expect_refused(Result<client::ReplyMessage> reply, wire::Status status,
                      const std::string& words) {
    ASSERT_FALSE(reply) << "accepted but should be refused";
    EXPECT_EQ(reply.error().status, status) << reply.error().message;
    EXPECT_NE(reply.error().message.find(words), std::string::npos) << reply.error().message;
    EXPECT_EQ(state(), before_) << "a refused request changed the state";
    EXPECT_TRUE(broker_.running());
  }

  TempDir dir_;
  BrokerProcess broker_{dir_ / "data", {"--max-message-bytes", "65536"}};
  zmq::context_t context_;
  client::Session session_{context_, {broker_.api(), std::chrono::seconds(5), 1, "refusal-test"}};
  std::string before_;
};

TEST_F(RefusalTest, InconsistentCountsAreRefusedWithTheArithmetic) {
  expect_refused(session_.call(update_of(kFacility, "u1", 6, 5)), wire::Status::inconsistent_counts,
                 "dépasse la capacité installée (10)");
}

TEST_F(RefusalTest, UnknownFacilityAndUnitAreRefused) {
  expect_refused(session_.call(update_of("599999999", "u1", 1)), wire::Status::unknown_facility,
                 "599999999");
  expect_refused(session_.call(update_of(kFacility, "u9", 1)), wire::Status::unknown_unit, "u9");
}

TEST_F(RefusalTest, HotelsGitesRentalsAreRefusedCitingTheLaw) {
  for (auto kind : {wire::Authorisation::hotel, wire::Authorisation::gite,
                    wire::Authorisation::location, wire::Authorisation::non_autorise}) {
    auto facility = make_facility("590000099", 1, 5);
    facility.authorisation = kind;
    expect_refused(session_.call(registration_of(std::move(facility))),
                   wire::Status::unauthorised_place, "L.221-2-3");
  }
}

TEST_F(RefusalTest, ExpiredOrOverlongDerogationsAreRefused) {
  auto expired = make_facility("590000098", 1, 5);
  expired.authorisation = wire::Authorisation::derogatoire;
  expired.derogation_end = "2020-01-31";
  expect_refused(session_.call(registration_of(std::move(expired))),
                 wire::Status::unauthorised_place, "a pris fin");
  auto overlong = make_facility("590000098", 1, 5);
  overlong.authorisation = wire::Authorisation::derogatoire;
  overlong.derogation_end = "2999-01-31";
  expect_refused(session_.call(registration_of(std::move(overlong))),
                 wire::Status::unauthorised_place, "deux mois");
}

TEST_F(RefusalTest, OneBadFacilityRefusesTheWholeRegistration) {
  wire::RegistrationT registration;
  registration.facilities.push_back(std::make_unique<wire::FacilityT>(make_facility("590000097", 1, 5)));
  auto bad = make_facility("590000096", 1, 5);
  bad.units[0]->age_min = 15;
  bad.units[0]->age_max = 3;
  registration.facilities.push_back(std::make_unique<wire::FacilityT>(std::move(bad)));
  wire::RequestBodyUnion body;
  body.Set(std::move(registration));
  expect_refused(session_.call(std::move(body)), wire::Status::invalid, "âge minimum");
  wire::FacilityRequestT lookup;
  lookup.facility_id = "590000097";
  wire::RequestBodyUnion query;
  query.Set(std::move(lookup));
  auto reply = session_.call(std::move(query));
  ASSERT_FALSE(reply);
  EXPECT_EQ(reply.error().status, wire::Status::unknown_facility);
}

TEST_F(RefusalTest, MalformedFramesAreAnsweredNotFatal) {
  EXPECT_EQ(send_raw({"garbage, not a flatbuffer"}).first, wire::Status::malformed);
  EXPECT_EQ(send_raw({std::string(64, '\xff')}).first, wire::Status::malformed);
  EXPECT_EQ(send_raw({""}).first, wire::Status::malformed);
  EXPECT_EQ(send_raw({"one", "two"}).first, wire::Status::malformed);
  // A valid identifier but a truncated buffer.
  std::string truncated = wire::pack(wire::RequestT{});
  truncated.resize(truncated.size() / 2 + 8);
  EXPECT_EQ(send_raw({truncated}).first, wire::Status::malformed);
  EXPECT_EQ(state(), before_);
}

// Found by tests/fuzz/dispatcher_fuzz: a union type without its table used to crash the broker.
TEST_F(RefusalTest, UnionTypeWithoutItsTableIsRefusedNotFatal) {
  auto frame = [](auto build) {
    flatbuffers::FlatBufferBuilder builder;
    build(builder);
    return std::string(reinterpret_cast<const char*>(builder.GetBufferPointer()), builder.GetSize());
  };
  const std::string no_request = frame([](auto& builder) {
    wire::MessageBuilder message(builder);
    message.add_body_type(wire::Body::Request);  // and no body
    builder.Finish(message.Finish(), wire::MessageIdentifier());
  });
  EXPECT_EQ(send_raw({no_request}).first, wire::Status::malformed);
  for (auto type : {wire::RequestBody::AvailabilityUpdate, wire::RequestBody::SearchQuery,
                    wire::RequestBody::FacilityRequest, wire::RequestBody::Registration}) {
    const std::string no_body = frame([type](auto& builder) {
      auto request = wire::CreateRequest(builder, 1, builder.CreateString("x"), type, 0);
      wire::finish(builder, request);
    });
    auto [status, message] = send_raw({no_body});
    EXPECT_EQ(status, wire::Status::malformed) << wire::EnumNameRequestBody(type);
    EXPECT_NE(message.find("sans contenu"), std::string::npos) << message;
  }
  EXPECT_TRUE(broker_.running());
  EXPECT_EQ(state(), before_);
}

// Issue #11: an empty request says it is empty, not "client plus récent que le broker ?".
TEST_F(RefusalTest, AnEmptyRequestSaysItIsEmpty) {
  auto [empty_status, empty_message] = send_raw({""});
  EXPECT_EQ(empty_status, wire::Status::malformed);
  EXPECT_NE(empty_message.find("requête vide"), std::string::npos) << empty_message;
  flatbuffers::FlatBufferBuilder builder;
  wire::finish(builder, wire::CreateRequest(builder, 7, builder.CreateString("x")));  // no body at all
  auto [status, message] =
      send_raw({std::string(reinterpret_cast<const char*>(builder.GetBufferPointer()), builder.GetSize())});
  EXPECT_EQ(status, wire::Status::malformed);
  EXPECT_NE(message.find("requête vide"), std::string::npos) << message;
  EXPECT_EQ(message.find("plus récent"), std::string::npos) << message;
  EXPECT_EQ(state(), before_);
}

TEST_F(RefusalTest, OversizedFrameIsRefusedWithTheLimit) {
  auto [status, message] = send_raw({std::string(100'000, 'x')});
  EXPECT_EQ(status, wire::Status::too_large);
  EXPECT_NE(message.find("65536"), std::string::npos) << message;
  EXPECT_EQ(state(), before_);
}

TEST_F(RefusalTest, UnknownRequestTypeIsRefused) {
  flatbuffers::FlatBufferBuilder builder;
  auto empty = wire::CreateSnapshotRequest(builder);
  auto request = wire::CreateRequest(builder, 1, builder.CreateString("x"),
                                     static_cast<wire::RequestBody>(200), empty.Union());
  wire::finish(builder, request);
  auto [status, message] = send_raw(
      {std::string(reinterpret_cast<const char*>(builder.GetBufferPointer()), builder.GetSize())});
  EXPECT_EQ(status, wire::Status::unknown_type);
  EXPECT_FALSE(message.empty());
  EXPECT_EQ(state(), before_);
}

}  // namespace
}  // namespace dispo::testing
