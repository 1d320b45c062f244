#include "api/service/member_directory.h"

namespace coord::api::service {

MemberDirectory::MemberDirectory(pb::MemberInfo self) : self_(std::move(self)) {}

void MemberDirectory::Record(pb::MemberInfo info, int64_t now_ms) {
  if (info.id() == 0 || info.id() == self_.id()) return;
  info.set_reported_ms(now_ms);
  std::lock_guard<std::mutex> lock(mu_);
  others_[info.id()] = std::move(info);
}

void MemberDirectory::Merge(const google::protobuf::RepeatedPtrField<pb::MemberInfo>& members) {
  std::lock_guard<std::mutex> lock(mu_);
  for (const pb::MemberInfo& m : members) {
    if (m.id() == 0 || m.id() == self_.id()) continue;
    // Keep the newest report: the leader's copy of a member may be older than one learnt
    // from a previous leader.
    auto it = others_.find(m.id());
    if (it == others_.end() || it->second.reported_ms() <= m.reported_ms() ||
        it->second.client() != m.client()) {
      others_[m.id()] = m;
    }
  }
}

std::map<uint64_t, pb::MemberInfo> MemberDirectory::Known() const {
  std::map<uint64_t, pb::MemberInfo> out;
  {
    std::lock_guard<std::mutex> lock(mu_);
    out = others_;
  }
  out[self_.id()] = self_;
  return out;
}

}  // namespace coord::api::service
