#include "coord/node.h"

#include <cstring>
#include <new>

namespace coord::store {

static_assert(sizeof(Node) % alignof(Node) == 0, "path bytes must follow the fields directly");

NodeRef Node::Make(std::string_view path, std::string_view data, const Meta& meta) {
  void* mem = ::operator new(sizeof(Node) + path.size() + data.size());
  Node* n = new (mem) Node();
  n->path_len_ = static_cast<uint32_t>(path.size());
  n->data_len_ = static_cast<uint32_t>(data.size());
  n->name_offset_ = static_cast<uint32_t>(path.size() - BaseName(path).size());
  n->meta_ = meta;
  if (!path.empty()) std::memcpy(n->bytes(), path.data(), path.size());
  if (!data.empty()) std::memcpy(n->bytes() + path.size(), data.data(), data.size());
  return NodeRef::Adopt(n);
}

void Node::Destroy(Node* n) {
  n->~Node();
  ::operator delete(n);
}

PathKey Node::key() const {
  // The root "/" is ("", ""); "/a" is ("/", "a"); "/a/b" is ("/a", "b").
  if (path_len_ <= 1) return {};
  std::string_view p = path();
  size_t parent_len = name_offset_ == 1 ? 1 : name_offset_ - 1;
  return {p.substr(0, parent_len), p.substr(name_offset_)};
}

Stat Node::stat() const {
  Stat s;
  s.czxid = meta_.czxid;
  s.mzxid = meta_.mzxid;
  s.pzxid = meta_.pzxid;
  s.ctime = meta_.ctime;
  s.mtime = meta_.mtime;
  s.version = meta_.version;
  s.cversion = meta_.cversion;
  s.ephemeral_owner = meta_.ephemeral_owner;
  s.data_length = data_len_;
  s.num_children = meta_.num_children;
  return s;
}

}  // namespace coord::store
