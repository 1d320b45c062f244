// Nemesis: injects faults into a Cluster on a seeded random schedule and logs every start and
// stop to the nemesis log (jepsen/nemesis_log.h) on the run's clock.
//
// Faults (the kinds enabled by --nemesis):
//   kill       kill -9 one random node, the leader, or a majority; restarted when the fault stops
//   pause      SIGSTOP a random node or the leader; SIGCONT when it stops (held long enough, up
//              to hold_max, to expire the sessions of clients that talk only to it)
//   partition  cut node-to-node links: random halves (majority / minority), the leader
//              isolated, a bridge (two halves that one node still joins), random links, or
//              flapping (random halves that cut and heal every few hundred ms)
//   clock      restart a node with its clock shifted by up to ±clock_max (a jump); restarted
//              with no shift when the fault stops
// One fault at a time: calm (uniform in [calm_min, calm_max]), a fault held for a time uniform
// in [hold_min, hold_max], calm again. Stop() ends the schedule and heals everything.
//
// Thread-safety: Start/Stop from one thread; the schedule runs on its own thread.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "jepsen/harness/cluster.h"
#include "jepsen/harness/run_clock.h"
#include "jepsen/nemesis_log.h"

namespace coord::jepsen::harness {

struct NemesisOptions {
  std::set<std::string> faults;  // "kill", "pause", "partition", "clock"
  uint64_t seed = 1;
  std::chrono::milliseconds calm_min{1000}, calm_max{3000};
  std::chrono::milliseconds hold_min{2000}, hold_max{6000};
  int64_t clock_max_ms = 30000;
};

// "kill", "pause", "partition", "clock".
const std::vector<std::string>& KnownFaults();
// Parses "partition,kill", "all" or "none". InvalidArgument naming an unknown fault.
raft::Result<std::set<std::string>> ParseFaults(const std::string& text);

class Nemesis {
 public:
  Nemesis(Cluster* cluster, Network* network, const RunClock* clock, NemesisLogWriter* log,
          NemesisOptions options);
  ~Nemesis();

  void Start();
  // Ends the schedule, heals the fault in progress, and returns once every node is running,
  // resumed, connected and on its true clock.
  void Stop();

  // What is happening now, for the progress line ("calm", "partition isolate-leader", ...).
  std::string Current() const;
  int faults_injected() const { return injected_.load(); }

 private:
  void Loop();
  // Waits `d` unless stopped first; false when stopped.
  bool Wait(std::chrono::milliseconds d);
  std::chrono::milliseconds Uniform(std::chrono::milliseconds lo, std::chrono::milliseconds hi);
  void Log(bool start, const std::string& fault, Json detail);
  void SetCurrent(std::string what);

  // Each injects one fault, holds it (Wait), and heals it, logging both ends.
  void Kill(std::chrono::milliseconds hold);
  void Pause(std::chrono::milliseconds hold);
  void Partition(std::chrono::milliseconds hold);
  void Clock(std::chrono::milliseconds hold);

  std::vector<int> Shuffled();
  int LeaderOrRandom();

  Cluster* cluster_;
  Network* network_;
  const RunClock* clock_;
  NemesisLogWriter* log_;
  const NemesisOptions options_;
  std::mt19937_64 rng_;  // schedule thread only
  std::atomic<int> injected_{0};

  mutable std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;   // GUARDED_BY(mu_)
  std::string current_ = "calm";  // GUARDED_BY(mu_)
  std::thread thread_;
};

}  // namespace coord::jepsen::harness
