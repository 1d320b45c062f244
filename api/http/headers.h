// Headers: an ordered list of HTTP header fields with case-insensitive lookup.
//
// Order and duplicates are kept as received (HTTP allows repeated fields). Lookups are linear:
// requests carry a handful of fields and the header size is bounded by Options.
// Thread-safety: a value type; not safe to mutate concurrently.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace coord::api::http {

// ASCII case-insensitive equality, as header field names require.
bool EqualsIgnoreCase(std::string_view a, std::string_view b);

class Headers {
 public:
  using Field = std::pair<std::string, std::string>;

  // Appends a field, keeping any existing field of the same name.
  void Add(std::string name, std::string value);
  // Replaces every field named `name` by a single one.
  void Set(std::string_view name, std::string value);
  void Remove(std::string_view name);

  // The first field named `name`, if any.
  std::optional<std::string_view> Get(std::string_view name) const;
  bool Has(std::string_view name) const { return Get(name).has_value(); }

  const std::vector<Field>& fields() const { return fields_; }
  bool empty() const { return fields_.empty(); }

 private:
  std::vector<Field> fields_;
};

}  // namespace coord::api::http
