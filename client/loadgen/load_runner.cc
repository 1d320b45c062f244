#include "client/loadgen/load_runner.h"

#include <atomic>
#include <chrono>
#include <cstdio>
#include <memory>
#include <mutex>
#include <random>
#include <thread>
#include <vector>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <nlohmann/json.hpp>

#include "client/loadgen/progress_line.h"
#include "client/loadgen/request_factory.h"
#include "client/loadgen/zookeeper_driver.h"

namespace coord::loadgen {
namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;
using Clock = std::chrono::steady_clock;

enum class Mode { kPopulate, kTimed };

// What every connection shares.
struct Shared {
  const LoadOptions* options;
  const RequestFactory* factory;
  Mode mode;
  Clock::time_point measure_from;
  Clock::time_point deadline;
  uint64_t populate_count = 0;
  std::atomic<uint64_t> next_populate{0};
  std::atomic<uint64_t> completed{0};  // for the progress line
  std::atomic<uint64_t> failed{0};
  std::atomic<int> running{0};
};

class Connection : public std::enable_shared_from_this<Connection> {
 public:
  Connection(net::io_context& io, Shared* shared, int id, Target target)
      : stream_(io), timer_(io), shared_(shared), id_(id), target_(std::move(target)),
        rng_(static_cast<uint64_t>(id) * 0x9E3779B97F4A7C15ull + 1) {}

  void Start() {
    ++shared_->running;
    Connect();
  }

  RunResult result;

 private:
  void Connect() {
    started_ = Clock::now();  // a failed connect is an error of this moment
    tcp::endpoint ep(net::ip::make_address(target_.host), target_.port);
    stream_.async_connect(ep, [self = shared_from_this()](beast::error_code ec) {
      if (ec) return self->Failed("io: " + ec.message(), true);
      self->stream_.socket().set_option(tcp::no_delay(true));
      self->SendNext();
    });
  }

  void SendNext() {
    if (Clock::now() >= shared_->deadline) return Finish();
    const bool keepalive = shared_->options->workload == Workload::kKeepalive;
    opening_session_ = false;
    if (shared_->mode == Mode::kPopulate) {
      const uint64_t i = shared_->next_populate.fetch_add(1);
      if (i >= shared_->populate_count) return Finish();
      req_ = shared_->factory->Populate(i);
    } else if (keepalive && session_.empty()) {
      opening_session_ = true;
      req_ = HttpRequest{http::verb::post, "/v1/sessions", 11};
      req_.set(http::field::host, "load");
      req_.set(http::field::content_type, "application/json");
      req_.body() = R"({"ttl_ms": 60000})";
      req_.prepare_payload();
    } else {
      req_ = shared_->factory->Next(id_, seq_++, rng_, session_);
    }
    started_ = Clock::now();
    http::async_write(stream_, req_, [self = shared_from_this()](beast::error_code ec, size_t) {
      if (ec) return self->Failed("io: " + ec.message(), true);
      self->res_ = {};
      self->parser_.emplace();
      self->parser_->body_limit(64 << 20);
      http::async_read(self->stream_, self->buffer_, *self->parser_,
                       [self](beast::error_code ec2, size_t) { self->OnResponse(ec2); });
    });
  }

  void OnResponse(beast::error_code ec) {
    if (ec) return Failed("io: " + ec.message(), true);
    const auto now = Clock::now();
    const auto& res = parser_->get();
    const int status = static_cast<int>(res.result_int());
    if (opening_session_) {
      auto j = nlohmann::json::parse(res.body(), nullptr, false);
      if (status != 200 || !j.is_object() || !j.contains("id")) return Failed("open session: http_" + std::to_string(status), false);
      session_ = j["id"].get<std::string>();
      return SendNext();
    }
    const bool ok = (status >= 200 && status < 300) || (shared_->mode == Mode::kPopulate && status == 409);
    ++shared_->completed;
    if (started_ >= shared_->measure_from && now <= shared_->deadline) {
      if (ok) {
        result.latency.Record(static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(now - started_).count()));
        ++result.ok;
      } else {
        ++result.errors["http_" + std::to_string(status)];
        ++shared_->failed;
      }
    }
    if (!res.keep_alive()) {
      beast::error_code ignored;
      stream_.socket().close(ignored);
      return Reconnect();
    }
    SendNext();
  }

  void Failed(const std::string& kind, bool reconnect) {
    if (Clock::now() < shared_->deadline && started_ >= shared_->measure_from) {
      ++result.errors[kind];
      ++shared_->failed;
    }
    // Populating has no deadline: a failure ends it (the caller reports the errors).
    if (!reconnect || shared_->mode == Mode::kPopulate) return Finish();
    beast::error_code ignored;
    stream_.socket().close(ignored);
    Reconnect();
  }

  void Reconnect() {
    if (Clock::now() >= shared_->deadline) return Finish();
    buffer_.clear();
    timer_.expires_after(std::chrono::milliseconds(20));
    timer_.async_wait([self = shared_from_this()](beast::error_code) { self->Connect(); });
  }

  void Finish() {
    if (finished_) return;
    finished_ = true;
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
    --shared_->running;
  }

