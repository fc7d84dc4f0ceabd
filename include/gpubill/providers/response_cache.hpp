#pragma once
// Answers that one run needs more than once (Runpod's v2 pod listing and GPU catalog, asked by
// both the pods and the endpoints parts of `report`), fetched once per run. The CLI makes one
// per provider per run and hands it to every fetch() of that run in FetchRequest::cache; a
// provider object never keeps answers of its own, so nothing outlives the run.

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "gpubill/transport/transport.hpp"

namespace gpubill::providers {

class ResponseCache {
 public:
  /// The answer stored under `key`, or fetch()'s, stored. Concurrent callers of one key wait
  /// for the first; if fetch() throws, nothing is stored and the next caller fetches again.
  transport::HttpResponse get(const std::string& key,
                              const std::function<transport::HttpResponse()>& fetch) {
    std::shared_ptr<Slot> slot;
    {
      std::lock_guard<std::mutex> lock(m_mutex);
      std::shared_ptr<Slot>& s = m_slots[key];
      if (!s) s = std::make_shared<Slot>();
      slot = s;
    }
    std::call_once(slot->once, [&] { slot->response = fetch(); });
    return slot->response;
  }

 private:
  struct Slot {
    std::once_flag once;
    transport::HttpResponse response;
  };
  std::mutex m_mutex;
  std::map<std::string, std::shared_ptr<Slot>> m_slots;
};

/// `cache` when there is one, else a plain fetch().
inline transport::HttpResponse cached(ResponseCache* cache, const std::string& key,
                                      const std::function<transport::HttpResponse()>& fetch) {
  return cache == nullptr ? fetch() : cache->get(key, fetch);
}

}  // namespace gpubill::providers
