#include "raft/transport/peer.h"

#include "raft/log.h"
#include "raft/transport/outbound_link.h"
#include "raft/transport/transport_core.h"

namespace coord::raft::transport {

Peer::Peer(TransportCore* core, uint64_t id, HostPort address, uint64_t seed)
    : core_(core),
      id_(id),
      queue_(core->options().max_queue_per_peer, core->options().max_queue_bytes_per_peer),
      counters_(std::make_shared<PeerCounters>()),
      address_(std::move(address)),
      backoff_(core->options().backoff_initial, core->options().backoff_max, seed),
      retry_timer_(core->io()) {}

void Peer::Start() {
  if (!closed_) Dial();
}

void Peer::SetAddress(HostPort address) {
  if (closed_ || address == address_) return;
  address_ = std::move(address);
  const bool was_up = counters_->connected.load();
  DropLink();
  if (was_up) {
    core_->Emit({Event::Type::kPeerDisconnected, id_, address_.ToString(), "address changed"});
  }
  dial_pending_ = false;
  retry_timer_.cancel();
  backoff_.Reset();
  last_failure_.clear();
  Dial();
}

void Peer::Close() {
  if (closed_) return;
  closed_ = true;
  const bool was_up = counters_->connected.load();
  DropLink();
  // Silent during shutdown (Emit checks); on removal the owner learns the stream is gone.
  if (was_up) {
    core_->Emit({Event::Type::kPeerDisconnected, id_, address_.ToString(), "peer removed"});
  }
  dial_pending_ = false;
  retry_timer_.cancel();
  const size_t discarded = queue_.Close();
  Bump(core_->counters().dropped_unsent, discarded);
  Bump(counters_->dropped, discarded);
}

void Peer::Kick() {
  if (link_ != nullptr) link_->Kick();
}

void Peer::DropLink() {
  if (link_ == nullptr) return;
  const size_t lost = link_->Close();
  link_.reset();
  counters_->connected.store(false);
  Bump(core_->counters().dropped_unsent, lost);
  Bump(counters_->dropped, lost);
}

void Peer::Dial() {
  link_ = std::make_shared<OutboundLink>(this, address_);
  link_->Start();
}

void Peer::ScheduleDial() {
  const auto delay = backoff_.Next();
  dial_pending_ = true;
  retry_timer_.expires_after(delay);
  retry_timer_.async_wait([self = shared_from_this()](const boost::system::error_code& ec) {
    // A cancelled wait, or one overtaken by SetAddress/Close, must not dial a second link.
    if (ec || !self->dial_pending_ || self->closed_) return;
    self->dial_pending_ = false;
    self->Dial();
  });
}

void Peer::OnLinkUp(OutboundLink* link) {
  if (link != link_.get()) return;
  // The backoff is only reset once the stream has proved stable (OnLinkDown): a stream that
  // the other side keeps closing right after the handshake must not be redialled at full rate.
  up_since_ = std::chrono::steady_clock::now();
  last_failure_.clear();
  counters_->connected.store(true);
  Bump(counters_->connects);
  Bump(core_->counters().connects);
  if (ever_connected_) Bump(core_->counters().reconnects);
  ever_connected_ = true;
  const uint64_t node = core_->options().node_id;
  Log(LogLevel::kInfo, "peer_connected", "node", node, "peer", id_, "address", address_.ToString());
  core_->Emit({Event::Type::kPeerConnected, id_, address_.ToString(), ""});
}

void Peer::OnLinkDown(OutboundLink* link, const std::string& reason, bool was_up, size_t lost) {
  if (link != link_.get()) return;
  link_.reset();
  counters_->connected.store(false);
  Bump(core_->counters().dropped_unsent, lost);
  Bump(counters_->dropped, lost);
  const uint64_t node = core_->options().node_id;
  const std::string address = address_.ToString();
  if (was_up) {
    if (std::chrono::steady_clock::now() - up_since_ >= core_->options().backoff_max) {
      backoff_.Reset();
    }
    Log(LogLevel::kInfo, "peer_disconnected",
        "node", node, "peer", id_, "address", address, "reason", reason, "lost", lost);
    core_->Emit({Event::Type::kPeerDisconnected, id_, address, reason});
  } else {
    Bump(counters_->dial_failures);
    Bump(core_->counters().dial_failures);
    // A peer that stays down must not log a line per retry: warn when the reason changes.
    const LogLevel level = reason == last_failure_ ? LogLevel::kDebug : LogLevel::kWarn;
    last_failure_ = reason;
    Log(level, "peer_unreachable", "node", node, "peer", id_, "address", address, "reason", reason);
    core_->Emit({Event::Type::kDialFailed, id_, address, reason});
  }
  if (!closed_ && !core_->stopped()) ScheduleDial();
}

}  // namespace coord::raft::transport
