#include "test_util.h"

#include <sstream>

namespace coord::store::testing {

std::string Dump(const State& state) {
  std::ostringstream out;
  for (auto it = state.nodes.Begin(); it.Valid(); it.Next()) {
    const Node& n = **it;
    const Stat s = n.stat();
    out << n.path() << " data=" << n.data() << " czxid=" << s.czxid << " mzxid=" << s.mzxid
        << " pzxid=" << s.pzxid << " ctime=" << s.ctime << " mtime=" << s.mtime
        << " version=" << s.version << " cversion=" << s.cversion
        << " owner=" << s.ephemeral_owner << " children=" << s.num_children
        << " kind=" << static_cast<int>(n.kind()) << " ttl=" << n.meta().ttl_ms << "\n";
  }
  for (auto it = state.sessions.Begin(); it.Valid(); it.Next()) {
    out << "session " << it->id << " ttl=" << it->ttl_ms << " cached=" << it->cached_responses
        << " floor=" << it->dedup_floor << "\n";
  }
  return out.str();
}

}  // namespace coord::store::testing
