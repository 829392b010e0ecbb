// Names the calling thread as `top -H`, `ps -L`, perf and gdb show it (at most 15 characters:
// longer names are cut). dispo's threads are named "dispo-<role>" so that an operator looking at
// a busy broker sees which part is busy. No effect where the system has no thread names.
#pragma once

#include <pthread.h>

#include <string>

namespace dispo::wire {

inline void name_this_thread(const std::string& name) {
  ::pthread_setname_np(::pthread_self(), name.substr(0, 15).c_str());
}

}  // namespace dispo::wire
