#include "raft/transport/transport.h"

#include "raft/transport/address.h"
#include "raft/transport/transport_core.h"

namespace coord::raft::transport {

namespace {

Result<std::map<uint64_t, HostPort>> ParsePeers(const std::map<uint64_t, std::string>& peers) {
  std::map<uint64_t, HostPort> parsed;
  for (const auto& [id, address] : peers) {
    if (id == 0) return Status::InvalidArgument("peer id 0 is not a valid node id");
    Result<HostPort> host_port = ParseHostPort(address);
    if (!host_port.ok()) {
      return Status::InvalidArgument("peer " + std::to_string(id) + ": " +
                                     host_port.status().message());
    }
    parsed.emplace(id, std::move(host_port).value());
  }
  return parsed;
}

}  // namespace

Result<std::unique_ptr<Transport>> Transport::Start(Options options, MessageHandler on_message,
                                                    EventHandler on_event) {
  if (!on_message) return Status::InvalidArgument("transport: a message handler is required");
  Status valid = TransportCore::ValidateOptions(options);
  if (!valid.ok()) return valid;
  Result<std::map<uint64_t, HostPort>> peers = ParsePeers(options.peers);
  if (!peers.ok()) return peers.status();
  auto core = std::make_unique<TransportCore>(std::move(options), std::move(peers).value(),
                                              std::move(on_message), std::move(on_event));
  Status listening = core->Listen();
  if (!listening.ok()) return listening;
  core->Run();
  return std::unique_ptr<Transport>(new Transport(std::move(core)));
}

Transport::Transport(std::unique_ptr<TransportCore> core) : core_(std::move(core)) {}

Transport::~Transport() = default;  // ~TransportCore stops and joins

void Transport::Send(raft::pb::Message message) { core_->Send(std::move(message)); }

void Transport::Send(std::vector<raft::pb::Message> messages) { core_->Send(std::move(messages)); }

Status Transport::UpdatePeers(const std::map<uint64_t, std::string>& peers) {
  Result<std::map<uint64_t, HostPort>> parsed = ParsePeers(peers);
  if (!parsed.ok()) return parsed.status();
  core_->SetPeers(std::move(parsed).value());
  return Status::Ok();
}

Status Transport::AddPeer(uint64_t id, const std::string& address) {
  Result<std::map<uint64_t, HostPort>> parsed = ParsePeers({{id, address}});
  if (!parsed.ok()) return parsed.status();
  core_->AddPeer(id, parsed->at(id));
  return Status::Ok();
}

void Transport::RemovePeer(uint64_t id) { core_->RemovePeer(id); }

bool Transport::IsConnected(uint64_t id) const { return core_->IsConnected(id); }

Stats Transport::stats() const { return core_->stats(); }

uint16_t Transport::listen_port() const { return core_->listen_port(); }

uint64_t Transport::node_id() const { return core_->options().node_id; }

void Transport::Stop() { core_->Stop(); }

}  // namespace coord::raft::transport
