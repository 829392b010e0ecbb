// `dispo-publish` with its outbox against the real broker stopped and restarted (DESIGN.md §5, 6):
// an update the broker did not acknowledge is kept (exit 4, French message), delivered in order
// later, applied once even when the publisher is killed before the ack, and a refusal is set aside
// and reported, never retried forever.
#include <gtest/gtest.h>

#include <fstream>
#include <future>
#include <regex>

#include "broker_process.h"
#include "dispo/clients/session.h"
#include "dispo/publishers/outbox.h"
#include "temp_dir.h"

namespace dispo::testing {
namespace {

using namespace std::chrono_literals;

constexpr const char* kCsv =
    "facility_id,name,kind,departement,commune_insee,lat,lon,phone,authorisation,unit_id,age_min,"
    "age_max,sex,installed,max_siblings,specialties,emergency\n"
    "590001234,Foyer de l'enfance,foyer_urgence,59,59350,50.63,3.06,03 20 11 22 33,autorise,u1,3,17,mixte,12,3,,oui\n";

bool contains(const std::string& text, const std::string& words) { return text.find(words) != std::string::npos; }

class PublishOutboxTest : public ::testing::Test {
 protected:
  void SetUp() override {
    broker_.start();
    std::ofstream(dir_ / "units.csv") << kCsv;
    auto registered = publish({"register", (dir_ / "units.csv").string()});
    ASSERT_EQ(registered.exit_code, 0) << registered.err;
  }

  // dispo-publish with this test's outbox; a short timeout while the broker is stopped.
  CommandResult publish(std::vector<std::string> arguments, const std::string& broker = {}, const char* timeout = "2") {
    arguments.insert(arguments.begin(), {publish_binary(), "--broker", broker.empty() ? broker_.api() : broker,
                                         "--timeout", timeout, "--outbox", outbox_.string()});
    return run_command(arguments);
  }
  CommandResult publish_while_down(std::vector<std::string> arguments) {
    return publish(std::move(arguments), {}, "0.2");
  }

  std::unique_ptr<wire::SnapshotT> snapshot() {
    client::Session session(context_, {broker_.api(), 2s, 2, "test-reader"});
    wire::RequestBodyUnion body;
    body.Set(wire::SnapshotRequestT{});
    auto reply = session.call(std::move(body));
    EXPECT_TRUE(reply) << (reply ? "" : reply.error().message);
    if (!reply) return std::make_unique<wire::SnapshotT>();
    return std::unique_ptr<wire::SnapshotT>((*reply)->body_as_Snapshot()->UnPack());
  }

  wire::AvailabilityT unit_counts() {
    auto state = snapshot();
    for (const auto& facility : state->facilities) {
      for (const auto& unit : facility->units) {
        if (facility->facility->id == "590001234" && unit->unit->id == "u1") return *unit->availability;
      }
    }
    ADD_FAILURE() << "590001234/u1 not in the snapshot";
    return {};
  }

