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

bool PagedItems::add(const std::string& identity) { return m_seen.insert(identity).second; }

void PagedItems::page_done(int page, std::size_t items, std::size_t fresh) const {
  if (items > 0 && fresh == 0) {
    throw ProviderError(m_endpoint.prefix() + ": page " + std::to_string(page) + " repeats " + m_what +
                        " already read (the server ignores the page asked for?): after " +
                        std::to_string(m_seen.size()) + ", the rest may be missing");
  }
}

void PagedItems::finish(std::optional<long long> announced) const {
  if (!announced || *announced == static_cast<long long>(m_seen.size())) return;
  throw ProviderError(m_endpoint.prefix() + ": announced " + std::to_string(*announced) + " " + m_what +
                      " and " + std::to_string(m_seen.size()) + " came: the bill would be " +
                      (*announced > static_cast<long long>(m_seen.size()) ? "short" : "wrong") +
                      "; try again");
}

}  // namespace gpubill::providers
