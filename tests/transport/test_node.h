// Helpers for transport tests on loopback: a Recorder that collects what a transport hands
// out (messages, events) and lets the test thread await conditions on it (condition variable
// with a timeout, never sleeps); a TestNode bundling a Transport with its Recorder; small
// builders. Loopback addresses only.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "raft/transport/transport.h"

namespace coord::raft::transport::testing {

// Generous: the sanitizer build on a shared 2-core machine is slow. Awaits return as soon as
// the condition holds, so passing tests never wait this long.
inline constexpr std::chrono::seconds kTimeout{60};

class Recorder {
 public:
  using Messages = std::vector<raft::pb::Message>;
  using Events = std::vector<Event>;

  Transport::MessageHandler OnMessage();
  EventHandler OnEvent();

  // Waits until done(messages, events) holds (evaluated under the recorder's lock, after each
  // new message or event). Returns whether it holds.
  bool Await(const std::function<bool(const Messages&, const Events&)>& done,
             std::chrono::milliseconds timeout = kTimeout);
  bool AwaitMessages(size_t count, std::chrono::milliseconds timeout = kTimeout);
  bool AwaitEvent(Event::Type type, uint64_t peer, size_t occurrences = 1,
                  std::chrono::milliseconds timeout = kTimeout);

  // Flush markers (see Flush) are counted, not recorded as messages.
  bool AwaitFlushes(size_t count, std::chrono::milliseconds timeout = kTimeout);
  size_t flushes() const;

  Messages messages() const;
  Events events() const;
  size_t CountEvents(Event::Type type, uint64_t peer) const;

 private:
  mutable std::mutex mu_;
  std::condition_variable changed_;
  Messages messages_;  // GUARDED_BY(mu_)
  Events events_;      // GUARDED_BY(mu_)
  size_t flushes_ = 0;  // GUARDED_BY(mu_)
};

size_t CountEventsIn(const Recorder::Events& events, Event::Type type, uint64_t peer);

struct TestNode {
  Recorder recorder;  // declared first: outlives the transport that calls it
  std::unique_ptr<Transport> transport;

  uint64_t id() const { return transport->node_id(); }
  uint16_t port() const { return transport->listen_port(); }
  std::string address() const { return "127.0.0.1:" + std::to_string(port()); }
};

inline constexpr uint64_t kCluster = 7;

// Options for node `id` of kCluster on 127.0.0.1 (port 0 unless given), with fast backoff and
// a fixed seed so a failure replays.
Transport::Options NodeOptions(uint64_t id, uint16_t port = 0);
// Starts a node; returns nullptr (after recording a test failure) if Start fails.
std::unique_ptr<TestNode> StartNode(Transport::Options options);
// Makes every node a peer of every other (each one's address book lists all the others) and
// waits until every node's stream to every other is up.
void Mesh(const std::vector<TestNode*>& nodes);

// An append from `from` to `to` whose `index` orders it, with one entry of `payload` bytes.
raft::pb::Message Append(uint64_t from, uint64_t to, uint64_t index, size_t payload = 0);

// Sends a marker message from `from` to `to` and waits until it is delivered. A peer's stream
// is written one write at a time, and a write starts only after the previous one's completion
// was counted, so afterwards `from`'s send counters include everything sent before the marker.
::testing::AssertionResult Flush(TestNode& from, TestNode& to);

// A loopback port that was free a moment ago (bound to port 0, then released).
uint16_t FreePort();

// True if, for each sender, the messages from it carry indexes 1, 2, 3, ... in order.
::testing::AssertionResult InOrderPerSender(const Recorder::Messages& messages,
                                            const std::map<uint64_t, uint64_t>& expected_counts);

}  // namespace coord::raft::transport::testing
