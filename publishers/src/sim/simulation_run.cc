#include "simulation_run.h"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <deque>
#include <optional>

#include "dispo/publishers/outbox.h"
#include "dispo/publishers/outbox_request.h"
#include "dispo/publishers/publisher.h"
#include "dispo/publishers/simulator.h"
#include "outbox_pipeline.h"

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
        timeout_(std::chrono::milliseconds(static_cast<long>(options.connection.timeout_s * 1000))) {}

  int run() {
    if (auto code = start(); code != kOk) return code;
    while (!stop_.load() && !duration_over()) {
      if (pipeline_->needs_registration()) {
        if (auto code = reregister(); code != kOk) return code;
        continue;
      }
      send_republications();
      send_due_steps();
      keep_pending();
      pipeline_->pump(next_wait());
      print_summary_if_due();
    }
    return finish();
  }

 private:
  client::SessionOptions session_options(int attempts, std::string client_id = {}) const {
    auto session = client::session_options(options_.connection, std::move(client_id));
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
    if (auto code = open_outbox(); code != kOk) return code;
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
    pipeline_.emplace(context_, session_options(1, outbox_->client_id()), *outbox_, kMaxInFlight, 2 * timeout_,
                      timeout_, pipeline_hooks());
    republish_everything();
    started_ = Clock::now();
    next_step_ = started_;
    next_summary_ = started_ + options_.summary_every;
    return kOk;
  }

  int open_outbox() {
    const auto directory = options_.outbox.empty()
                               ? publishers::default_outbox_directory("sim-" + options_.departement)
                               : std::filesystem::path(options_.outbox);
    auto outbox = publishers::Outbox::open(directory, "dispo-sim#" + client::random_client_id().substr(0, 8),
                                           std::chrono::seconds(2));
    if (!outbox) return client::report_failure(kProgram, outbox.error());
    outbox_.emplace(std::move(*outbox));
    if (outbox_->recovered_bytes() > 0) {
      say("dispo-sim : %s\n", "file d'attente locale " + directory.string() + " : une écriture interrompue (" +
                                   grouped(outbox_->recovered_bytes()) + " octets) a été écartée");
    }
    if (!outbox_->empty()) {
      say("dispo-sim : %s\n", plural(outbox_->size(), "mise à jour", "mises à jour") +
                                   " en attente dans la file d'attente locale " + directory.string() +
                                   " depuis une exécution précédente : envoyées d'abord, dans l'ordre");
    }
    return kOk;
  }

  OutboxPipeline::Hooks pipeline_hooks() {
    return {
        [this] {
          say("dispo-sim : %s\n", "le broker ne répond plus (" + options_.connection.broker +
                                       ") ; les mises à jour sont gardées dans la file d'attente locale " +
                                       outbox_->directory().string() + " et lui seront envoyées à son retour");
        },
        [this](double seconds) {
          say("dispo-sim : %s\n", "broker de nouveau joignable après " + decimal(seconds) + " s ; envoi des " +
                                       plural(outbox_->size(), "mise à jour en attente", "mises à jour en attente") +
                                       ", dans l'ordre");
        },
        [this](const publishers::Outbox::Entry& entry, const Error& error) {
          if (pipeline_->refused() > kRefusalsShown) return;
          say("dispo-sim : mise à jour refusée : %s\n", publishers::describe_request(entry.request) + " — " +
                                                             error.message + " (mise de côté dans " +
                                                             outbox_->rejected_directory().string() + ")");
        }};
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

  // While the broker answers, the simulation does not run ahead of it by more than a few windows;
  // while it is down, the facilities' life goes on and their updates wait in the outbox.
  bool backlog_full() const { return !pipeline_->down() && outbox_->size() + pending_.size() >= 4 * kMaxInFlight; }

  void keep(wire::RequestBodyUnion body) {
    pending_.push_back(publishers::encode_request(outbox_->next_request_id(), outbox_->client_id(), std::move(body)));
  }

  void keep_update(wire::AvailabilityUpdateT update) {
    wire::RequestBodyUnion body;
    body.Set(std::move(update));
    keep(std::move(body));
  }

  // What this turn produced goes to disk in one write (one fsync) before anything is sent.
  void keep_pending() {
    if (pending_.empty()) return;
    if (auto kept = outbox_->append(pending_); !kept) {
      say("dispo-sim : %s\n", plural(pending_.size(), "mise à jour perdue", "mises à jour perdues") +
                                   " : la file d'attente locale ne peut pas les garder (" + kept.error().message + ")");
    }
    pending_.clear();
  }

  void send_republications() {
    while (!republish_.empty() && !backlog_full()) {
      keep_update(model_.current_update(republish_.front()));
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
    while (next_step_ <= now && !backlog_full()) {
      auto step = model_.step();
      if (step.kind == StepKind::confirmation) {
        wire::ConfirmationT confirmation;
        confirmation.facility_id = model_.facility_id(step.unit);
        confirmation.unit_id = model_.unit_id(step.unit);
        wire::RequestBodyUnion body;
        body.Set(std::move(confirmation));
        keep(std::move(body));
      } else {
        keep_update(std::move(step.update));
      }
      next_step_ += period;
    }
  }

  std::chrono::milliseconds next_wait() const {
    if (!republish_.empty() && !backlog_full()) return 0ms;
    if (backlog_full()) return kLongestWait;
    const auto until_step = std::chrono::ceil<std::chrono::milliseconds>(next_step_ - Clock::now());
    return std::clamp(until_step, 0ms, std::chrono::duration_cast<std::chrono::milliseconds>(kLongestWait));
  }

  // The broker does not know some simulated facilities (it lost or replaced them): register again,
  // then deliver the outbox from its first entry and republish every unit.
  int reregister() {
    say("dispo-sim : %s\n", "le broker ne connaît plus certains établissements simulés : nouvel enregistrement");
    auto registered = register_all();
    if (!registered) {
      if (registered.error().status == wire::Status::unavailable) return kOk;  // tried again next turn
      say("dispo-sim : enregistrement refusé par le broker : %s\n", registered.error().message);
      return kRefused;
    }
    pipeline_->registered();
    republish_everything();
    return kOk;
  }

  // Stopping: what was produced is kept, then delivered while the broker answers (for a while).
  int finish() {
    keep_pending();
    const auto deadline = Clock::now() + std::max<Clock::duration>(2 * timeout_, 5s);
    while (!outbox_->empty() && !pipeline_->down() && !pipeline_->needs_registration() && Clock::now() < deadline) {
      pipeline_->pump(kLongestWait);
    }
    if (!options_.quiet) std::printf("dispo-sim : arrêt · %s\n", summary().c_str());
    std::fflush(stdout);
    if (outbox_->empty()) return kOk;
    say("dispo-sim : %s\n", plural(outbox_->size(), "mise à jour gardée", "mises à jour gardées") +
                                 " dans la file d'attente locale " + outbox_->directory().string() +
                                 " : envoyées au prochain démarrage (ou dispo-publish --outbox " +
                                 outbox_->directory().string() + " flush)");
    return client::kKeptInOutbox;
  }

  // "42 s · 2 100 évènements (50,0/s) : 700 admissions, … · 2 527 messages acceptés, 0 refusé ·
  // 0 en attente · occupation 91 %, 414 places disponibles sur 2 980"
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
    line += " · " + plural(pipeline_->accepted(), "message accepté", "messages acceptés") + ", " +
            plural(pipeline_->refused(), "refusé", "refusés") + ", " + grouped(outbox_->size()) + " en attente";
    const int installed = model_.total_installed();
    const int occupancy = installed > 0 ? static_cast<int>(std::lround(100.0 * model_.total_occupied() / installed)) : 0;
    line += " · occupation " + std::to_string(occupancy) + " %, " +
            plural(static_cast<std::uint64_t>(model_.total_available()), "place disponible", "places disponibles") +
            " sur " + grouped(static_cast<std::uint64_t>(installed));
    return line;
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
  std::optional<publishers::Publisher> publisher_;  // registrations (blocking)
  std::optional<publishers::Outbox> outbox_;
  std::optional<OutboxPipeline> pipeline_;          // availability updates and confirmations
  std::vector<std::string> pending_;                // produced this turn, not yet kept
  std::deque<std::size_t> republish_;               // units whose full counts are still to be sent
  Clock::duration timeout_;
  Clock::time_point started_;
  Clock::time_point next_step_;
  Clock::time_point next_summary_;
  bool first_round_done_ = false;
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
