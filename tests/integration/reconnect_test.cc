// Issue #4 "Faults": clients reconnect by themselves. After the broker is stopped and started
// again on the same ports and data, the same Session's next call succeeds (Lazy Pirate) and the
// same Board re-synchronises and shows updates made after the restart.
#include <gtest/gtest.h>

#include "board_helpers.h"
#include "broker_process.h"
#include "dispo/clients/board.h"
#include "dispo/clients/session.h"
#include "temp_dir.h"
#include "wire_helpers.h"

namespace dispo::testing {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

const std::string kFacility = "590000310";

// Stops the broker cleanly and starts it again on the same endpoints and data.
void restart(BrokerProcess& broker) {
  const std::string api = broker.api(), feed = broker.feed();
  ASSERT_EQ(broker.stop(), 0) << broker.log();
  ASSERT_FALSE(broker.running());
  broker.start();
  // start() moves to fresh ports if another process took them meanwhile: then nothing here can
  // reconnect, and the test would say nothing about reconnection.
  ASSERT_EQ(broker.api(), api);
  ASSERT_EQ(broker.feed(), feed);
}

TEST(ReconnectTest, SessionCallSucceedsAfterABrokerRestartWithoutANewSession) {
  TempDir dir;
  BrokerProcess broker(dir / "data");
  broker.start();
  zmq::context_t context;
  client::Session session(context, {broker.api(), seconds(2), 3, "reconnecting-session"});
  ASSERT_TRUE(session.call(registration_of(make_facility(kFacility, 2, 10))));

  restart(broker);
  auto updated = session.call(update_of(kFacility, "u1", 3));
  ASSERT_TRUE(updated) << updated.error().message;
  auto [sequence, state] = broker_state(session);
  EXPECT_EQ(sequence, 2u);
  EXPECT_NE(state.at(kFacility).find("\"available\": 3"), std::string::npos) << state.at(kFacility);
}

TEST(ReconnectTest, BoardResynchronisesByItselfAfterABrokerRestart) {
  TempDir dir;
  BrokerProcess broker(dir / "data");
  broker.start();
  zmq::context_t context;
  client::Session admin(context, {broker.api(), seconds(2), 3, "admin"});
  ASSERT_TRUE(admin.call(registration_of(make_facility(kFacility, 2, 10))));
  client::Board board(context, {broker.api(), broker.feed(), "", seconds(1)});
  ASSERT_TRUE(board.start());
  ASSERT_TRUE(admin.call(update_of(kFacility, "u1", 1)));
  auto [before, _] = broker_state(admin);
  ASSERT_TRUE(catch_up(board, before, seconds(10)));

  restart(broker);
  for (int available : {4, 5, 6}) ASSERT_TRUE(admin.call(update_of(kFacility, "u2", available)));
  auto [sequence, expected] = broker_state(admin);
  ASSERT_TRUE(catch_up(board, sequence, seconds(20)))
      << "board at " << board.sequence() << ", broker at " << sequence;
  EXPECT_EQ(board_state(board), expected);
  EXPECT_EQ(board.facilities().at(kFacility).units.at(1)->availability->available, 6);
}

}  // namespace
}  // namespace dispo::testing
