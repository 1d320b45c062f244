#include "tests/transport/raw_client.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "raft/transport/frame.h"
#include "raft/transport/handshake.h"

namespace coord::raft::transport::testing {

namespace {

sockaddr_in Loopback(const std::string& ip, uint16_t port) {
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  ::inet_pton(AF_INET, ip.c_str(), &addr.sin_addr);
  return addr;
}

}  // namespace

RawClient::RawClient(uint16_t port, const std::string& local_ip) {
  fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd_ < 0) {
    error_ = std::strerror(errno);
    return;
  }
  sockaddr_in local = Loopback(local_ip, 0);
  sockaddr_in remote = Loopback("127.0.0.1", port);
  if (::bind(fd_, reinterpret_cast<sockaddr*>(&local), sizeof local) != 0 ||
      ::connect(fd_, reinterpret_cast<sockaddr*>(&remote), sizeof remote) != 0) {
    error_ = std::strerror(errno);
    ::close(fd_);
    fd_ = -1;
  }
}

RawClient::~RawClient() {
  if (fd_ >= 0) ::close(fd_);
}

bool RawClient::Write(const std::string& bytes) {
  size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::send(fd_, bytes.data() + done, bytes.size() - done, MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EINTR) continue;
      error_ = std::strerror(errno);
      return false;
    }
    done += static_cast<size_t>(n);
  }
  return true;
}

bool RawClient::SendHello(uint64_t cluster, uint64_t from, uint64_t to) {
  std::string bytes;
  AppendMagic(&bytes);
  AppendFrame(&bytes, MakeHello(cluster, from, to));
  return Write(bytes);
}

bool RawClient::SendMessage(const raft::pb::Message& message) {
  std::string bytes;
  AppendFrame(&bytes, message);
  return Write(bytes);
}

void RawClient::ShutdownSend() { ::shutdown(fd_, SHUT_WR); }

bool RawClient::ReadExactly(size_t n, std::string* out,
                            std::chrono::steady_clock::time_point deadline) {
  out->clear();
  char buf[4096];
  while (out->size() < n) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return false;
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) return false;
    const ssize_t got = ::recv(fd_, buf, std::min(sizeof buf, n - out->size()), 0);
    if (got <= 0) return false;
    out->append(buf, static_cast<size_t>(got));
  }
  return true;
}

std::optional<pb::HelloReply> RawClient::ReadReply(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  std::string magic;
  std::string prefix;
  if (!ReadExactly(kMagicBytes, &magic, deadline) ||
      magic != std::string(kMagic, kMagicBytes) ||
      !ReadExactly(kLengthBytes, &prefix, deadline)) {
    return std::nullopt;
  }
  const auto* p = reinterpret_cast<const uint8_t*>(prefix.data());
  const uint32_t length =
      (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | p[3];
  std::string payload;
  if (length > kMaxHandshakeFrameBytes || !ReadExactly(length, &payload, deadline)) {
    return std::nullopt;
  }
  pb::HelloReply reply;
  if (!reply.ParseFromString(payload)) return std::nullopt;
  return reply;
}

bool RawClient::WaitClosed(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  char buf[4096];
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return false;
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) return false;
    const ssize_t got = ::recv(fd_, buf, sizeof buf, 0);
    if (got == 0) return true;                          // EOF
    if (got < 0 && errno != EINTR && errno != EAGAIN) return true;  // reset
  }
}

std::string LengthPrefix(uint32_t length) {
  std::string s(4, '\0');
  s[0] = static_cast<char>(length >> 24);
  s[1] = static_cast<char>(length >> 16);
  s[2] = static_cast<char>(length >> 8);
  s[3] = static_cast<char>(length);
  return s;
}

std::string Frame(const std::string& payload) {
  return LengthPrefix(static_cast<uint32_t>(payload.size())) + payload;
}

}  // namespace coord::raft::transport::testing
