// GroupCommit over a real store in a temporary directory: a batch's replies leave only once its
// writes are durable, and a commit failure injected into a batch holding an update, a search and a
// backup refuses the update, answers the search again from the state reloaded from the store, and
// lets the backup stand (its checkpoint was written).
#include "server/group_commit.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <map>

#include <rocksdb/write_batch.h>

#include "hostile_text.h"
#include "model/replies.h"
#include "storage/backup.h"
#include "temp_dir.h"

namespace dispo::broker {
namespace {

class GroupCommitTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = Store::open(dir / "data");
    ASSERT_TRUE(opened) << opened.error().message;
    store = std::move(*opened);
    replies = std::make_unique<ReplyCache>(*store);
    dispatcher = std::make_unique<Dispatcher>(state, *replies, *store, 1u << 20);
    storage = std::make_unique<StorageGuard>(dir / "data", 0, std::chrono::milliseconds(1000));
    log_reader = std::make_unique<LogReader>(*store);
    batch = std::make_unique<GroupCommit>(
        GroupCommit::Parts{state, *store, *replies, *dispatcher, *storage, *log_reader, nullptr, false},
        [this](Store::Batch& staged) -> Result<GroupCommit::Ticket> {
          ++commits;
          if (fail_next_commit) {
            fail_next_commit = false;
            return make_error(wire::Status::storage_error, "panne injectée par le test");
          }
          if (propose) {  // as a cluster's leader: the batch goes, its commit is decided later
            proposed.emplace_back(++last_ticket, staged.data());
            staged.clear();
            return last_ticket;
          }
          if (auto committed = store->commit(staged); !committed) return committed.error();
          return GroupCommit::Ticket{0};
        });
    ASSERT_TRUE(batch->load());
    dispatcher->set_backup_handler([this](const wire::Request& request, const RequestOrigin& origin) {
      return answer_backup(*store, batch->committed_sequence(), request, origin.from_loopback);
    });

    wire::RegistrationT registration;
    registration.facilities.push_back(std::make_unique<wire::FacilityT>(testing::plain_facility()));
    wire::RequestBodyUnion body;
    body.Set(std::move(registration));
    batch->begin(wire::now_ms());
    batch->answer(request("register", std::move(body)));
    const auto closed = batch->close();
    ASSERT_EQ(closed.replies.size(), 1u);
    ASSERT_EQ(status_of(closed.replies[0]), wire::Status::ok);
    registered_sequence = batch->committed_sequence();
    ASSERT_GT(registered_sequence, 0u);
  }

  // A request admitted from the peer named `route` (also its routing id).
  AdmittedRequest request(const std::string& route, wire::RequestBodyUnion body) {
    wire::RequestT request;
    request.request_id = ++request_id;
    request.client_id = "group-commit-test";
    request.body = std::move(body);
    const std::string bytes = wire::pack(request);
    AdmittedRequest admitted;
    admitted.routing_id = zmq::message_t(route.data(), route.size());
    admitted.payload = zmq::message_t(bytes.data(), bytes.size());
    admitted.peer = route;
    return admitted;
  }

  AdmittedRequest update(int available, const std::string& facility_id = "590000001") {
    wire::AvailabilityUpdateT update;
    update.facility_id = facility_id;
    update.unit_id = "u1";
    update.available = static_cast<std::uint16_t>(available);
    wire::RequestBodyUnion body;
    body.Set(std::move(update));
    return request("update", std::move(body));
  }

  AdmittedRequest search() {
    wire::RequestBodyUnion body;
    body.Set(wire::SearchQueryT{});
    return request("search", std::move(body));
  }

  AdmittedRequest backup() {
    wire::BackupRequestT backup;
    backup.directory = (dir / "backup").string();
    wire::RequestBodyUnion body;
    body.Set(std::move(backup));
    return request("backup", std::move(body));
  }

