#include "jepsen/harness/cluster.h"

#include <signal.h>

#include <cstdlib>
#include <filesystem>
#include <thread>

#include "jepsen/harness/http_client.h"

namespace coord::jepsen::harness {

namespace fs = std::filesystem;

Cluster::Cluster(ClusterOptions options, Network* network)
    : options_(std::move(options)), network_(network), nodes_(network->nodes()) {}

Cluster::~Cluster() {
  std::lock_guard<std::mutex> lock(mu_);
  for (Node& n : nodes_) n.process->Kill();
}

std::string Cluster::log_name(int i) const { return "n" + std::to_string(i + 1) + ".log"; }

std::vector<std::string> Cluster::Command(int i) const {
  std::string members;
  for (int j = 0; j < size(); ++j) {
    Endpoint e = j == i ? network_->listen_peer(j) : network_->peer_seen_by(i, j);
    members += (members.empty() ? "" : ",") + std::to_string(j + 1) + "=" + e.ToString();
  }
  std::vector<std::string> argv = {
      options_.coordd,
      "--id", std::to_string(i + 1),
      "--data-dir", options_.data_dir + "/n" + std::to_string(i + 1),
      "--listen-client", network_->client(i).ToString(),
      "--listen-peer", network_->listen_peer(i).ToString(),
      "--initial-cluster", members,
      "--cluster-id", "jepsen",
      "--tick-ms", std::to_string(options_.tick_ms),
      "--request-timeout-ms", std::to_string(options_.request_timeout_ms),
      "--leader-wait-ms", std::to_string(options_.leader_wait_ms),
      "--clock-offset-ms", std::to_string(nodes_[i].clock_offset_ms),
  };
  argv.insert(argv.end(), options_.extra_flags.begin(), options_.extra_flags.end());
  return argv;
}

raft::Status Cluster::Start(int i) {
  std::lock_guard<std::mutex> lock(mu_);
  Node& n = nodes_[i];
  if (n.process->running()) return raft::Status::Ok();
  std::error_code ec;
  fs::create_directories(options_.log_dir, ec);
  fs::create_directories(options_.data_dir, ec);
  n.paused = false;
  // Node logs are files in the run folder, read after the fact: info level (leader changes,
  // snapshots) unless the caller chose a level with COORD_LOG.
  std::vector<std::string> env;
  if (std::getenv("COORD_LOG") == nullptr) env.push_back("COORD_LOG=info");
  return n.process->Start(Command(i), options_.log_dir + "/" + log_name(i),
                          network_->netns_path(i), env);
}

void Cluster::Kill(int i) {
  std::lock_guard<std::mutex> lock(mu_);
  nodes_[i].process->Kill();
  nodes_[i].paused = false;
}

void Cluster::Pause(int i) {
  std::lock_guard<std::mutex> lock(mu_);
  if (!nodes_[i].process->running()) return;
  nodes_[i].process->Signal(SIGSTOP);
  nodes_[i].paused = true;
}

void Cluster::Resume(int i) {
  std::lock_guard<std::mutex> lock(mu_);
  nodes_[i].process->Signal(SIGCONT);
  nodes_[i].paused = false;
}

void Cluster::SetClockOffset(int i, int64_t offset_ms) {
  std::lock_guard<std::mutex> lock(mu_);
  nodes_[i].clock_offset_ms = offset_ms;
}

bool Cluster::running(int i) const {
  std::lock_guard<std::mutex> lock(mu_);
  return nodes_[i].process->running();
}

bool Cluster::paused(int i) const {
  std::lock_guard<std::mutex> lock(mu_);
  return nodes_[i].paused;
}

raft::Status Cluster::StartAll(std::chrono::milliseconds within) {
  for (int i = 0; i < size(); ++i) {
    raft::Status s = Start(i);
    if (!s.ok()) return s;
  }
  return AwaitReady(within);
}

raft::Status Cluster::AwaitReady(std::chrono::milliseconds within) {
  const auto deadline = std::chrono::steady_clock::now() + within;
  std::vector<std::unique_ptr<HttpClient>> clients;
  for (int i = 0; i < size(); ++i) {
    Endpoint e = network_->client(i);
    clients.push_back(std::make_unique<HttpClient>(e.host, e.port));
  }
  std::string last;
  for (;;) {
    bool all = true;
    for (int i = 0; i < size() && all; ++i) {
      if (!running(i) || paused(i)) continue;
      // A node that died on its own is a finding, not something to wait for.
      {
        std::lock_guard<std::mutex> lock(mu_);
        if (nodes_[i].process->Exited()) {
          return raft::Status::IOError("node n" + std::to_string(i + 1) + " " +
                                       nodes_[i].process->exit_description() +
                                       "; see its log nodes/" + log_name(i));
        }
      }
      auto r = clients[i]->Request("GET", "/ready", "", std::chrono::milliseconds(1500));
      if (!r.ok() || r->status != 200) {
        all = false;
        last = "n" + std::to_string(i + 1) + ": " + (r.ok() ? r->body : r.error().what);
      }
    }
    if (all) return raft::Status::Ok();
    if (std::chrono::steady_clock::now() >= deadline) {
      return raft::Status::Timeout("cluster not ready within " +
                                   std::to_string(within.count()) + " ms (" + last + ")");
    }
    // /ready answers at once when not ready; a short pause keeps this from spinning.
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
}

std::optional<int> Cluster::Leader() {
  for (int i = 0; i < size(); ++i) {
    if (!running(i) || paused(i)) continue;
    Endpoint e = network_->client(i);
    HttpClient client(e.host, e.port);
    auto r = client.Request("GET", "/v1/cluster", "", std::chrono::milliseconds(500));
    if (!r.ok() || r->status != 200) continue;
    Json j = r->json();
    if (j.is_object() && j.contains("leader") && j["leader"].is_number_integer()) {
      int id = j["leader"].get<int>();
      if (id >= 1 && id <= size()) return id - 1;
    }
  }
  return std::nullopt;
}

void Cluster::StopAll() {
  std::lock_guard<std::mutex> lock(mu_);
  for (Node& n : nodes_) n.process->Terminate(std::chrono::seconds(5));
}

}  // namespace coord::jepsen::harness
