// Server-Sent Events framing, as a table.
#include "api/http/sse.h"

#include <gtest/gtest.h>

namespace coord::api::http {
namespace {

TEST(SseTest, FormatTable) {
  struct Case {
    SseEvent event;
    std::string wire;
  };
  const Case cases[] = {
      {{"", "", "hello", std::nullopt}, "data: hello\n\n"},
      {{"", "", "", std::nullopt}, "data: \n\n"},
      {{"put", "42", "{\"k\":1}", std::nullopt}, "event: put\nid: 42\ndata: {\"k\":1}\n\n"},
      {{"", "", "a\nb", std::nullopt}, "data: a\ndata: b\n\n"},
      {{"", "", "a\r\nb\rc", std::nullopt}, "data: a\ndata: b\ndata: c\n\n"},
      {{"", "", "trailing\n", std::nullopt}, "data: trailing\ndata: \n\n"},
      {{"x\ny", "1\r2", "d", std::nullopt}, "event: x y\nid: 1 2\ndata: d\n\n"},
      {{"", "", "d", 1500}, "retry: 1500\ndata: d\n\n"},
  };
  for (const Case& c : cases) EXPECT_EQ(FormatSseEvent(c.event), c.wire);
}

TEST(SseTest, Comment) {
  EXPECT_EQ(FormatSseComment("ping"), ": ping\n\n");
  EXPECT_EQ(FormatSseComment("a\nb"), ": a\n: b\n\n");
}

}  // namespace
}  // namespace coord::api::http