  static wire::Status status_of(const Reply& reply) {
    auto message = wire::decode(reply.bytes.data(), reply.bytes.size());
    return message ? (*message)->body_as_Reply()->status() : wire::Status::malformed;
  }

  static std::size_t matches_of(const Reply& reply) {
    auto message = wire::decode(reply.bytes.data(), reply.bytes.size());
    const auto* result = message ? (*message)->body_as_Reply()->body_as_SearchResult() : nullptr;
    return result && result->matches() ? result->matches()->size() : 0;
  }

  // The batch's replies by route.
  static std::map<std::string, Reply> by_route(GroupCommit::Closed& closed) {
    std::map<std::string, Reply> replies;
    for (auto& reply : closed.replies) replies[reply.routing_id.to_string()] = std::move(reply);
    return replies;
  }

  testing::TempDir dir;
  BrokerState state;
  std::unique_ptr<Store> store;
  std::unique_ptr<ReplyCache> replies;
  std::unique_ptr<Dispatcher> dispatcher;
  std::unique_ptr<StorageGuard> storage;
  std::unique_ptr<LogReader> log_reader;
  std::unique_ptr<GroupCommit> batch;
  std::uint64_t request_id = 0;
  std::uint64_t registered_sequence = 0;
  int commits = 0;
  bool fail_next_commit = false;
  // Commits that only propose: the batches handed over, by ticket, until the test decides them.
  bool propose = false;
  GroupCommit::Ticket last_ticket = 0;
  std::vector<std::pair<GroupCommit::Ticket, std::string>> proposed;
  std::uint64_t raft_index = 0;

  // The proposal `ticket` is committed: written to the store as every member would, then settled.
  GroupCommit::Closed commit_proposed(GroupCommit::Ticket ticket) {
    for (const auto& [number, data] : proposed) {
      if (number == ticket) {
        auto written = store->apply_replicated(data, ++raft_index);
        EXPECT_TRUE(written) << written.error().message;
      }
    }
    return batch->settle(ticket, {});
  }
};

TEST_F(GroupCommitTest, ASearchInTheBatchSeesItsUpdateOnceCommitted) {
  batch->begin(wire::now_ms());
  batch->answer(update(3));
  batch->answer(search());
  const int before = commits;
  auto closed = batch->close();
  EXPECT_EQ(commits, before + 1) << "one commit for the batch";
  auto replies = by_route(closed);
  ASSERT_EQ(replies.size(), 2u);
  EXPECT_EQ(status_of(replies["update"]), wire::Status::ok);
  EXPECT_EQ(matches_of(replies["search"]), 1u) << "the search sees the update staged before it";
  EXPECT_GT(batch->committed_sequence(), registered_sequence);
  EXPECT_FALSE(closed.publications.empty()) << "the update's event is published once durable";
}

TEST_F(GroupCommitTest, AFailedCommitRefusesTheUpdateAnswersTheSearchAgainAndTheBackupStands) {
  batch->begin(wire::now_ms());
  batch->answer(update(3));
  batch->answer(search());
  batch->answer(backup());
  fail_next_commit = true;
  auto closed = batch->close();

  auto replies = by_route(closed);
  ASSERT_EQ(replies.size(), 3u);
  EXPECT_EQ(status_of(replies["update"]), wire::Status::storage_error) << "the write was never durable";
  EXPECT_EQ(status_of(replies["search"]), wire::Status::ok);
  EXPECT_EQ(matches_of(replies["search"]), 0u)
      << "answered again from the store: the place the failed update opened does not exist";
  EXPECT_EQ(status_of(replies["backup"]), wire::Status::ok) << "the checkpoint was written: not a storage error";
  EXPECT_TRUE(std::filesystem::exists(dir / "backup"));
  EXPECT_TRUE(closed.publications.empty()) << "nothing of a failed commit is published";
  EXPECT_EQ(batch->committed_sequence(), registered_sequence);
  EXPECT_EQ(state.sequence, registered_sequence) << "the state is reloaded from the store";
  EXPECT_TRUE(storage->degraded()) << "writes are refused until the store resumes";

  // The next write is refused before anything is applied; a read is answered.
  batch->begin(wire::now_ms());
  batch->answer(update(4));
  batch->answer(search());
  closed = batch->close();
  replies = by_route(closed);
  EXPECT_EQ(status_of(replies["update"]), wire::Status::storage_error);
  EXPECT_EQ(matches_of(replies["search"]), 0u);
  EXPECT_EQ(batch->committed_sequence(), registered_sequence);
}

