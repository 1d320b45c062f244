// Table tests of the service's small stateful pieces: the error table, the keepalive
// limiter, the member directory and the published store.
#include <gtest/gtest.h>

#include <set>
#include <vector>

#include "api/service/api_error.h"
#include "api/service/keepalive_limiter.h"
#include "api/service/member_directory.h"
#include "api/service/published_store.h"
#include "coord/codec.h"

namespace coord::api::service {
namespace {

TEST(ErrorTable, EveryStoreCodeHasARowAndNamesAreUnique) {
  std::set<std::string> names;
  for (int c = 1; c <= 13; ++c) {
    const ErrorCode code = FromStoreCode(static_cast<store::Code>(c));
    EXPECT_NE(code, ErrorCode::kInternal) << c;
    EXPECT_TRUE(names.insert(Describe(code).name).second) << Describe(code).name;
  }
  EXPECT_EQ(Describe(ErrorCode::kNoNode).http_status, 404);
  EXPECT_EQ(Describe(ErrorCode::kNodeExists).http_status, 409);
  EXPECT_EQ(Describe(ErrorCode::kBadVersion).http_status, 409);
  EXPECT_EQ(Describe(ErrorCode::kNotEmpty).http_status, 409);
  EXPECT_EQ(Describe(ErrorCode::kSessionExpired).http_status, 410);
  EXPECT_EQ(Describe(ErrorCode::kDataTooLarge).http_status, 413);
  EXPECT_EQ(Describe(ErrorCode::kInvalidPath).http_status, 400);
  EXPECT_EQ(Describe(ErrorCode::kRateLimited).http_status, 429);
  EXPECT_EQ(Describe(ErrorCode::kNoLeader).http_status, 503);
  EXPECT_EQ(Describe(ErrorCode::kTimeout).http_status, 503);
  EXPECT_STREQ(Describe(ErrorCode::kNoNode).name, "NO_NODE");
}

TEST(ErrorTable, RuntimeOutcomes) {
  EXPECT_EQ(ApiError::FromRaft(raft::Status::ProposalDropped("no leader"), "write").code, ErrorCode::kNoLeader);
  EXPECT_EQ(ApiError::FromRaft(raft::Status::NotLeader(0), "read").code, ErrorCode::kNoLeader);
  ApiError timeout = ApiError::FromRaft(raft::Status::Timeout("slow"), "write");
  EXPECT_EQ(timeout.code, ErrorCode::kTimeout);
  EXPECT_NE(timeout.message.find("may or may not"), std::string::npos);
  EXPECT_EQ(ApiError::FromRaft(raft::Status::Shutdown("bye"), "write").code, ErrorCode::kShuttingDown);
  store::Status multi(store::Code::kBadVersion, "v");
  multi.set_failed_op(2);
  ApiError e = ApiError::FromStore(multi);
  EXPECT_EQ(e.failed_op, 2);
  http::Response r = e.ToResponse();
  EXPECT_EQ(r.status, 409);
  EXPECT_EQ(r.body, R"({"error":{"code":"BAD_VERSION","failed_op":2,"message":"v"}})");
}

TEST(KeepaliveLimiter, TokenBucketPerSession) {
  KeepaliveLimiter l(/*rate=*/2, /*burst=*/2);
  EXPECT_TRUE(l.Allow(1, 1000));
  EXPECT_TRUE(l.Allow(1, 1000));
  EXPECT_FALSE(l.Allow(1, 1000));
  EXPECT_TRUE(l.Allow(2, 1000)) << "another session has its own bucket";
  EXPECT_FALSE(l.Allow(1, 1400));
  EXPECT_TRUE(l.Allow(1, 1500)) << "one token per 500 ms";
  EXPECT_FALSE(l.Allow(1, 1500));
  EXPECT_FALSE(l.Allow(1, 900)) << "time going backwards refills nothing";
  l.Prune(100000);
  EXPECT_EQ(l.size(), 0u);
  KeepaliveLimiter off(0, 0);
  for (int i = 0; i < 1000; ++i) EXPECT_TRUE(off.Allow(1, 0));
}

pb::MemberInfo Member(uint64_t id, const std::string& client, uint64_t applied = 0) {
  pb::MemberInfo m;
  m.set_id(id);
  m.set_client(client);
  m.set_peer("peer-" + std::to_string(id));
  m.set_applied(applied);
  return m;
}

TEST(MemberDirectory, LeaderRecordsFollowersMerge) {
  MemberDirectory leader(Member(1, "c1"));
  leader.Record(Member(2, "c2", 10), 1000);
  leader.Record(Member(1, "impostor"), 1000);  // its own id: ignored
  leader.Record(Member(0, "nobody"), 1000);
  std::map<uint64_t, pb::MemberInfo> known = leader.Known();
  ASSERT_EQ(known.size(), 2u);
  EXPECT_EQ(known[1].client(), "c1");
  EXPECT_EQ(known[2].client(), "c2");
  EXPECT_EQ(known[2].reported_ms(), 1000);

  MemberDirectory follower(Member(3, "c3"));
  google::protobuf::RepeatedPtrField<pb::MemberInfo> list;
  for (auto& [id, m] : known) *list.Add() = m;
  *list.Add() = Member(3, "wrong");  // itself: ignored
  follower.Merge(list);
  known = follower.Known();
  ASSERT_EQ(known.size(), 3u);
  EXPECT_EQ(known[3].client(), "c3");
  EXPECT_EQ(known[2].applied(), 10u);
  // An older report does not replace a newer one.
  google::protobuf::RepeatedPtrField<pb::MemberInfo> old;
  pb::MemberInfo stale = Member(2, "c2", 5);
  stale.set_reported_ms(500);
  *old.Add() = stale;
  follower.Merge(old);
  EXPECT_EQ(follower.Known()[2].applied(), 10u);
}

store::pb::Command Create(const std::string& path) {
  store::CreateRequest r;
  r.path = path;
  return store::MakeCommand(store::CommandHeader{1000, 0, 0}, r);
}

TEST(PublishedStore, EveryApplyPublishesAViewThatHoldsIt) {
  PublishedStore s(store::Options{});
  std::vector<uint64_t> observed;
  s.SetObserver({[&](uint64_t index) {
                   // The observer runs once the entry's view is visible.
                   EXPECT_EQ(s.Current()->zxid(), index);
                   observed.push_back(index);
                 },
                 nullptr});
  ViewPtr before = s.Current();
  ASSERT_NE(before, nullptr);
  EXPECT_EQ(before->zxid(), 0u);
  s.Apply(1, "");  // a no-op entry advances too
  EXPECT_EQ(s.Current()->zxid(), 1u);
  s.Apply(2, Create("/a").SerializeAsString());
  ViewPtr after = s.Current();
  EXPECT_EQ(after->zxid(), 2u);
  EXPECT_EQ(s.LastApplied(), 2u);
  EXPECT_TRUE(after->Get("/a").ok());
  EXPECT_FALSE(before->Get("/a").ok()) << "an old view never changes";
  s.Apply(3, "garbage");
  EXPECT_EQ(s.Current()->zxid(), 3u);
  EXPECT_EQ(observed, (std::vector<uint64_t>{1, 2, 3}));

  // A restore publishes the restored state.
  class Sink : public raft::SnapshotSink {
   public:
    raft::Status Write(std::string_view c) override {
      data.append(c);
      return raft::Status::Ok();
    }
    std::string data;
  } sink;
  ASSERT_TRUE(s.CaptureSnapshot()->WriteTo(sink).ok());
  class Source : public raft::SnapshotSource {
   public:
    explicit Source(std::string d) : d_(std::move(d)) {}
    raft::Result<bool> Read(std::string* chunk) override {
      if (done_) {
        chunk->clear();
        return false;
      }
      *chunk = d_;
      done_ = true;
      return true;
    }

   private:
    std::string d_;
    bool done_ = false;
  } source(sink.data);
  PublishedStore restored(store::Options{});
  uint64_t restored_at = 0;
  restored.SetObserver({nullptr, [&](uint64_t index) { restored_at = index; }});
  ASSERT_TRUE(restored.Restore(source).ok());
  EXPECT_EQ(restored_at, 3u);
  EXPECT_EQ(restored.Current()->zxid(), 3u);
  EXPECT_TRUE(restored.Current()->Get("/a").ok());
  EXPECT_EQ(restored.LastApplied(), 3u);
}

}  // namespace
}  // namespace coord::api::service
