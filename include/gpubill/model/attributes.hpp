#pragma once
// Attributes: a CostRecord's provider fields that have no column, as a JSON object, 8 bytes
// in the record.
//
// Rows of one answer mostly carry the same few attribute objects (Runpod's hourly rows: a
// handful of timeBilledMs values times the pod's disk size). An ordered_json per row cost about
// 200 bytes of heap; an Attributes shares one immutable copy between equal objects once
// share() has been called (the parsers do), and copies on write: changing one record's
// attributes never changes another's. An empty object allocates nothing.
//
// Reading is the ordered_json interface (find, end, contains, items, dump, at, conversion to
// const ordered_json&); writing is operator[] on a non-const Attributes, or assignment.

#include <atomic>
#include <concepts>
#include <cstdint>
#include <string>
#include <type_traits>
#include <utility>

#include <nlohmann/json.hpp>

namespace gpubill::model {

class Attributes {
 public:
  using json = nlohmann::ordered_json;

  Attributes() = default;  ///< {}
  /// From a JSON object (or anything an ordered_json is made from). Not an object: kept as it
  /// is, and dump() says what it is; parsers only ever give objects.
  template <typename T>
    requires(!std::same_as<std::remove_cvref_t<T>, Attributes> && std::constructible_from<json, T>)
  Attributes(T&& value) : m_node(new Node(json(std::forward<T>(value)))) {}  // NOLINT: implicit
  Attributes(const Attributes& other) noexcept : m_node(acquire(other.m_node)) {}
  Attributes(Attributes&& other) noexcept : m_node(std::exchange(other.m_node, nullptr)) {}
  Attributes& operator=(const Attributes& other) noexcept {
    Node* n = acquire(other.m_node);
    release(m_node);
    m_node = n;
    return *this;
  }
  Attributes& operator=(Attributes&& other) noexcept {
    if (this != &other) {
      release(m_node);
      m_node = std::exchange(other.m_node, nullptr);
    }
    return *this;
  }
  ~Attributes() { release(m_node); }

  const json& get() const { return m_node == nullptr ? empty_object() : m_node->value; }
  operator const json&() const { return get(); }  // NOLINT: implicit by design

  /// The value at `key`, made (null) when absent; this record's copy only.
  template <typename K>
  json& operator[](K&& key) {
    return mutable_json()[std::forward<K>(key)];
  }
  /// The value at `key`; throws nlohmann::json::out_of_range when absent.
  template <typename K>
  const json& operator[](K&& key) const {
    return get().at(std::forward<K>(key));
  }
  template <typename K>
  const json& at(K&& key) const {
    return get().at(std::forward<K>(key));
  }
  template <typename K>
  json::const_iterator find(K&& key) const {
    return get().find(std::forward<K>(key));
  }
  template <typename K>
  bool contains(K&& key) const {
    return get().contains(std::forward<K>(key));
  }
  json::const_iterator begin() const { return get().begin(); }
  json::const_iterator end() const { return get().end(); }
  auto items() const { return get().items(); }
  bool is_object() const { return get().is_object(); }
  bool empty() const { return get().empty(); }
  std::size_t size() const { return get().size(); }
  template <typename... Args>
  std::string dump(Args&&... args) const {
    return get().dump(std::forward<Args>(args)...);
  }

  /// Replaces this record's copy with an equal one already shared on this thread, or offers
  /// its own for sharing. Calling it is never needed for correctness, only for memory.
  void share();

  friend bool operator==(const Attributes& a, const Attributes& b) {
    return a.m_node == b.m_node || a.get() == b.get();
  }
  friend bool operator==(const Attributes& a, const json& b) { return a.get() == b; }

 private:
  struct Node {
    explicit Node(json v) : value(std::move(v)) {}
    std::atomic<std::uint32_t> refs{1};
    json value;
  };
  static Node* acquire(Node* n) noexcept {
    if (n != nullptr) n->refs.fetch_add(1, std::memory_order_relaxed);
    return n;
  }
  static void release(Node* n) noexcept {
    if (n != nullptr && n->refs.fetch_sub(1, std::memory_order_acq_rel) == 1) delete n;
  }
  static const json& empty_object();
  json& mutable_json();

  Node* m_node = nullptr;  // nullptr: {}
};

}  // namespace gpubill::model