// The feed's chain of each territory (FeedEvent.previous) is bookkept once per batch, not once
// per event: a batch of ten updates interleaved over two départements writes each territory's
// last sequence once, and the store then holds what the state does, so the first event after a
// reload links to the last one before it.
TEST_F(GroupCommitTest, ABatchWritesEachTerritorysLastSequenceOnceAndAReloadKeepsTheChain) {
  wire::FacilityT pas_de_calais = testing::plain_facility("620000001");
  pas_de_calais.departement = "62";
  wire::RegistrationT registration;
  registration.facilities.push_back(std::make_unique<wire::FacilityT>(std::move(pas_de_calais)));
  wire::RequestBodyUnion body;
  body.Set(std::move(registration));
  batch->begin(wire::now_ms());
  batch->answer(request("register-62", std::move(body)));
  ASSERT_EQ(status_of(batch->close().replies.at(0)), wire::Status::ok);

  propose = true;
  batch->begin(wire::now_ms());
  for (int i = 0; i < 10; ++i) {
    auto admitted = update(i + 1, i % 2 == 0 ? "590000001" : "620000001");
    const std::string route = "update-" + std::to_string(i);
    admitted.routing_id = zmq::message_t(route.data(), route.size());
    batch->answer(std::move(admitted));
  }
  EXPECT_TRUE(batch->close().replies.empty());
  ASSERT_EQ(proposed.size(), 1u);

  struct TerritoryPuts : rocksdb::WriteBatch::Handler {
    std::map<std::string, int> puts;
    rocksdb::Status PutCF(std::uint32_t, const rocksdb::Slice& key, const rocksdb::Slice&) override {
      if (key.starts_with("territory/")) ++puts[key.ToString()];
      return rocksdb::Status::OK();
    }
  } counted;
  rocksdb::WriteBatch written(proposed[0].second);
  ASSERT_TRUE(written.Iterate(&counted).ok());
  EXPECT_EQ(counted.puts, (std::map<std::string, int>{{"territory/59", 1}, {"territory/62", 1}}));

  auto closed = commit_proposed(1);
  ASSERT_EQ(closed.replies.size(), 10u);
  for (const auto& reply : closed.replies) EXPECT_EQ(status_of(reply), wire::Status::ok);
  auto stored = store->territory_sequences();
  ASSERT_TRUE(stored) << stored.error().message;
  EXPECT_EQ(stored->at("59"), state.sequence - 1) << "the 59's last event is the batch's last but one";
  EXPECT_EQ(stored->at("62"), state.sequence);
  const std::uint64_t last_of_59 = stored->at("59");

  ASSERT_TRUE(batch->load()) << "the state reloaded from the store";
  propose = false;
  batch->begin(wire::now_ms());
  batch->answer(update(0));
  closed = batch->close();
  ASSERT_EQ(closed.publications.size(), 1u);
  auto message = wire::decode(closed.publications[0].bytes.data(), closed.publications[0].bytes.size());
  ASSERT_TRUE(message);
  const auto* event = (*message)->body_as_FeedEvent();
  ASSERT_NE(event, nullptr);
  EXPECT_EQ(event->previous(), last_of_59) << "the 59's chain goes on from its last event before the reload";
}

