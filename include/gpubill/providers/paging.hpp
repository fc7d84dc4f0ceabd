#pragma once
// Walking paged endpoints (Novita statements; later Hyperstack lists, Gcore resources) with a
// hard cap, so a server that never stops paging ends in a clear error, not an endless loop.

#include <functional>

#include "gpubill/providers/api_call.hpp"

namespace gpubill::providers {

/// Calls fetch_page(first_page), fetch_page(first_page + 1), ... while it returns true ("there
/// may be more"). Throws ProviderError naming the endpoint if more than `max_pages` pages would
/// be needed. Returns the number of pages fetched.
int walk_pages(const Endpoint& endpoint, int first_page, int max_pages,
               const std::function<bool(int page)>& fetch_page);

}  // namespace gpubill::providers
