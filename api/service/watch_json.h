// The JSON shapes of watch events, shared by long-polls and streams:
//   event  {"type": "created"|"deleted"|"data_changed"|"children_changed", "path", "zxid"}
//   batch  {"zxid": N, "events": [event, ...]}   one write's matching events (a multi's together)
// Pure and thread-safe.
#pragma once

#include <vector>

#include <nlohmann/json.hpp>

#include "watch/event_batch.h"

namespace coord::api::service {

nlohmann::json EventToJson(const store::Event& event);
nlohmann::json BatchToJson(const watch::EventBatch& batch);
// Every event of `batches`, in order, as one flat array.
nlohmann::json EventsToJson(const std::vector<watch::EventBatch>& batches);

}  // namespace coord::api::service
