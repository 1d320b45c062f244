// Names the calling thread, so `top -H`, perf and gdb tell a node's threads apart
// (raft, apply, snapshot, transport, http). Linux keeps at most 15 characters.
#pragma once

#include <pthread.h>

namespace coord::raft {

inline void NameThisThread(const char* name) { pthread_setname_np(pthread_self(), name); }

}  // namespace coord::raft
