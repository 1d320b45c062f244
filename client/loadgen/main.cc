// coord-load: see load_options.cc for the flags and docs/benchmarks.md for its use.
#include <cstdio>
#include <fstream>

#include "client/loadgen/load_options.h"
#include "client/loadgen/load_runner.h"
#include "client/loadgen/report.h"

using namespace coord::loadgen;

int main(int argc, char** argv) {
  std::string message;
  bool help = false;
  std::optional<LoadOptions> options = ParseLoadOptions(argc, argv, &message, &help);
  if (!options) {
    std::fprintf(help ? stdout : stderr, "%s\n", message.c_str());
    return help ? 0 : 2;
  }
  LoadRunner runner(*options);
  if (options->leader_only) {
    std::string error;
    if (!runner.ResolveLeader(&error)) {
      std::fprintf(stderr, "coord-load: %s\n", error.c_str());
      return 1;
    }
  }
  // Creates the parent of the keys (coord) and the keys to read or set.
  RunResult populated = runner.Populate(options->prepopulate);
  if (!populated.errors.empty()) {
    std::fprintf(stderr, "coord-load: prepopulation failed:\n%s", ResultText(runner.options(), populated).c_str());
    return 1;
  }
  RunResult result = runner.Run();
  std::printf("%s", ResultText(runner.options(), result).c_str());
  if (!options->json_out.empty()) {
    std::ofstream out(options->json_out);
    out << ResultJson(runner.options(), result).dump(2) << "\n";
    if (!out) {
      std::fprintf(stderr, "coord-load: cannot write %s\n", options->json_out.c_str());
      return 1;
    }
  }
  return 0;
}