// A cluster's leader proposes a batch and goes on with the next: each batch's replies wait for its
// commit, and a batch of reads closed meanwhile waits too (its search shows the update in flight).
TEST_F(GroupCommitTest, BatchesInFlightAreReleasedInOrderOnlyOnceTheirCommitIsDecided) {
  propose = true;
  batch->begin(wire::now_ms());
  batch->answer(update(3));
  auto closed = batch->close();
  EXPECT_TRUE(closed.replies.empty()) << "the update is not acknowledged before its commit";
  EXPECT_TRUE(closed.publications.empty());
  EXPECT_EQ(batch->committed_sequence(), registered_sequence);

  batch->begin(wire::now_ms());
  batch->answer(search());
  closed = batch->close();
  EXPECT_TRUE(closed.replies.empty()) << "the search saw the update in flight: it waits for it";
  EXPECT_EQ(batch->in_flight(), 2u);

  closed = commit_proposed(1);
  ASSERT_EQ(closed.replies.size(), 2u) << "both batches, in the order they closed";
  EXPECT_EQ(closed.replies[0].routing_id.to_string(), "update");
  EXPECT_EQ(status_of(closed.replies[0]), wire::Status::ok);
  EXPECT_EQ(matches_of(closed.replies[1]), 1u);
  EXPECT_FALSE(closed.publications.empty());
  EXPECT_GT(batch->committed_sequence(), registered_sequence);
  EXPECT_EQ(batch->in_flight(), 0u);
}

// The first batch in flight is not committed (the leader lost its majority): it and every batch
// after it are rolled back — writes refused, reads answered again from the store, a retry's stored
// reply refused too — and a late answer for a batch rolled back releases nothing.
TEST_F(GroupCommitTest, AFailedCommitInFlightRollsBackEveryBatchAfterIt) {
  propose = true;
  batch->begin(wire::now_ms());
  AdmittedRequest first = update(3);
  const std::string retry(static_cast<const char*>(first.payload.data()), first.payload.size());
  batch->answer(std::move(first));
  EXPECT_TRUE(batch->close().replies.empty());

  batch->begin(wire::now_ms());
  AdmittedRequest second = update(5);
  second.routing_id = zmq::message_t(std::string("second").data(), 6);
  batch->answer(std::move(second));
  batch->answer(search());
  AdmittedRequest again = update(0);  // the first update sent again, same request id
  again.payload = zmq::message_t(retry.data(), retry.size());
  again.routing_id = zmq::message_t(std::string("retry").data(), 5);
  batch->answer(std::move(again));
  EXPECT_TRUE(batch->close().replies.empty());
  ASSERT_EQ(batch->in_flight(), 2u);

  auto closed = batch->settle(1, make_error(wire::Status::not_leader, "plus leader (test)"));
  ASSERT_FALSE(closed.replies.empty());
  EXPECT_EQ(closed.replies[0].routing_id.to_string(), "update") << "the first batch's reply first";
  EXPECT_EQ(status_of(closed.replies[0]), wire::Status::not_leader);
  auto replies = by_route(closed);
  ASSERT_EQ(replies.size(), 4u) << "every request of both batches is answered";
  EXPECT_EQ(status_of(replies["second"]), wire::Status::not_leader);
  EXPECT_EQ(status_of(replies["retry"]), wire::Status::not_leader)
      << "the stored reply of a write that was never committed does not stand";
  EXPECT_EQ(status_of(replies["search"]), wire::Status::ok);
  EXPECT_EQ(matches_of(replies["search"]), 0u) << "answered again from the store: no place was opened";
  EXPECT_TRUE(closed.publications.empty());
  EXPECT_EQ(batch->in_flight(), 0u);
  EXPECT_EQ(state.sequence, registered_sequence) << "the state is reloaded from the store";
  EXPECT_TRUE(batch->settle(2, {}).replies.empty()) << "the second batch was rolled back already";
  EXPECT_FALSE(storage->degraded()) << "the store did not fail";
}

}  // namespace
}  // namespace dispo::broker
