// The handshake rules as a table: each row is one Hello and what the acceptor decides.
#include "raft/transport/handshake.h"

#include <gtest/gtest.h>

namespace coord::raft::transport {
namespace {

TEST(Admit, Table) {
  struct Row {
    const char* name;
    pb::Hello hello;
    bool from_is_peer;
    std::optional<std::string> existing_ip;
    pb::Refusal refusal;
    bool replaces;
  };
  pb::Hello old_version = MakeHello(7, 2, 1);
  old_version.set_protocol_version(kProtocolVersion + 1);
  const Row rows[] = {
      {"known peer", MakeHello(7, 2, 1), true, std::nullopt, pb::REFUSAL_NONE, false},
      {"other version", old_version, true, std::nullopt, pb::REFUSAL_BAD_VERSION, false},
      {"other cluster", MakeHello(8, 2, 1), true, std::nullopt, pb::REFUSAL_WRONG_CLUSTER, false},
      {"meant for node 3", MakeHello(7, 2, 3), true, std::nullopt, pb::REFUSAL_WRONG_TARGET, false},
      {"unknown node", MakeHello(7, 9, 1), false, std::nullopt, pb::REFUSAL_UNKNOWN_NODE, false},
      {"claims to be us", MakeHello(7, 1, 1), true, std::nullopt, pb::REFUSAL_UNKNOWN_NODE, false},
      {"duplicate elsewhere", MakeHello(7, 2, 1), true, "127.0.0.9", pb::REFUSAL_DUPLICATE_NODE,
       false},
      {"same address again", MakeHello(7, 2, 1), true, "127.0.0.1", pb::REFUSAL_NONE, true},
      // Checks run in order: the cluster is wrong before the id is unknown.
      {"wrong cluster and unknown", MakeHello(8, 9, 1), false, std::nullopt,
       pb::REFUSAL_WRONG_CLUSTER, false},
  };
  for (const Row& row : rows) {
    AdmissionInput in;
    in.cluster_id = 7;
    in.node_id = 1;
    in.from_is_peer = row.from_is_peer;
    in.existing_remote_ip = row.existing_ip;
    in.remote_ip = "127.0.0.1";
    const Admission a = Admit(row.hello, in);
    EXPECT_EQ(a.refusal, row.refusal) << row.name << ": " << a.reason;
    EXPECT_EQ(a.replaces_existing, row.replaces) << row.name;
    EXPECT_EQ(a.accepted(), a.reason.empty()) << row.name << ": refusals say why";
  }
}

TEST(Admit, ReasonsNameTheProblem) {
  AdmissionInput in;
  in.cluster_id = 7;
  in.node_id = 1;
  in.from_is_peer = true;
  in.remote_ip = "127.0.0.2";
  in.existing_remote_ip = "127.0.0.1";
  EXPECT_NE(Admit(MakeHello(7, 2, 1), in).reason.find("already connected from 127.0.0.1"),
            std::string::npos);
  EXPECT_NE(Admit(MakeHello(8, 2, 1), in).reason.find("cluster 8"), std::string::npos);
}

TEST(CheckReply, AcceptsOnlyTheExpectedNodeAndAnAcceptance) {
  Admission ok;
  EXPECT_TRUE(CheckReply(MakeReply(ok, 7, 2), 7, 2).ok());
  EXPECT_FALSE(CheckReply(MakeReply(ok, 7, 3), 7, 2).ok()) << "address answers as another node";
  EXPECT_FALSE(CheckReply(MakeReply(ok, 8, 2), 7, 2).ok()) << "another cluster";
  Admission refused;
  refused.refusal = pb::REFUSAL_UNKNOWN_NODE;
  refused.reason = "node 1 is not in this node's peer set";
  const Status s = CheckReply(MakeReply(refused, 7, 2), 7, 2);
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find("REFUSAL_UNKNOWN_NODE"), std::string::npos) << s.message();
}

}  // namespace
}  // namespace coord::raft::transport
