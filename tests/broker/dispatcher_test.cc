// The Dispatcher on the inputs that once broke it (kept in tests/fuzz/regressions, found by
// tests/fuzz/dispatcher_fuzz): each gets a refusal reply and changes nothing.
#include "server/dispatcher.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "dispo/schemas/text_rules.h"
#include "hostile_text.h"
#include "temp_dir.h"

namespace dispo::broker {
namespace {

// A dispatcher over a real store in a temporary directory, as the broker's event loop has it.
class DispatcherTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = Store::open(dir / "data");
    ASSERT_TRUE(opened) << opened.error().message;
    store = std::move(*opened);
    replies = std::make_unique<ReplyCache>(*store);
    dispatcher = std::make_unique<Dispatcher>(state, *replies, *store, 1u << 20);
    pending = std::make_unique<PendingCommit>(store->batch());
  }

  // Handles `body` from the local principal; returns the reply's status and message.
  std::pair<wire::Status, std::string> send(wire::RequestBodyUnion body, std::uint64_t request_id = 1) {
    wire::RequestT request;
    request.request_id = request_id;
    request.client_id = "dispatcher-test";
    request.body = std::move(body);
    const std::string reply = dispatcher->handle("test", Principals::local(), wire::pack(request), *pending,
                                                 1'790'000'000'000, "2026-09-21");
    auto message = wire::decode(reply.data(), reply.size());
    EXPECT_TRUE(message);
    if (!message) return {wire::Status::malformed, ""};
    const auto* decoded = (*message)->body_as_Reply();
    return {decoded->status(), decoded->message() ? decoded->message()->str() : ""};
  }

  testing::TempDir dir;
  std::unique_ptr<Store> store;
  BrokerState state;
  std::unique_ptr<ReplyCache> replies;
  std::unique_ptr<Dispatcher> dispatcher;
  std::unique_ptr<PendingCommit> pending;
};

TEST_F(DispatcherTest, FuzzRegressionInputsAreRefusedAndChangeNothing) {

  std::size_t inputs = 0;
  for (const auto& entry : std::filesystem::directory_iterator(DISPO_FUZZ_REGRESSIONS)) {
    std::ifstream file(entry.path(), std::ios::binary);
    std::stringstream bytes;
    bytes << file.rdbuf();
    const std::string frame = bytes.str();
    const std::string reply = dispatcher->handle("test", dispo::broker::Principals::local(), frame, *pending, 1'790'000'000'000, "2026-09-21");
    auto message = wire::decode(reply.data(), reply.size());
    ASSERT_TRUE(message) << entry.path();
    ASSERT_NE((*message)->body_as_Reply(), nullptr) << entry.path();
    EXPECT_NE((*message)->body_as_Reply()->status(), wire::Status::ok) << entry.path();
    EXPECT_TRUE(pending->empty()) << entry.path() << " staged a write";
    EXPECT_EQ(state.sequence, 0u) << entry.path();
    ++inputs;
  }
  EXPECT_GE(inputs, 13u) << "the regression inputs are missing";
}

// Issue #11: hostile text is refused `invalid` before anything is applied — no staged write, no
// sequence, nothing in the index — and the reply's message is clean UTF-8 without control bytes.
TEST_F(DispatcherTest, HostileTextIsRefusedAndChangesNothing) {
  std::uint64_t request_id = 0;
  for (const auto& hostile : testing::hostile_facilities()) {
    const auto [status, message] = send(testing::registration_body(hostile.facility), ++request_id);
    EXPECT_EQ(status, wire::Status::invalid) << hostile.name << ": " << message;
    EXPECT_NE(message.find(hostile.field), std::string::npos) << hostile.name << ": " << message;
    EXPECT_TRUE(wire::is_valid_utf8(message)) << hostile.name;
    EXPECT_EQ(message.find('\x1b'), std::string::npos) << hostile.name;
    EXPECT_TRUE(pending->empty()) << hostile.name << " staged a write";
    EXPECT_EQ(state.sequence, 0u) << hostile.name;
    EXPECT_TRUE(state.index.facilities().empty()) << hostile.name;
  }
  const auto [search, why] = send(testing::nan_search_body(), ++request_id);
  EXPECT_EQ(search, wire::Status::invalid) << why;
  // The same facility, clean, is accepted: the refusals were about the text alone.
  const auto [status, message] = send(testing::registration_body(testing::plain_facility()), ++request_id);
  EXPECT_EQ(status, wire::Status::ok) << message;
  EXPECT_EQ(state.sequence, 1u);
}

// A reply never echoes raw client bytes, whatever path refuses them.
TEST_F(DispatcherTest, ARefusalNeverEchoesRawBytes) {
  wire::FacilityRequestT lookup;
  lookup.facility_id = "59\x1b[2J\xff";
  wire::RequestBodyUnion body;
  body.Set(std::move(lookup));
  const auto [status, message] = send(std::move(body));
  EXPECT_EQ(status, wire::Status::invalid);
  EXPECT_NE(message.find("\\x1b[2J\\xff"), std::string::npos) << message;
  EXPECT_TRUE(wire::is_valid_utf8(message));
  EXPECT_EQ(message.find('\x1b'), std::string::npos);
}

