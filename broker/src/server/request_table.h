// The request table (issue #12): every member of wire::RequestBody has exactly one entry here,
// saying how it is handled (a read answered from memory, a write staged in the batch, a report
// answered by the log reader off the event loop, or the backup), which authorisation rule guards
// it, whether the web gateway may send it as itself, and its handler. The dispatcher reads
// nothing else: a type without an entry is refused, and `authorise` fails closed. Adding a union
// member without its entry fails to build (static_assert in request_table.cc); that each entry
// has its handler is checked by RequestTableTest.
// Pure data and functions; thread-safe.
#pragma once

#include <cstdint>
#include <string>

#include "access/authorisation.h"
#include "state/broker_state.h"
#include "writes/changes.h"
#include "storage/log_read.h"
#include "storage/store.h"

namespace dispo::broker {

enum class Handling : std::uint8_t {
  read,    // answered at once from the in-memory state; never staged
  write,   // applied to the state and staged in the batch; acknowledged after its commit
  report,  // a read of the event log, answered by the log reader (log_read.h)
  backup,  // the broker's own handler (a RocksDB checkpoint); never staged
  cluster, // the cluster's own handler (its status, a membership change); never staged
};

// What a handler gets: the request, who asks (context) and where the data is.
struct HandlerInput {
  BrokerState& state;
  const Store& store;
  const wire::Request& request;
  const RequestContext& context;
};

using ReadHandler = std::string (*)(const HandlerInput&);
using WriteHandler = Result<Applied> (*)(const HandlerInput&, PendingCommit&);
using ReportHandler = Answer (*)(const HandlerInput&);

struct RequestEntry {
  wire::RequestBody type = wire::RequestBody::NONE;
  Handling handling = Handling::read;
  AuthorisationRule authorise = nullptr;
  bool gateway_itself = false;  // the gateway principal may send it as itself (not on behalf of)
  ReadHandler read = nullptr;       // Handling::read
  WriteHandler write = nullptr;     // Handling::write
  ReportHandler report = nullptr;   // Handling::report
};

// The entry of `type`; nullptr for NONE and for any value the broker does not know.
const RequestEntry* request_entry(wire::RequestBody type);

// May `who` send `request`? Revoked keys are refused; the gateway as itself only what its entry
// allows; everyone else by the entry's rule; a type without an entry is refused (fail closed).
Result<void> authorise(const wire::PrincipalT& who, const wire::Request& request, const AvailabilityIndex& index,
                       const Workflow& workflow);

}  // namespace dispo::broker
