#include <atomic>
#include <csignal>
#include <cstdio>
#include <memory>

#include "board_view.h"
#include "commands.h"
#include "dispo/clients/board.h"
#include "dispo/schemas/printable.h"
#include "find_query.h"

namespace dispo::cli {
namespace {

struct BoardCommandOptions {
  std::string feed = client::kDefaultFeed;
  std::string departement;
  bool once = false;
};

std::atomic<bool> interrupted{false};

void on_signal(int) { interrupted = true; }

std::string draw(const client::Board& board) {
  BoardHeader header;
  header.departement = board.options().departement;
  header.sequence = board.sequence();
  header.resyncs = board.resync_count();
  header.in_sync = board.in_sync();
  header.stale_after_s = board.stale_after_s();
  return format_board(board.facilities(), header, wire::now_ms());
}

int run_board(const GlobalOptions& global, const BoardCommandOptions& options) {
  client::BoardOptions board_options;
  if (!options.departement.empty()) {
    auto departement = parse_departement(options.departement);
    if (!departement) return usage_error(departement.error().message);
    board_options.departement = *departement;
  }
  board_options.broker = global.broker;
  board_options.feed = options.feed;
  board_options.snapshot_timeout = client::session_options(global).timeout;
  board_options.keys = global.keys;
  zmq::context_t context;
  client::Board board(context, board_options);
  if (auto started = board.start(); !started) {
    if (started.error().status == wire::Status::invalid) return usage_error(started.error().message);
    return fail(started.error());
  }
  if (options.once) {
    client::print_text(draw(board));
    return kOk;
  }
  std::signal(SIGINT, on_signal);
  std::signal(SIGTERM, on_signal);
  using Clock = std::chrono::steady_clock;
  constexpr auto kMinRedraw = std::chrono::milliseconds(200);  // a busy feed must not flood the terminal
  constexpr auto kMaxRedraw = std::chrono::seconds(10);        // ages move on even without events
  bool dirty = true;
  bool was_in_sync = true;
  auto drawn_at = Clock::now() - kMaxRedraw;
  while (!interrupted) {
    dirty |= board.poll(std::chrono::milliseconds(100));
    dirty |= board.in_sync() != was_in_sync;
    was_in_sync = board.in_sync();
    const auto since_draw = Clock::now() - drawn_at;
    if ((dirty && since_draw >= kMinRedraw) || since_draw >= kMaxRedraw) {
      // The only control sequence written is the board's own redraw; what it shows is printable().
      const std::string frame = "\x1b[H\x1b[2J" + wire::printable(draw(board)) + "\n(Ctrl-C pour quitter)\n";
      std::fwrite(frame.data(), 1, frame.size(), stdout);
      std::fflush(stdout);
      drawn_at = Clock::now();
      dirty = false;
    }
  }
  std::printf("\n");
  return kOk;
}

}  // namespace

Command add_board_command(CLI::App& parent, const GlobalOptions& global) {
  auto* app = parent.add_subcommand("board", "Tableau en direct des places, redessiné à chaque changement");
  auto options = std::make_shared<BoardCommandOptions>();
  app->add_option("--feed", options->feed, "Adresse du flux du broker, ou variable DISPO_FEED")
      ->envname("DISPO_FEED")
      ->capture_default_str();
  app->add_option("--dept", options->departement, "Seulement ce département (59, 2A, 974…)");
  app->add_flag("--once", options->once, "Afficher l'état courant une fois et sortir");
  return {app, [&global, options] { return run_board(global, *options); }};
}

}  // namespace dispo::cli