  TempDir dir_;
  BrokerProcess broker_{dir_ / "data"};
  std::filesystem::path outbox_ = dir_ / "outbox";
  zmq::context_t context_;
};

TEST_F(PublishOutboxTest, AnUpdateWhileTheBrokerIsDownIsKeptThenFlushDeliversIt) {
  ASSERT_EQ(broker_.stop(), 0);
  auto kept = publish_while_down({"update", "590001234", "u1", "--available", "3", "--occupied", "8"});
  EXPECT_EQ(kept.exit_code, 4) << kept.err;
  EXPECT_TRUE(contains(kept.err, "broker injoignable")) << kept.err;
  EXPECT_TRUE(contains(kept.err, "mise à jour gardée dans la file d'attente locale")) << kept.err;
  EXPECT_TRUE(contains(kept.err, "elle sera envoyée au retour du broker")) << kept.err;
  EXPECT_EQ(kept.err.find('\n'), kept.err.size() - 1) << "one line: " << kept.err;

  auto listed = publish_while_down({"outbox"});
  EXPECT_EQ(listed.exit_code, 0) << listed.err;
  EXPECT_TRUE(contains(listed.out, "1 en attente")) << listed.out;
  EXPECT_TRUE(contains(listed.out, "1. 590001234, unité u1 : 3 disponibles, 8 occupées")) << listed.out;

  broker_.start();
  auto flushed = publish({"flush"});
  EXPECT_EQ(flushed.exit_code, 0) << flushed.err;
  EXPECT_TRUE(contains(flushed.out, "envoyée depuis la file d'attente : 590001234, unité u1 : 3 disponibles")) << flushed.out;
  const auto counts = unit_counts();
  EXPECT_EQ(counts.available, 3);
  EXPECT_EQ(counts.occupied, 8);
  EXPECT_TRUE(contains(publish({"outbox"}).out, "vide"));
  EXPECT_EQ(publish({"flush"}).exit_code, 0) << "nothing left to deliver";
}

TEST_F(PublishOutboxTest, FlushWhileTheBrokerIsStillDownExitsFourAndKeepsEverything) {
  ASSERT_EQ(broker_.stop(), 0);
  ASSERT_EQ(publish_while_down({"update", "590001234", "u1", "--available", "1"}).exit_code, 4);
  auto flushed = publish_while_down({"flush"});
  EXPECT_EQ(flushed.exit_code, 4) << flushed.err;
  EXPECT_TRUE(contains(flushed.err, "1 en attente")) << flushed.err;
  EXPECT_TRUE(contains(publish_while_down({"outbox"}).out, "1 en attente"));
}

TEST_F(PublishOutboxTest, FlushWaitDeliversOnItsOwnWhenTheBrokerComesBack) {
  ASSERT_EQ(broker_.stop(), 0);
  ASSERT_EQ(publish_while_down({"update", "590001234", "u1", "--available", "6", "--occupied", "2"}).exit_code, 4);
  auto flusher = std::async(std::launch::async, [this] {
    return run_command({publish_binary(), "--broker", broker_.api(), "--timeout", "0.2", "--outbox",
                        outbox_.string(), "flush", "--wait"},
                       60s);
  });
  ASSERT_EQ(flusher.wait_for(1s), std::future_status::timeout) << "flush --wait keeps trying while the broker is down";
  broker_.start();
  const auto flushed = flusher.get();  // run_command's own deadline bounds the wait
  EXPECT_EQ(flushed.exit_code, 0) << flushed.err;
  EXPECT_TRUE(contains(flushed.err, "nouvel essai en continu")) << flushed.err;
  EXPECT_EQ(unit_counts().available, 6);
  EXPECT_TRUE(contains(publish({"outbox"}).out, "vide"));
}

TEST_F(PublishOutboxTest, UpdatesKeptWhileDownAreAppliedInOrder) {
  const auto before = snapshot()->sequence;
  ASSERT_EQ(broker_.stop(), 0);
  const std::vector<std::vector<std::string>> kept = {
      {"update", "590001234", "u1", "--available", "1", "--occupied", "10"},
      {"update", "590001234", "u1", "--available", "2", "--occupied", "9"},
      {"confirm", "590001234", "u1"},
      {"update", "590001234", "u1", "--available", "4", "--occupied", "7"}};
  for (const auto& arguments : kept) {
    auto result = publish_while_down(arguments);
    ASSERT_EQ(result.exit_code, 4) << result.err;
  }
  broker_.start();
  // The next update first delivers what waited, in order, then itself.
  auto last = publish({"update", "590001234", "u1", "--available", "5", "--occupied", "6"});
  ASSERT_EQ(last.exit_code, 0) << last.err;

  const std::regex line(R"(envoyée depuis la file d'attente : 590001234, unité u1 : ([^(]*) \(séquence (\d+)\))");
  std::vector<std::string> delivered;
  std::vector<std::uint64_t> sequences;
  for (std::sregex_iterator it(last.out.begin(), last.out.end(), line), end; it != end; ++it) {
    delivered.push_back((*it)[1]);
    sequences.push_back(std::stoull((*it)[2]));
  }
  EXPECT_EQ(delivered, (std::vector<std::string>{"1 disponible, 10 occupées", "2 disponibles, 9 occupées",
                                                 "toujours à jour", "4 disponibles, 7 occupées"}))
      << last.out;
  EXPECT_TRUE(std::is_sorted(sequences.begin(), sequences.end()) &&
              std::adjacent_find(sequences.begin(), sequences.end()) == sequences.end())
      << last.out;
  std::smatch own;
  ASSERT_TRUE(std::regex_search(last.out, own, std::regex(R"(5 disponibles, 6 occupées — enregistré \(séquence (\d+)\))")))
      << last.out;
  ASSERT_FALSE(sequences.empty());
  EXPECT_GT(std::stoull(own[1]), sequences.back()) << "the new update after the ones that waited";

  const auto state = snapshot();
  EXPECT_EQ(state->sequence, before + 5) << "each update applied exactly once";
  const auto counts = unit_counts();
  EXPECT_EQ(counts.available, 5);
  EXPECT_EQ(counts.occupied, 6);
}

TEST_F(PublishOutboxTest, KilledBeforeTheAckTheUpdateIsAppliedOnceByTheNextFlush) {
  // A proxy in front of the broker forwards the request but never the broker's acknowledgement.
  zmq::socket_t front(context_, zmq::socket_type::router);
  front.set(zmq::sockopt::linger, 0);
  front.bind("tcp://127.0.0.1:*");
  const std::string proxy = front.get(zmq::sockopt::last_endpoint);
  zmq::socket_t back(context_, zmq::socket_type::dealer);
  back.set(zmq::sockopt::linger, 0);
  back.connect(broker_.api());
  const auto before = snapshot()->sequence;

  auto publisher = Process::start({publish_binary(), "--broker", proxy, "--timeout", "60", "--outbox", outbox_.string(),
                                   "update", "590001234", "u1", "--available", "7", "--occupied", "4"});
  zmq::pollitem_t from_publisher{front.handle(), 0, ZMQ_POLLIN, 0};
  ASSERT_EQ(zmq::poll(&from_publisher, 1, 20s), 1) << "the publisher sends its update";
  zmq::message_t identity, request;
  ASSERT_TRUE(front.recv(identity));
  ASSERT_TRUE(front.recv(request));
  back.send(request, zmq::send_flags::none);
  zmq::pollitem_t from_broker{back.handle(), 0, ZMQ_POLLIN, 0};
  ASSERT_EQ(zmq::poll(&from_broker, 1, 20s), 1) << "the broker answers";
  zmq::message_t reply;
  ASSERT_TRUE(back.recv(reply));
  auto decoded = wire::decode(reply.data(), reply.size());
  ASSERT_TRUE(decoded);
  ASSERT_EQ((*decoded)->body_as_Reply()->status(), wire::Status::ok) << "applied by the broker";
  publisher.kill9();  // after the broker applied it, before the publisher heard of it

  EXPECT_EQ(snapshot()->sequence, before + 1);
  auto listed = publish({"outbox"});
  EXPECT_TRUE(contains(listed.out, "1 en attente")) << "kept on disk before it was sent:\n" << listed.out;

  auto flushed = publish({"flush"});
  EXPECT_EQ(flushed.exit_code, 0) << flushed.err;
  EXPECT_EQ(snapshot()->sequence, before + 1) << "the redelivery was answered, not applied again";
  EXPECT_EQ(unit_counts().available, 7);
  EXPECT_TRUE(contains(publish({"outbox"}).out, "vide"));
}

TEST_F(PublishOutboxTest, ARefusedUpdateThatWaitedIsSetAsideAndReported) {
  ASSERT_EQ(broker_.stop(), 0);
  ASSERT_EQ(publish_while_down({"update", "590001234", "u1", "--available", "30"}).exit_code, 4);
  ASSERT_EQ(publish_while_down({"update", "590001234", "u1", "--available", "2", "--occupied", "3"}).exit_code, 4);
  broker_.start();

  auto flushed = publish({"flush"});
  EXPECT_EQ(flushed.exit_code, 1) << flushed.err;
  EXPECT_TRUE(contains(flushed.err, "refusée par le broker : 590001234, unité u1 : 30 disponibles")) << flushed.err;
  EXPECT_TRUE(contains(flushed.err, "mise de côté dans")) << flushed.err;
  EXPECT_EQ(unit_counts().available, 2) << "the refusal does not block the updates behind it";

  auto listed = publish({"outbox"});
  EXPECT_TRUE(contains(listed.out, "vide")) << listed.out;
  EXPECT_TRUE(contains(listed.out, "1 mise de côté après un refus du broker")) << listed.out;
  EXPECT_EQ(publish({"flush"}).exit_code, 0) << "never retried";
}

TEST_F(PublishOutboxTest, ARefusedNewUpdateIsReportedAtOnceAndNotKept) {
  auto refused = publish({"update", "590001234", "u1", "--available", "30"});
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_TRUE(contains(refused.err, "disponibles (30)")) << refused.err;
  auto listed = publish({"outbox"});
  EXPECT_TRUE(contains(listed.out, "vide")) << listed.out;
  EXPECT_FALSE(contains(listed.out, "mise de côté")) << listed.out;
}

TEST_F(PublishOutboxTest, WithoutAUsableOutboxNothingIsKeptAndTheExitIsThree) {
  const auto not_a_directory = dir_ / "file";
  std::ofstream(not_a_directory) << "x";
  ASSERT_EQ(broker_.stop(), 0);
  auto result = run_command({publish_binary(), "--broker", broker_.api(), "--timeout", "0.2", "--outbox",
                             not_a_directory.string(), "update", "590001234", "u1", "--available", "1"});
  EXPECT_EQ(result.exit_code, 3) << result.err;
  EXPECT_TRUE(contains(result.err, "rien ne sera gardé")) << result.err;
  EXPECT_TRUE(contains(result.err, "broker injoignable")) << result.err;
}

TEST_F(PublishOutboxTest, TheClientIdIsStableAcrossRuns) {
  ASSERT_EQ(publish({"confirm", "590001234"}).exit_code, 0);
  std::ifstream first(outbox_ / "client-id");
  std::string id;
  std::getline(first, id);
  EXPECT_TRUE(id.starts_with("dispo-publish@")) << id;
  ASSERT_EQ(publish({"update", "590001234", "u1", "--available", "1"}).exit_code, 0);
  const auto counts = unit_counts();
  EXPECT_EQ(counts.confirmed_by, id) << "updates are signed with the outbox's own id";
}

TEST(PublishOutboxHelpTest, HelpDocumentsTheExitCodesAndTheOutbox) {
  auto result = run_command({publish_binary(), "--help"});
  EXPECT_EQ(result.exit_code, 0);
  for (const char* words : {"--outbox", "DISPO_OUTBOX", "4 broker injoignable, mise à jour gardée", "flush", "outbox"}) {
    EXPECT_TRUE(contains(result.out, words)) << words << "\n" << result.out;
  }
}

}  // namespace
}  // namespace dispo::testing
