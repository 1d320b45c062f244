// Stat: the metadata of a node, with ZooKeeper's fields and meanings.
#pragma once

#include <cstdint>

namespace coord::store {

struct Stat {
  uint64_t czxid = 0;  // zxid of the create
  uint64_t mzxid = 0;  // zxid of the last data change (the create counts)
  uint64_t pzxid = 0;  // zxid of the last change to the set of children (the create counts)
  int64_t ctime = 0;   // leader's time (ms) of the create
  int64_t mtime = 0;   // leader's time (ms) of the last data change
  int32_t version = 0;   // number of data changes
  int32_t cversion = 0;  // number of child creates and deletes; also the sequence counter
  uint64_t ephemeral_owner = 0;  // owning session of an ephemeral node, else 0
  uint32_t data_length = 0;
  int32_t num_children = 0;

  bool operator==(const Stat&) const = default;
};

}  // namespace coord::store
