// RunCoordLoad: runs the coord-load binary under test (COORD_LOAD_BINARY, set by CMake) with
// --quiet and `--json json_path`, and returns the JSON it wrote (discarded if unparsable).
// A non-zero exit status is a test failure.
#pragma once

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace coord::loadgen::testing {

inline nlohmann::json RunCoordLoad(const std::string& args, const std::string& json_path) {
  const std::string cmd = std::string(COORD_LOAD_BINARY) + " --quiet --json " + json_path + " " + args +
                          " > /dev/null 2>&1";
  const int rc = std::system(cmd.c_str());
  EXPECT_EQ(rc, 0) << cmd;
  std::ifstream in(json_path);
  std::stringstream s;
  s << in.rdbuf();
  return nlohmann::json::parse(s.str(), nullptr, false);
}

}  // namespace coord::loadgen::testing
