// libFuzzer target: one api frame through the broker's Dispatcher (decode, verify, validate, apply
// to the index, stage in a RocksDB batch, answer) — the whole request path short of the socket.
// Every few inputs the staged batch is committed, so store and index are exercised together.
// Build: cmake -DCMAKE_CXX_COMPILER=clang++ -DDISPO_FUZZ=ON; run: dispatcher_fuzz -max_total_time=60.
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>

#include "dispo/schemas/spdlog.h"
#include <spdlog/sinks/null_sink.h>

#include "server/dispatcher.h"
#include "storage/store.h"

namespace {

using namespace dispo::broker;

struct Harness {
  Harness() {
    // Every refusal is logged at info: formatted (so fuzzed text goes through the log code) but
    // not written, which would slow the fuzzer tenfold.
    spdlog::register_logger(std::make_shared<spdlog::logger>("broker", std::make_shared<spdlog::sinks::null_sink_mt>()));
    directory = std::filesystem::temp_directory_path() / ("dispo-fuzz-" + std::to_string(::getpid()));
    std::filesystem::remove_all(directory);
    auto opened = Store::open(directory);
    if (!opened) std::abort();
    store = std::move(*opened);
    replies = std::make_unique<ReplyCache>(*store);
    dispatcher = std::make_unique<Dispatcher>(state, *replies, *store, 1u << 20);
    pending = std::make_unique<PendingCommit>(store->batch());
  }

  std::filesystem::path directory;
  std::unique_ptr<Store> store;
  BrokerState state;
  std::unique_ptr<ReplyCache> replies;
  std::unique_ptr<Dispatcher> dispatcher;
  std::unique_ptr<PendingCommit> pending;
  std::uint64_t inputs = 0;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static Harness harness;
  const std::string_view frame(reinterpret_cast<const char*>(data), size);
  const std::string reply = harness.dispatcher->handle("fuzz", Principals::local(), frame, *harness.pending, 1'790'000'000'000, "2026-09-21");
  if (reply.empty()) std::abort();  // every frame gets an answer
  if (++harness.inputs % 64 == 0 && !harness.pending->empty()) {
    harness.pending->batch.set_last_sequence(harness.state.sequence);
    if (!harness.store->commit(harness.pending->batch)) std::abort();
    harness.pending->clear();
    harness.replies->trim();
  }
  return 0;
}
