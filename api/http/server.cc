// The acceptor and the I/O threads. Connections are in detail/connection.cc.
#include "api/http/server.h"

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <future>
#include <optional>
#include <thread>
#include <vector>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>

#include "api/http/detail/new_connection.h"
#include "api/http/detail/server_state.h"
#include "raft/runtime/thread_name.h"

namespace coord::api::http {

namespace net = boost::asio;
using tcp = net::ip::tcp;
using boost::system::error_code;

struct Server::Impl {
  Impl(Options options, Router router, MetricsRegistry* registry)
      : threads_wanted(options.threads > 0
                           ? options.threads
                           : std::max(1, static_cast<int>(std::thread::hardware_concurrency()))),
        io(std::make_shared<net::io_context>(threads_wanted)),
        state(std::make_shared<detail::ServerState>(std::move(options), std::move(router),
                                                    registry, io)),
        acceptor(net::make_strand(*io)),
        retry_timer(acceptor.get_executor()) {}

  // Runs on the acceptor's strand.
  void Accept() {
    acceptor.async_accept(net::make_strand(*io), [this](const error_code& ec, tcp::socket socket) {
      OnAccept(ec, std::move(socket));
    });
  }

  void OnAccept(const error_code& ec, tcp::socket socket) {
    if (ec == net::error::operation_aborted || !acceptor.is_open()) return;
    if (ec) {
      state->logger.Log(LogLevel::kWarn, "accept_failed", "error", ec.message());
      // Out of descriptors or memory: accepting again at once would spin. Existing
      // connections will free some; try again shortly.
      if (ec.value() == EMFILE || ec.value() == ENFILE || ec.value() == ENOBUFS ||
          ec.value() == ENOMEM) {
        retry_timer.expires_after(std::chrono::milliseconds(100));
        retry_timer.async_wait([this](const error_code& e) {
          if (!e && acceptor.is_open()) Accept();
        });
        return;
      }
      return Accept();
    }

    const uint64_t id = state->next_connection_id.fetch_add(1);
    std::shared_ptr<detail::Connection> connection =
        detail::NewConnection(std::move(socket), state, id);
    switch (state->tracker.TryAdd(id, connection)) {
      case detail::ConnectionTracker::Admission::kAdmitted:
        connection->Start();
        break;
      case detail::ConnectionTracker::Admission::kFull:
        // Answering costs a little; past as many rejections in flight as connections allowed,
        // the connection is just closed (when `connection` goes out of scope).
        if (state->rejecting.fetch_add(1) < state->options.max_connections) {
          connection->StartRejected();
        } else {
          state->rejecting.fetch_sub(1);
          state->metrics.RecordRejected(ErrorCode::kTooManyConnections);
        }
        break;
      case detail::ConnectionTracker::Admission::kStopping:
        break;
    }
    Accept();
  }

  void RunThread() {
    // Handlers catch what user code throws; this only guards against a stray exception
    // taking a thread (and with it a share of the server's capacity) away.
    while (true) {
      try {
        io->run();
        return;
      } catch (const std::exception& e) {
        state->logger.Log(LogLevel::kError, "io_thread_exception", "what", e.what());
      }
    }
  }

  enum class Lifecycle { kNew, kRunning, kStopped };

