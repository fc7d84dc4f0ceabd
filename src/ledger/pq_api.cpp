#include "ledger/pq_api.hpp"

#include <mutex>

#include "util/shared_library.hpp"

namespace gpubill::ledger {

const PqApi& pq() {
  static std::once_flag once;
  static PqApi api;
  std::call_once(once, [] {
    // The soname of Debian's libpq5 (and of libpq-dev's link).
    const char* so = "libpq.so.5";
    void* library = util::load_shared_library(so, "for a PostgreSQL ledger", "libpq5");
    util::resolve_symbol(library, so, "PQclear", api.clear);
    util::resolve_symbol(library, so, "PQconnectdbParams", api.connectdbParams);
    util::resolve_symbol(library, so, "PQconninfoFree", api.conninfoFree);
    util::resolve_symbol(library, so, "PQconninfoParse", api.conninfoParse);
    util::resolve_symbol(library, so, "PQerrorMessage", api.errorMessage);
    util::resolve_symbol(library, so, "PQexec", api.exec);
    util::resolve_symbol(library, so, "PQexecParams", api.execParams);
    util::resolve_symbol(library, so, "PQfinish", api.finish);
    util::resolve_symbol(library, so, "PQfreemem", api.freemem);
    util::resolve_symbol(library, so, "PQgetResult", api.getResult);
    util::resolve_symbol(library, so, "PQgetisnull", api.getisnull);
    util::resolve_symbol(library, so, "PQgetlength", api.getlength);
    util::resolve_symbol(library, so, "PQgetvalue", api.getvalue);
    util::resolve_symbol(library, so, "PQntuples", api.ntuples);
    util::resolve_symbol(library, so, "PQputCopyData", api.putCopyData);
    util::resolve_symbol(library, so, "PQputCopyEnd", api.putCopyEnd);
    util::resolve_symbol(library, so, "PQresultErrorField", api.resultErrorField);
    util::resolve_symbol(library, so, "PQresultStatus", api.resultStatus);
    util::resolve_symbol(library, so, "PQsetNoticeProcessor", api.setNoticeProcessor);
    util::resolve_symbol(library, so, "PQstatus", api.status);
  });
  return api;  // the library stays loaded for the rest of the run
}

}  // namespace gpubill::ledger
