#include "outbox_pipeline.h"

#include <cerrno>
#include <cstdio>

#include "dispo/publishers/outbox_delivery.h"
#include "dispo/publishers/outbox_request.h"

namespace dispo::sim {

OutboxPipeline::OutboxPipeline(zmq::context_t& context, client::SessionOptions session, publishers::Outbox& outbox,
                               std::size_t window, Clock::duration stall_after, Clock::duration probe_every,
                               Hooks hooks)
    : context_(&context),
      session_options_(std::move(session)),
      outbox_(&outbox),
      window_(window),
      stall_after_(stall_after),
      probe_every_(probe_every),
      hooks_(std::move(hooks)) {
  connect();
}

void OutboxPipeline::connect() { session_.emplace(*context_, session_options_); }

void OutboxPipeline::pump(std::chrono::milliseconds wait) {
  if (needs_registration_) return;
  if (!down_) {
    send_window();
  } else if (Clock::now() >= next_probe_) {
    probe();
  }
  receive(wait);
  if (!down_ && !sent_at_.empty() && Clock::now() - sent_at_.front() > stall_after_) go_down(sent_at_.front());
}

void OutboxPipeline::registered() {
  needs_registration_ = false;
  restart_from_first();
}

void OutboxPipeline::send_window() {
  const auto& entries = outbox_->entries();
  while (sent_at_.size() < window_ && sent_at_.size() < entries.size()) {
    session_->send_encoded(entries[sent_at_.size()].request);
    sent_at_.push_back(Clock::now());
  }
}

// A fresh connection (the old one may hold requests the broker will never answer), then the
// first entry again.
void OutboxPipeline::probe() {
  restart_from_first();
  next_probe_ = Clock::now() + probe_every_;
  if (outbox_->empty()) {
    down_ = false;
    hooks_.on_back(std::chrono::duration<double>(Clock::now() - down_since_).count());
    return;
  }
  session_->send_encoded(outbox_->entries().front().request);
  sent_at_.push_back(Clock::now());
}

void OutboxPipeline::restart_from_first() {
  connect();
  sent_at_.clear();
  outcomes_.clear();
}

void OutboxPipeline::go_down(Clock::time_point since) {
  if (!down_) {
    down_ = true;
    down_since_ = since;
    hooks_.on_down();
  }
  sent_at_.clear();
  outcomes_.clear();
  next_probe_ = Clock::now();
}

void OutboxPipeline::receive(std::chrono::milliseconds wait) {
  try {
    for (auto reply = session_->receive(wait); reply; reply = session_->receive(std::chrono::milliseconds(0))) {
      handle(*reply);
      if (needs_registration_) return;
    }
  } catch (const zmq::error_t& error) {
    if (error.num() != EINTR) throw;  // a signal: the run looks at its stop flag
  }
}

void OutboxPipeline::handle(const client::ReplyMessage& reply) {
  const std::uint64_t id = reply->request_id();
  const auto& entries = outbox_->entries();
  bool ours = false;
  for (std::size_t i = 0; i < sent_at_.size() && !ours; ++i) ours = entries[i].request_id == id;
  if (!ours) return;  // a duplicate answer, or from before a reconnection
  if (down_) {
    down_ = false;
    hooks_.on_back(std::chrono::duration<double>(Clock::now() - down_since_).count());
  }
  const wire::Status status = reply->status();
  if (status == wire::Status::ok) {
    outcomes_.emplace(id, reply->sequence());
  } else {
    const auto* text = reply->message();
    Error error = make_error(status, text ? text->str() : std::string(wire::EnumNameStatus(status)));
    if (publishers::is_transient(error)) {
      go_down(Clock::now());
      return;
    }
    const bool unknown = status == wire::Status::unknown_facility || status == wire::Status::unknown_unit;
    if (unknown && id != retried_after_registration_) {
      needs_registration_ = true;
      retried_after_registration_ = id;
      sent_at_.clear();
      outcomes_.clear();
      return;
    }
    outcomes_.emplace(id, std::move(error));
  }
  settle_front();
}

void OutboxPipeline::settle_front() {
  const auto& entries = outbox_->entries();
  std::size_t acknowledged = 0;
  const auto settle_acknowledged = [&] {
    if (acknowledged == 0) return;
    if (auto settled = outbox_->settle(acknowledged); !settled) {
      std::fprintf(stderr, "dispo-sim : file d'attente locale : %s\n", settled.error().message.c_str());
    }
    accepted_ += acknowledged;
    acknowledged = 0;
  };
  while (!sent_at_.empty()) {
    const auto found = outcomes_.find(entries[acknowledged].request_id);
    if (found == outcomes_.end()) break;
    sent_at_.pop_front();
    if (found->second) {
      outcomes_.erase(found);
      ++acknowledged;
      continue;
    }
    const Error error = found->second.error();
    outcomes_.erase(found);
    settle_acknowledged();
    const publishers::Outbox::Entry entry = entries.front();
    auto kept = outbox_->reject_front(publishers::describe_request(entry.request) + " — refusé par le broker : " +
                                      error.message);
    if (!kept) {
      std::fprintf(stderr, "dispo-sim : file d'attente locale : %s\n", kept.error().message.c_str());
      (void)outbox_->settle(1);  // reported just above: never retried forever
    }
    ++refused_;
    hooks_.on_refused(entry, error);
  }
  settle_acknowledged();
}

}  // namespace dispo::sim
