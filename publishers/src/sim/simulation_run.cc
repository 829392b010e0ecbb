#include "simulation_run.h"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <deque>
#include <map>
#include <optional>

#include "dispo/publishers/publisher.h"
#include "dispo/publishers/simulator.h"

namespace dispo::sim {
namespace {

using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;
using client::kOk;
using client::kRefused;
using publishers::StepKind;

constexpr std::string_view kProgram = "dispo-sim";

constexpr std::size_t kUnitsPerRegistration = 100;  // keeps each message small
constexpr std::size_t kMaxInFlight = 500;
constexpr std::size_t kRefusalsShown = 5;
constexpr auto kLongestWait = 100ms;  // so that a stop request is seen promptly

// "12 345" (French thousands separator).
std::string grouped(std::uint64_t n) {
  std::string digits = std::to_string(n);
  for (int i = static_cast<int>(digits.size()) - 3; i > 0; i -= 3) digits.insert(static_cast<std::size_t>(i), " ");
  return digits;
}

// 4.25 → "4,3".
std::string decimal(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1f", value);
  for (char* c = text; *c != '\0'; ++c) {
    if (*c == '.') *c = ',';
  }
  return text;
}

std::string plural(std::uint64_t n, std::string_view singular, std::string_view plural_form) {
  return grouped(n) + " " + std::string(n > 1 ? plural_form : singular);
}

void say(const char* format_text, const std::string& text) { std::fprintf(stderr, format_text, text.c_str()); }

// A zmq call interrupted by a signal: the caller looks at its stop flag.
bool interrupted(const zmq::error_t& error) { return error.num() == EINTR; }

class SimulationRun {
 public:
  SimulationRun(const SimulationOptions& options, const std::atomic<bool>& stop, wire::RegistrationT registration)
      : options_(options),
        stop_(stop),
        registration_(std::move(registration)),
        parts_(publishers::split_registration(registration_, kUnitsPerRegistration)),
        model_(registration_, options.seed),
        stall_after_(std::chrono::milliseconds(static_cast<long>(options.connection.timeout_s * 2000))) {}

  int run() {
    if (auto code = start(); code != kOk) return code;
    while (!stop_.load() && !duration_over()) {
      if (stalled()) {
        if (auto code = recover(); code != kOk) return code;
        continue;
      }
      if (reregister_) reregister();
      send_republications();
      send_due_steps();
      receive_replies(next_wait());
      print_summary_if_due();
    }
    drain();
    if (!options_.quiet) std::printf("dispo-sim : arrêt · %s\n", summary().c_str());
    return kOk;
  }

 private:
  struct InFlight {
    Clock::time_point sent;
    std::size_t unit;
  };

  client::SessionOptions session_options(int attempts) const {
    auto session = client::session_options(options_.connection);
    session.attempts = attempts;
    return session;
  }

  int start() {
    try {
      publisher_.emplace(context_, session_options(2));
    } catch (const zmq::error_t& error) {
      return client::report_usage(kProgram, "adresse du broker invalide : « " + options_.connection.broker +
                                                " » (" + error.what() + ")");
    }
    if (!options_.quiet) print_plan();
    auto registered = register_all();
    if (!registered) {
      if (stop_.load()) return kOk;
      auto error = registered.error();
      if (error.status != wire::Status::unavailable) error.message = "enregistrement refusé : " + error.message;
      return client::report_failure(kProgram, error);
    }
    if (!options_.quiet) {
      std::printf("dispo-sim : établissements enregistrés (séquence %s) ; premier tour de disponibilités, "
                  "puis %s évènements/s (Ctrl-C pour arrêter)\n",
                  grouped(*registered).c_str(), decimal(options_.rate).c_str());
      std::fflush(stdout);
    }
    republish_everything();
    started_ = Clock::now();
    next_step_ = started_;
    next_summary_ = started_ + options_.summary_every;
    return kOk;
  }

  void print_plan() const {
    const auto* departement = publishers::find_simulated_departement(options_.departement);
    std::printf("dispo-sim : %s (%s), %s, %s, %s installées (graine %llu) → %s\n",
                std::string(departement->name).c_str(), options_.departement.c_str(),
                plural(registration_.facilities.size(), "établissement simulé", "établissements simulés").c_str(),
                plural(model_.unit_count(), "unité", "unités").c_str(),
                plural(static_cast<std::uint64_t>(model_.total_installed()), "place", "places").c_str(),
                static_cast<unsigned long long>(options_.seed), options_.connection.broker.c_str());
    std::fflush(stdout);
  }

