// PersistentSet: ordered-set behaviour against std::set, structural sharing between copies,
// and the B+tree invariants after every change.
#include "coord/persistent_set.h"

#include <gtest/gtest.h>

#include <random>
#include <set>
#include <string>
#include <vector>

namespace coord::store {
namespace {

struct IntOrder {
  static int Compare(int a, int b) { return a < b ? -1 : (a > b ? 1 : 0); }
};
// A small capacity makes a few hundred entries several levels deep.
using IntSet = PersistentSet<int, IntOrder, 8>;

std::vector<int> Contents(const IntSet& s) {
  std::vector<int> out;
  for (auto it = s.Begin(); it.Valid(); it.Next()) out.push_back(*it);
  return out;
}

TEST(PersistentSetTest, EmptySet) {
  IntSet s;
  EXPECT_TRUE(s.empty());
  EXPECT_EQ(s.Find(1), nullptr);
  EXPECT_FALSE(s.Begin().Valid());
  EXPECT_FALSE(s.LowerBound(0).Valid());
  EXPECT_FALSE(s.Erase(1));
  EXPECT_EQ(s.CheckInvariants(), "");
}

TEST(PersistentSetTest, InsertReplaceFindErase) {
  IntSet s;
  EXPECT_TRUE(s.Insert(5));
  EXPECT_FALSE(s.Insert(5));  // replaced, not added
  EXPECT_EQ(s.size(), 1u);
  ASSERT_NE(s.Find(5), nullptr);
  EXPECT_EQ(*s.Find(5), 5);
  EXPECT_TRUE(s.Erase(5));
  EXPECT_TRUE(s.empty());
  EXPECT_EQ(s.CheckInvariants(), "");
}

TEST(PersistentSetTest, SequentialInsertFillsNodesAndStaysOrdered) {
  IntSet s;
  for (int i = 0; i < 1000; ++i) ASSERT_TRUE(s.Insert(i));
  ASSERT_EQ(s.CheckInvariants(), "");
  std::vector<int> want(1000);
  for (int i = 0; i < 1000; ++i) want[i] = i;
  EXPECT_EQ(Contents(s), want);
  for (int i = 999; i >= 0; --i) {
    ASSERT_TRUE(s.Erase(i));
    ASSERT_EQ(s.CheckInvariants(), "") << "after erasing " << i;
  }
  EXPECT_TRUE(s.empty());
}

TEST(PersistentSetTest, LowerBoundCrossesLeaves) {
  IntSet s;
  for (int i = 0; i < 500; i += 2) s.Insert(i);
  for (int k = -1; k < 502; ++k) {
    auto it = s.LowerBound(k);
    int want = k < 0 ? 0 : (k % 2 == 0 ? k : k + 1);
    if (want >= 500) {
      EXPECT_FALSE(it.Valid()) << k;
    } else {
      ASSERT_TRUE(it.Valid()) << k;
      EXPECT_EQ(*it, want) << k;
    }
  }
}

TEST(PersistentSetTest, CopiesAreIndependent) {
  IntSet a;
  for (int i = 0; i < 300; ++i) a.Insert(i);
  IntSet b = a;  // shares every node
  for (int i = 0; i < 300; i += 3) b.Erase(i);
  for (int i = 1000; i < 1100; ++i) b.Insert(i);
  IntSet c = b;
  c.Update(1, [](int& v) { (void)v; });
  EXPECT_EQ(a.size(), 300u);
  EXPECT_EQ(Contents(a).back(), 299);
  EXPECT_EQ(b.size(), 300u - 100u + 100u);
  EXPECT_EQ(b.Find(3), nullptr);
  EXPECT_NE(a.Find(3), nullptr);
  EXPECT_EQ(a.CheckInvariants(), "");
  EXPECT_EQ(b.CheckInvariants(), "");
  EXPECT_EQ(c.CheckInvariants(), "");
}

TEST(PersistentSetTest, UpdateChangesOnlyTheCopyUpdated) {
  struct Pair {
    int key = 0;
    int value = 0;
  };
  struct PairOrder {
    static int Compare(const Pair& a, int k) { return a.key < k ? -1 : (a.key > k ? 1 : 0); }
    static int Compare(const Pair& a, const Pair& b) { return Compare(a, b.key); }
  };
  PersistentSet<Pair, PairOrder, 8> a;
  for (int i = 0; i < 100; ++i) a.Insert(Pair{i, i});
  auto b = a;
  EXPECT_TRUE(b.Update(42, [](Pair& p) { p.value = -1; }));
  EXPECT_FALSE(b.Update(1000, [](Pair& p) { p.value = -1; }));
  EXPECT_EQ(a.Find(42)->value, 42);
  EXPECT_EQ(b.Find(42)->value, -1);
}

TEST(PersistentSetTest, BuilderMakesAValidTree) {
  for (int n : {0, 1, 7, 8, 9, 63, 64, 65, 1000}) {
    IntSet::Builder builder;
    for (int i = 0; i < n; ++i) ASSERT_TRUE(builder.Add(i * 2));
    EXPECT_FALSE(n > 0 && builder.Add(0)) << "out of order must be refused";
    IntSet s = std::move(builder).Finish();
    ASSERT_EQ(s.CheckInvariants(), "") << n;
    ASSERT_EQ(s.size(), static_cast<size_t>(n));
    // A built tree must accept further changes like any other.
    s.Insert(1);
    s.Erase(0);
    ASSERT_EQ(s.CheckInvariants(), "") << n;
  }
}

// Random inserts and erases against std::set, with copies kept around and checked to stay
// as they were.
TEST(PersistentSetTest, RandomAgainstStdSet) {
  for (uint32_t seed = 1; seed <= 20; ++seed) {
    std::mt19937 rng(seed);
    IntSet s;
    std::set<int> model;
    std::vector<std::pair<IntSet, std::set<int>>> saved;
    for (int step = 0; step < 3000; ++step) {
      int k = static_cast<int>(rng() % 400);
      if (rng() % 3 == 0) {
        EXPECT_EQ(s.Erase(k), model.erase(k) == 1) << "seed " << seed;
      } else {
        EXPECT_EQ(s.Insert(k), model.insert(k).second) << "seed " << seed;
      }
      if (step % 500 == 0) saved.emplace_back(s, model);
      if (step % 97 == 0) {
        ASSERT_EQ(s.CheckInvariants(), "") << "seed " << seed;
      }
    }
    ASSERT_EQ(s.CheckInvariants(), "") << "seed " << seed;
    EXPECT_EQ(Contents(s), std::vector<int>(model.begin(), model.end())) << "seed " << seed;
    for (auto& [copy, m] : saved) {
      ASSERT_EQ(copy.CheckInvariants(), "") << "seed " << seed;
      EXPECT_EQ(Contents(copy), std::vector<int>(m.begin(), m.end())) << "seed " << seed;
    }
  }
}

// Entries with resources: nothing leaks or is freed twice across copies (ASan checks).
TEST(PersistentSetTest, StringEntriesAcrossCopies) {
  struct StrOrder {
    static int Compare(const std::string& a, const std::string& b) { return a.compare(b); }
  };
  PersistentSet<std::string, StrOrder, 8> s;
  std::vector<PersistentSet<std::string, StrOrder, 8>> copies;
  for (int i = 0; i < 500; ++i) {
    s.Insert("a long enough string to live on the heap #" + std::to_string(i));
    if (i % 50 == 0) copies.push_back(s);
  }
  for (int i = 0; i < 500; i += 2) {
    s.Erase("a long enough string to live on the heap #" + std::to_string(i));
  }
  EXPECT_EQ(s.size(), 250u);
  EXPECT_EQ(copies.back().size(), 451u);
  EXPECT_EQ(s.CheckInvariants(), "");
}

}  // namespace
}  // namespace coord::store
