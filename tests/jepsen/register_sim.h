// Test helper: histories of a simulated, truly linearizable register service.
//
// Clients (processes) invoke reads, writes and cas on a few keys with random concurrency; each
// operation takes effect atomically at a random moment between its invoke and its completion
// (its linearization point), so the history is linearizable by construction. Some operations
// time out: they are recorded `info` and take effect later, before the info, or never — the
// three cases the checker must accept. Some are left open at the end. A process whose op ended
// info is retired and replaced by a fresh process id, as the format requires. Deterministic
// for a seed.
#pragma once

#include <cstdint>

#include "jepsen/history.h"

namespace coord::jepsen::testing {

struct SimOptions {
  uint64_t seed = 1;
  int processes = 5;
  int keys = 3;
  int ops = 2000;              // operations invoked in total
  double info_rate = 0.05;     // fraction of operations that time out
  bool unique_values = true;   // every write / cas writes a value never written before
  int value_domain = 5;        // values 0..domain-1 when not unique
};

History SimulateRegisterHistory(const SimOptions& options);

// Turns one ok read into a stale read: it returns a value that an acknowledged write or cas
// had overwritten (with a different, unique value) before the read was invoked, and that no
// operation writes again. Appends such a read if no existing read qualifies. Needs a history
// simulated with unique_values. Returns the line (1-based) of the read's completion.
size_t InjectStaleRead(History& history);

}  // namespace coord::jepsen::testing
