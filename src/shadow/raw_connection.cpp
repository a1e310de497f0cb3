// Running generated SQL on the shadow through libpq, in one round trip, locating a failure in it.
#include <algorithm>

#include "../source/pg.hpp"
#include "reconcile/db.hpp"
#include "shadow_internal.hpp"

namespace reconcile::shadow {
namespace {

/// Steps per transaction: a large schema in one transaction needs more locks than a server has by
/// default (max_locks_per_transaction 64 x max_connections 100).
constexpr size_t kStepsPerTransaction = 200;

size_t char_to_byte(const std::string& s, size_t chars) {
  size_t i = 0;
  for (; i < s.size() && chars > 0; ++i)
    if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80 && i > 0) --chars;
  while (i < s.size() && (static_cast<unsigned char>(s[i]) & 0xC0) == 0x80) ++i;
  return i;
}

}  // namespace

RawConnection::RawConnection(const std::string& conninfo) : conn_(PQconnectdb(libpq_conninfo(conninfo).c_str())) {
  if (PQstatus(conn_) != CONNECTION_OK) {
    std::string msg = PQerrorMessage(conn_);
    PQfinish(conn_);
    throw Error("cannot connect to shadow database " + redact_conninfo(conninfo) + ": " + redact_secrets(msg));
  }
  run("SET search_path = public; SET client_min_messages = warning; SET check_function_bodies = off");
}

std::optional<RawConnection::Failure> RawConnection::run(const std::string& sql) {
  PGresult* res = PQexec(conn_, sql.c_str());
  std::optional<Failure> out;
  auto status = PQresultStatus(res);
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK && status != PGRES_EMPTY_QUERY) {
    Failure f;
    const char* primary = PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY);
    f.message = primary ? primary : PQerrorMessage(conn_);
    const char* pos = PQresultErrorField(res, PG_DIAG_STATEMENT_POSITION);
    if (pos) f.byte_offset = char_to_byte(sql, std::stoul(pos) - 1);
    out = f;
  }
  PQclear(res);
  return out;
}

Script::Script(const std::string& prelude, const std::vector<Step>& steps) : sql(prelude) {
  for (const auto& s : steps) {
    starts.push_back(sql.size());
    sql += s.sql + "\n";
  }
}

std::optional<std::pair<size_t, size_t>> Script::locate(size_t offset) const {
  if (offset == std::string::npos || starts.empty() || offset < starts[0]) return std::nullopt;
  size_t i = 0;
  while (i + 1 < starts.size() && starts[i + 1] <= offset) ++i;
  return std::make_pair(i, offset - starts[i]);
}


std::optional<ChunkFailure> run_in_chunks(RawConnection& raw, const std::string& prelude, const std::vector<Step>& steps) {
  for (size_t begin = 0; begin == 0 || begin < steps.size(); begin += kStepsPerTransaction) {
    std::vector<Step> chunk(steps.begin() + begin, steps.begin() + std::min(steps.size(), begin + kStepsPerTransaction));
    Script script(begin == 0 ? prelude : "", chunk);
    raw.run("BEGIN");
    if (auto failure = raw.run(script.sql)) {
      raw.run("ROLLBACK");
      ChunkFailure f;
      f.message = failure->message;
      if (auto at = script.locate(failure->byte_offset)) {
        f.step = &steps[begin + at->first];
        f.offset = at->second;
      } else {  // no position from the server: find the statement by running them one at a time
        raw.run("BEGIN");
        for (size_t i = 0; i < chunk.size() && !f.step; ++i)
          if (raw.run(chunk[i].sql)) f.step = &steps[begin + i];
        raw.run("ROLLBACK");
      }
      return f;
    }
    raw.run("COMMIT");
    if (steps.empty()) break;
  }
  return std::nullopt;
}

}  // namespace reconcile::shadow
