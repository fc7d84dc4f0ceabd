#include "gpubill/providers/paging.hpp"

#include "gpubill/util/error.hpp"

namespace gpubill::providers {

int walk_pages(const Endpoint& endpoint, int first_page, int max_pages,
               const std::function<bool(int page)>& fetch_page) {
  for (int n = 0; n < max_pages; ++n) {
    if (!fetch_page(first_page + n)) return n + 1;
  }
  throw ProviderError(endpoint.prefix() + ": still paging after " + std::to_string(max_pages) +
                      " pages: the provider does not stop; narrow the period or report this");
}

}  // namespace gpubill::providers
