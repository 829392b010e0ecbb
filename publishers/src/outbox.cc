#include "dispo/publishers/outbox.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <thread>

#include "dispo/schemas/wire.h"

namespace dispo::publishers {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

constexpr std::uint32_t kMagic = 0x58424f44;  // "DOBX"
constexpr std::size_t kHeaderBytes = 4 + 4 + 4 + 8;
constexpr std::uint64_t kCompactAfterBytes = 64 * 1024;
constexpr const char* kQueuePrefix = "queue.";

constexpr std::array<std::uint32_t, 256> crc_table() {
  std::array<std::uint32_t, 256> table{};
  for (std::uint32_t n = 0; n < 256; ++n) {
    std::uint32_t c = n;
    for (int k = 0; k < 8; ++k) c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
    table[n] = c;
  }
  return table;
}

std::uint32_t crc32(std::string_view bytes, std::uint32_t crc = 0) {
  static constexpr auto kTable = crc_table();
  crc = ~crc;
  for (unsigned char byte : bytes) crc = kTable[(crc ^ byte) & 0xFF] ^ (crc >> 8);
  return ~crc;
}

template <typename T>
void put(std::string& out, T value) {
  out.append(reinterpret_cast<const char*>(&value), sizeof value);
}

template <typename T>
T get(const char* at) {
  T value;
  std::memcpy(&value, at, sizeof value);
  return value;
}

Error storage(const std::string& what, int error = errno) {
  return make_error(wire::Status::storage_error, what + " (" + std::strerror(error) + ")");
}

Result<void> write_all(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t written = ::write(fd, bytes.data(), bytes.size());
    if (written < 0) {
      if (errno == EINTR) continue;
      return storage("écriture impossible");
    }
    bytes.remove_prefix(static_cast<std::size_t>(written));
  }
  return {};
}

Result<void> sync_directory(const fs::path& directory) {
  const int fd = ::open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return storage("dossier " + directory.string() + " illisible");
  const int synced = ::fsync(fd);
  const int error = errno;
  ::close(fd);
  if (synced != 0) return storage("synchronisation du dossier " + directory.string() + " impossible", error);
  return {};
}

// Writes `path` whole or not at all: a temporary file, fsync'ed if `durable`, renamed over it.
Result<void> replace_file(const fs::path& path, std::string_view text, bool durable) {
  const fs::path temporary = path.string() + ".tmp";
  const int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return storage("impossible d'écrire " + temporary.string());
  auto written = write_all(fd, text);
  if (written && durable && ::fsync(fd) != 0) written = storage("impossible de synchroniser " + temporary.string());
  ::close(fd);
  if (!written) return written;
  if (::rename(temporary.c_str(), path.c_str()) != 0) return storage("impossible de renommer " + temporary.string());
  if (durable) return sync_directory(path.parent_path());
  return {};
}

std::optional<std::string> read_text(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::optional<std::uint64_t> request_id_of(std::string_view request) {
  auto message = wire::decode(request.data(), request.size());
  if (!message) return std::nullopt;
  const auto* body = (*message)->body_as_Request();
  if (body == nullptr) return std::nullopt;
  return body->request_id();
}

std::string frame(std::int64_t kept_at_ms, std::string_view request) {
  std::string kept_at;
  put(kept_at, kept_at_ms);
  std::string out;
  out.reserve(kHeaderBytes + request.size());
  put(out, kMagic);
  put(out, static_cast<std::uint32_t>(request.size()));
  put(out, crc32(request, crc32(kept_at)));
  out += kept_at;
  out += request;
  return out;
}

std::uint64_t clock_request_id() {
  const auto now = std::chrono::system_clock::now().time_since_epoch();
  return static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::microseconds>(now).count());
}

// Takes the lock, waiting up to `wait`; the pid of whoever holds it goes in the file.
Result<int> lock(const fs::path& directory, std::chrono::milliseconds wait) {
  const fs::path path = directory / "lock";
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) return storage("file d'attente " + directory.string() + " inaccessible");
  const auto deadline = Clock::now() + wait;
  while (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    if (errno != EWOULDBLOCK && errno != EINTR) {
      auto error = storage("verrouillage de " + path.string() + " impossible");
      ::close(fd);
      return error;
    }
    if (Clock::now() >= deadline) {
      ::close(fd);
      const auto holder = read_text(path).value_or("?");
      return make_error(wire::Status::unavailable,
                        "file d'attente locale " + directory.string() + " utilisée par un autre processus (pid " +
                            holder.substr(0, holder.find('\n')) + ")");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));  // another publisher holds it briefly
  }
  const std::string pid = std::to_string(::getpid()) + "\n";
  if (::ftruncate(fd, 0) == 0) (void)::pwrite(fd, pid.data(), pid.size(), 0);  // informative only
  return fd;
}

}  // namespace

