#include "api/service/watch_json.h"

namespace coord::api::service {

using nlohmann::json;

json EventToJson(const store::Event& event) {
  return {{"type", store::EventTypeName(event.type)}, {"path", event.path}, {"zxid", event.zxid}};
}

json BatchToJson(const watch::EventBatch& batch) {
  json events = json::array();
  for (const store::Event& e : batch.events) events.push_back(EventToJson(e));
  return {{"zxid", batch.zxid}, {"events", std::move(events)}};
}

json EventsToJson(const std::vector<watch::EventBatch>& batches) {
  json events = json::array();
  for (const watch::EventBatch& b : batches) {
    for (const store::Event& e : b.events) events.push_back(EventToJson(e));
  }
  return events;
}

}  // namespace coord::api::service
