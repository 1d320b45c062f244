// The crash model of FaultInjectionEnv, which the crash tests rely on.
#include "tests/storage/fault_injection_env.h"

#include <fstream>
#include <memory>
#include <random>
#include <set>
#include <sstream>

#include <gtest/gtest.h>

#include "tests/storage/test_util.h"

namespace coord::raft {
namespace {

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void WritePlain(const std::string& path, const std::string& content) {
  std::ofstream(path, std::ios::binary) << content;
}

class FaultInjectionEnvTest : public ::testing::Test {
 protected:
  // Creates `name`, appends `synced`, syncs, appends `unsynced`, closes.
  void WriteFile(const std::string& name, const std::string& synced, const std::string& unsynced,
                 bool sync_dir) {
    leveldb::WritableFile* raw = nullptr;
    ASSERT_TRUE(env_.NewWritableFile(dir_.Sub(name), &raw).ok());
    std::unique_ptr<leveldb::WritableFile> f(raw);
    if (sync_dir) {
      ASSERT_TRUE(env_.SyncDir(dir_.path()).ok());
    }
    ASSERT_TRUE(f->Append(synced).ok());
    ASSERT_TRUE(f->Sync().ok());
    ASSERT_TRUE(f->Append(unsynced).ok());
    ASSERT_TRUE(f->Close().ok());
  }

  TempDir dir_;
  FaultInjectionEnv env_;
};

TEST_F(FaultInjectionEnvTest, CrashDropsWhatNoSyncCovered) {
  WriteFile("f", "synced", "-lost", /*sync_dir=*/true);
  EXPECT_EQ(ReadAll(dir_.Sub("f")), "synced-lost");  // all there until the crash
  ASSERT_TRUE(env_.DropUnsyncedData().ok());
  EXPECT_EQ(ReadAll(dir_.Sub("f")), "synced");
}

TEST_F(FaultInjectionEnvTest, CrashMayKeepOnlyAPrefixOfUnsyncedData) {
  std::set<size_t> sizes;
  for (uint64_t seed = 0; seed < 40; ++seed) {
    const std::string name = "f" + std::to_string(seed);
    WriteFile(name, "abc", "defghij", /*sync_dir=*/true);
    std::mt19937_64 rng(seed);
    ASSERT_TRUE(env_.DropUnsyncedData(&rng).ok());
    const std::string kept = ReadAll(dir_.Sub(name));
    ASSERT_GE(kept.size(), 3u);
    EXPECT_EQ(kept, std::string("abcdefghij").substr(0, kept.size()));
    sizes.insert(kept.size());
  }
  EXPECT_GT(sizes.size(), 3u) << "the kept length should vary with the seed";
}

TEST_F(FaultInjectionEnvTest, NewFileWithoutDirectorySyncDisappears) {
  WriteFile("f", "synced", "", /*sync_dir=*/false);
  ASSERT_TRUE(env_.DropUnsyncedData().ok());
  EXPECT_FALSE(std::filesystem::exists(dir_.Sub("f")));
}

TEST_F(FaultInjectionEnvTest, SyncingAManifestSyncsItsDirectoryAsPosixDoes) {
  WriteFile("000003.log", "", "unsynced", /*sync_dir=*/false);
  WriteFile("MANIFEST-000002", "edit", "", /*sync_dir=*/false);
  ASSERT_TRUE(env_.DropUnsyncedData().ok());
  EXPECT_EQ(ReadAll(dir_.Sub("MANIFEST-000002")), "edit");
  EXPECT_TRUE(std::filesystem::exists(dir_.Sub("000003.log")));
  EXPECT_EQ(ReadAll(dir_.Sub("000003.log")), "");
}

TEST_F(FaultInjectionEnvTest, RenameWithoutDirectorySyncIsUndone) {
  WritePlain(dir_.Sub("CURRENT"), "old");  // written before the Env knew it: durable
  WriteFile("tmp", "new", "", /*sync_dir=*/false);
  ASSERT_TRUE(env_.RenameFile(dir_.Sub("tmp"), dir_.Sub("CURRENT")).ok());
  EXPECT_EQ(ReadAll(dir_.Sub("CURRENT")), "new");
  ASSERT_TRUE(env_.DropUnsyncedData().ok());
  EXPECT_EQ(ReadAll(dir_.Sub("CURRENT")), "old");
  EXPECT_FALSE(std::filesystem::exists(dir_.Sub("tmp")));
}

TEST_F(FaultInjectionEnvTest, RenameFollowedByDirectorySyncSurvives) {
  WritePlain(dir_.Sub("CURRENT"), "old");
  WriteFile("tmp", "new", "", /*sync_dir=*/false);
  ASSERT_TRUE(env_.RenameFile(dir_.Sub("tmp"), dir_.Sub("CURRENT")).ok());
  ASSERT_TRUE(env_.SyncDir(dir_.path()).ok());
  ASSERT_TRUE(env_.DropUnsyncedData().ok());
  EXPECT_EQ(ReadAll(dir_.Sub("CURRENT")), "new");
}

TEST_F(FaultInjectionEnvTest, UndoneRenameBringsBackADurableSource) {
  WriteFile("a", "durable", "-not", /*sync_dir=*/true);
  ASSERT_TRUE(env_.RenameFile(dir_.Sub("a"), dir_.Sub("b")).ok());
  ASSERT_TRUE(env_.DropUnsyncedData().ok());
  EXPECT_EQ(ReadAll(dir_.Sub("a")), "durable");
  EXPECT_FALSE(std::filesystem::exists(dir_.Sub("b")));
}

TEST_F(FaultInjectionEnvTest, AfterTheCrashPointEveryMutationFailsAndChangesNothing) {
  leveldb::WritableFile* raw = nullptr;
  ASSERT_TRUE(env_.NewWritableFile(dir_.Sub("f"), &raw).ok());
  std::unique_ptr<leveldb::WritableFile> f(raw);
  ASSERT_TRUE(env_.SyncDir(dir_.path()).ok());
  env_.CrashAfter(2);
  EXPECT_TRUE(f->Append("one").ok());
  EXPECT_TRUE(f->Sync().ok());
  EXPECT_FALSE(env_.crashed());
  EXPECT_TRUE(f->Append("two").IsIOError());
  EXPECT_TRUE(f->Sync().IsIOError());
  EXPECT_TRUE(env_.SyncDir(dir_.path()).IsIOError());
  EXPECT_TRUE(env_.RemoveFile(dir_.Sub("f")).IsIOError());
  EXPECT_TRUE(env_.crashed());
  ASSERT_TRUE(f->Close().ok());
  EXPECT_EQ(ReadAll(dir_.Sub("f")), "one");
  ASSERT_TRUE(env_.DropUnsyncedData().ok());
  EXPECT_FALSE(env_.crashed());
  EXPECT_EQ(ReadAll(dir_.Sub("f")), "one");
  EXPECT_TRUE(env_.RemoveFile(dir_.Sub("f")).ok());  // the machine is up again
}

}  // namespace
}  // namespace coord::raft