  const int threads_wanted;
  // Declared first: destroyed after everything that uses it.
  const std::shared_ptr<net::io_context> io;
  const std::shared_ptr<detail::ServerState> state;
  tcp::acceptor acceptor;         // on its own strand
  net::steady_timer retry_timer;  // on the acceptor's strand
  std::optional<net::executor_work_guard<net::io_context::executor_type>> work;
  std::vector<std::thread> threads;
  std::atomic<uint16_t> port{0};
  Lifecycle lifecycle = Lifecycle::kNew;
};

Server::Server(Options options, Router router, MetricsRegistry* metrics)
    : impl_(std::make_unique<Impl>(std::move(options), std::move(router), metrics)) {}

Server::~Server() { Stop(); }

raft::Status Server::Start() {
  Impl& s = *impl_;
  if (s.lifecycle != Impl::Lifecycle::kNew) {
    return raft::Status::InvalidArgument("Server::Start called more than once");
  }
  s.lifecycle = Impl::Lifecycle::kStopped;  // unless everything below succeeds
  const Options& o = s.state->options;

  error_code ec;
  const net::ip::address address = net::ip::make_address(o.address, ec);
  if (ec) {
    return raft::Status::InvalidArgument("bad listen address '" + o.address +
                                         "' (a numeric IPv4 or IPv6 address is expected): " +
                                         ec.message());
  }
  const tcp::endpoint endpoint(address, o.port);
  const std::string where = (address.is_v6() ? "[" + address.to_string() + "]" : address.to_string()) +
                            ":" + std::to_string(o.port);
  if (s.acceptor.open(endpoint.protocol(), ec); ec) {
    return raft::Status::IOError("open socket for " + where + ": " + ec.message());
  }
  // Lets a restarted server bind while old connections sit in TIME_WAIT; on Linux it does not
  // let two servers listen on one port.
  s.acceptor.set_option(tcp::acceptor::reuse_address(true), ec);
  if (s.acceptor.bind(endpoint, ec); ec) {
    error_code ignored;
    s.acceptor.close(ignored);
    return raft::Status::IOError("bind " + where + ": " + ec.message());
  }
  if (s.acceptor.listen(net::socket_base::max_listen_connections, ec); ec) {
    error_code ignored;
    s.acceptor.close(ignored);
    return raft::Status::IOError("listen on " + where + ": " + ec.message());
  }
  s.port = s.acceptor.local_endpoint(ec).port();

  s.work.emplace(s.io->get_executor());
  s.Accept();  // no I/O thread runs yet, so this is alone on the acceptor's strand
  s.threads.reserve(static_cast<size_t>(s.threads_wanted));
  for (int i = 0; i < s.threads_wanted; ++i) s.threads.emplace_back([&s] {
      raft::NameThisThread("http");
      s.RunThread();
    });
  s.lifecycle = Impl::Lifecycle::kRunning;
  s.state->logger.Log(LogLevel::kInfo, "listening", "address", o.address, "port", s.port.load(),
                      "threads", s.threads_wanted);
  return raft::Status::Ok();
}

uint16_t Server::port() const { return impl_->port.load(); }

size_t Server::active_connections() const { return impl_->state->tracker.size(); }

MetricsRegistry& Server::metrics() { return impl_->state->registry; }

void Server::Stop(std::chrono::milliseconds deadline) {
  Impl& s = *impl_;
  if (s.lifecycle != Impl::Lifecycle::kRunning) return;
  if (s.io->get_executor().running_in_this_thread()) {
    // Joining the I/O threads from one of them would deadlock.
    std::fprintf(stderr, "Server invariant violated: Stop() called from an I/O thread\n");
    std::abort();
  }
  s.lifecycle = Impl::Lifecycle::kStopped;
  const auto until = std::chrono::steady_clock::now() + deadline;

  // 1. Stop accepting. Done on the acceptor's strand, and waited for, so that no accept
  //    handler is midway through admitting a connection when the tracker closes.
  //    (The promise is shared so that it outlives set_value() even if this thread wakes
  //    and returns first.)
  auto closed = std::make_shared<std::promise<void>>();
  std::future<void> acceptor_closed = closed->get_future();
  net::post(s.acceptor.get_executor(), [&s, closed] {
    error_code ignored;
    s.acceptor.close(ignored);
    s.retry_timer.cancel();
    closed->set_value();
  });
  acceptor_closed.wait();

  // 2. Ask every connection to finish, and wait for them until the deadline.
  for (const auto& connection : s.state->tracker.BeginStop()) connection->BeginShutdown();
  if (!s.state->tracker.WaitEmpty(until)) {
    s.state->logger.Log(LogLevel::kWarn, "stop_deadline_passed", "connections_cut",
                        s.state->tracker.size());
    for (const auto& connection : s.state->tracker.Snapshot()) connection->HardClose();
    // Closing takes one strand turn per connection; only a handler blocking its thread could
    // hold this up, hence the bound.
    s.state->tracker.WaitEmpty(std::chrono::steady_clock::now() + std::chrono::seconds(1));
  }

  // 3. Lingering closes and queued work are abandoned with the io_context.
  s.work.reset();
  s.io->stop();
  for (std::thread& t : s.threads) t.join();
  s.threads.clear();
  s.state->logger.Log(LogLevel::kInfo, "stopped", "port", s.port.load());
}

}  // namespace coord::api::http
