#include "tests/storage/storage_equality.h"

#include <algorithm>
#include <sstream>
#include <string>
#include <vector>

namespace coord::raft {
namespace {

template <typename T>
std::string Show(const Result<T>& r, std::string (*show)(const T&)) {
  return r.ok() ? show(r.value()) : r.status().ToString();
}

std::string ShowTerm(const uint64_t& t) { return std::to_string(t); }

std::string ShowEntries(const std::vector<pb::Entry>& entries) {
  std::string out = "[";
  for (const pb::Entry& e : entries) out += e.ShortDebugString() + "; ";
  return out + "]";
}

std::string ShowInitial(const InitialState& s) {
  return "hs{" + s.hard_state.ShortDebugString() + "} conf{" + s.conf_state.ShortDebugString() + "}";
}

std::string ShowSnapshot(const pb::Snapshot& s) {
  return s.metadata().ShortDebugString() + " data=" + std::to_string(s.data().size()) +
         " bytes, hash " + std::to_string(std::hash<std::string>()(s.data()));
}

}  // namespace

::testing::AssertionResult SameStorage(const Storage& expected, const Storage& actual) {
  std::ostringstream diff;
  auto compare = [&](const std::string& what, const std::string& e, const std::string& a) {
    if (e != a) diff << what << ": expected " << e << ", got " << a << "\n";
  };
  compare("FirstIndex", std::to_string(expected.FirstIndex()), std::to_string(actual.FirstIndex()));
  compare("LastIndex", std::to_string(expected.LastIndex()), std::to_string(actual.LastIndex()));
  compare("GetInitialState", Show(expected.GetInitialState(), ShowInitial),
          Show(actual.GetInitialState(), ShowInitial));
  compare("GetSnapshot", Show(expected.GetSnapshot(), ShowSnapshot),
          Show(actual.GetSnapshot(), ShowSnapshot));
  if (!diff.str().empty()) return ::testing::AssertionFailure() << diff.str();

  const uint64_t first = expected.FirstIndex();
  const uint64_t last = expected.LastIndex();
  for (uint64_t i = first >= 2 ? first - 2 : 0; i <= last + 1; ++i) {
    compare("Term(" + std::to_string(i) + ")", Show(expected.Term(i), ShowTerm),
            Show(actual.Term(i), ShowTerm));
  }
  // Bounds worth probing: both ends, one past each, and a few inside.
  std::vector<uint64_t> bounds = {first - 1, first, first + 1, (first + last) / 2, last, last + 1,
                                  last + 2};
  std::sort(bounds.begin(), bounds.end());
  bounds.erase(std::unique(bounds.begin(), bounds.end()), bounds.end());
  for (uint64_t lo : bounds) {
    for (uint64_t hi : bounds) {
      if (hi < lo) continue;
      for (uint64_t max_bytes : {uint64_t{0}, uint64_t{100}, UINT64_MAX}) {
        compare("Entries(" + std::to_string(lo) + ", " + std::to_string(hi) + ", " +
                    std::to_string(max_bytes) + ")",
                Show(expected.Entries(lo, hi, max_bytes), ShowEntries),
                Show(actual.Entries(lo, hi, max_bytes), ShowEntries));
      }
    }
  }
  if (!diff.str().empty()) return ::testing::AssertionFailure() << diff.str();
  return ::testing::AssertionSuccess();
}

}  // namespace coord::raft