  // Registers every part, blocking; the sequence of the last part, or the first error.
  Result<std::uint64_t> register_all() {
    std::uint64_t sequence = 0;
    for (const auto& part : parts_) {
      try {
        auto registered = publisher_->register_facilities(wire::RegistrationT(part));
        if (!registered) return registered.error();
        sequence = *registered;
      } catch (const zmq::error_t& error) {
        if (!interrupted(error)) throw;
        return make_error(wire::Status::unavailable, "interrompu");
      }
    }
    return sequence;
  }

  void republish_everything() {
    republish_.clear();
    for (std::size_t unit = 0; unit < model_.unit_count(); ++unit) republish_.push_back(unit);
  }

  // The duration counts from the end of the first round.
  bool duration_over() const {
    return options_.duration_s > 0 && first_round_done_ &&
           Clock::now() - started_ >= std::chrono::duration<double>(options_.duration_s);
  }

  bool stalled() const { return !in_flight_.empty() && Clock::now() - in_flight_.begin()->second.sent > stall_after_; }

  void send_update(std::size_t unit, wire::AvailabilityUpdateT update) {
    in_flight_.emplace(publisher_->send_update(std::move(update)), InFlight{Clock::now(), unit});
  }

  void send_republications() {
    while (!republish_.empty() && in_flight_.size() < kMaxInFlight) {
      send_update(republish_.front(), model_.current_update(republish_.front()));
      republish_.pop_front();
    }
    if (republish_.empty() && !first_round_done_) {
      first_round_done_ = true;
      started_ = Clock::now();  // the duration and the pace count from here
      next_step_ = started_;
      next_summary_ = started_ + options_.summary_every;
    }
  }

  void send_due_steps() {
    if (!republish_.empty()) return;
    const auto now = Clock::now();
    const auto period = std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(1.0 / options_.rate));
    if (now - next_step_ > 1s) next_step_ = now;  // after a pause, resume the pace instead of catching up
    while (next_step_ <= now && in_flight_.size() < kMaxInFlight) {
      auto step = model_.step();
      if (step.kind == StepKind::confirmation) {
        in_flight_.emplace(publisher_->send_confirm(model_.facility_id(step.unit), model_.unit_id(step.unit)),
                           InFlight{Clock::now(), step.unit});
      } else {
        send_update(step.unit, std::move(step.update));
      }
      next_step_ += period;
    }
  }

  std::chrono::milliseconds next_wait() const {
    if (!republish_.empty() && in_flight_.size() < kMaxInFlight) return 0ms;
    if (in_flight_.size() >= kMaxInFlight) return kLongestWait;
    const auto until_step = std::chrono::ceil<std::chrono::milliseconds>(next_step_ - Clock::now());
    return std::clamp(until_step, 0ms, std::chrono::duration_cast<std::chrono::milliseconds>(kLongestWait));
  }

  void receive_replies(std::chrono::milliseconds wait) {
    try {
      for (auto reply = publisher_->receive(wait); reply; reply = publisher_->receive(0ms)) handle(*reply);
    } catch (const zmq::error_t& error) {
      if (!interrupted(error)) throw;
    }
  }

  void handle(const client::ReplyMessage& reply) {
    auto found = in_flight_.find(reply->request_id());
    if (found == in_flight_.end()) return;  // from before a reconnection
    const std::size_t unit = found->second.unit;
    in_flight_.erase(found);
    if (reply->status() == wire::Status::ok) {
      ++accepted_;
      return;
    }
    ++refused_;
    if (refused_ <= kRefusalsShown) {
      const auto* message = reply->message();
      say("dispo-sim : mise à jour refusée : %s\n",
          "établissement " + model_.facility_id(unit) + " unité " + model_.unit_id(unit) + " — " +
              (message ? message->str() : std::string(wire::EnumNameStatus(reply->status()))));
    }
    if (reply->status() == wire::Status::unknown_facility || reply->status() == wire::Status::unknown_unit) {
      reregister_ = true;  // the broker lost or replaced our facilities: register them again
    }
  }

