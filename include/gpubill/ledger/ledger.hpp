#pragma once
// The ledger (docs/ledger.md): what every sync saw, kept beyond the APIs' windows, with every
// restatement. One interface, one schema; SQLite is the embedded store (sqlite_ledger.cpp),
// PostgreSQL the team store (postgres_ledger.cpp).
// Depends on model/ only: the CLI says which provider, which part and which window.

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "gpubill/model/cost_record.hpp"
#include "gpubill/model/period.hpp"
#include "gpubill/util/error.hpp"

namespace gpubill::ledger {

/// The schema this gpubill writes. A ledger with a higher version is refused; a lower one is
/// migrated in one transaction when opened for writing.
inline constexpr int k_schema_version = 2;

/// A ledger that cannot be opened, read or written (locked too long, disk full, newer
/// schema, corrupt file): exit 1, the ledger as it was.
class LedgerError : public Error {
 public:
  explicit LedgerError(const std::string& message) : Error(ExitCode::provider, message) {}
};

/// A part is one request of a provider's plan: its resource and the options it was asked
/// with, as "resource" or "resource?flag=v1,v2&flag2=v" (flags sorted, as OptionValues are).
std::string part_key(const std::string& resource,
                     const std::map<std::string, std::vector<std::string>>& options);

/// part_key()'s inverse, for the keys the report plans store (values without ',', '&', '='):
/// the resource and the options.
std::pair<std::string, std::map<std::string, std::vector<std::string>>> split_part_key(const std::string& key);

/// One calendar month of one provider as a sync fetched it: every part that answered.
struct WindowWrite {
  std::string provider;
  std::string account;
  model::Period window;  ///< inside one calendar month: [month start, month end or now)
  struct Part {
    std::string key;  ///< part_key()
    std::vector<model::CostRecord> records;
  };
  std::vector<Part> parts;
  /// The attributes that, with the record's columns, tell two records of one answer apart
  /// (docs/ledger.md, "Natural keys").
  std::vector<std::string> key_attributes;
};

/// What one write_window() changed.
struct WriteCounts {
  std::size_t seen = 0;      ///< records the API answered
  std::size_t added = 0;     ///< natural keys new to the ledger
  std::size_t restated = 0;  ///< a stored key with another amount or usage: new version
  /// A stored key with the same amount and usage but other fields (a name, an attribute a
  /// newer gpubill reads): a new version too, so --as-of stays exact, but no money moved.
  std::size_t updated = 0;
  std::size_t gone = 0;      ///< stored keys the new answer left out (closed, kept for --as-of)
  std::size_t kept = 0;      ///< an empty answer over stored records: kept (a provider forgetting is not a refund)
  WriteCounts& operator+=(const WriteCounts& o);
};

/// What read() found for one part over a period.
struct PartRead {
  std::vector<model::CostRecord> records;
  /// The parts of the period no sync covered (whole months never synced, or the time after a
  /// month's last sync): said, never silently empty.
  std::vector<model::Period> not_synced;
  /// Records of the covered months that begin outside the period (a non-aligned --start).
  std::size_t outside = 0;
};

struct ProviderStatus {
  std::string provider;
  std::string account;
  std::string first_month;  ///< YYYY-MM
  std::string last_month;
  std::vector<std::string> gaps;  ///< months between first and last with no sync
  std::size_t rows = 0;           ///< current records
  std::size_t versions = 0;       ///< earlier versions kept (restated or gone)
  std::string last_sync;          ///< RFC 3339 of the last finished sync
  std::string last_status;        ///< ok, or the failure of the last sync
};

/// One sync of one provider, as the syncs table keeps it.
struct SyncRow {
  std::string provider;
  std::string started_at;
  std::string status;
};

class Ledger {
 public:
  virtual ~Ledger() = default;

  /// The location's store, created on first use when `create` (a sync), else it must exist.
  /// `location`: a file path (SQLite) or a postgresql:// URL (an existing database; the tables
  /// are created in it on first use). Throws LedgerError with a one-line message.
  static std::unique_ptr<Ledger> open(const std::string& location, bool create);

  /// Where the ledger is, for messages (the path, or the URL without a password).
  virtual std::string where() const = 0;

  /// Starts the syncs row of `provider`; returns its id.
  virtual std::int64_t begin_sync(const std::string& provider, const std::string& account,
                                  const model::Period& span, model::Timestamp at) = 0;
  /// Stores one window in one transaction (all parts or none) at time `at`. Waits at most the
  /// busy timeout for another writer, then throws LedgerError.
  virtual WriteCounts write_window(const WindowWrite& window, std::int64_t sync_id,
                                   model::Timestamp at) = 0;
  /// Closes the syncs row: "ok" or the failure's line.
  virtual void finish_sync(std::int64_t sync_id, const std::string& status,
                           const WriteCounts& counts, model::Timestamp at) = 0;

  /// The records of `part` of `provider` whose period begins in `period`, as current at
  /// `as_of` (nullopt: now), in the order the API answered them, month by month.
  virtual PartRead read(const std::string& provider, const std::string& account,
                        const std::string& part, const model::Period& period,
                        std::optional<model::Timestamp> as_of) const = 0;
  /// The parts the ledger holds for `provider` (any time).
  virtual std::vector<std::string> parts(const std::string& provider) const = 0;
  /// The providers with anything stored.
  virtual std::vector<std::string> providers() const = 0;
  virtual std::vector<ProviderStatus> status() const = 0;
  /// The last month a sync of `provider` stored, "YYYY-MM", or empty.
  virtual std::string last_month(const std::string& provider, const std::string& account) const = 0;
  /// The store's own consistency check ("ok" when sound).
  virtual std::string integrity_check() const = 0;
};

/// true for a PostgreSQL URL (postgresql:// or postgres://), the team ledger.
bool is_postgres(const std::string& location);

/// The location as messages show it: a URL's password (user:PASSWORD@, password=) as ***.
std::string shown_location(const std::string& location);

/// $XDG_DATA_HOME/gpubill/ledger.db, else $HOME/.local/share/gpubill/ledger.db.
std::string default_location(const char* xdg_data_home, const char* home);

}  // namespace gpubill::ledger
