#include "coord/requests.h"

namespace coord::store {

bool IsSequential(CreateMode mode) {
  return mode == CreateMode::kPersistentSequential || mode == CreateMode::kEphemeralSequential ||
         mode == CreateMode::kPersistentSequentialWithTtl;
}

bool IsEphemeral(CreateMode mode) {
  return mode == CreateMode::kEphemeral || mode == CreateMode::kEphemeralSequential;
}

bool HasTtl(CreateMode mode) {
  return mode == CreateMode::kPersistentWithTtl || mode == CreateMode::kPersistentSequentialWithTtl;
}

Code MultiOpCode(const Status& status, int index) {
  if (status.ok()) return Code::kOk;
  if (status.failed_op() < 0) return status.code();
  if (index < status.failed_op()) return Code::kRolledBack;
  if (index == status.failed_op()) return status.code();
  return Code::kNotAttempted;
}

}  // namespace coord::store
