#include <catch2/catch.hpp>

#include "gpubill/providers/api_call.hpp"
#include "gpubill/util/error.hpp"
#include "gpubill/util/redact.hpp"

using namespace gpubill;
using providers::Endpoint;

namespace {
const Endpoint k_ep{"runpod", "RUNPOD_API_KEY", "GET /billing/pods"};

transport::HttpResponse response(long status, std::string body, int attempts = 1) {
  transport::HttpResponse r;
  r.status = status;
  r.body = std::move(body);
  r.attempts = attempts;
  return r;
}

template <typename E>
std::string message_of(const transport::HttpResponse& r, const providers::StatusHint& hint = {}) {
  try {
    providers::check_response(r, k_ep, hint);
  } catch (const E& e) {
    return e.what();
  }
  FAIL("expected an exception");
  return {};
}
}  // namespace

TEST_CASE("api call: error bodies in every documented shape", "[providers][errors]") {
  CHECK(providers::error_message_from_body(R"({"message": "bad key"})") == "bad key");
  CHECK(providers::error_message_from_body(R"({"error": "nope"})") == "nope");
  CHECK(providers::error_message_from_body(R"({"error": {"message": "inner"}})") == "inner");
  // Provider shapes are read in the provider's folder (ProviderInfo::error_message), found
  // by the endpoint's provider; the shared reading keeps to the common keys.
  const providers::Endpoint novita{"novita", "NOVITA_API_KEY", "GET /x"};
  const providers::Endpoint gcore{"gcore", "GCORE_API_KEY", "POST /x"};
  const providers::Endpoint vast{"vast", "VAST_API_KEY", "GET /x"};
  const char* kratos = R"({"code":403,"reason":"INVALID_API_KEY","message":"invalid api-key"})";
  CHECK(providers::error_message_from_body(kratos, novita) == "INVALID_API_KEY: invalid api-key");
  CHECK(providers::error_message_from_body(kratos) == "invalid api-key");
  const char* vast_body = R"({"success": false, "error": "auth_error", "msg": "Invalid user key"})";
  CHECK(providers::error_message_from_body(vast_body, vast) == "Invalid user key");
  CHECK(providers::error_message_from_body(vast_body) == "auth_error");
  CHECK(providers::error_message_from_body(R"({"reason": "only reason"})") == "only reason");
  CHECK(providers::error_message_from_body(R"({"title":"Unauthorized","status":401,"detail":"missing bearer token"})") ==
        "Unauthorized: missing bearer token");
  CHECK(providers::error_message_from_body(
            R"({"title":"Bad Request","status":400,"detail":"invalid query","errors":["lastN must be at least 1","bucketSize: unknown"]})") ==
        "Bad Request: invalid query [lastN must be at least 1; bucketSize: unknown]");
  CHECK(providers::error_message_from_body("<html><title>Oops</title></html>") == "HTML page: Oops");
  CHECK(providers::error_message_from_body("plain\ntext\x1b[31m") == "plain text[31m");
  CHECK(providers::error_message_from_body("") == "");
  const char* validation = R"({"exception_class": "ValidationError", "message": "Validation Error",
                "request_id": "af99", "invalid_fields": {"time_to": ["Field required"]}})";
  CHECK(providers::error_message_from_body(validation, gcore) ==
        "Validation Error [time_to: Field required] (request_id af99)");
  CHECK(providers::error_message_from_body(validation) == "Validation Error");
  // A provider without a reader of its own, and a provider's reader with nothing to add.
  CHECK(providers::error_message_from_body(R"({"message": "bad key"})", k_ep) == "bad key");
  CHECK(providers::error_message_from_body(R"({"message": "bad key"})", gcore) == "bad key");
  CHECK(providers::error_message_from_body(std::string(1000, 'a')).size() < 210);
}

TEST_CASE("api call: statuses map to typed one-line errors", "[providers][errors]") {
  CHECK_NOTHROW(providers::check_response(response(200, "[]"), k_ep));
  CHECK_NOTHROW(providers::check_response(response(204, ""), k_ep));
  CHECK(message_of<AuthError>(response(401, R"({"message":"invalid key"})")) ==
        "runpod: GET /billing/pods: 401 Unauthorized: invalid key: check RUNPOD_API_KEY");
  CHECK_THAT(message_of<AuthError>(response(403, "{}")),
             Catch::Contains("403 Forbidden: the key lacks access; check RUNPOD_API_KEY"));
  CHECK_THAT(message_of<ProviderError>(response(429, "{}", 4)),
             Catch::Contains("429 Too Many Requests (4 attempts): rate limited"));
  CHECK_THAT(message_of<ProviderError>(response(500, R"({"message":"db down"})", 4)),
             Catch::Contains("500 Internal Server Error: db down (4 attempts)"));
  CHECK(message_of<ProviderError>(response(400, R"({"message":"bad bucketSize"})")) ==
        "runpod: GET /billing/pods: 400 Bad Request: bad bucketSize");
  CHECK_THAT(message_of<ProviderError>(response(404, "{}"),
                                       [](long) { return std::optional<std::string>("retired?"); }),
             Catch::EndsWith("404 Not Found: retired?"));
  transport::HttpResponse redirect = response(302, "");
  redirect.headers = {{"location", "https://elsewhere.example/x"}};
  CHECK_THAT(message_of<ProviderError>(redirect),
             Catch::Contains("unexpected redirect to https://elsewhere.example/x"));
}

