#pragma once
// libpq, loaded when the first PostgreSQL ledger is opened (dlopen of libpq.so.5) instead of
// at start-up: linked normally it pulls TLS, Kerberos and LDAP into every run (those on an
// SQLite ledger too), and `gpubill --help` took 8.5 ms instead of 3.5 (docs/performance.md).
// Only the declarations of <libpq-fe.h> are used here; nothing links against libpq.
#include <libpq-fe.h>

namespace gpubill::ledger {

struct PqApi {
  decltype(&PQclear) clear;
  decltype(&PQconnectdbParams) connectdbParams;
  decltype(&PQconninfoFree) conninfoFree;
  decltype(&PQconninfoParse) conninfoParse;
  decltype(&PQerrorMessage) errorMessage;
  decltype(&PQexec) exec;
  decltype(&PQexecParams) execParams;
  decltype(&PQfinish) finish;
  decltype(&PQfreemem) freemem;
  decltype(&PQgetResult) getResult;
  decltype(&PQgetisnull) getisnull;
  decltype(&PQgetlength) getlength;
  decltype(&PQgetvalue) getvalue;
  decltype(&PQntuples) ntuples;
  decltype(&PQputCopyData) putCopyData;
  decltype(&PQputCopyEnd) putCopyEnd;
  decltype(&PQresultErrorField) resultErrorField;
  decltype(&PQresultStatus) resultStatus;
  decltype(&PQsetNoticeProcessor) setNoticeProcessor;
  decltype(&PQstatus) status;
};

/// Loads libpq, once, thread-safely. Throws gpubill::Error (exit 1, one line) when it cannot
/// be loaded.
const PqApi& pq();

}  // namespace gpubill::ledger
