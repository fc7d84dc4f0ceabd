#include "gpubill/model/attributes.hpp"

#include <array>
#include <cstring>
#include <functional>

namespace gpubill::model {

const Attributes::json& Attributes::empty_object() {
  static const json* empty = new json(json::object());  // never destroyed, like Text's table
  return *empty;
}

Attributes::json& Attributes::mutable_json() {
  if (m_node == nullptr) {
    m_node = new Node(json::object());
  } else if (m_node->refs.load(std::memory_order_acquire) != 1) {
    // Shared (with other records or this thread's cache): this record gets its own copy.
    Node* own = new Node(m_node->value);
    release(m_node);
    m_node = own;
  }
  return m_node->value;
}

namespace {

// Equal and of the same JSON types throughout: nlohmann's == calls 1 and 1.0 equal, and
// sharing must never turn one record's 1.0 into another's 1.
bool same(const Attributes::json& a, const Attributes::json& b) {
  using json = Attributes::json;
  if (a.type() != b.type()) return false;
  switch (a.type()) {
    case json::value_t::object: {
      if (a.size() != b.size()) return false;
      auto i = a.begin();
      auto j = b.begin();
      for (; i != a.end(); ++i, ++j) {
        if (i.key() != j.key() || !same(i.value(), j.value())) return false;
      }
      return true;
    }
    case json::value_t::array: {
      if (a.size() != b.size()) return false;
      for (std::size_t k = 0; k < a.size(); ++k) {
        if (!same(a[k], b[k])) return false;
      }
      return true;
    }
    case json::value_t::number_float: {
      double x = a.get<double>();
      double y = b.get<double>();
      return std::memcmp(&x, &y, sizeof x) == 0;  // -0.0 and 0.0 print differently
    }
    default:
      return a == b;
  }
}

// Each thread's recently shared attribute objects, direct-mapped by hash. Holds a reference
// to each, given back when the thread ends.
struct ShareCache {
  static constexpr std::size_t k_slots = 512;
  std::array<Attributes, k_slots> slots{};
  std::array<std::size_t, k_slots> hashes{};
};

}  // namespace

void Attributes::share() {
  if (m_node == nullptr) return;
  thread_local ShareCache cache;
  std::size_t h = std::hash<json>{}(m_node->value);
  std::size_t i = h & (ShareCache::k_slots - 1);
  Attributes& slot = cache.slots[i];
  if (slot.m_node == m_node) return;
  if (slot.m_node != nullptr && cache.hashes[i] == h && same(slot.m_node->value, m_node->value)) {
    *this = slot;
    return;
  }
  slot = *this;
  cache.hashes[i] = h;
}

}  // namespace gpubill::model
