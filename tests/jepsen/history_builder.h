// Test helper: builds histories concisely, one whole operation per call, and pairs them.
//
// Each call appends an invoke and (unless the op is left open) its completion; Build() sorts
// the records by time (stably, so a process's records stay in order) and pairs them, failing
// the test if pairing fails.
#pragma once

#include <optional>
#include <string>

#include "jepsen/operation.h"

namespace coord::jepsen::testing {

class HistoryBuilder {
 public:
  // A whole operation. `type` is the completion (kOk, kFail, kInfo) or kInvoke to leave it open.
  // `out` is the completion's value; `extra` fields go on the completion.
  HistoryBuilder& Add(int64_t process, const std::string& f, std::optional<std::string> key,
                      Json in, int64_t t0, OpType type, Json out, int64_t t1,
                      std::optional<std::string> error = std::nullopt,
                      Json extra = Json::object());
  // One record, as is (notifications, or malformed sequences).
  HistoryBuilder& Record(Op op);

  // Register shorthands (times in ms for readability; stored as ns).
  HistoryBuilder& Write(int64_t p, const std::string& key, int64_t v, int64_t t0, int64_t t1,
                        OpType type = OpType::kOk);
  HistoryBuilder& Read(int64_t p, const std::string& key, std::optional<int64_t> v, int64_t t0,
                       int64_t t1);
  HistoryBuilder& Cas(int64_t p, const std::string& key, int64_t expected, int64_t v, int64_t t0,
                      int64_t t1, OpType type = OpType::kOk,
                      std::optional<std::string> error = std::nullopt);

  History history() const;  // sorted by time
  PairedHistory Build() const;

 private:
  History records_;
};

inline constexpr int64_t kMs = 1'000'000;

}  // namespace coord::jepsen::testing
