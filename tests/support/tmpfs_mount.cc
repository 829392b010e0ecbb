#include "tmpfs_mount.h"

#include <fcntl.h>
#include <sys/mount.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

namespace dispo::testing {

TmpfsMount::TmpfsMount(std::filesystem::path mount_point, std::size_t size_bytes)
    : mount_point_(std::move(mount_point)) {
  std::filesystem::create_directories(mount_point_);
  const std::string options = "size=" + std::to_string(size_bytes) + ",mode=0700";
  if (::mount("tmpfs", mount_point_.c_str(), "tmpfs", MS_NOSUID | MS_NODEV, options.c_str()) != 0) {
    error_ = "cannot mount a tmpfs on " + mount_point_.string() + ": " + std::strerror(errno) +
             " (needs root / CAP_SYS_ADMIN)";
    return;
  }
  mounted_ = true;
}

TmpfsMount::~TmpfsMount() {
  if (mounted_) ::umount2(mount_point_.c_str(), MNT_DETACH);
}

std::size_t TmpfsMount::fill(const std::filesystem::path& path) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
  if (fd < 0) return 0;
  std::vector<char> chunk(1u << 20, 'x');
  std::size_t written = 0;
  for (std::size_t size = chunk.size(); size > 0;) {
    const ssize_t n = ::write(fd, chunk.data(), size);
    if (n > 0) {
      written += static_cast<std::size_t>(n);
    } else if (size > 4096) {
      size /= 2;  // the last pages of the file system
    } else {
      break;
    }
  }
  ::close(fd);
  return written;
}

}  // namespace dispo::testing