// A write whose client id would put a line break or control bytes in the log and the reply keys.
TEST_F(DispatcherTest, AClientIdWithControlCharactersIsRefused) {

  const auto subscribe_as = [&](const std::string& client_id) {
    wire::SubscribeT subscribe;
    subscribe.subscription = std::make_unique<wire::SubscriptionT>();
    subscribe.subscription->kind = wire::SubscriptionKind::territory;
    subscribe.subscription->departement = "59";
    subscribe.subscription->threshold = 3;
    flatbuffers::FlatBufferBuilder builder;
    auto body = wire::Subscribe::Pack(builder, &subscribe);
    auto request = wire::CreateRequest(builder, 1, builder.CreateString(client_id),
                                       wire::RequestBody::Subscribe, body.Union());
    builder.Finish(wire::CreateMessage(builder, wire::Body::Request, request.Union()), "DSPO");
    const std::string frame(reinterpret_cast<const char*>(builder.GetBufferPointer()), builder.GetSize());
    const std::string reply = dispatcher->handle("test", Principals::local(), frame, *pending, 1'790'000'000'000,
                                                "2026-09-21");
    auto message = wire::decode(reply.data(), reply.size());
    EXPECT_TRUE(message);
    return message ? (*message)->body_as_Reply()->status() : wire::Status::ok;
  };
  EXPECT_EQ(subscribe_as("nuit\n[info] faux"), wire::Status::malformed);
  EXPECT_EQ(subscribe_as(std::string(129, 'a')), wire::Status::malformed);
  EXPECT_TRUE(pending->empty());
  EXPECT_EQ(subscribe_as("astreinte@poste-3"), wire::Status::ok);
  EXPECT_FALSE(pending->empty());
}

}  // namespace
}  // namespace dispo::broker

namespace dispo::broker {
namespace {

// Issue #12: what a reply is to its batch's commit is decided at dispatch. A failed commit then
// refuses exactly the batch's writes and answers its reads again (broker.cc roll_back_to_store):
// a backup (its checkpoint is written outside the batch) and a retry's stored reply stand.
TEST_F(DispatcherTest, EachReplyKnowsWhatItIsToTheCommitOfItsBatch) {
  dispatcher->set_backup_handler([&](const wire::Request& request, const RequestOrigin&) {
    return encode_reply(request.request_id(), wire::Status::ok, {}, state.sequence, {});  // no body, like a backup
  });
  auto frame = [](wire::RequestBodyUnion body, std::uint64_t id) {
    wire::RequestT request;
    request.request_id = id;
    request.client_id = "commit-test";
    request.body = std::move(body);
    return wire::pack(request);
  };
  auto outcome_of = [&](const std::string& bytes) {
    Dispatcher::Outcome outcome = Dispatcher::Outcome::read;
    const std::string reply =
        dispatcher->handle("test", Principals::local(), bytes, *pending, 1'790'000'000'000, "2026-09-21", &outcome);
    auto message = wire::decode(reply.data(), reply.size());
    EXPECT_TRUE(message);
    return std::pair{outcome, message ? (*message)->body_as_Reply()->status() : wire::Status::malformed};
  };
  wire::RegistrationT registration;
  registration.facilities.push_back(std::make_unique<wire::FacilityT>(testing::plain_facility()));
  wire::RequestBodyUnion register_body;
  register_body.Set(std::move(registration));
  const std::string update = frame(std::move(register_body), 1);
  wire::BackupRequestT backup;
  backup.directory = (dir / "backup").string();
  wire::RequestBodyUnion backup_body;
  backup_body.Set(std::move(backup));
  wire::RequestBodyUnion search_body;
  search_body.Set(wire::SearchQueryT{});
  wire::RequestBodyUnion unknown_facility;
  wire::FacilityRequestT facility;
  facility.facility_id = "590009999";
  unknown_facility.Set(std::move(facility));

  EXPECT_EQ(outcome_of(update), std::pair(Dispatcher::Outcome::write, wire::Status::ok));
  EXPECT_EQ(outcome_of(frame(std::move(backup_body), 2)), std::pair(Dispatcher::Outcome::stands, wire::Status::ok))
      << "a backup has no reply body, yet it is not a write of the batch";
  EXPECT_EQ(outcome_of(frame(std::move(search_body), 3)), std::pair(Dispatcher::Outcome::read, wire::Status::ok));
  EXPECT_EQ(outcome_of(update), std::pair(Dispatcher::Outcome::write, wire::Status::ok))
      << "a retry's stored reply: its write may not be durable yet";
  EXPECT_EQ(outcome_of(frame(std::move(unknown_facility), 4)),
            std::pair(Dispatcher::Outcome::read, wire::Status::unknown_facility))
      << "a read answered with an error is still a read: answered again from the reloaded state";
  wire::RequestT anonymous_write;  // refused before any handler: stands
  anonymous_write.request_id = 5;
  wire::AvailabilityUpdateT update_body;
  update_body.facility_id = "590000001";
  update_body.unit_id = "u1";
  update_body.available = 2;
  anonymous_write.body.Set(std::move(update_body));
  EXPECT_EQ(outcome_of(wire::pack(anonymous_write)), std::pair(Dispatcher::Outcome::stands, wire::Status::invalid))
      << "a refusal stands";
}

}  // namespace
}  // namespace dispo::broker
