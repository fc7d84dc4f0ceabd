#pragma once
// The one interface every provider adapter implements (docs/adding-a-provider.md).
// Providers declare their resources and filters as data; cli/ turns those into flags, so no
// adapter includes CLI11.

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "gpubill/model/balance.hpp"
#include "gpubill/model/cost_record.hpp"
#include "gpubill/model/focus.hpp"
#include "gpubill/model/query.hpp"
#include "gpubill/providers/response_cache.hpp"
#include "gpubill/transport/transport.hpp"

namespace gpubill::providers {

struct OptionSpec {
  std::string flag;                  ///< kebab-case, without dashes: "gpu-type"
  std::string help;
  bool repeatable = false;           ///< may be given more than once
  std::vector<std::string> choices;  ///< allowed values; empty = free text
  bool is_switch = false;            ///< takes no value; present as {"true"} when given
  /// Given, it chooses the rows' period instead of --start/--end (Runpod's --last N): the
  /// caption then names it as what was asked, and says what the rows cover.
  bool replaces_period = false;
  /// What --help shows after the flag (N, ID, NAME); empty: VALUE, or the choices.
  std::string placeholder{};
  /// Other names of the same flag: the name the same idea has on the other commands
  /// (`--bucket` for Novita's `--cycle`, `--type` for its `--category`), so that one name
  /// works everywhere and the provider's own keeps working.
  std::vector<std::string> aliases{};
  /// The value the API (or the adapter) takes when the flag is absent: a read from the ledger
  /// (--from-ledger) finds a part stored with it when the flag is not given, and the other
  /// way round (`pods` and `pods?grouping=gpuTypeId` are the same request).
  std::string default_value{};
  /// Non-null: the flag only selects records, and this says which, exactly as the API does
  /// (a record is kept when it holds for one of the values). --from-ledger then reads the
  /// part stored without the flag and keeps those records (docs/ledger.md, "Reads").
  bool (*ledger_filter)(const model::CostRecord& record, const std::string& value) = nullptr;
};

/// ledger_filter helpers: the record's column equals the value.
bool gpu_type_is(const model::CostRecord& record, const std::string& value);
bool resource_id_is(const model::CostRecord& record, const std::string& value);
bool service_is(const model::CostRecord& record, const std::string& value);
bool region_is(const model::CostRecord& record, const std::string& value);

enum class ResourceKind {
  cost_records,  ///< fetch() answers; the period applies
  balance,       ///< fetch_balance() answers; no period
};

struct ResourceSpec {
  std::string name;     ///< "pods"
  std::string help;     ///< one line
  std::string example;  ///< a full command line shown in --help
  std::vector<OptionSpec> options;
  ResourceKind kind = ResourceKind::cost_records;
  /// Non-empty: the resource answers this period whatever --start/--end say ("yesterday
  /// (UTC)"); the caption names it as what was asked, and says what the rows cover.
  std::string fixed_period{};
};

/// A setting of one provider beyond key and base URL: the environment variable first, then
/// the key in the provider's config section, then the default. Reaches fetch() in
/// FetchRequest::settings under `key`.
struct ExtraSetting {
  std::string key;            ///< config file key, e.g. "api_version"
  std::string env;            ///< environment variable, empty: none
  std::string default_value;
  bool is_url = false;        ///< checked like base_url
};

struct ProviderInfo {
  std::string name;              ///< "runpod": the subcommand and the record's provider
  std::string help;
  std::string key_env;           ///< "RUNPOD_API_KEY"
  std::string url_env;           ///< "GPUBILL_RUNPOD_URL"
  std::string default_base_url;  ///< the documented server root
  int retry_base_delay_ms = 500; ///< first backoff ceiling; a provider may ask for more
  /// Requests in flight to this provider at once, at most, whatever --parallel says: every
  /// request of a command (and of a provider's whole report share) goes through one limit.
  int max_in_flight = 4;
  /// > 0: the provider's rate limit counts requests per window of this many ms, and a 429
  /// lasts for the rest of it: a 429 without Retry-After waits one whole window.
  int rate_limit_window_ms = 0;
  std::vector<ExtraSetting> extra_settings{};
  /// `gpubill config check`: the resource whose fetch over yesterday costs one authenticated
  /// request, the cheapest way to learn whether a key is accepted.
  std::string check_resource{};
  /// The provider's own reading of a JSON error body (an object): the one line to show, or
  /// empty for the shared reading (message, error, detail, title, ...; RFC 9457 problems).
  /// Lives in the provider's folder; check_response() finds it by the endpoint's provider.
  std::string (*error_message)(const nlohmann::json& object) = nullptr;
  /// The attributes that, with a record's columns (service, resource, GPU type, region,
  /// currency, unit, description, period), tell two records of one answer apart: the rest
  /// of the ledger's natural key (docs/ledger.md, "Natural keys").
  std::vector<std::string> ledger_key_attributes{};
  /// How this provider's records read as FOCUS rows (-o focus; docs/focus.md, "Mapping").
  model::FocusMapping focus{};
};

/// Flag name (as in OptionSpec::flag) -> values given, in order. Absent flags are absent.
using OptionValues = std::map<std::string, std::vector<std::string>>;

/// The value of a single-valued flag, or `fallback` when it was not given.
inline std::string option_value(const OptionValues& options, const std::string& flag,
                                const std::string& fallback = "") {
  auto it = options.find(flag);
  return it == options.end() || it->second.empty() ? fallback : it->second.back();
}

struct FetchRequest {
  std::string resource;  ///< one of resources()[i].name
  model::Query query;
  OptionValues options;
  std::string api_key;   ///< resolved by config; goes into exactly one header
  std::string base_url;  ///< without trailing slash
  int parallel = 4;      ///< --parallel: requests in flight; the adapter caps it to its limit
  std::map<std::string, std::string> settings{};  ///< ProviderInfo::extra_settings, resolved
  /// Part of `gpubill report`: options from report_plan() are hints the adapter may drop
  /// where its API cannot honour them (the totals do not depend on them).
  bool from_report = false;
  /// Answers shared by every fetch() of this provider in one run; null: none.
  std::shared_ptr<ResponseCache> cache{};
};

/// One request of a provider's share of `gpubill report`.
struct ReportPart {
  std::string resource;
  OptionValues options;
};

class Provider {
 public:
  virtual ~Provider() = default;
  virtual const ProviderInfo& info() const = 0;
  virtual const std::vector<ResourceSpec>& resources() const = 0;
  /// Every record of request.resource in request.query.period, following paging and window
  /// limits. Throws ProviderError (naming provider and endpoint) or AuthError; never returns
  /// silently empty because of a failure.
  virtual std::vector<model::CostRecord> fetch(const FetchRequest& request,
                                               transport::Transport& transport) const = 0;
  /// The account balance, for a resource of kind balance. Throws like fetch(); the default
  /// throws UsageError (the provider has no balance resource).
  virtual model::Balance fetch_balance(const FetchRequest& request,
                                       transport::Transport& transport) const;
  /// The resources that together give this provider's whole bill for a period, without
  /// double counting (docs/report.md says why each was chosen).
  virtual std::vector<ReportPart> report_plan() const = 0;
  /// The part whose records are the provider's own total for each period it answers (Runpod's
  /// aggregate, Hyperstack's history incurred_bill), or nullopt. `report` fetches it beside the
  /// plan, never adds it, and shows any difference from what the plan's parts add up to over
  /// the same period as an explicit "other" record, so the totals are the provider's.
  virtual std::optional<ReportPart> report_total() const { return std::nullopt; }
  /// The totals to compare with, from what report_total() fetched: by default those records
  /// as they are. A provider whose total records are not all comparable (a statement not yet
  /// issued) or hold more than the parts count (vouchers the parts never include) says here
  /// which and how much.
  virtual std::vector<model::CostRecord> own_totals(std::vector<model::CostRecord> fetched) const {
    return fetched;
  }
  /// The billing month ("YYYY-MM") the provider files `record` under, where it says so and it
  /// may differ from the record's period (Novita bills a subscription from the 15th to the
  /// 14th in the month it starts: its `cycle`), or nullopt. A total with a billing month is
  /// compared with the parts of that month; otherwise with the parts inside its period.
  virtual std::optional<std::string> billing_month(const model::CostRecord& record) const {
    (void)record;
    return std::nullopt;
  }
  /// What the provider's docs say its figures for `resource` are not (final, the whole bill,
  /// after tax or discounts): one line each, shown once under the table and in JSON
  /// (query.caveats). None by default.
  virtual std::vector<std::string> caveats(const std::string& resource) const {
    (void)resource;
    return {};
  }
};

}  // namespace gpubill::providers