TEST_CASE("api call: transport failures say what to do", "[providers][errors]") {
  transport::HttpResponse r;
  r.failure = transport::TransportFailure::timeout;
  r.failure_detail = "timed out after 1.0 s";
  r.attempts = 2;
  CHECK(message_of<ProviderError>(r) ==
        "runpod: GET /billing/pods: timed out after 1.0 s (2 attempts): the provider is slow or "
        "unreachable; try again or raise --timeout");
  r.attempts = 1;
  r.failure = transport::TransportFailure::tls_certificate;
  r.failure_detail = "SSL certificate problem: self-signed certificate";
  CHECK(message_of<ProviderError>(r) ==
        "runpod: GET /billing/pods: TLS failure: SSL certificate problem: self-signed "
        "certificate: the server's certificate could not be verified");
  r.failure = transport::TransportFailure::tls;
  r.failure_detail = "OpenSSL/3.0.19: error:0A000410:SSL routines::sslv3 alert handshake failure";
  CHECK_THAT(message_of<ProviderError>(r),
             Catch::EndsWith("handshake failure: the TLS handshake with the server failed"));
  r.failure = transport::TransportFailure::not_tls;
  r.failure_detail = "OpenSSL/3.0.19: error:0A00010B:SSL routines::wrong version number";
  CHECK_THAT(message_of<ProviderError>(r),
             Catch::EndsWith("wrong version number: the server answered in plain HTTP, not TLS; "
                             "check the base URL's scheme and port (https:// to a plain-http port?)"));
  r.failure = transport::TransportFailure::interrupted;
  r.failure_detail = "Recv failure: Connection reset by peer";
  r.attempts = 3;
  CHECK(message_of<ProviderError>(r) ==
        "runpod: GET /billing/pods: connection lost before the whole answer arrived: Recv "
        "failure: Connection reset by peer (3 attempts): nothing from it was used; try again");
}

TEST_CASE("api call: a key echoed in an error body is redacted", "[providers][errors][secrets]") {
  util::register_secret("rpa_SECRET_MARKER_123456");
  std::string m = message_of<AuthError>(
      response(401, R"({"message":"key rpa_SECRET_MARKER_123456 is invalid"})"));
  CHECK_THAT(m, !Catch::Contains("rpa_SECRET_MARKER_123456"));
  CHECK_THAT(m, Catch::Contains("[REDACTED]"));
  util::clear_secrets_for_testing();
}

// The server's text is cut to 120 (a plain body) or 400 (a message) characters; a key that
// straddles the cut must be scrubbed before it, or its first half is printed (issue 17).
TEST_CASE("api call: a key cut by the length limit is scrubbed before the cut", "[providers][errors][secrets]") {
  const std::string key = "rpa_SECRET_MARKER_0123456789abcdef";
  util::register_secret(key);
  for (std::size_t pad : {100, 110, 118}) {
    INFO(pad);
    std::string plain = message_of<AuthError>(response(401, std::string(pad, 'x') + " " + key + " rest"));
    CHECK_THAT(plain, !Catch::Contains("rpa_SECRET"));
    std::string html = message_of<ProviderError>(
        response(500, "<html><title>" + std::string(pad, 'y') + " " + key + "</title></html>"));
    CHECK_THAT(html, !Catch::Contains("rpa_SECRET"));
  }
  std::string message = message_of<AuthError>(
      response(401, R"({"message":")" + std::string(385, 'z') + " " + key + R"("})"));
  CHECK_THAT(message, !Catch::Contains("rpa_SECRET"));
  CHECK(util::excerpt("ab " + key + " cd", 10) == "ab [REDACT...");
  CHECK(util::excerpt("h\xC3\xA9llo", 2) == "h...");  // never half a UTF-8 character
  util::clear_secrets_for_testing();
}

