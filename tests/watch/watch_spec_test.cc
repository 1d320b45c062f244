// Which watch sees which event: the table of watch_spec.h, checked against Matches() and
// against the registry's index (which must agree with it exactly), plus the index's cost.
#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "test_util.h"
#include "watch/watch_registry.h"
#include "watch/watch_spec.h"

namespace coord::watch {
namespace {

using namespace testing;  // NOLINT

struct NamedSpec {
  const char* name;
  WatchSpec spec;
};

const std::vector<NamedSpec>& Specs() {
  static const std::vector<NamedSpec> specs = {
      {"D:/a", {"/a", WatchKind::kData}},
      {"C:/a", {"/a", WatchKind::kChildren}},
      {"P:/a", {"/a", WatchKind::kPersistent}},
      {"R:/a", {"/a", WatchKind::kPersistentRecursive}},
      {"R:/", {"/", WatchKind::kPersistentRecursive}},
      {"D:/a/b", {"/a/b", WatchKind::kData}},
      {"R:/a/b", {"/a/b", WatchKind::kPersistentRecursive}},
      {"C:/", {"/", WatchKind::kChildren}},
  };
  return specs;
}

struct Row {
  EventType type;
  const char* path;
  std::set<std::string> sees;
};

const std::vector<Row>& Table() {
  static const std::vector<Row> rows = {
      {kCreated, "/a", {"D:/a", "P:/a", "R:/a", "R:/"}},
      {kDataChanged, "/a", {"D:/a", "P:/a", "R:/a", "R:/"}},
      {kDeleted, "/a", {"D:/a", "C:/a", "P:/a", "R:/a", "R:/"}},
      {kChildrenChanged, "/a", {"C:/a", "P:/a"}},
      {kCreated, "/a/b", {"D:/a/b", "R:/a/b", "R:/a", "R:/"}},
      {kDeleted, "/a/b", {"D:/a/b", "R:/a/b", "R:/a", "R:/"}},
      {kChildrenChanged, "/a/b", {}},
      {kDataChanged, "/a/b/c", {"R:/a/b", "R:/a", "R:/"}},
      {kCreated, "/ab", {"R:/"}},  // "/ab" is not below "/a"
      {kDataChanged, "/", {"R:/"}},
      {kChildrenChanged, "/", {"C:/"}},
  };
  return rows;
}

std::string RowName(const Row& row) {
  return std::string(store::EventTypeName(row.type)) + "(" + row.path + ")";
}

TEST(WatchSpecTest, TableOfWhichWatchSeesWhichEvent) {
  for (const Row& row : Table()) {
    std::set<std::string> seen;
    for (const NamedSpec& s : Specs()) {
      if (Matches(s.spec, row.type, row.path)) seen.insert(s.name);
    }
    EXPECT_EQ(seen, row.sees) << RowName(row);
  }
}

TEST(WatchSpecTest, RegistryAgreesWithTheTable) {
  std::vector<std::unique_ptr<RegistryEntry>> entries;
  WatchRegistry registry;
  for (const NamedSpec& s : Specs()) {
    entries.push_back(std::make_unique<RegistryEntry>(s.spec));
    registry.Add(entries.back().get());
  }
  for (const Row& row : Table()) {
    std::multiset<std::string> seen;
    registry.ForEachMatch(row.type, row.path, [&](RegistryEntry* e) {
      for (const NamedSpec& s : Specs()) {
        if (s.spec == e->spec()) seen.insert(s.name);
      }
    });
    EXPECT_EQ(std::set<std::string>(seen.begin(), seen.end()), row.sees) << RowName(row);
    EXPECT_EQ(seen.size(), row.sees.size()) << RowName(row) << ": an entry visited twice";
  }
}

TEST(WatchSpecTest, OneShotKinds) {
  EXPECT_TRUE(IsOneShot(WatchKind::kData));
  EXPECT_TRUE(IsOneShot(WatchKind::kChildren));
  EXPECT_FALSE(IsOneShot(WatchKind::kPersistent));
  EXPECT_FALSE(IsOneShot(WatchKind::kPersistentRecursive));
}

TEST(WatchSpecTest, KindNamesRoundTrip) {
  for (WatchKind kind : {WatchKind::kData, WatchKind::kChildren, WatchKind::kPersistent,
                         WatchKind::kPersistentRecursive}) {
    EXPECT_EQ(ParseWatchKind(WatchKindName(kind)), kind);
  }
  EXPECT_EQ(ParseWatchKind("recursive"), WatchKind::kPersistentRecursive);
  EXPECT_EQ(ParseWatchKind("Data"), std::nullopt);
  EXPECT_EQ(ParseWatchKind(""), std::nullopt);
}

TEST(WatchSpecTest, DescendantIsByComponent) {
  EXPECT_TRUE(IsSelfOrDescendant("/a", "/a"));
  EXPECT_TRUE(IsSelfOrDescendant("/a/b", "/a"));
  EXPECT_TRUE(IsSelfOrDescendant("/a/b/c", "/a"));
  EXPECT_FALSE(IsSelfOrDescendant("/ab", "/a"));
  EXPECT_FALSE(IsSelfOrDescendant("/a", "/a/b"));
  EXPECT_TRUE(IsSelfOrDescendant("/", "/"));
  EXPECT_TRUE(IsSelfOrDescendant("/x", "/"));
}

// Random specs and events over a small namespace: the index finds exactly what a scan of all
// specs with Matches() finds, also while entries come and go.
TEST(WatchRegistryTest, IndexEqualsScanOnRandomWatchesAndEvents) {
  const std::vector<std::string> paths = {"/",     "/a",    "/a/b", "/a/b/c", "/ab",
                                          "/ab/c", "/a/bc", "/x",   "/x/y"};
  const EventType types[] = {kCreated, kDeleted, kDataChanged, kChildrenChanged};
  std::mt19937 rng(7);
  std::vector<std::unique_ptr<RegistryEntry>> entries;
  WatchRegistry registry;
  for (int step = 0; step < 5000; ++step) {
    if (entries.empty() || rng() % 3 != 0) {
      WatchSpec spec{paths[rng() % paths.size()], static_cast<WatchKind>(rng() % 4)};
      entries.push_back(std::make_unique<RegistryEntry>(spec));
      registry.Add(entries.back().get());
    } else {
      size_t i = rng() % entries.size();
      registry.Remove(entries[i].get());
      EXPECT_FALSE(entries[i]->registered());
      std::swap(entries[i], entries.back());
      entries.pop_back();
    }
    EventType type = types[rng() % 4];
    const std::string& path = paths[rng() % paths.size()];
    std::vector<const RegistryEntry*> want, got;
    for (const auto& e : entries) {
      if (Matches(e->spec(), type, path)) want.push_back(e.get());
    }
    registry.ForEachMatch(type, path, [&](RegistryEntry* e) { got.push_back(e); });
    std::sort(want.begin(), want.end());
    std::sort(got.begin(), got.end());
    ASSERT_EQ(got, want) << "step " << step << " " << store::EventTypeName(type) << "(" << path
                         << ")";
    ASSERT_EQ(registry.size(), entries.size());
  }
  for (auto& e : entries) registry.Remove(e.get());
  EXPECT_EQ(registry.path_count(), 0u);
}

// The cost claim: an event costs one lookup per path component (only while recursive
// watches exist) plus one visit per matching watch, however many unrelated watches there are.
TEST(WatchRegistryTest, CostDoesNotGrowWithUnrelatedWatches) {
  WatchRegistry registry;
  std::vector<std::unique_ptr<RegistryEntry>> entries;
  auto add = [&](std::string path, WatchKind kind) {
    entries.push_back(std::make_unique<RegistryEntry>(WatchSpec{std::move(path), kind}));
    registry.Add(entries.back().get());
  };
  for (int i = 0; i < 20'000; ++i) {
    add("/other/n" + std::to_string(i), static_cast<WatchKind>(i % 4));
  }
  add("/a/b/c", WatchKind::kData);

  size_t visited = 0;
  auto count = [&](RegistryEntry*) { ++visited; };
  EXPECT_EQ(registry.ForEachMatch(kDataChanged, "/a/b/c", count), 1u + 3u)
      << "recursive watches exist (under /other): the ancestors are looked up";
  EXPECT_EQ(visited, 1u);

  // With no recursive watch anywhere, only the path itself is looked up.
  for (auto& e : entries) {
    if (e->spec().kind == WatchKind::kPersistentRecursive) registry.Remove(e.get());
  }
  visited = 0;
  EXPECT_EQ(registry.ForEachMatch(kDataChanged, "/a/b/c", count), 1u);
  EXPECT_EQ(visited, 1u);
  // Children-changed events never walk up (recursive watches do not want them).
  add("/", WatchKind::kPersistentRecursive);
  EXPECT_EQ(registry.ForEachMatch(kChildrenChanged, "/a/b/c", count), 1u);
  EXPECT_EQ(registry.ForEachMatch(kCreated, "/a/b/c", count), 4u);
}

}  // namespace
}  // namespace coord::watch
