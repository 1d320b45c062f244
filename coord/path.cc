#include "coord/path.h"

#include <cstdio>

namespace coord::store {
namespace {

Status Invalid(std::string_view path, size_t offset, const char* rule) {
  std::string shown(path.substr(0, 64));
  for (char& c : shown) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = '?';
  }
  return Error(Code::kInvalidPath,
               std::string(rule) + " at byte " + std::to_string(offset) + " of \"" + shown +
                   (path.size() > 64 ? "...\"" : "\""));
}

// Decodes one UTF-8 code point starting at path[i]; returns its length, or 0 if the bytes
// there are not a valid, shortest-form encoding of a scalar value.
size_t DecodeUtf8(std::string_view s, size_t i, uint32_t* cp) {
  const auto byte = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  unsigned char b0 = byte(i);
  size_t len;
  uint32_t min;
  if (b0 < 0x80) {
    *cp = b0;
    return 1;
  } else if ((b0 & 0xE0) == 0xC0) {
    len = 2, min = 0x80, *cp = b0 & 0x1F;
  } else if ((b0 & 0xF0) == 0xE0) {
    len = 3, min = 0x800, *cp = b0 & 0x0F;
  } else if ((b0 & 0xF8) == 0xF0) {
    len = 4, min = 0x10000, *cp = b0 & 0x07;
  } else {
    return 0;
  }
  if (i + len > s.size()) return 0;
  for (size_t k = 1; k < len; ++k) {
    if ((byte(i + k) & 0xC0) != 0x80) return 0;
    *cp = (*cp << 6) | (byte(i + k) & 0x3F);
  }
  if (*cp < min || *cp > 0x10FFFF || (*cp >= 0xD800 && *cp <= 0xDFFF)) return 0;
  return len;
}

bool IsControl(uint32_t cp) { return cp < 0x20 || (cp >= 0x7F && cp <= 0x9F); }

}  // namespace

Status ValidatePath(std::string_view path, const Options& options) {
  if (path.empty()) return Invalid(path, 0, "empty path");
  if (path.size() > options.max_path_bytes) {
    return Invalid(path, options.max_path_bytes,
                   ("longer than " + std::to_string(options.max_path_bytes) + " bytes").c_str());
  }
  if (path[0] != '/') return Invalid(path, 0, "does not start with '/'");
  if (path.size() == 1) return Status::Ok();
  if (path.back() == '/') return Invalid(path, path.size() - 1, "trailing '/'");

  size_t component_start = 1;
  for (size_t i = 1; i <= path.size();) {
    if (i == path.size() || path[i] == '/') {
      std::string_view component = path.substr(component_start, i - component_start);
      if (component.empty()) return Invalid(path, i, "empty component");
      if (component == "." || component == "..") {
        return Invalid(path, component_start, "'.' or '..' component");
      }
      component_start = i + 1;
      ++i;
      continue;
    }
    uint32_t cp = 0;
    size_t len = DecodeUtf8(path, i, &cp);
    if (len == 0) return Invalid(path, i, "invalid UTF-8");
    if (IsControl(cp)) return Invalid(path, i, "control character");
    i += len;
  }
  return Status::Ok();
}

Status ValidateSequentialPrefix(std::string_view prefix, const Options& options) {
  std::string full(prefix);
  full.append(kSequenceDigits, '0');
  return ValidatePath(full, options);
}

std::string SequenceSuffix(int32_t counter) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%010d", counter);
  return buf;
}

std::string_view ParentPath(std::string_view path) {
  if (path.size() <= 1) return {};
  size_t slash = path.rfind('/');
  return path.substr(0, slash == 0 ? 1 : slash);
}

std::string_view BaseName(std::string_view path) {
  if (path.size() <= 1) return {};
  return path.substr(path.rfind('/') + 1);
}

std::string ChildPath(std::string_view parent, std::string_view name) {
  std::string out;
  out.reserve(parent.size() + 1 + name.size());
  out.append(parent);
  if (parent.size() != 1) out.push_back('/');
  out.append(name);
  return out;
}

}  // namespace coord::store
