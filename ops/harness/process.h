// Child processes for integration tests: start the real binaries, stop or kill -9 them, and run
// a command to completion capturing its output (with a deadline, never a hang).
#pragma once

#include <sys/types.h>

#include <chrono>
#include <set>
#include <string>
#include <vector>

namespace dispo::testing {

// A running child process; killed (SIGKILL) on destruction if still alive. Move-only.
class Process {
 public:
  // Starts `argv[0]` with the arguments; stdout/stderr go to `log_path` (appended) if given.
  static Process start(const std::vector<std::string>& argv, const std::string& log_path = {});
  Process() = default;
  ~Process();
  Process(Process&& other) noexcept;
  Process& operator=(Process&& other) noexcept;
  Process(const Process&) = delete;
  Process& operator=(const Process&) = delete;

  pid_t pid() const { return pid_; }
  bool running();
  void kill9();  // SIGKILL and reap
  // SIGTERM, then wait up to `grace`; returns the exit status (or -signal, or -999 if it hung).
  int stop(std::chrono::milliseconds grace = std::chrono::seconds(10));

 private:
  pid_t pid_ = -1;
};

struct CommandResult {
  int exit_code = -1;  // -signal if killed; -999 if it passed the deadline
  std::string out;
  std::string err;
};

// Runs a command to completion (killing it after `deadline`), capturing stdout and stderr.
CommandResult run_command(const std::vector<std::string>& argv,
                          std::chrono::milliseconds deadline = std::chrono::seconds(30),
                          const std::vector<std::string>& extra_env = {});

// A TCP port on 127.0.0.1 that was free a moment ago, below the kernel's ephemeral range (where
// other processes' outgoing connections could take it before it is bound), and handed to no other
// test process for as long as this one lives (a lock under /tmp/dispo-test-ports).
int free_port();

// The names of a running process's threads, as `top -H` and `ps -L` show them, read again until
// each of `expected` is among them or `deadline` passes (a thread names itself once started).
std::set<std::string> thread_names(pid_t pid, const std::set<std::string>& expected = {},
                                   std::chrono::milliseconds deadline = std::chrono::seconds(5));

}  // namespace dispo::testing
