// Offline reads of a stopped broker's data directory (or a backup): broker.h's last_sequence_of
// and for_each_event_in.
#include "dispo/broker/broker.h"
#include "storage/store.h"

namespace dispo::broker {

Result<std::uint64_t> last_sequence_of(const std::filesystem::path& data_dir) {
  return Store::last_sequence_in(data_dir);
}

Result<void> for_each_event_in(const std::filesystem::path& data_dir, std::uint64_t from,
                               const std::function<bool(std::uint64_t sequence, std::string_view event)>& visit) {
  // Refuses a directory without a dispo database rather than create one.
  if (auto last = Store::last_sequence_in(data_dir); !last) return last.error();
  auto store = Store::open(data_dir);
  if (!store) return store.error();
  return (*store)->for_each_event(from, visit);
}

}  // namespace dispo::broker
