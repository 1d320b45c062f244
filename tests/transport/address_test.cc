#include "raft/transport/address.h"

#include <gtest/gtest.h>

namespace coord::raft::transport {
namespace {

TEST(ParseHostPort, Valid) {
  struct Case { const char* text; const char* host; uint16_t port; const char* printed; };
  const Case cases[] = {
      {"127.0.0.1:7001", "127.0.0.1", 7001, "127.0.0.1:7001"},
      {"node-2.coord.svc:65535", "node-2.coord.svc", 65535, "node-2.coord.svc:65535"},
      {"[::1]:1", "::1", 1, "[::1]:1"},
  };
  for (const Case& c : cases) {
    auto r = ParseHostPort(c.text);
    ASSERT_TRUE(r.ok()) << c.text << ": " << r.status().ToString();
    EXPECT_EQ(r->host, c.host);
    EXPECT_EQ(r->port, c.port);
    EXPECT_EQ(r->ToString(), c.printed);
  }
}

TEST(ParseHostPort, Invalid) {
  for (const char* text : {"", "127.0.0.1", ":7001", "127.0.0.1:", "127.0.0.1:0",
                           "127.0.0.1:65536", "127.0.0.1:70x", "::1:80", "[::1:80", "[::1]80",
                           "host:-1"}) {
    auto r = ParseHostPort(text);
    EXPECT_FALSE(r.ok()) << text;
    if (!r.ok()) {
      EXPECT_EQ(r.status().code(), Status::Code::kInvalidArgument) << text;
    }
  }
}

}  // namespace
}  // namespace coord::raft::transport
