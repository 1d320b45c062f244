// Paths: the rules for node names and the order the tree keeps them in.
//
// A valid path
//   - starts with '/' and is "/" (the root) or has one or more components;
//   - has no empty component ("//"), no trailing '/', no "." or ".." component;
//   - is valid UTF-8 (no overlong forms, no surrogates, nothing above U+10FFFF);
//   - has no control character: C0 (U+0000..U+001F), DEL (U+007F), C1 (U+0080..U+009F);
//   - is at most Options::max_path_bytes bytes long.
// Violations are kInvalidPath with a message naming the rule and the byte offset.
//
// Order: the tree sorts nodes by (parent path, name), byte-wise. Then the children of a node
// are one contiguous run, already sorted by name, and every parent sorts before its children
// (a parent's own parent path is a proper prefix of the children's parent path). The root is
// ("", "") and sorts first. All functions here are pure and thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "coord/options.h"
#include "coord/status.h"

namespace coord::store {

inline constexpr std::string_view kRootPath = "/";
// Width of the zero-padded sequence suffix of sequential nodes, as ZooKeeper.
inline constexpr size_t kSequenceDigits = 10;

// Checks every rule above.
Status ValidatePath(std::string_view path, const Options& options);

// For sequential creates the request names a prefix to which the suffix is appended; like
// ZooKeeper, "/queue/" is a valid prefix (its children are then named by number only).
// Checks that prefix + any suffix is a valid path.
Status ValidateSequentialPrefix(std::string_view prefix, const Options& options);

// The 10-digit suffix for a counter value, "%010d" as ZooKeeper (a negative value, after
// 2^31 creations under one parent, keeps its '-' sign, as ZooKeeper's does).
std::string SequenceSuffix(int32_t counter);

// REQUIRES: `path` is valid. The root's parent is "" and its name "".
std::string_view ParentPath(std::string_view path);
std::string_view BaseName(std::string_view path);

// "/" + "a" -> "/a"; "/a" + "b" -> "/a/b".
std::string ChildPath(std::string_view parent, std::string_view name);

// A path split at its last '/', the unit of the tree's order.
struct PathKey {
  std::string_view parent;
  std::string_view name;

  static PathKey Of(std::string_view path) { return {ParentPath(path), BaseName(path)}; }
  // The key just before every child of `parent`: (parent, "").
  static PathKey FirstChildOf(std::string_view parent) { return {parent, {}}; }
};

inline int ComparePathKeys(const PathKey& a, const PathKey& b) {
  if (int c = a.parent.compare(b.parent); c != 0) return c < 0 ? -1 : 1;
  if (int c = a.name.compare(b.name); c != 0) return c < 0 ? -1 : 1;
  return 0;
}

}  // namespace coord::store
