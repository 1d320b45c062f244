#include "raft/transport/frame.h"

#include <algorithm>
#include <cstring>

#include <google/protobuf/message_lite.h>

namespace coord::raft::transport {

namespace {

// Buffers above this size are released once empty, so one 10 MiB frame does not pin 10 MiB
// per connection for the rest of its life.
constexpr size_t kKeepCapacity = 1 << 20;

uint32_t LoadBigEndian32(const uint8_t* p) {
  return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | uint32_t{p[3]};
}

}  // namespace

void AppendMagic(std::string* out) { out->append(kMagic, kMagicBytes); }

size_t AppendFrame(std::string* out, const google::protobuf::MessageLite& message) {
  const size_t size = message.ByteSizeLong();
  const size_t start = out->size();
  out->resize(start + kLengthBytes + size);
  auto* p = reinterpret_cast<uint8_t*>(out->data() + start);
  p[0] = static_cast<uint8_t>(size >> 24);
  p[1] = static_cast<uint8_t>(size >> 16);
  p[2] = static_cast<uint8_t>(size >> 8);
  p[3] = static_cast<uint8_t>(size);
  // ByteSizeLong() above cached the sizes this call relies on.
  message.SerializeWithCachedSizesToArray(p + kLengthBytes);
  return size;
}

FrameDecoder::FrameDecoder(size_t max_frame_bytes, bool expect_magic)
    : max_frame_bytes_(max_frame_bytes), magic_pending_(expect_magic) {}

std::span<uint8_t> FrameDecoder::WritableSpan(size_t min_read) {
  size_t want = min_read;
  const size_t held = end_ - begin_;
  if (!magic_pending_ && held >= kLengthBytes) {
    const uint64_t frame = kLengthBytes + uint64_t{LoadBigEndian32(data_.get() + begin_)};
    if (frame <= kLengthBytes + max_frame_bytes_ && frame > held) {
      want = std::max<size_t>(want, static_cast<size_t>(frame - held));
    }
  }
  Reserve(want);
  return {data_.get() + end_, capacity_ - end_};
}

void FrameDecoder::Reserve(size_t free_bytes) {
  const size_t held = end_ - begin_;
  if (held == 0) {
    begin_ = end_ = 0;
    if (capacity_ > kKeepCapacity && capacity_ > free_bytes) {
      data_.reset();
      capacity_ = 0;
    }
  }
  if (capacity_ - end_ >= free_bytes) return;
  if (capacity_ - held >= free_bytes) {
    std::memmove(data_.get(), data_.get() + begin_, held);
  } else {
    const size_t capacity = std::max(held + free_bytes, capacity_ + capacity_ / 2);
    auto data = std::make_unique_for_overwrite<uint8_t[]>(capacity);
    if (held > 0) std::memcpy(data.get(), data_.get() + begin_, held);
    data_ = std::move(data);
    capacity_ = capacity;
  }
  begin_ = 0;
  end_ = held;
}

void FrameDecoder::Commit(size_t n) { end_ += n; }

FrameDecoder::Outcome FrameDecoder::Next(std::span<const uint8_t>* payload) {
  const uint8_t* p = data_.get() + begin_;
  size_t held = end_ - begin_;
  if (held == 0) {
    return announced_length_ > max_frame_bytes_ ? Outcome::kTooLarge : Outcome::kNeedMore;
  }
  if (magic_pending_) {
    // Compare what has arrived so far, so garbage is refused on its first byte.
    const size_t n = std::min(held, kMagicBytes);
    if (std::memcmp(p, kMagic, n) != 0) return Outcome::kBadMagic;
    if (n < kMagicBytes) return Outcome::kNeedMore;
    magic_pending_ = false;
    begin_ += kMagicBytes;
    p += kMagicBytes;
    held -= kMagicBytes;
  }
  if (announced_length_ > max_frame_bytes_) return Outcome::kTooLarge;
  if (held < kLengthBytes) return Outcome::kNeedMore;
  const uint32_t length = LoadBigEndian32(p);
  if (length > max_frame_bytes_) {
    announced_length_ = length;
    return Outcome::kTooLarge;
  }
  if (held - kLengthBytes < length) return Outcome::kNeedMore;
  *payload = {p + kLengthBytes, length};
  begin_ += kLengthBytes + length;
  return Outcome::kFrame;
}

}  // namespace coord::raft::transport
