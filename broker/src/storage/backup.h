// Backup: a consistent copy of the running broker's RocksDB (a checkpoint: SST files hard-linked
// when on the same file system, the rest copied), for ops/backup. The event loop calls it between
// commits, so the copy holds exactly what was committed up to `committed_sequence`.
// Pure function of its arguments apart from the files it writes; event loop thread only.
#pragma once

#include <cstdint>
#include <string>

#include "store.h"

namespace dispo::broker {

// Checks the request (absolute path, not existing yet, parent existing, asked from this machine)
// and writes the checkpoint. Returns the encoded Reply: ok with `committed_sequence`, or a French
// refusal (invalid for a bad target or a remote peer, storage_error if RocksDB fails).
std::string answer_backup(const Store& store, std::uint64_t committed_sequence,
                          const wire::Request& request, bool from_loopback);

}  // namespace dispo::broker
