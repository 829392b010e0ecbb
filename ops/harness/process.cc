#include "process.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <optional>
#include <random>
#include <stdexcept>
#include <thread>

extern char** environ;

namespace dispo::testing {
namespace {

std::vector<char*> c_strings(std::vector<std::string>& strings) {
  std::vector<char*> out;
  for (auto& s : strings) out.push_back(s.data());
  out.push_back(nullptr);
  return out;
}

int decode_status(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return -WTERMSIG(status);
  return -1;
}

// Waits for `pid` to exit until `deadline` (poll on a pidfd); returns its status or nullopt.
std::optional<int> wait_until(pid_t pid, std::chrono::steady_clock::time_point deadline) {
  const int pidfd = static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));
  while (true) {
    int status = 0;
    const pid_t done = ::waitpid(pid, &status, WNOHANG);
    if (done == pid || done < 0) {
      if (pidfd >= 0) ::close(pidfd);
      return done == pid ? decode_status(status) : -1;
    }
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      if (pidfd >= 0) ::close(pidfd);
      return std::nullopt;
    }
    pollfd exited{pidfd, POLLIN, 0};
    ::poll(&exited, pidfd >= 0 ? 1 : 0, static_cast<int>(std::min<long>(left.count(), 100)));
  }
}

}  // namespace

Process Process::start(const std::vector<std::string>& argv, const std::string& log_path) {
  std::vector<std::string> args = argv;
  auto c_args = c_strings(args);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  if (!log_path.empty()) {
    posix_spawn_file_actions_addopen(&actions, 1, log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    posix_spawn_file_actions_adddup2(&actions, 1, 2);
  }
  // Nothing of this process beyond stdio goes to the child. A socket inherited stays open as long
  // as the child lives: a test's proxy that closed a connection (RaftLinkProxy::cut) left it open
  // in every broker started meanwhile, and the member at the other end kept writing into it, heard
  // by nobody, for good.
  posix_spawn_file_actions_addclosefrom_np(&actions, 3);
  Process process;
  const int error = ::posix_spawn(&process.pid_, c_args[0], &actions, nullptr, c_args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (error != 0) throw std::runtime_error("cannot start " + argv[0]);
  return process;
}

Process::~Process() {
  if (pid_ > 0) kill9();
}

Process::Process(Process&& other) noexcept : pid_(other.pid_) { other.pid_ = -1; }

Process& Process::operator=(Process&& other) noexcept {
  if (this != &other) {
    if (pid_ > 0) kill9();
    pid_ = other.pid_;
    other.pid_ = -1;
  }
  return *this;
}

bool Process::running() {
  if (pid_ <= 0) return false;
  int status = 0;
  if (::waitpid(pid_, &status, WNOHANG) == pid_) {
    pid_ = -1;
    return false;
  }
  return true;
}

void Process::kill9() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGKILL);
  int status = 0;
  ::waitpid(pid_, &status, 0);
  pid_ = -1;
}

int Process::stop(std::chrono::milliseconds grace) {
  if (pid_ <= 0) return -1;
  ::kill(pid_, SIGTERM);
  auto status = wait_until(pid_, std::chrono::steady_clock::now() + grace);
  if (!status) {
    kill9();
    return -999;
  }
  pid_ = -1;
  return *status;
}

