// ChildProcess: what a node inherits from the harness, and how its end is reported.
#include "jepsen/harness/child_process.h"

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

namespace coord::jepsen::harness {
namespace {

std::string TempLog(const std::string& name) {
  auto path = std::filesystem::temp_directory_path() /
              ("coord-child-" + std::to_string(::getpid()) + "-" + name + ".log");
  std::filesystem::remove(path);
  return path.string();
}

bool AwaitExit(ChildProcess& child) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (!child.Exited()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));  // polling waitpid(WNOHANG)
  }
  return true;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST(ChildProcessTest, ChildInheritsNoDescriptorsOfTheHarness) {
  // A socket without CLOEXEC (as Asio opens them), at a number the child would not use itself.
  // Inherited by a node, a proxied connection outlives the proxy closing it.
  int s = ::socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(s, 0);
  ASSERT_EQ(::dup2(s, 77), 77);
  const std::string log = TempLog("fds");
  ChildProcess child;
  ASSERT_TRUE(child.Start({"/bin/ls", "-1", "/proc/self/fd"}, log).ok());
  ASSERT_TRUE(AwaitExit(child));
  ::close(77);
  ::close(s);
  const std::string fds = ReadFile(log);
  EXPECT_NE(fds.find("\n2\n"), std::string::npos) << fds;  // the listing itself worked
  EXPECT_EQ(fds.find("77"), std::string::npos) << fds;
  std::filesystem::remove(log);
}

TEST(ChildProcessTest, EnvironmentIsAddedAndOverridden) {
  ::setenv("COORD_CHILD_TEST_KEEP", "kept", 1);
  ::setenv("COORD_CHILD_TEST_OVERRIDE", "old", 1);
  const std::string log = TempLog("env");
  ChildProcess child;
  ASSERT_TRUE(child.Start({"/usr/bin/env"}, log, "",
                          {"COORD_CHILD_TEST_OVERRIDE=new", "COORD_CHILD_TEST_ADDED=yes"})
                  .ok());
  ASSERT_TRUE(AwaitExit(child));
  const std::string env = ReadFile(log);
  EXPECT_NE(env.find("COORD_CHILD_TEST_KEEP=kept\n"), std::string::npos) << env;
  EXPECT_NE(env.find("COORD_CHILD_TEST_OVERRIDE=new\n"), std::string::npos) << env;
  EXPECT_EQ(env.find("COORD_CHILD_TEST_OVERRIDE=old"), std::string::npos) << env;
  EXPECT_NE(env.find("COORD_CHILD_TEST_ADDED=yes\n"), std::string::npos) << env;
  std::filesystem::remove(log);
}

TEST(ChildProcessTest, ExitStatusIsDescribed) {
  const std::string log = TempLog("exit");
  ChildProcess child;
  ASSERT_TRUE(child.Start({"/bin/sh", "-c", "exit 3"}, log).ok());
  ASSERT_TRUE(AwaitExit(child));
  EXPECT_NE(child.exit_description().find("3"), std::string::npos) << child.exit_description();
  EXPECT_FALSE(child.running());
  std::filesystem::remove(log);
}

}  // namespace
}  // namespace coord::jepsen::harness