Result<Outbox> Outbox::open(const fs::path& directory, const std::string& fresh_client_id,
                            std::chrono::milliseconds lock_wait) {
  std::error_code error;
  fs::create_directories(directory / "rejected", error);
  if (error) {
    return make_error(wire::Status::storage_error,
                      "impossible de créer la file d'attente locale " + directory.string() + " (" + error.message() + ")");
  }
  auto locked = lock(directory, lock_wait);
  if (!locked) return locked.error();
  Outbox outbox;
  outbox.directory_ = directory;
  outbox.lock_fd_ = *locked;

  const fs::path client_id_path = directory / "client-id";
  auto stored = read_text(client_id_path);
  while (stored && !stored->empty() && (stored->back() == '\n' || stored->back() == '\r')) stored->pop_back();
  if (stored && !stored->empty()) {
    outbox.client_id_ = *stored;
  } else {
    if (auto written = replace_file(client_id_path, fresh_client_id + "\n", true); !written) return written.error();
    outbox.client_id_ = fresh_client_id;
  }
  if (auto loaded = outbox.load(); !loaded) return loaded.error();
  return outbox;
}

Outbox::Outbox(Outbox&& other) noexcept { *this = std::move(other); }

Outbox& Outbox::operator=(Outbox&& other) noexcept {
  if (this == &other) return *this;
  close();
  directory_ = std::move(other.directory_);
  client_id_ = std::move(other.client_id_);
  lock_fd_ = std::exchange(other.lock_fd_, -1);
  queue_fd_ = std::exchange(other.queue_fd_, -1);
  generation_ = other.generation_;
  settled_offset_ = other.settled_offset_;
  end_offset_ = other.end_offset_;
  highest_request_id_ = other.highest_request_id_;
  recovered_bytes_ = other.recovered_bytes_;
  entries_ = std::move(other.entries_);
  entry_sizes_ = std::move(other.entry_sizes_);
  return *this;
}

Outbox::~Outbox() { close(); }

void Outbox::close() {
  if (queue_fd_ >= 0) ::close(std::exchange(queue_fd_, -1));
  if (lock_fd_ >= 0) ::close(std::exchange(lock_fd_, -1));  // releases the flock
}

fs::path Outbox::queue_path(std::uint64_t generation) const {
  return directory_ / (kQueuePrefix + std::to_string(generation));
}

Result<void> Outbox::load() {
  if (auto cursor = read_text(directory_ / "cursor")) {
    std::istringstream in(*cursor);
    std::uint64_t generation = 0, offset = 0, highest = 0;
    if (in >> generation >> offset >> highest && generation > 0) {
      generation_ = generation;
      settled_offset_ = offset;
      highest_request_id_ = highest;
    }
  }
  std::error_code ignored;  // leftovers of an interrupted compaction: the cursor names the live queue
  for (const auto& file : fs::directory_iterator(directory_, ignored)) {
    const std::string name = file.path().filename().string();
    if (name.starts_with(kQueuePrefix) && file.path() != queue_path(generation_)) fs::remove(file.path(), ignored);
  }

  const fs::path path = queue_path(generation_);
  const bool existed = fs::exists(path);
  queue_fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  if (queue_fd_ < 0) return storage("impossible d'ouvrir " + path.string());
  if (!existed) {
    if (auto synced = sync_directory(directory_); !synced) return synced;
  }
  const std::string bytes = read_text(path).value_or("");
  settled_offset_ = std::min<std::uint64_t>(settled_offset_, bytes.size());
  std::size_t at = settled_offset_;
  while (at + kHeaderBytes <= bytes.size()) {
    const char* header = bytes.data() + at;
    const auto length = get<std::uint32_t>(header + 4);
    if (get<std::uint32_t>(header) != kMagic || length > wire::kDefaultMaxMessageBytes ||
        at + kHeaderBytes + length > bytes.size()) {
      break;
    }
    const std::string_view kept_at(header + 12, 8);
    const std::string_view request(header + kHeaderBytes, length);
    const auto request_id = request_id_of(request);
    if (get<std::uint32_t>(header + 8) != crc32(request, crc32(kept_at)) || !request_id) break;
    entries_.push_back(Entry{*request_id, get<std::int64_t>(header + 12), std::string(request)});
    entry_sizes_.push_back(kHeaderBytes + length);
    highest_request_id_ = std::max(highest_request_id_, *request_id);
    at += kHeaderBytes + length;
  }
  end_offset_ = at;
  if (at < bytes.size()) {  // a torn last entry: cut it off so that appends follow whole entries
    recovered_bytes_ = bytes.size() - at;
    if (::ftruncate(queue_fd_, static_cast<off_t>(at)) != 0 || ::fsync(queue_fd_) != 0) {
      return storage("impossible de réparer " + path.string());
    }
  }
  return {};
}