CommandResult run_command(const std::vector<std::string>& argv, std::chrono::milliseconds deadline,
                          const std::vector<std::string>& extra_env) {
  int out_pipe[2], err_pipe[2];
  if (::pipe(out_pipe) != 0 || ::pipe(err_pipe) != 0) throw std::runtime_error("pipe failed");
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, out_pipe[1], 1);
  posix_spawn_file_actions_adddup2(&actions, err_pipe[1], 2);
  posix_spawn_file_actions_addclose(&actions, out_pipe[0]);
  posix_spawn_file_actions_addclose(&actions, err_pipe[0]);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);

  std::vector<std::string> env;
  for (char** e = environ; *e != nullptr; ++e) env.emplace_back(*e);
  env.insert(env.end(), extra_env.begin(), extra_env.end());
  std::vector<std::string> args = argv;
  auto c_args = c_strings(args);
  auto c_env = c_strings(env);
  pid_t pid = -1;
  const int error = ::posix_spawnp(&pid, c_args[0], &actions, nullptr, c_args.data(), c_env.data());
  posix_spawn_file_actions_destroy(&actions);
  ::close(out_pipe[1]);
  ::close(err_pipe[1]);
  if (error != 0) throw std::runtime_error("cannot start " + argv[0]);

  CommandResult result;
  const auto end = std::chrono::steady_clock::now() + deadline;
  pollfd fds[2] = {{out_pipe[0], POLLIN, 0}, {err_pipe[0], POLLIN, 0}};
  int open_fds = 2;
  while (open_fds > 0 && std::chrono::steady_clock::now() < end) {
    if (::poll(fds, 2, 50) <= 0) continue;
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP))) continue;
      char buffer[4096];
      const ssize_t n = ::read(fds[i].fd, buffer, sizeof buffer);
      if (n <= 0) {
        ::close(fds[i].fd);
        fds[i].fd = -1;
        --open_fds;
      } else {
        (i == 0 ? result.out : result.err).append(buffer, static_cast<std::size_t>(n));
      }
    }
  }
  for (auto& fd : fds) {
    if (fd.fd >= 0) ::close(fd.fd);
  }
  auto status = wait_until(pid, end);
  if (!status) {
    ::kill(pid, SIGKILL);
    ::waitpid(pid, nullptr, 0);
    result.exit_code = -999;
  } else {
    result.exit_code = *status;
  }
  return result;
}

namespace {

// The lowest port of the kernel's ephemeral range (32768 unless set otherwise).
int ephemeral_low() {
  std::ifstream range("/proc/sys/net/ipv4/ip_local_port_range");
  int low = 32768;
  range >> low;
  return low;
}

// Whether 127.0.0.1:`port` can be bound now (0: any port; the one bound is returned).
int bind_loopback(int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = htons(static_cast<std::uint16_t>(port));
  int bound = -1;
  socklen_t length = sizeof address;
  if (fd >= 0 && ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0 &&
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) == 0)
    bound = ntohs(address.sin_port);
  if (fd >= 0) ::close(fd);
  return bound;
}

// Claims `port` for this test process until it exits: a lock on a file named after it, which
// every test process takes before handing a port out. Two tests running side by side (ctest -j2)
// could otherwise pick the same free port and both write it into a broker's configuration, the
// second finding it taken seconds later (seen in a clean-clone run: a cluster member could not
// listen). The lock goes with the process, however it ends. False if it is held already — by
// another process, or by this one (a flock belongs to the open file, so a second open of the same
// file in this process is refused too: no port is handed out twice here either).
bool claim(int port) {
  const std::string folder = "/tmp/dispo-test-ports";
  ::mkdir(folder.c_str(), 0777);  // already there, as a rule
  const std::string path = folder + "/" + std::to_string(port);
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0666);
  if (fd < 0) return true;  // no shared folder: the bind check alone, as before
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    ::close(fd);
    return false;
  }
  return true;  // the descriptor stays open: the lock lasts as long as the process
}

}  // namespace

int free_port() {
  // Below the ephemeral range: there every outgoing connection of every process takes its local
  // port, and one may take a port chosen here before the broker binds it, seconds later (seen
  // with several suites at once). Above 10000, at random, claimed against the other test
  // processes, and checked by binding it.
  static thread_local std::mt19937 random(std::random_device{}() ^ static_cast<unsigned>(::getpid()));
  const int low = ephemeral_low();
  if (low > 10000 + 1000) {
    std::uniform_int_distribution<int> pick(std::max(10000, low - 12000), low - 1);
    for (int attempt = 0; attempt < 100; ++attempt) {
      const int port = pick(random);
      if (claim(port) && bind_loopback(port) == port) return port;
    }
  }
  return bind_loopback(0);
}

std::set<std::string> thread_names(pid_t pid, const std::set<std::string>& expected,
                                   std::chrono::milliseconds deadline) {
  const auto until = std::chrono::steady_clock::now() + deadline;
  while (true) {
    std::set<std::string> names;
    std::error_code error;
    for (const auto& task : std::filesystem::directory_iterator("/proc/" + std::to_string(pid) + "/task", error)) {
      std::string name;
      std::getline(std::ifstream(task.path() / "comm"), name);
      names.insert(name);
    }
    const bool all = std::all_of(expected.begin(), expected.end(), [&](const auto& name) { return names.contains(name); });
    if (all || std::chrono::steady_clock::now() >= until) return names;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

}  // namespace dispo::testing