  beast::tcp_stream stream_;
  net::steady_timer timer_;
  Shared* const shared_;
  const int id_;
  const Target target_;
  std::mt19937_64 rng_;
  uint64_t seq_ = 0;
  std::string session_;
  bool opening_session_ = false;
  bool finished_ = false;
  HttpRequest req_;
  http::response<http::string_body> res_;
  std::optional<http::response_parser<http::string_body>> parser_;
  beast::flat_buffer buffer_;
  Clock::time_point started_;
};

RunResult Drive(const LoadOptions& o, Mode mode, uint64_t populate_count) {
  RequestFactory factory(o);
  Shared shared;
  shared.options = &o;
  shared.factory = &factory;
  shared.mode = mode;
  const auto start = Clock::now();
  const MeasuredWindow window = WindowOf(o, mode == Mode::kPopulate, start);
  shared.measure_from = window.from;
  shared.deadline = window.deadline;
  shared.populate_count = populate_count;
  net::io_context io;
  std::vector<std::shared_ptr<Connection>> conns;
  for (int i = 0; i < o.concurrency; ++i) {
    conns.push_back(std::make_shared<Connection>(io, &shared, i, o.targets[static_cast<size_t>(i) % o.targets.size()]));
    conns.back()->Start();
  }
  {
    ProgressLine progress(o, mode == Mode::kPopulate ? populate_count : 0, shared.completed, shared.failed);
    std::vector<std::thread> threads;
    for (int i = 0; i < o.threads; ++i) threads.emplace_back([&] { io.run(); });
    for (auto& t : threads) t.join();
  }

  RunResult total;
  for (const auto& c : conns) {
    total.Add(c->result);
  }
  total.seconds = mode == Mode::kPopulate ? std::chrono::duration<double>(Clock::now() - start).count() : o.duration_s;
  return total;
}

// One synchronous request (setup only).
std::optional<std::string> SimpleGet(const Target& t, const std::string& target) {
  try {
    net::io_context io;
    beast::tcp_stream s(io);
    s.expires_after(std::chrono::seconds(5));
    s.connect(tcp::endpoint(net::ip::make_address(t.host), t.port));
    HttpRequest req{http::verb::get, target, 11};
    req.set(http::field::host, "load");
    http::write(s, req);
    beast::flat_buffer buf;
    http::response<http::string_body> res;
    http::read(s, buf, res);
    if (res.result_int() != 200) return std::nullopt;
    return res.body();
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

}  // namespace

void RunResult::Add(const RunResult& other) {
  latency.Merge(other.latency);
  ok += other.ok;
  for (const auto& [kind, n] : other.errors) errors[kind] += n;
}

MeasuredWindow WindowOf(const LoadOptions& o, bool populate, Clock::time_point start) {
  if (populate) return {start, start + std::chrono::hours(24)};
  auto seconds = [](double s) { return std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(s)); };
  const Clock::time_point from = start + seconds(o.warmup_s);
  return {from, from + seconds(o.duration_s)};
}

LoadRunner::LoadRunner(LoadOptions options) : options_(std::move(options)) {}

bool LoadRunner::ResolveLeader(std::string* error) {
  std::optional<std::string> body = SimpleGet(options_.targets.front(), "/v1/cluster");
  auto j = body ? nlohmann::json::parse(*body, nullptr, false) : nlohmann::json();
  if (!j.is_object() || !j["leader"].is_number()) {
    *error = "no leader known by " + options_.targets.front().host + ":" + std::to_string(options_.targets.front().port);
    return false;
  }
  for (const auto& m : j["members"]) {
    if (m["id"] == j["leader"] && m["client"].is_string()) {
      const std::string client = m["client"];
      const size_t colon = client.rfind(':');
      options_.targets = {{client.substr(0, colon), static_cast<uint16_t>(std::stoi(client.substr(colon + 1)))}};
      return true;
    }
  }
  *error = "the leader's client address is not known yet";
  return false;
}

RunResult LoadRunner::Populate(uint64_t n) {
  if (options_.system == System::kZooKeeper) return ZooKeeperPopulate(options_, n);
  if (options_.system == System::kCoord) {
    LoadOptions one = options_;
    one.concurrency = 1;
    // Creating the parent: a populate of one "key" whose request is the parent's create.
    RequestFactory factory(one);
    try {
      net::io_context io;
      beast::tcp_stream s(io);
      s.expires_after(std::chrono::seconds(10));
      s.connect(tcp::endpoint(net::ip::make_address(one.targets.front().host), one.targets.front().port));
      HttpRequest req = factory.CreateParent();
      http::write(s, req);
      beast::flat_buffer buf;
      http::response<http::string_body> res;
      http::read(s, buf, res);
    } catch (const std::exception&) {
      // The populate itself reports the target's trouble.
    }
  }
  return Drive(options_, Mode::kPopulate, n);
}

RunResult LoadRunner::Run() {
  if (options_.system == System::kZooKeeper) return ZooKeeperRun(options_);
  return Drive(options_, Mode::kTimed, 0);
}

}  // namespace coord::loadgen
