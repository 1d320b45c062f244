// RequestFactory: the HTTP requests of a workload, for coord's API or etcd's v3 JSON gateway,
// so one runner drives both with the same key space and value size.
//
// Thread-safety: const members are thread-safe; each connection passes its own random state.
#pragma once

#include <cstdint>
#include <random>
#include <string>

#include <boost/beast/http.hpp>

#include "client/loadgen/load_options.h"

namespace coord::loadgen {

using HttpRequest = boost::beast::http::request<boost::beast::http::string_body>;

class RequestFactory {
 public:
  explicit RequestFactory(const LoadOptions& options);

  // The next request of the workload for one connection: `conn` numbers the connection,
  // `seq` counts its requests (new keys of `create` are unique per (conn, seq)), `session`
  // is the connection's session for `keepalive`.
  HttpRequest Next(int conn, uint64_t seq, std::mt19937_64& rng, const std::string& session) const;

  // Writing key `index` (creating it if needed): prepopulation.
  HttpRequest Populate(uint64_t index) const;
  // coord: creating the parent of the keys (a 409 NODE_EXISTS is fine).
  HttpRequest CreateParent() const;

  // coord, watch workload: the key only its probe writer writes, so that a stream can tell
  // the probe's events from the other writers' (their keys are <prefix>/k<i>).
  std::string ProbePath() const { return options_.prefix + "/watch-probe"; }
  // Creating (a 409 when it exists) or setting the probe key.
  HttpRequest WriteProbe(bool create) const;
  // The SSE stream of every event under the prefix after zxid `since`.
  HttpRequest WatchPrefix(uint64_t since) const;

 private:
  HttpRequest Write(const std::string& key, bool create) const;
  HttpRequest Read(const std::string& key, bool serializable) const;
  std::string Key(uint64_t index) const;

  const LoadOptions options_;
  const std::string value_;
};

std::string Base64(const std::string& bytes);

}  // namespace coord::loadgen
