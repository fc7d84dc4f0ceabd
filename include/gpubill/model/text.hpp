#pragma once
// Text: the CostRecord's string fields, 4 bytes each.
//
// A year of hourly rows is 500,000 records whose text is mostly the same few values (the
// provider, the service, a few dozen pods and GPU names, "USD", "hour"). A std::string is 32
// bytes before any heap; nine of them made the record the biggest part of a run's memory
// (docs/performance.md). A Text is the number of its string in one process-wide table of
// distinct strings: each distinct string is stored once, equal texts have equal numbers, and
// copying or moving a record copies numbers.
//
// The table only grows (a command's strings live as long as the command). Interning is safe
// from any thread: parse threads keep a small cache of their own in front of the table's lock.
// Reading a Text's string takes no lock.

#include <compare>
#include <cstdint>
#include <ostream>
#include <string>
#include <string_view>

namespace gpubill::model {

class Text {
 public:
  constexpr Text() = default;  ///< the empty string
  Text(std::string_view s) : m_id(s.empty() ? 0 : intern(s)) {}  // NOLINT: implicit by design
  Text(const std::string& s) : Text(std::string_view(s)) {}      // NOLINT
  Text(const char* s) : Text(std::string_view(s)) {}             // NOLINT

  /// The string; valid for the rest of the process.
  const std::string& str() const { return lookup(m_id); }
  operator const std::string&() const { return str(); }  // NOLINT: implicit by design
  operator std::string_view() const { return str(); }    // NOLINT

  bool empty() const { return m_id == 0; }
  std::size_t size() const { return str().size(); }
  const char* c_str() const { return str().c_str(); }
  const char* data() const { return str().data(); }
  auto begin() const { return str().begin(); }
  auto end() const { return str().end(); }
  char front() const { return str().front(); }
  std::size_t find(std::string_view what, std::size_t pos = 0) const { return str().find(what, pos); }
  std::string substr(std::size_t pos, std::size_t n = std::string::npos) const { return str().substr(pos, n); }
  bool starts_with(std::string_view prefix) const { return str().starts_with(prefix); }

  /// Equal numbers exactly when equal strings.
  friend bool operator==(Text a, Text b) { return a.m_id == b.m_id; }
  friend bool operator==(Text a, const std::string& b) { return a.str() == b; }
  friend bool operator==(Text a, std::string_view b) { return a.str() == b; }
  friend bool operator==(Text a, const char* b) { return a.str() == b; }
  /// Ordered as the strings are (not by number).
  friend std::strong_ordering operator<=>(Text a, Text b) { return a.str().compare(b.str()) <=> 0; }
  friend std::strong_ordering operator<=>(Text a, const std::string& b) { return a.str().compare(b) <=> 0; }
  friend std::strong_ordering operator<=>(Text a, const char* b) { return a.str().compare(b) <=> 0; }

  friend std::string operator+(Text a, const std::string& b) { return a.str() + b; }
  friend std::string operator+(const std::string& a, Text b) { return a + b.str(); }
  friend std::string operator+(Text a, const char* b) { return a.str() + b; }
  friend std::string operator+(const char* a, Text b) { return a + b.str(); }
  friend std::string operator+(Text a, char b) { return a.str() + b; }
  friend std::string operator+(Text a, Text b) { return a.str() + b.str(); }
  friend std::ostream& operator<<(std::ostream& os, Text t) { return os << t.str(); }

 private:
  static std::uint32_t intern(std::string_view s);
  static const std::string& lookup(std::uint32_t id);
  std::uint32_t m_id = 0;
};

/// nlohmann::json: a Text is its string.
template <typename BasicJson>
void to_json(BasicJson& j, Text t) {
  j = t.str();
}

}  // namespace gpubill::model

template <>
struct std::hash<gpubill::model::Text> {
  std::size_t operator()(gpubill::model::Text t) const noexcept {
    return std::hash<std::string_view>{}(t.str());
  }
};
