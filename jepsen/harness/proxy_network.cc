#include "jepsen/harness/proxy_network.h"

#include <array>
#include <boost/asio.hpp>
#include <future>
#include <map>
#include <thread>

namespace coord::jepsen::harness {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

raft::Result<uint16_t> FreeLoopbackPort() {
  asio::io_context ioc;
  boost::system::error_code ec;
  tcp::acceptor a(ioc);
  a.open(tcp::v4(), ec);
  if (!ec) a.bind({asio::ip::make_address("127.0.0.1"), 0}, ec);
  if (ec) return raft::Status::IOError("no free port: " + ec.message());
  return a.local_endpoint().port();
}

namespace {

// One proxied connection: bytes both ways until either side closes or the link is cut.
class Splice : public std::enable_shared_from_this<Splice> {
 public:
  Splice(tcp::socket client, asio::io_context& ioc) : sockets_{std::move(client), tcp::socket(ioc)} {}

  void Start(tcp::endpoint target) {
    auto self = shared_from_this();
    sockets_[1].async_connect(target, [self](boost::system::error_code ec) {
      if (ec) return self->Close();
      self->Pump(0, 1);
      self->Pump(1, 0);
    });
  }

  void Close() {
    boost::system::error_code ignored;
    for (auto& s : sockets_) s.close(ignored);
  }

 private:
  void Pump(int from, int to) {
    auto self = shared_from_this();
    sockets_[from].async_read_some(asio::buffer(buffers_[from]),
                                   [self, from, to](boost::system::error_code ec, size_t n) {
      if (ec) return self->Close();
      asio::async_write(self->sockets_[to], asio::buffer(self->buffers_[from], n),
                        [self, from, to](boost::system::error_code ec2, size_t) {
        if (ec2) return self->Close();
        self->Pump(from, to);
      });
    });
  }

  std::array<tcp::socket, 2> sockets_;
  std::array<std::array<char, 64 * 1024>, 2> buffers_;
};

}  // namespace

struct ProxyNetwork::Impl {
  struct Proxy {
    int from, to;
    std::unique_ptr<tcp::acceptor> acceptor;
    std::vector<std::weak_ptr<Splice>> live;
  };
  asio::io_context ioc;
  asio::executor_work_guard<asio::io_context::executor_type> work{ioc.get_executor()};
  std::map<std::pair<int, int>, Proxy> proxies;  // owned by the I/O thread once it runs
  std::set<Link> cut;                            // owned by the I/O thread
  std::vector<uint16_t>* peer_ports = nullptr;
  std::thread thread;
  bool stopped = false;

  void Accept(Proxy& p) {
    p.acceptor->async_accept([this, &p](boost::system::error_code ec, tcp::socket socket) {
      if (ec) return;  // closed at teardown
      if (cut.count(MakeLink(p.from, p.to))) {
        boost::system::error_code ignored;
        socket.close(ignored);
      } else {
        auto splice = std::make_shared<Splice>(std::move(socket), ioc);
        p.live.push_back(splice);
        splice->Start({asio::ip::make_address("127.0.0.1"), (*peer_ports)[p.to]});
      }
      Accept(p);
    });
  }

  void ApplyCut(const std::set<Link>& links) {
    cut = links;
    for (auto& [key, p] : proxies) {
      bool is_cut = cut.count(MakeLink(p.from, p.to)) > 0;
      std::vector<std::weak_ptr<Splice>> keep;
      for (auto& w : p.live) {
        auto s = w.lock();
        if (!s) continue;
        if (is_cut) s->Close();
        else keep.push_back(w);
      }
      p.live = std::move(keep);
    }
  }
};

ProxyNetwork::ProxyNetwork(int nodes) : nodes_(nodes), impl_(std::make_unique<Impl>()) {}

raft::Result<std::unique_ptr<ProxyNetwork>> ProxyNetwork::Create(int nodes) {
  std::unique_ptr<ProxyNetwork> net(new ProxyNetwork(nodes));
  for (int i = 0; i < nodes; ++i) {
    auto c = FreeLoopbackPort();
    auto p = FreeLoopbackPort();
    if (!c.ok()) return c.status();
    if (!p.ok()) return p.status();
    net->client_ports_.push_back(*c);
    net->peer_ports_.push_back(*p);
  }
  Impl& im = *net->impl_;
  im.peer_ports = &net->peer_ports_;
  for (int from = 0; from < nodes; ++from) {
    for (int to = 0; to < nodes; ++to) {
      if (from == to) continue;
      Impl::Proxy& p = im.proxies[{from, to}];
      p.from = from;
      p.to = to;
      p.acceptor = std::make_unique<tcp::acceptor>(im.ioc);
      boost::system::error_code ec;
      p.acceptor->open(tcp::v4(), ec);
      if (!ec) p.acceptor->set_option(asio::socket_base::reuse_address(true), ec);
      if (!ec) p.acceptor->bind({asio::ip::make_address("127.0.0.1"), 0}, ec);
      if (!ec) p.acceptor->listen(asio::socket_base::max_listen_connections, ec);
      if (ec) return raft::Status::IOError("proxy listen: " + ec.message());
      im.Accept(p);
    }
  }
  im.thread = std::thread([&im] { im.ioc.run(); });
  return net;
}

ProxyNetwork::~ProxyNetwork() { Teardown(); }

Endpoint ProxyNetwork::peer_seen_by(int from, int to) const {
  const auto& p = impl_->proxies.at({from, to});
  return {"127.0.0.1", p.acceptor->local_endpoint().port()};
}

raft::Status ProxyNetwork::Cut(const std::set<Link>& links) {
  if (impl_->stopped) return raft::Status::Shutdown("network torn down");
  std::promise<void> applied;
  asio::post(impl_->ioc, [this, links, &applied] {
    impl_->ApplyCut(links);
    applied.set_value();
  });
  applied.get_future().wait();
  return raft::Status::Ok();
}

void ProxyNetwork::Teardown() {
  Impl& im = *impl_;
  if (im.stopped) return;
  im.stopped = true;
  asio::post(im.ioc, [&im] {
    for (auto& [key, p] : im.proxies) {
      boost::system::error_code ignored;
      p.acceptor->close(ignored);
      for (auto& w : p.live) {
        if (auto s = w.lock()) s->Close();
      }
    }
    im.work.reset();
  });
  if (im.thread.joinable()) im.thread.join();
}

}  // namespace coord::jepsen::harness
