// WatchOptions: the limits of one node's watch hub. Unlike the store's options these are
// per node: watches are not replicated, so nodes may differ.
#pragma once

#include <cstddef>
#include <cstdint>

namespace coord::watch {

struct WatchOptions {
  // Live watchers on this node; Register beyond it is kTooManyWatchers (the API's 429).
  // Watchers that have fired, been cut or cancelled do not count.
  size_t max_watchers = 100'000;

  // Events a watcher may hold undrained. A batch that would take it beyond this cuts the
  // watcher (kWatcherTooSlow) instead of queuing; a batch arriving at an empty queue is always
  // accepted, however large, so every write stays deliverable. Counts only the events that
  // match the watch; a queued batch shares the history's copy rather than holding its own.
  size_t max_queued_events = 1'000;

  // Events kept for resuming (`since`). The oldest batches are dropped once the total goes
  // beyond it; 0 keeps none (watches can then only start at the current zxid).
  size_t history_events = 10'000;

  // Longest accepted watch path, as the store's Options::max_path_bytes.
  size_t max_path_bytes = 4096;
};

}  // namespace coord::watch
