#include "client/loadgen/load_runner.h"

#include <chrono>
#include <memory>
#include <thread>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <nlohmann/json.hpp>

#include "client/loadgen/progress_line.h"
#include "client/loadgen/request_factory.h"
#include "client/loadgen/request_loop.h"
#include "client/loadgen/watch_workload.h"
#include "client/loadgen/zookeeper_driver.h"

namespace coord::loadgen {
namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;
using Clock = std::chrono::steady_clock;

RunResult Drive(const LoadOptions& o, LoopMode mode, uint64_t populate_count) {
  RequestFactory factory(o);
  RequestLoopShared shared;
  shared.options = &o;
  shared.factory = &factory;
  shared.mode = mode;
  const auto start = Clock::now();
  const MeasuredWindow window = WindowOf(o, mode == LoopMode::kPopulate, start);
  shared.measure_from = window.from;
  shared.deadline = window.deadline;
  shared.populate_count = populate_count;
  net::io_context io;
  std::vector<std::shared_ptr<RequestLoop>> conns;
  for (int i = 0; i < o.concurrency; ++i) {
    conns.push_back(std::make_shared<RequestLoop>(io, &shared, i, o.targets[static_cast<size_t>(i) % o.targets.size()]));
    conns.back()->Start();
  }
  {
    ProgressLine progress(o, mode == LoopMode::kPopulate ? populate_count : 0, shared.completed, shared.failed);
    std::vector<std::thread> threads;
    for (int i = 0; i < o.threads; ++i) threads.emplace_back([&] { io.run(); });
    for (auto& t : threads) t.join();
  }

  RunResult total;
  for (const auto& c : conns) {
    total.Add(c->result);
  }
  total.seconds = mode == LoopMode::kPopulate ? std::chrono::duration<double>(Clock::now() - start).count() : o.duration_s;
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
  return Drive(options_, LoopMode::kPopulate, n);
}

RunResult LoadRunner::Run() {
  if (options_.system == System::kZooKeeper) return ZooKeeperRun(options_);
  if (options_.workload == Workload::kWatch) return RunWatchWorkload(options_);
  return Drive(options_, LoopMode::kTimed, 0);
}

}  // namespace coord::loadgen