  // The broker stopped answering: report it once, retry until it answers, then register again
  // and republish every unit (updates sent meanwhile may be lost; full counts repair them).
  int recover() {
    const auto since = in_flight_.begin()->second.sent;
    say("dispo-sim : %s\n", "le broker ne répond plus (" + options_.connection.broker +
                                 ") ; nouvel essai en continu, simulation suspendue");
    in_flight_.clear();
    while (!stop_.load() && !duration_over()) {
      publisher_.emplace(context_, session_options(1));
      auto registered = register_all();
      if (registered) break;
      if (registered.error().status != wire::Status::unavailable) {
        say("dispo-sim : enregistrement refusé par le broker : %s\n", registered.error().message);
        return kRefused;
      }
    }
    if (stop_.load() || duration_over()) return kOk;
    const auto seconds = std::chrono::duration<double>(Clock::now() - since).count();
    say("dispo-sim : %s\n", "broker de nouveau joignable après " + decimal(seconds) +
                                 " s ; établissements réenregistrés, disponibilités republiées, reprise");
    reregister_ = false;
    republish_everything();
    next_step_ = Clock::now();
    return kOk;
  }

  void drain() {
    const auto deadline = Clock::now() + stall_after_;
    while (!in_flight_.empty() && Clock::now() < deadline) receive_replies(kLongestWait);
  }

  // "42 s · 2 100 évènements (50,0/s) : 700 admissions, … · 2 527 messages acceptés, 0 refusé ·
  // occupation 91 %, 414 places disponibles sur 2 980"
  std::string summary() const {
    const auto& kinds = model_.steps_by_kind();
    const auto count = [&](StepKind kind) { return kinds[static_cast<std::size_t>(kind)]; };
    std::uint64_t steps = 0;
    for (auto n : kinds) steps += n;
    const double seconds = std::chrono::duration<double>(Clock::now() - started_).count();
    std::string line = grouped(static_cast<std::uint64_t>(seconds)) + " s · " + plural(steps, "évènement", "évènements");
    if (seconds >= 1) line += " (" + decimal(static_cast<double>(steps) / seconds) + "/s)";
    const auto others = steps - count(StepKind::admission) - count(StepKind::departure) - count(StepKind::confirmation);
    line += " : " + plural(count(StepKind::admission), "admission", "admissions") + ", " +
            plural(count(StepKind::departure), "départ", "départs") + ", " +
            plural(count(StepKind::confirmation), "confirmation", "confirmations") + ", " +
            plural(others, "autre", "autres");
    line += " · " + plural(accepted_, "message accepté", "messages acceptés") + ", " +
            plural(refused_, "refusé", "refusés");
    const int installed = model_.total_installed();
    const int occupancy = installed > 0 ? static_cast<int>(std::lround(100.0 * model_.total_occupied() / installed)) : 0;
    line += " · occupation " + std::to_string(occupancy) + " %, " +
            plural(static_cast<std::uint64_t>(model_.total_available()), "place disponible", "places disponibles") +
            " sur " + grouped(static_cast<std::uint64_t>(installed));
    return line;
  }

  // Some update was refused for an unknown facility or unit: register again, republish.
  void reregister() {
    reregister_ = false;
    in_flight_.clear();
    say("dispo-sim : %s\n", "le broker ne connaît plus certains établissements simulés : nouvel enregistrement");
    auto registered = register_all();
    if (registered) {
      republish_everything();
    } else {
      say("dispo-sim : nouvel enregistrement impossible : %s\n", registered.error().message);
    }
  }

  void print_summary_if_due() {
    if (options_.quiet || Clock::now() < next_summary_) return;
    next_summary_ += options_.summary_every;
    std::printf("dispo-sim : %s\n", summary().c_str());
    std::fflush(stdout);
  }

  const SimulationOptions& options_;
  const std::atomic<bool>& stop_;
  wire::RegistrationT registration_;
  std::vector<wire::RegistrationT> parts_;
  publishers::ActivityModel model_;
  zmq::context_t context_;
  std::optional<publishers::Publisher> publisher_;
  std::map<std::uint64_t, InFlight> in_flight_;  // by request id: the oldest first
  std::deque<std::size_t> republish_;            // units whose full counts are still to be sent
  Clock::duration stall_after_;
  Clock::time_point started_;
  Clock::time_point next_step_;
  Clock::time_point next_summary_;
  bool first_round_done_ = false;
  bool reregister_ = false;
  std::uint64_t accepted_ = 0;
  std::uint64_t refused_ = 0;
};

}  // namespace

int run_simulation(const SimulationOptions& options, const std::atomic<bool>& stop) {
  auto registration = publishers::generate_departement(options.departement, options.facilities, options.seed);
  if (!registration) {
    return client::report_usage(kProgram, registration.error().message + " (voir dispo-sim --help)");
  }
  SimulationRun run(options, stop, std::move(*registration));
  return run.run();
}

}  // namespace dispo::sim
