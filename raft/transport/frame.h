// The wire format of the peer transport: magic bytes, then length-prefixed protobuf frames.
//
//   stream  := magic frame*
//   magic   := "CRFT"                        (4 bytes, once per direction per connection)
//   frame   := length payload
//   length  := uint32, big-endian            (payload bytes, not counting these 4)
//   payload := one serialized protobuf message
//
// The dialer sends Hello then coord.raft.pb.Message frames; the acceptor sends one HelloReply
// (raft/transport/transport.proto). The framing itself is fixed for all protocol versions so
// that a Hello can always be read; everything else is versioned by Hello.protocol_version.
//
// Every frame carries exactly one message: snapshot chunks (MSG_SNAPSHOT) stay one frame each,
// nothing here concatenates them.
//
// Thread-safety: FrameDecoder is not thread-safe (one owner: the connection reading with it).
// The free functions are pure.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>

namespace google::protobuf {
class MessageLite;
}

namespace coord::raft::transport {

inline constexpr char kMagic[4] = {'C', 'R', 'F', 'T'};
inline constexpr size_t kMagicBytes = sizeof(kMagic);
inline constexpr size_t kLengthBytes = 4;
// The largest length the prefix can express; max_frame_bytes may not exceed it.
inline constexpr size_t kMaxEncodableFrame = 0xFFFFFFFFu;
// Bound on handshake frames: a peer that has not identified itself yet gets no big buffers.
inline constexpr size_t kMaxHandshakeFrameBytes = 4096;

// Appends the 4 magic bytes to `out`.
void AppendMagic(std::string* out);

// Appends `message` as one frame to `out` and returns the payload size.
// REQUIRES: message.ByteSizeLong() <= kMaxEncodableFrame (callers check their own bound first).
size_t AppendFrame(std::string* out, const google::protobuf::MessageLite& message);

// Splits a byte stream into frames. The caller reads from the socket straight into
// WritableSpan(), reports the byte count with Commit(), then calls Next() until it stops
// returning kFrame.
class FrameDecoder {
 public:
  enum class Outcome {
    kFrame,     // *payload holds one frame
    kNeedMore,  // no complete frame buffered yet
    kBadMagic,  // the stream does not start with kMagic: not a coord transport peer
    kTooLarge,  // the next frame announces more than max_frame_bytes: refuse it unread
  };

  // `expect_magic`: the stream starts with kMagic, checked before the first frame.
  FrameDecoder(size_t max_frame_bytes, bool expect_magic);

  // Raises or lowers the bound for frames not yet returned (e.g. after the handshake).
  void set_max_frame_bytes(size_t max_frame_bytes) { max_frame_bytes_ = max_frame_bytes; }
  size_t max_frame_bytes() const { return max_frame_bytes_; }

  // Free space to read into: at least `min_read` bytes, and at least the rest of a frame whose
  // length is already buffered (so a large frame is read in place, without further copies).
  // Invalidates payload spans returned by Next().
  std::span<uint8_t> WritableSpan(size_t min_read);
  // REQUIRES: n <= WritableSpan().size() of the preceding call.
  void Commit(size_t n);

  // Returns the next complete frame, if buffered. The span stays valid until the next call to
  // WritableSpan(). After kBadMagic or kTooLarge the decoder is stuck in that outcome.
  Outcome Next(std::span<const uint8_t>* payload);

  // The length announced by the frame that produced kTooLarge.
  uint64_t announced_length() const { return announced_length_; }
  // Bytes received but not yet returned as frames: non-zero at end of stream means the peer
  // stopped in the middle of the magic, a length prefix or a frame.
  size_t buffered() const { return end_ - begin_; }

 private:
  void Reserve(size_t free_bytes);

  size_t max_frame_bytes_;
  bool magic_pending_;
  uint64_t announced_length_ = 0;
  std::unique_ptr<uint8_t[]> data_;  // [begin_, end_) holds unconsumed bytes
  size_t capacity_ = 0;
  size_t begin_ = 0;
  size_t end_ = 0;
};

}  // namespace coord::raft::transport
