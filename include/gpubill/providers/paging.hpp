#pragma once
// Walking paged endpoints (Novita statements, Hyperstack lists, Gcore resources) with a
// hard cap, so a server that never stops paging ends in a clear error, not an endless loop.

#include <cstddef>
#include <functional>
#include <optional>
#include <set>
#include <string>

#include "gpubill/providers/api_call.hpp"

namespace gpubill::providers {

/// Calls fetch_page(first_page), fetch_page(first_page + 1), ... while it returns true ("there
/// may be more"). Throws ProviderError naming the endpoint if more than `max_pages` pages would
/// be needed. Returns the number of pages fetched.
int walk_pages(const Endpoint& endpoint, int first_page, int max_pages,
               const std::function<bool(int page)>& fetch_page);

/// The one rule for every paged list: each item once, by its identity, and the announced
/// count (Gcore's `count`, Hyperstack's `total_count`) reached exactly. A page that brings
/// only items already read (a server ignoring `offset` or `page`), or a list that ends short
/// of its count, is a ProviderError naming the endpoint: never a silent partial or doubled
/// bill.
class PagedItems {
 public:
  PagedItems(Endpoint endpoint, std::string what) : m_endpoint(std::move(endpoint)), m_what(std::move(what)) {}
  /// Whether `identity` is new; a repeat is counted.
  bool add(const std::string& identity);
  /// After a page of `items` items of which `fresh` were new: throws when a non-empty page
  /// brought nothing new.
  void page_done(int page, std::size_t items, std::size_t fresh) const;
  /// At the end: throws when `announced` is known and differs from the items read.
  void finish(std::optional<long long> announced) const;
  std::size_t size() const { return m_seen.size(); }

 private:
  Endpoint m_endpoint;
  std::string m_what;
  std::set<std::string> m_seen;
};

}  // namespace gpubill::providers
