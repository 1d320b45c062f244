// Response: what a handler hands to its Responder.
//
// The server owns framing: it sets Content-Length (or chunked encoding for streams), Connection
// and Server itself, overriding any such field a handler sets. For HEAD requests it sends the
// headers of the GET response (Content-Length included) without the body.
// Thread-safety: a value type.
#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json_fwd.hpp>

#include "api/http/headers.h"

namespace coord::api::http {

struct Response {
  int status = 200;
  Headers headers;
  std::string body;

  // `body` serialized compactly, Content-Type: application/json.
  static Response Json(int status, const nlohmann::json& body);
  static Response Text(int status, std::string body,
                       std::string content_type = "text/plain; charset=utf-8");
  // The JSON error shape every error reply of coord uses:
  //   {"error": {"code": "<code>", "message": "<message>"}}
  static Response Error(int status, std::string_view code, std::string_view message);
};

}  // namespace coord::api::http