TEST_CASE("api call: field reader accepts numbers and numeric strings", "[providers]") {
  nlohmann::json j = nlohmann::json::parse(
      R"({"a": 1.5, "b": "2.25", "c": 7, "d": null, "e": true, "f": "12", "g": 3.0, "h": 3.5,
          "i": 18446744073709551615})");
  providers::FieldReader f(j, k_ep, "record 1");
  CHECK(f.decimal("a")->to_string() == "1.5");
  CHECK(f.decimal("b")->to_string() == "2.25");
  CHECK(f.decimal("c")->to_string() == "7");
  CHECK_FALSE(f.decimal("d").has_value());
  CHECK_FALSE(f.decimal("missing").has_value());
  CHECK_THROWS_WITH(f.decimal("e"), Catch::Contains("field 'e' is a boolean, expected a number"));
  CHECK(f.integer("f") == 12);
  CHECK(f.integer("g") == 3);
  CHECK_THROWS_WITH(f.integer("h"), Catch::Contains("not a whole number"));
  CHECK_THROWS_WITH(f.integer("i"), Catch::Contains("out of range"));
  CHECK(f.string("c") == "7");
  CHECK_THROWS_AS(f.string("e"), ProviderError);
}

TEST_CASE("api call: an answer nested a million levels deep is refused, not a crash",
          "[providers][errors][hostile]") {
  const providers::Endpoint ep{"runpod", "RUNPOD_API_KEY", "GET /billing/pods"};
  std::string deep = R"([{"time": "2026-10-01T00:00:00Z", "amount": 1, "deep": )" +
                     std::string(1'000'000, '[') + std::string(1'000'000, ']') + "}]";
  CHECK(providers::json_nesting_depth(deep) == 1'000'002);
  CHECK_THROWS_WITH(providers::parse_json_text(deep, ep),
                    Catch::Contains("nested more than 64 levels deep"));
  CHECK(providers::error_message_from_body(deep).empty() == false);  // a line, not a crash
  // Brackets inside strings do not count; a real billing answer is a few levels deep.
  CHECK(providers::json_nesting_depth(R"({"a": "[[[[[[", "b": [{"c": "\"]]"}]})") == 3);
  std::string at_limit = std::string(64, '[') + std::string(64, ']');
  CHECK_NOTHROW(providers::parse_json_text(at_limit, ep));
  std::string over = std::string(65, '[') + std::string(65, ']');
  CHECK_THROWS_AS(providers::parse_json_text(over, ep), ProviderError);
}

TEST_CASE("api call: a number too large for a double is a clear error (found by fuzzing)",
          "[providers][errors][hostile]") {
  const providers::Endpoint ep{"runpod", "RUNPOD_API_KEY", "GET /billing/pods"};
  CHECK_THROWS_WITH(providers::parse_json_text(R"([{"amount": 4E444444}])", ep),
                    Catch::Contains("a number too large"));
  CHECK_THROWS_AS(providers::parse_json_text(R"({"records": [-1e99999]})", ep), ProviderError);
}

TEST_CASE("api call: a big root array is parsed on threads, in order, dropping what the maker drops",
          "[providers][parse][threads]") {
  std::string body = "[";
  for (int i = 0; i < 1000; ++i) body += (i ? "," : "") + std::string(R"({"n":)") + std::to_string(i) + R"(,"s":"x,]}"})";
  body += "]";
  providers::RecordMaker keep_even = [](const nlohmann::json& item, const std::string& where,
                                        model::CostRecord& r) {
    int n = item.at("n").get<int>();
    r.resource_id = std::to_string(n);
    r.description = where;
    return n % 2 == 0;
  };
  const providers::Endpoint ep{"runpod", "RUNPOD_API_KEY", "GET /billing/pods"};
  auto threaded = providers::records_from_root_array(body, ep, "record", keep_even, {4, 10, 7});
  auto sequential = providers::records_from_root_array(body, ep, "record", keep_even, {1, 10});
  REQUIRE(threaded);
  REQUIRE(sequential);
  CHECK(threaded->threads == 4);
  CHECK(sequential->threads == 1);
  CHECK(threaded->elements == 1000);
  REQUIRE(threaded->records.size() == 500);
  for (std::size_t i = 0; i < 500; ++i) {
    CHECK(threaded->records[i].resource_id == std::to_string(2 * i));
    CHECK(threaded->records[i].description == "record " + std::to_string(2 * i + 1));
    CHECK(threaded->records[i].resource_id == sequential->records[i].resource_id);
  }
  // Too few elements per thread: one thread.
  CHECK(providers::records_from_root_array(body, ep, "record", keep_even, {4, 600})->threads == 1);
  // Not an array: nothing is called, the caller reads the document for its error.
  CHECK_FALSE(providers::records_from_root_array(R"({"message":"no"})", ep, "record", keep_even));
}
