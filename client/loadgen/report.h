// The results of a run: a human table on stdout and a JSON document for scripts. A run's
// extra figures (RunResult::figures) follow the latency in the text and are the "figures"
// object of the JSON; the watch workload names its ok "events delivered" and its latency
// "delivery latency" in the text (the JSON keys stay those of every workload).
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "client/loadgen/load_options.h"
#include "client/loadgen/load_runner.h"

namespace coord::loadgen {

nlohmann::json ResultJson(const LoadOptions& options, const RunResult& result);
std::string ResultText(const LoadOptions& options, const RunResult& result);

}  // namespace coord::loadgen
