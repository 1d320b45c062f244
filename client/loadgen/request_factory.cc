#include "client/loadgen/request_factory.h"

#include <nlohmann/json.hpp>

namespace coord::loadgen {

namespace http = boost::beast::http;
using nlohmann::json;

std::string Base64(const std::string& bytes) {
  static const char* kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    const uint32_t n = (static_cast<uint8_t>(bytes[i]) << 16) | (static_cast<uint8_t>(bytes[i + 1]) << 8) |
                       static_cast<uint8_t>(bytes[i + 2]);
    for (int s = 18; s >= 0; s -= 6) out += kAlphabet[(n >> s) & 63];
  }
  if (i + 1 == bytes.size()) {
    const uint32_t n = static_cast<uint8_t>(bytes[i]) << 16;
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    out += "==";
  } else if (i + 2 == bytes.size()) {
    const uint32_t n = (static_cast<uint8_t>(bytes[i]) << 16) | (static_cast<uint8_t>(bytes[i + 1]) << 8);
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    out += kAlphabet[(n >> 6) & 63];
    out += '=';
  }
  return out;
}

namespace {

HttpRequest Make(http::verb verb, std::string target, std::string body) {
  HttpRequest req{verb, target, 11};
  req.set(http::field::host, "load");
  if (!body.empty()) {
    req.set(http::field::content_type, "application/json");
    req.body() = std::move(body);
  }
  req.prepare_payload();
  return req;
}

}  // namespace

RequestFactory::RequestFactory(const LoadOptions& options)
    : options_(options), value_(options.value_bytes, 'v') {}

std::string RequestFactory::Key(uint64_t index) const { return options_.prefix + "/k" + std::to_string(index); }

HttpRequest RequestFactory::Write(const std::string& key, bool create) const {
  if (options_.system == System::kEtcd) {
    return Make(http::verb::post, "/v3/kv/put",
                json{{"key", Base64(key)}, {"value", Base64(value_)}}.dump());
  }
  return Make(create ? http::verb::post : http::verb::put, "/v1/nodes" + key,
              json{{"data", value_}}.dump());
}

HttpRequest RequestFactory::Read(const std::string& key, bool serializable) const {
  if (options_.system == System::kEtcd) {
    json body = {{"key", Base64(key)}};
    if (serializable) body["serializable"] = true;
    return Make(http::verb::post, "/v3/kv/range", body.dump());
  }
  return Make(http::verb::get, "/v1/nodes" + key + (serializable ? "?consistency=serializable" : ""), "");
}

HttpRequest RequestFactory::Next(int conn, uint64_t seq, std::mt19937_64& rng,
                                 const std::string& session) const {
  const uint64_t key = rng() % options_.keys;
  switch (options_.workload) {
    case Workload::kCreate:
      return Write(options_.prefix + "/c" + std::to_string(conn) + "-" + std::to_string(seq), true);
    case Workload::kSet: return Write(Key(key), false);
    case Workload::kGetLinearizable: return Read(Key(key), false);
    case Workload::kGetSerializable: return Read(Key(key), true);
    case Workload::kMixed: return rng() % 10 == 0 ? Write(Key(key), false) : Read(Key(key), false);
    case Workload::kChildren:
      return Make(http::verb::get, "/v1/nodes" + options_.prefix + "?children=true", "");
    case Workload::kKeepalive:
      return Make(http::verb::post, "/v1/sessions/" + session + "/keepalive", "");
    case Workload::kWatch: return Write(Key(key), false);  // the writers the streams watch
  }
  return Read(Key(key), false);
}

HttpRequest RequestFactory::Populate(uint64_t index) const {
  // etcd's put creates or replaces; coord's create refuses an existing key (409, counted as
  // done) so a second prepopulation of the same prefix is cheap to notice.
  return Write(Key(index), true);
}

HttpRequest RequestFactory::CreateParent() const {
  return Make(http::verb::post, "/v1/nodes" + options_.prefix + "?parents=true", json::object().dump());
}

HttpRequest RequestFactory::WriteProbe(bool create) const { return Write(ProbePath(), create); }

HttpRequest RequestFactory::WatchPrefix(uint64_t since) const {
  HttpRequest req = Make(http::verb::get,
                         "/v1/watch?path=" + options_.prefix + "&recursive=true&since=" + std::to_string(since), "");
  req.set(http::field::accept, "text/event-stream");
  return req;
}

}  // namespace coord::loadgen
