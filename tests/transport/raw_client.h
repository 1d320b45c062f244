// RawClient: a plain blocking POSIX TCP client for feeding a transport bytes it did not ask
// for (garbage, truncated frames, absurd lengths, forged handshakes). Every read has a
// timeout, so a test fails instead of hanging. Loopback addresses only.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "raft/raft.pb.h"
#include "raft/transport/transport.pb.h"

namespace coord::raft::transport::testing {

class RawClient {
 public:
  // Connects from `local_ip` (another 127.0.0.x gives a different source address) to
  // 127.0.0.1:port. Check ok() afterwards.
  RawClient(uint16_t port, const std::string& local_ip = "127.0.0.1");
  ~RawClient();
  RawClient(const RawClient&) = delete;
  RawClient& operator=(const RawClient&) = delete;

  bool ok() const { return fd_ >= 0; }
  const std::string& error() const { return error_; }

  bool Write(const std::string& bytes);
  // Magic + Hello frame for a node `from` of `cluster` addressed to `to`.
  bool SendHello(uint64_t cluster, uint64_t from, uint64_t to);
  bool SendMessage(const raft::pb::Message& message);  // one frame
  void ShutdownSend();

  // Reads the acceptor's magic + HelloReply; nullopt on timeout, close or bad bytes.
  std::optional<pb::HelloReply> ReadReply(std::chrono::milliseconds timeout);
  // True once the peer has closed the connection (EOF or reset) within `timeout`; bytes read
  // meanwhile are discarded.
  bool WaitClosed(std::chrono::milliseconds timeout);

 private:
  // Reads exactly n bytes into out; false on timeout, EOF or error.
  bool ReadExactly(size_t n, std::string* out, std::chrono::steady_clock::time_point deadline);

  int fd_ = -1;
  std::string error_;
};

// Frame helpers for hand-made streams.
std::string LengthPrefix(uint32_t length);
std::string Frame(const std::string& payload);

}  // namespace coord::raft::transport::testing
