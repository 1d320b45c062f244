// NewConnection: makes the Beast-based Connection for an accepted socket (connection.cc).
//
// The connection does nothing until Start() or StartRejected() is called. `socket` must have
// been accepted onto its own strand (net::make_strand): that strand then runs every handler
// of the connection.
#pragma once

#include <cstdint>
#include <memory>

#include <boost/asio/ip/tcp.hpp>

#include "api/http/detail/connection.h"
#include "api/http/detail/server_state.h"

namespace coord::api::http::detail {

std::shared_ptr<Connection> NewConnection(boost::asio::ip::tcp::socket socket,
                                          std::shared_ptr<ServerState> state, uint64_t id);

}  // namespace coord::api::http::detail
