#include <atomic>
#include <csignal>
#include <cstdio>
#include <memory>
#include <optional>

#include <sys/ioctl.h>
#include <unistd.h>

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

std::atomic<bool> resized{false};

void on_signal(int) { interrupted = true; }
void on_resize(int) { resized = true; }

// The terminal's size, or nothing when stdout is not a terminal.
std::optional<BoardSize> terminal_size() {
  if (!isatty(STDOUT_FILENO)) return std::nullopt;
  winsize ws{};
  if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) != 0 || ws.ws_row == 0 || ws.ws_col == 0) return BoardSize{24, 80};
  return BoardSize{ws.ws_row, ws.ws_col};
}

// A frame drawn over the previous one: cursor home, each line cleared to its end, then the rest
// of the screen cleared — no new screen pushed into the scrollback.
std::string in_place(const std::string& frame) {
  std::string out = "\x1b[H";
  std::size_t start = 0;
  while (start < frame.size()) {
    const auto end = frame.find('\n', start);
    out.append(frame, start, end - start);
    out += "\x1b[K";
    if (end == std::string::npos) break;
    out += "\r\n";
    start = end + 1;
  }
  return out + "\x1b[J";
}

std::string draw(const client::Board& board, BoardSize size = {}) {
  BoardHeader header;
  header.departement = board.options().departement;
  header.sequence = board.sequence();
  header.resyncs = board.resync_count();
  header.in_sync = board.in_sync();
  header.stale_after_s = board.stale_after_s();
  return format_board(board.facilities(), header, wire::now_ms(), size);
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
    const auto size = terminal_size();  // a terminal's width, every row
    client::print_text(draw(board, BoardSize{0, size ? size->columns : 0}));
    return kOk;
  }
  std::signal(SIGINT, on_signal);
  std::signal(SIGTERM, on_signal);
  std::signal(SIGWINCH, on_resize);
  using Clock = std::chrono::steady_clock;
  const bool terminal = terminal_size().has_value();
  // A terminal is redrawn in place at most 5 times a second; plain output (a pipe, a log) gets a
  // whole new board at most every 5 s, so that it does not flood what records it.
  const auto min_redraw = terminal ? std::chrono::milliseconds(200) : std::chrono::milliseconds(5000);
  constexpr auto kMaxRedraw = std::chrono::seconds(10);  // ages move on even without events
  if (terminal) std::fputs("\x1b[?1049h\x1b[?25l", stdout);  // the alternate screen, no cursor
  bool dirty = true;
  bool was_in_sync = true;
  auto drawn_at = Clock::now() - kMaxRedraw;
  std::string last;
  while (!interrupted) {
    dirty |= board.poll(std::chrono::milliseconds(100));
    dirty |= board.in_sync() != was_in_sync;
    dirty |= resized.exchange(false);
    was_in_sync = board.in_sync();
    const auto since_draw = Clock::now() - drawn_at;
    if ((dirty && since_draw >= min_redraw) || since_draw >= kMaxRedraw) {
      std::string frame;
      if (const auto size = terminal_size()) {
        // One line for the footer; one column spare, so that no line ends in the terminal's
        // pending-wrap state (where clearing to the end of the line would erase its last character).
        last = wire::printable(draw(board, BoardSize{size->lines > 1 ? size->lines - 1 : 1, size->columns > 1 ? size->columns - 1 : 1}));
        frame = in_place(last + "(Ctrl-C pour quitter)");
      } else {
        frame = wire::printable(draw(board)) + "\n";
      }
      std::fwrite(frame.data(), 1, frame.size(), stdout);
      std::fflush(stdout);
      drawn_at = Clock::now();
      dirty = false;
    }
  }
  if (terminal) std::printf("\x1b[?25h\x1b[?1049l%s", last.c_str());  // back, leaving the last board in view
  std::printf("\n");
  return kOk;
}

}  // namespace

Command add_board_command(CLI::App& parent, const GlobalOptions& global) {
  auto* app = parent.add_subcommand("board", "Tableau en direct des places, redessiné à chaque changement");
  auto options = std::make_shared<BoardCommandOptions>();
  app->add_option("--feed", options->feed,
                  "Adresse du flux du broker (d'un cluster : chaque nœud, séparés par des virgules), "
                  "ou variable DISPO_FEED")
      ->envname("DISPO_FEED")
      ->capture_default_str();
  app->add_option("--dept", options->departement, "Seulement ce département (59, 2A, 974…)");
  app->add_flag("--once", options->once, "Afficher l'état courant une fois et sortir");
  return {app, [&global, options] { return run_board(global, *options); }};
}

}  // namespace dispo::cli
