#include "workload.h"

#include <random>

namespace coord::store::testing {

void BuildRandomState(Store& store, size_t nodes, uint32_t seed) {
  std::mt19937_64 rng(seed);
  auto next = [&](uint64_t session = 0) {
    return Txn{store.zxid() + 1, static_cast<int64_t>(1'000'000 + store.zxid()), session};
  };
  std::vector<uint64_t> sessions;
  for (int i = 0; i < 8; ++i) {
    sessions.push_back(store.OpenSession(next(), OpenSessionRequest{10'000})->session_id);
  }
  std::vector<std::string> parents{"/"};
  std::vector<std::string> all;
  const size_t target = store.node_count() + nodes;
  uint64_t request_id = 0;
  while (store.node_count() < target) {
    // Parents near the end of the list are favoured sometimes: deep chains and wide fans.
    const std::string& parent =
        rng() % 4 == 0 ? parents[parents.size() - 1 - rng() % std::min<size_t>(parents.size(), 3)]
                       : parents[rng() % parents.size()];
    std::string name = "n" + std::to_string(rng() % 100000);
    std::string path = parent == "/" ? "/" + name : parent + "/" + name;
    std::string data(rng() % 200, static_cast<char>('a' + rng() % 26));
    CreateRequest req{path, data, CreateMode::kPersistent, 0};
    uint64_t session = 0;
    switch (rng() % 25) {
      case 0: case 1:
        req.mode = CreateMode::kEphemeral;
        session = sessions[rng() % sessions.size()];
        break;
      case 2: req.mode = CreateMode::kContainer; break;
      case 3: req.mode = CreateMode::kPersistentWithTtl, req.ttl_ms = 1 + rng() % 100'000; break;
      case 4: req.mode = CreateMode::kPersistentSequential; break;
      default: break;
    }
    auto r = store.Create(next(session), req);
    if (!r.ok()) continue;
    all.push_back(r->path);
    if (req.mode != CreateMode::kEphemeral) parents.push_back(r->path);
    if (session != 0 && rng() % 2 == 0) {
      store.CacheResponse(session, ++request_id, "response for " + r->path);
    }
    switch (rng() % 20) {
      case 0: store.SetData(next(), SetDataRequest{all[rng() % all.size()], "changed", {}}); break;
      case 1: store.Delete(next(), DeleteRequest{all[rng() % all.size()], {}}); break;
      default: break;
    }
  }
}

}  // namespace coord::store::testing
