// TmpfsMount: a size-limited tmpfs mounted on a directory for the life of the object, so that a
// test can fill a broker's disk for real. Needs CAP_SYS_ADMIN (root in CI); when mounting is not
// permitted, mounted() is false and error() says why, for a GTEST_SKIP.
#pragma once

#include <cstddef>
#include <filesystem>
#include <string>

namespace dispo::testing {

class TmpfsMount {
 public:
  TmpfsMount(std::filesystem::path mount_point, std::size_t size_bytes);
  ~TmpfsMount();  // lazily unmounts (MNT_DETACH), so a leftover open file never blocks teardown
  TmpfsMount(const TmpfsMount&) = delete;
  TmpfsMount& operator=(const TmpfsMount&) = delete;

  bool mounted() const { return mounted_; }
  const std::string& error() const { return error_; }
  const std::filesystem::path& path() const { return mount_point_; }

  // Writes `path` in 1 MiB chunks until the file system is full; returns the bytes written.
  static std::size_t fill(const std::filesystem::path& path);

 private:
  std::filesystem::path mount_point_;
  bool mounted_ = false;
  std::string error_;
};

}  // namespace dispo::testing
