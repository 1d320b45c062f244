// Socket options for peer connections, both directions.
//
//   TCP_NODELAY: Raft latency matters more than packet count; the transport already gathers
//     queued frames into one write, so Nagle's algorithm would only add delay.
//   TCP_USER_TIMEOUT + keepalive: a peer that vanishes without a FIN/RST (power loss,
//     partition) is noticed after about `user_timeout` instead of the kernel's default of many
//     minutes. It matters on both sides: a dead outbound stream would swallow messages into the
//     socket buffer, and a dead inbound stream would make the acceptor refuse the peer's new
//     connection from another address as a duplicate.
//
// Best effort: an option the platform lacks is skipped; failures are logged at debug level.
// Call on the thread that owns the socket.
#pragma once

#include <chrono>

#include <boost/asio/ip/tcp.hpp>

namespace coord::raft::transport {

void ConfigurePeerSocket(boost::asio::ip::tcp::socket& socket,
                         std::chrono::milliseconds user_timeout);

}  // namespace coord::raft::transport
