// The FacilityState table of a facility record, as sent in snapshots, facility replies and
// FacilityRegistered events. Pure; thread-safe while the record is not modified.
#pragma once

#include <vector>

#include "availability_index.h"

namespace dispo::broker {

flatbuffers::Offset<wire::FacilityState> pack_facility_state(flatbuffers::FlatBufferBuilder& builder,
                                                             const FacilityRecord& record,
                                                             std::int64_t stale_after_ms,
                                                             const std::vector<const wire::HoldT*>& holds = {});

}  // namespace dispo::broker
