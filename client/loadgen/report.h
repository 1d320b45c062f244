// The results of a run: a human table on stdout and a JSON document for scripts.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "client/loadgen/load_options.h"
#include "client/loadgen/load_runner.h"

namespace coord::loadgen {

nlohmann::json ResultJson(const LoadOptions& options, const RunResult& result);
std::string ResultText(const LoadOptions& options, const RunResult& result);

}  // namespace coord::loadgen
