// The outbox side of dispo-publish: update and confirm go through it (publish_through_outbox),
// `flush` delivers what waits, `outbox` lists it. Messages for people in French, one line each.
#include <cstdio>
#include <memory>
#include <ctime>

#include "dispo/schemas/clock.h"
#include "dispo/publishers/outbox.h"
#include "dispo/publishers/outbox_delivery.h"
#include "dispo/publishers/outbox_request.h"
#include "publish_commands.h"

namespace dispo::publishers::cli {
namespace {

constexpr auto kLockWait = std::chrono::seconds(30);  // another dispo-publish delivering the same outbox

std::filesystem::path outbox_directory(const GlobalOptions& global) {
  return global.outbox.empty() ? default_outbox_directory("outbox") : std::filesystem::path(global.outbox);
}

Result<Outbox> open_outbox(const GlobalOptions& global, std::chrono::milliseconds lock_wait = kLockWait) {
  auto outbox = Outbox::open(outbox_directory(global), default_client_id(), lock_wait);
  if (outbox && outbox->recovered_bytes() > 0) {
    std::fprintf(stderr, "%s : file d'attente locale %s : une écriture interrompue (%llu octets) a été écartée\n",
                 kProgram, outbox->directory().c_str(), static_cast<unsigned long long>(outbox->recovered_bytes()));
  }
  return outbox;
}

// "2 en attente"
std::string waiting(std::size_t n) { return std::to_string(n) + " en attente"; }

// 14/03/2025 à 02:14:07
std::string local_time(std::int64_t unix_ms) {
  return wire::format_time(unix_ms, "%d/%m/%Y à %H:%M:%S", wire::TimeZone::local);
}

// What a person sees of the entries that leave the outbox on the way (older than the one sent now).
void report_earlier(const Outbox& outbox, const Outbox::Entry& entry, const Result<std::uint64_t>& outcome) {
  if (outcome) {
    std::printf("envoyée depuis la file d'attente : %s (séquence %llu)\n", describe_request(entry.request).c_str(),
                static_cast<unsigned long long>(*outcome));
  } else {
    std::fprintf(stderr, "%s : en attente depuis le %s, refusée par le broker : %s — %s ; mise de côté dans %s\n",
                 kProgram, local_time(entry.kept_at_ms).c_str(), describe_request(entry.request).c_str(),
                 outcome.error().message.c_str(), outbox.rejected_directory().c_str());
  }
}

Result<client::Session> session_for(const GlobalOptions& global, zmq::context_t& context, const std::string& client_id) {
  return client::open_session(context, client::session_options(global.connection, client_id));
}

// No usable outbox (disk, permissions): the request is sent without being kept.
int publish_directly(const GlobalOptions& global, const wire::RequestBodyUnion& body,
                     const std::function<void(std::uint64_t)>& on_accepted) {
  return with_publisher(global, [&](Publisher& publisher) -> int {
    auto reply = publisher.session().call(body);
    if (!reply) return fail(reply.error());
    on_accepted((*reply)->sequence());
    return client::kOk;
  });
}

struct FlushOptions {
  bool wait = false;  // until the outbox is empty
};

// The outbox cannot be opened: nothing was sent (exit 3).
int outbox_unusable(const Error& error) { return fail(make_error(wire::Status::unavailable, error.message)); }

int run_flush(const GlobalOptions& global, const FlushOptions& options) {
  auto outbox = open_outbox(global);
  if (!outbox) return outbox_unusable(outbox.error());
  if (outbox->empty()) {
    std::printf("File d'attente locale %s vide : rien à envoyer.\n", outbox->directory().c_str());
    return client::kOk;
  }
  zmq::context_t context;
  auto session = session_for(global, context, outbox->client_id());
  if (!session) return usage_error(session.error().message);
  DeliveryReport report;
  for (bool told = false;; told = true) {
    const auto turn = deliver_outbox(*outbox, *session, [&](const Outbox::Entry& entry, const auto& outcome) {
      report_earlier(*outbox, entry, outcome);
    });
    report.delivered += turn.delivered;
    report.rejected += turn.rejected;
    if (!turn.stopped) break;
    if (turn.stopped->status == wire::Status::unauthenticated) {
      std::fprintf(stderr, "%s : %s (%s dans la file d'attente locale %s)\n", kProgram, turn.stopped->message.c_str(),
                   waiting(outbox->size()).c_str(), outbox->directory().c_str());
      return client::kUnauthenticated;
    }
    if (!options.wait || !told) {
      std::fprintf(stderr, "%s : %s : %s dans la file d'attente locale %s, envoi au retour du broker%s\n", kProgram,
                   turn.stopped->message.c_str(), waiting(outbox->size()).c_str(), outbox->directory().c_str(),
                   options.wait ? " (nouvel essai en continu, Ctrl-C pour arrêter)" : "");
      std::fflush(stderr);
    }
    if (!options.wait) return client::kKeptInOutbox;
    if (turn.stopped->status != wire::Status::unavailable) return client::kKeptInOutbox;  // a disk: a person must look
  }
  std::printf("File d'attente locale %s vidée : %zu envoyée%s, %zu refusée%s.\n", outbox->directory().c_str(),
              report.delivered, report.delivered > 1 ? "s" : "", report.rejected, report.rejected > 1 ? "s" : "");
  return report.rejected > 0 ? client::kRefused : client::kOk;
}

int run_list(const GlobalOptions& global) {
  auto outbox = open_outbox(global, std::chrono::seconds(2));
  if (!outbox) return outbox_unusable(outbox.error());
  if (outbox->empty()) {
    std::printf("File d'attente locale %s : vide.\n", outbox->directory().c_str());
  } else {
    std::printf("File d'attente locale %s : %s, dans l'ordre d'envoi :\n", outbox->directory().c_str(),
                waiting(outbox->size()).c_str());
    std::size_t position = 0;
    for (const auto& entry : outbox->entries()) {
      std::printf("  %zu. %s — gardée le %s (requête %llu)\n", ++position, describe_request(entry.request).c_str(),
                  local_time(entry.kept_at_ms).c_str(), static_cast<unsigned long long>(entry.request_id));
    }
  }
  if (const auto rejected = outbox->rejected_count(); rejected > 0) {
    std::printf("%zu mise%s de côté après un refus du broker, à examiner : %s (raison dans chaque fichier .txt)\n",
                rejected, rejected > 1 ? "s" : "", outbox->rejected_directory().c_str());
  }
  return client::kOk;
}

}  // namespace

int publish_through_outbox(const GlobalOptions& global, wire::RequestBodyUnion body, const std::string& what,
                           const std::function<void(std::uint64_t)>& on_accepted) {
  zmq::context_t context;
  if (auto checked = session_for(global, context, "probe"); !checked) return usage_error(checked.error().message);
  auto outbox = open_outbox(global);
  if (!outbox) {
    if (outbox.error().status == wire::Status::unavailable) {
      return fail(make_error(wire::Status::unavailable, outbox.error().message + " : rien n'a été envoyé ni gardé"));
    }
    std::fprintf(stderr, "%s : %s : envoi direct, rien ne sera gardé si le broker est injoignable\n", kProgram,
                 outbox.error().message.c_str());
    return publish_directly(global, body, on_accepted);
  }
  const std::string client_id = global.client_id.empty() ? outbox->client_id() : global.client_id;
  auto session = session_for(global, context, client_id);
  if (!session) return usage_error(session.error().message);
  // An update that could never be delivered (a broker requiring CURVE and no key, an unknown or
  // revoked key) is not kept: exit 5 at once. A broker that is down only keeps it waiting.
  const auto handshake_wait = std::min(std::chrono::milliseconds(2000),
                                       std::chrono::milliseconds(static_cast<long>(global.connection.timeout_s * 1000)));
  if (auto handshake = session->wait_for_handshake(handshake_wait); !handshake) {
    std::fprintf(stderr, "%s : %s ; %s non gardée\n", kProgram, handshake.error().message.c_str(), what.c_str());
    return client::kUnauthenticated;
  }
  const std::uint64_t request_id = outbox->next_request_id();
  const std::string request = encode_request(request_id, client_id, body);
  if (auto kept = outbox->append(request); !kept) {
    std::fprintf(stderr, "%s : file d'attente locale inutilisable (%s) : envoi direct, rien ne sera gardé si le "
                 "broker est injoignable\n", kProgram, kept.error().message.c_str());
    return publish_directly(global, body, on_accepted);
  }

  std::optional<Result<std::uint64_t>> outcome;
  const auto report = deliver_outbox(
      *outbox, *session,
      [&](const Outbox::Entry& entry, const Result<std::uint64_t>& settled) {
        if (entry.request_id == request_id) {
          outcome = settled;
        } else {
          report_earlier(*outbox, entry, settled);
        }
      },
      request_id);
  if (outcome) {
    if (!*outcome) return fail(outcome->error());
    on_accepted(**outcome);
    return client::kOk;
  }
  std::fprintf(stderr,
               "%s : %s : %s gardée dans la file d'attente locale (%s, %s), elle sera envoyée au retour du "
               "broker (dispo-publish flush ou prochaine publication)\n",
               kProgram, report.stopped ? report.stopped->message.c_str() : "broker injoignable", what.c_str(),
               outbox->directory().c_str(), waiting(outbox->size()).c_str());
  return client::kKeptInOutbox;
}

Command add_flush_command(CLI::App& parent, const GlobalOptions& global) {
  auto* app = parent.add_subcommand(
      "flush", "Envoyer au broker, dans l'ordre, ce qui attend dans la file d'attente locale");
  auto options = std::make_shared<FlushOptions>();
  app->add_flag("--wait", options->wait,
                "Réessayer (toutes les 2 × --timeout) jusqu'à ce que la file soit vide, au lieu de s'arrêter");
  app->footer("Code de sortie 0 : file vide ; 4 : le broker ne répond pas, il en reste en attente ;\n"
              "1 : le broker en a refusé (mises de côté dans <file>/rejected, avec la raison).");
  return {app, [&global, options] { return run_flush(global, *options); }};
}

Command add_outbox_command(CLI::App& parent, const GlobalOptions& global) {
  auto* app = parent.add_subcommand("outbox", "Lister ce qui attend dans la file d'attente locale");
  return {app, [&global] { return run_list(global); }};
}

}  // namespace dispo::publishers::cli
