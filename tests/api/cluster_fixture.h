// ClusterTest: a fixture for suites that share one running cluster across their tests (ctest
// runs each suite as its own process: tests/api/CMakeLists.txt). A suite derives from it and
// starts the cluster in its SetUpTestSuite with the flags it needs:
//
//   class Nodes : public ClusterTest {
//    protected:
//     static void SetUpTestSuite() { StartShared(3, {}); }
//     static void TearDownTestSuite() { StopShared(); }
//   };
//
// Tests use paths under a prefix of their own (Unique()), so they never see each other's
// nodes.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "tests/api/api_client.h"
#include "tests/api/coordd_cluster.h"

namespace coord::api::testing {

class ClusterTest : public ::testing::Test {
 protected:
  static void StartShared(int size, std::vector<std::string> flags) {
    shared_ = std::make_unique<CoorddCluster>(size, std::move(flags));
    ASSERT_TRUE(shared_->Start()) << "cluster did not start";
  }
  static void StopShared() { shared_.reset(); }

  void SetUp() override {
    ASSERT_NE(shared_, nullptr);
    for (uint64_t id : shared_->ids()) ASSERT_TRUE(shared_->Running(id)) << "node " << id << " died";
  }

  static CoorddCluster& cluster() { return *shared_; }
  static uint16_t port(uint64_t id) { return shared_->client_port(id); }
  static uint16_t leader_port() { return port(shared_->AwaitLeader()); }
  static uint16_t follower_port() {
    const uint64_t leader = shared_->AwaitLeader();
    return port(shared_->AnyRunningExcept(leader));
  }

  // "/<TestName>" (+ suffix): a namespace of the current test's own.
  static std::string Unique(const std::string& suffix = "") {
    return std::string("/") + ::testing::UnitTest::GetInstance()->current_test_info()->name() + suffix;
  }

 private:
  static inline std::unique_ptr<CoorddCluster> shared_;
};

}  // namespace coord::api::testing
