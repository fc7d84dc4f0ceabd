#include "gpubill/model/text.hpp"

#include <array>
#include <atomic>
#include <deque>
#include <memory>
#include <mutex>
#include <new>
#include <unordered_map>

namespace gpubill::model {

namespace {

// Numbers are found in pages that never move, so reading needs no lock: a page's entry is
// written (release) before its number is handed out, and a number reaches another thread only
// through something that synchronises (a mutex, a thread's join).
constexpr std::uint32_t k_page_bits = 16;
constexpr std::uint32_t k_page_size = 1u << k_page_bits;
constexpr std::uint32_t k_pages = 1u << (32 - k_page_bits);

using Entry = std::atomic<const std::string*>;

struct Table {
  std::mutex mutex;
  std::deque<std::string> strings;  // a deque never moves its elements
  std::unordered_map<std::string_view, std::uint32_t> numbers;  // views into `strings`
  std::array<std::atomic<Entry*>, k_pages> pages{};
  std::uint32_t next = 1;  // 0 is the empty string
};

Table& table() {
  // Never destroyed: records in static objects may outlive any destruction order.
  static Table* t = new Table();
  return *t;
}

std::uint32_t intern_locked(std::string_view s) {
  Table& t = table();
  std::lock_guard<std::mutex> lock(t.mutex);
  auto found = t.numbers.find(s);
  if (found != t.numbers.end()) return found->second;
  if (t.next == 0) throw std::bad_alloc();  // 4 billion distinct strings
  std::uint32_t id = t.next++;
  const std::string& stored = t.strings.emplace_back(s);
  std::uint32_t page = id >> k_page_bits;
  Entry* entries = t.pages[page].load(std::memory_order_relaxed);
  if (entries == nullptr) {
    entries = new Entry[k_page_size]();
    t.pages[page].store(entries, std::memory_order_release);
  }
  entries[id & (k_page_size - 1)].store(&stored, std::memory_order_release);
  t.numbers.emplace(std::string_view(stored), id);
  return id;
}

// Each thread's recent strings, so that a parse thread takes the lock once per distinct value
// rather than once per field. Direct-mapped: a collision just asks the table.
struct Cache {
  static constexpr std::size_t k_slots = 1024;
  struct Slot {
    std::string text;
    std::uint32_t id = 0;
  };
  std::array<Slot, k_slots> slots;
};

}  // namespace

std::uint32_t Text::intern(std::string_view s) {
  thread_local std::unique_ptr<Cache> cache = std::make_unique<Cache>();
  Cache::Slot& slot = cache->slots[std::hash<std::string_view>{}(s) & (Cache::k_slots - 1)];
  if (slot.id != 0 && slot.text == s) return slot.id;
  std::uint32_t id = intern_locked(s);
  slot.text.assign(s);
  slot.id = id;
  return id;
}

const std::string& Text::lookup(std::uint32_t id) {
  static const std::string empty;
  if (id == 0) return empty;  // without making the table: `gpubill --version` never does
  Table& t = table();
  Entry* entries = t.pages[id >> k_page_bits].load(std::memory_order_acquire);
  return *entries[id & (k_page_size - 1)].load(std::memory_order_acquire);
}

}  // namespace gpubill::model
