#include "tests/transport/test_node.h"

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <arpa/inet.h>

namespace coord::raft::transport::testing {

namespace {
constexpr char kFlushMarker[] = "transport-test-flush";
}  // namespace

Transport::MessageHandler Recorder::OnMessage() {
  return [this](raft::pb::Message message) {
    std::lock_guard lock(mu_);
    if (message.context() == kFlushMarker) {
      ++flushes_;
    } else {
      messages_.push_back(std::move(message));
    }
    changed_.notify_all();
  };
}

bool Recorder::AwaitFlushes(size_t count, std::chrono::milliseconds timeout) {
  std::unique_lock lock(mu_);
  return changed_.wait_for(lock, timeout, [&] { return flushes_ >= count; });
}

EventHandler Recorder::OnEvent() {
  return [this](const Event& event) {
    std::lock_guard lock(mu_);
    events_.push_back(event);
    changed_.notify_all();
  };
}

bool Recorder::Await(const std::function<bool(const Messages&, const Events&)>& done,
                     std::chrono::milliseconds timeout) {
  std::unique_lock lock(mu_);
  return changed_.wait_for(lock, timeout, [&] { return done(messages_, events_); });
}

bool Recorder::AwaitMessages(size_t count, std::chrono::milliseconds timeout) {
  return Await([count](const Messages& m, const Events&) { return m.size() >= count; }, timeout);
}

bool Recorder::AwaitEvent(Event::Type type, uint64_t peer, size_t occurrences,
                          std::chrono::milliseconds timeout) {
  return Await(
      [&](const Messages&, const Events& events) {
        return CountEventsIn(events, type, peer) >= occurrences;
      },
      timeout);
}

size_t Recorder::flushes() const {
  std::lock_guard lock(mu_);
  return flushes_;
}

Recorder::Messages Recorder::messages() const {
  std::lock_guard lock(mu_);
  return messages_;
}

Recorder::Events Recorder::events() const {
  std::lock_guard lock(mu_);
  return events_;
}

size_t Recorder::CountEvents(Event::Type type, uint64_t peer) const {
  std::lock_guard lock(mu_);
  return CountEventsIn(events_, type, peer);
}

size_t CountEventsIn(const Recorder::Events& events, Event::Type type, uint64_t peer) {
  size_t n = 0;
  for (const Event& e : events) n += (e.type == type && e.peer == peer) ? 1 : 0;
  return n;
}

Transport::Options NodeOptions(uint64_t id, uint16_t port) {
  Transport::Options options;
  options.cluster_id = kCluster;
  options.node_id = id;
  options.listen_host = "127.0.0.1";
  options.listen_port = port;
  options.backoff_initial = std::chrono::milliseconds(10);
  options.backoff_max = std::chrono::milliseconds(200);
  options.seed = 1000 + id;
  return options;
}

std::unique_ptr<TestNode> StartNode(Transport::Options options) {
  auto node = std::make_unique<TestNode>();
  auto started = Transport::Start(std::move(options), node->recorder.OnMessage(),
                                  node->recorder.OnEvent());
  if (!started.ok()) {
    ADD_FAILURE() << "Transport::Start: " << started.status().ToString();
    return nullptr;
  }
  node->transport = std::move(started).value();
  return node;
}

void Mesh(const std::vector<TestNode*>& nodes) {
  std::map<uint64_t, std::string> book;
  for (const TestNode* n : nodes) book[n->id()] = n->address();
  for (TestNode* n : nodes) {
    const Status s = n->transport->UpdatePeers(book);
    ASSERT_TRUE(s.ok()) << s.ToString();
  }
  // Return with every stream up, so tests start from a known state. (A first dial may be
  // refused while the other side's address book is still empty; the backoff loop retries.)
  for (TestNode* n : nodes) {
    for (const TestNode* other : nodes) {
      if (other == n) continue;
      ASSERT_TRUE(n->recorder.AwaitEvent(Event::Type::kPeerConnected, other->id()))
          << "node " << n->id() << " never reached node " << other->id();
    }
  }
}

raft::pb::Message Append(uint64_t from, uint64_t to, uint64_t index, size_t payload) {
  raft::pb::Message m;
  m.set_type(raft::pb::MSG_APPEND);
  m.set_from(from);
  m.set_to(to);
  m.set_term(3);
  m.set_index(index);
  m.set_commit(index / 2);
  raft::pb::Entry* e = m.add_entries();
  e->set_term(3);
  e->set_index(index + 1);
  std::string data(payload, '\0');
  for (size_t i = 0; i < payload; ++i) data[i] = static_cast<char>('a' + (index + i) % 26);
  e->set_data(std::move(data));
  return m;
}

::testing::AssertionResult Flush(TestNode& from, TestNode& to) {
  const size_t before = to.recorder.flushes();
  raft::pb::Message marker;
  marker.set_type(raft::pb::MSG_HEARTBEAT);
  marker.set_from(from.id());
  marker.set_to(to.id());
  marker.set_context(kFlushMarker);
  from.transport->Send(std::move(marker));
  if (to.recorder.AwaitFlushes(before + 1)) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "flush marker from " << from.id() << " to " << to.id()
                                       << " never arrived";
}

uint16_t FreePort() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = 0;
  ::inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr);
  socklen_t len = sizeof addr;
  uint16_t port = 0;
  if (fd >= 0 && ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
    port = ntohs(addr.sin_port);
  }
  if (fd >= 0) ::close(fd);
  return port;
}

::testing::AssertionResult InOrderPerSender(const Recorder::Messages& messages,
                                            const std::map<uint64_t, uint64_t>& expected_counts) {
  std::map<uint64_t, uint64_t> next;
  for (const auto& m : messages) {
    uint64_t& expected = next[m.from()];
    ++expected;
    if (m.index() != expected) {
      return ::testing::AssertionFailure() << "from " << m.from() << ": got index " << m.index()
                                           << ", expected " << expected;
    }
  }
  for (const auto& [from, count] : expected_counts) {
    if (next[from] != count) {
      return ::testing::AssertionFailure()
             << "from " << from << ": got " << next[from] << " messages, expected " << count;
    }
  }
  return ::testing::AssertionSuccess();
}

}  // namespace coord::raft::transport::testing
