#include "raft/transport/socket_options.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <algorithm>

#include "raft/log.h"

namespace coord::raft::transport {

namespace {

void SetIntOption(boost::asio::ip::tcp::socket& socket, int level, int name, int value,
                  const char* what) {
  if (::setsockopt(socket.native_handle(), level, name, &value, sizeof value) != 0) {
    Log(LogLevel::kDebug, "socket_option_failed", "option", what, "value", value);
  }
}

}  // namespace

void ConfigurePeerSocket(boost::asio::ip::tcp::socket& socket,
                         std::chrono::milliseconds user_timeout) {
  boost::system::error_code ec;
  socket.set_option(boost::asio::ip::tcp::no_delay(true), ec);
  if (ec) {
    Log(LogLevel::kDebug, "socket_option_failed", "option", "TCP_NODELAY", "error", ec.message());
  }
  if (user_timeout.count() <= 0) return;

  socket.set_option(boost::asio::socket_base::keep_alive(true), ec);
  if (ec) {
    Log(LogLevel::kDebug, "socket_option_failed", "option", "SO_KEEPALIVE", "error", ec.message());
  }
  // Probe after half the budget of silence, then three times across the other half.
  const int budget_s = std::max<int>(2, static_cast<int>(user_timeout.count() / 1000));
#ifdef TCP_KEEPIDLE
  SetIntOption(socket, IPPROTO_TCP, TCP_KEEPIDLE, std::max(1, budget_s / 2), "TCP_KEEPIDLE");
#endif
#ifdef TCP_KEEPINTVL
  SetIntOption(socket, IPPROTO_TCP, TCP_KEEPINTVL, std::max(1, budget_s / 6), "TCP_KEEPINTVL");
#endif
#ifdef TCP_KEEPCNT
  SetIntOption(socket, IPPROTO_TCP, TCP_KEEPCNT, 3, "TCP_KEEPCNT");
#endif
#ifdef TCP_USER_TIMEOUT
  SetIntOption(socket, IPPROTO_TCP, TCP_USER_TIMEOUT, static_cast<int>(user_timeout.count()),
               "TCP_USER_TIMEOUT");
#endif
}

}  // namespace coord::raft::transport