std::uint64_t Outbox::next_request_id() {
  highest_request_id_ = std::max(highest_request_id_ + 1, clock_request_id());
  return highest_request_id_;
}

Result<void> Outbox::append(std::span<const std::string> requests) {
  const std::int64_t now = wire::now_ms();
  std::string bytes;
  std::vector<std::uint64_t> ids;
  for (const auto& request : requests) {
    const auto request_id = request_id_of(request);
    if (!request_id) return make_error(wire::Status::invalid, "requête illisible : rien n'a été gardé");
    ids.push_back(*request_id);
    bytes += frame(now, request);
  }
  auto written = write_all(queue_fd_, bytes);
  if (written && ::fdatasync(queue_fd_) != 0) written = storage("impossible de synchroniser la file d'attente");
  if (!written) {
    (void)::ftruncate(queue_fd_, static_cast<off_t>(end_offset_));  // best effort: open() cuts it off anyway
    return written;
  }
  for (std::size_t i = 0; i < requests.size(); ++i) {
    entries_.push_back(Entry{ids[i], now, requests[i]});
    entry_sizes_.push_back(kHeaderBytes + requests[i].size());
    highest_request_id_ = std::max(highest_request_id_, ids[i]);
  }
  end_offset_ += bytes.size();
  return {};
}

Result<void> Outbox::settle(std::size_t count) {
  count = std::min(count, entries_.size());
  if (count == 0) return {};
  for (std::size_t i = 0; i < count; ++i) {
    settled_offset_ += entry_sizes_.front();
    entry_sizes_.pop_front();
    entries_.pop_front();
  }
  if (settled_offset_ >= kCompactAfterBytes) return compact();
  return write_cursor(false);
}

Result<void> Outbox::write_cursor(bool durable) {
  const std::string text = std::to_string(generation_) + " " + std::to_string(settled_offset_) + " " +
                           std::to_string(highest_request_id_) + "\n";
  return replace_file(directory_ / "cursor", text, durable);
}

// Copies the unsettled entries into the next generation, switches the cursor to it (durably),
// then removes the old queue. A crash at any point leaves the cursor naming a whole queue.
Result<void> Outbox::compact() {
  const std::uint64_t next = generation_ + 1;
  const fs::path path = queue_path(next);
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0600);
  if (fd < 0) return storage("impossible de créer " + path.string());
  std::string bytes(end_offset_ - settled_offset_, '\0');
  std::size_t read = 0;
  while (read < bytes.size()) {
    const ssize_t n = ::pread(queue_fd_, bytes.data() + read, bytes.size() - read, static_cast<off_t>(settled_offset_ + read));
    if (n <= 0) {
      ::close(fd);
      return storage("relecture de la file d'attente impossible");
    }
    read += static_cast<std::size_t>(n);
  }
  auto written = write_all(fd, bytes);
  if (written && ::fdatasync(fd) != 0) written = storage("impossible de synchroniser " + path.string());
  if (!written) {
    ::close(fd);
    return written;
  }
  const fs::path old = queue_path(generation_);
  const std::uint64_t old_generation = generation_;
  generation_ = next;
  const std::uint64_t old_settled = std::exchange(settled_offset_, 0);
  if (auto switched = write_cursor(true); !switched) {
    generation_ = old_generation;
    settled_offset_ = old_settled;
    ::close(fd);
    return switched;
  }
  ::close(std::exchange(queue_fd_, fd));
  end_offset_ = bytes.size();
  std::error_code ignored;  // a leftover old queue is removed by the next open()
  fs::remove(old, ignored);
  return {};
}

Result<fs::path> Outbox::reject_front(std::string_view reason) {
  if (entries_.empty()) return make_error(wire::Status::invalid, "file d'attente vide");
  const Entry& entry = entries_.front();
  const fs::path kept = rejected_directory() / (std::to_string(entry.request_id) + ".req");
  if (auto written = replace_file(kept, entry.request, true); !written) return written.error();
  const fs::path why = rejected_directory() / (std::to_string(entry.request_id) + ".txt");
  if (auto written = replace_file(why, std::string(reason) + "\n", true); !written) return written.error();
  if (auto settled = settle(1); !settled) return settled.error();
  return kept;
}

std::size_t Outbox::rejected_count() const {
  std::size_t count = 0;
  std::error_code ignored;
  for (const auto& file : fs::directory_iterator(rejected_directory(), ignored)) {
    if (file.path().extension() == ".req") ++count;
  }
  return count;
}

fs::path default_outbox_directory(std::string_view name) {
  const char* state = std::getenv("XDG_STATE_HOME");
  if (state != nullptr && state[0] == '/') return fs::path(state) / "dispo" / name;
  const char* home = std::getenv("HOME");
  if (home != nullptr && home[0] != '\0') return fs::path(home) / ".local" / "state" / "dispo" / name;
  return fs::path(".dispo-" + std::string(name));
}

}  // namespace dispo::publishers
