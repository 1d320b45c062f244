// Options: the server's address, thread count and every limit it enforces.
//
// Each limit's reply is listed next to it and in docs/http.md. Timeouts close the connection;
// a reply is attempted only where the client is mid-request and can still read it.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>

#include "api/http/log.h"

namespace coord::api::http {

struct Options {
  // Where to listen. Port 0 picks a free port (Server::port() tells which).
  std::string address = "127.0.0.1";
  uint16_t port = 0;

  // I/O threads running the one io_context; 0 means std::thread::hardware_concurrency().
  int threads = 0;

  // Request body over this: 413 BODY_TOO_LARGE, then the connection is closed (the rest of
  // the body is not read). Checked against Content-Length before reading, and while reading a
  // chunked body.
  size_t max_body_bytes = 1 << 20;

  // Request line plus header fields over this: 431 HEADER_TOO_LARGE, then close.
  size_t max_header_bytes = 16 << 10;

  // Connections being served at once. One more is answered 429 TOO_MANY_CONNECTIONS without
  // reading its request, then closed; at most max_connections such rejections are in progress
  // at once, connections beyond that are closed without a reply.
  size_t max_connections = 1000;

  // The whole request line and header must arrive within this of the connection being
  // accepted, or of the first byte of a later request on a kept-alive connection (slowloris).
  // On expiry: 408 REQUEST_TIMEOUT if some of the request had arrived, then close.
  std::chrono::milliseconds header_timeout{10'000};

  // The whole body must arrive within this of the end of the header: 408 REQUEST_TIMEOUT, then
  // close.
  std::chrono::milliseconds body_timeout{30'000};

  // A kept-alive connection with no request under way is closed (without a reply) after this.
  std::chrono::milliseconds idle_timeout{60'000};

  // Writing one response, or one stream chunk, must complete within this; otherwise the client
  // is not reading and the connection is closed.
  std::chrono::milliseconds write_timeout{30'000};

  // After a reply that ends the connection (an error, `Connection: close`, a stream's end), the
  // server stops sending and reads and discards what the client still sends, for up to this
  // long or linger_max_bytes, before closing. Closing at once would make the kernel reset the
  // connection if unread request bytes remain, and the client could lose the reply.
  std::chrono::milliseconds linger_timeout{1'000};
  size_t linger_max_bytes = 1 << 20;

  // Logging: warnings and errors only by default, access log off.
  LogLevel log_level = LogLevel::kWarn;
  bool access_log = false;
  LogSink log_sink;  // null: stderr

  // The Server header field; empty to omit it.
  std::string server_name = "coord";
};

}  // namespace coord::api::http
