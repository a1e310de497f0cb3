// Connection strings: redaction for display, database switching, and opening connections.
#include <libpq-fe.h>

#include <pqxx/pqxx>

#include "pg.hpp"

namespace reconcile {
namespace {

/// Parsed keyword/value pairs of a conninfo (URI or keyword form); throws Error when malformed.
std::vector<std::pair<std::string, std::string>> parse_conninfo(const std::string& conninfo) {
  char* err = nullptr;
  PQconninfoOption* opts = PQconninfoParse(conninfo.c_str(), &err);
  if (!opts) {
    // libpq's message may quote part of the string (a password, say): never repeat it.
    if (err) PQfreemem(err);
    throw Error("invalid connection string: expected a postgresql:// URI or key=value pairs");
  }
  std::vector<std::pair<std::string, std::string>> out;
  for (PQconninfoOption* o = opts; o->keyword; ++o)
    if (o->val && *o->val) out.emplace_back(o->keyword, o->val);
  PQconninfoFree(opts);
  return out;
}

std::string keyword_value(const std::string& v) {
  std::string out = "'";
  for (char c : v) {
    if (c == '\'' || c == '\\') out += '\\';
    out += c;
  }
  return out + "'";
}

}  // namespace

std::string redact_conninfo(const std::string& conninfo) {
  std::vector<std::pair<std::string, std::string>> opts;
  try {
    opts = parse_conninfo(conninfo);
  } catch (const Error&) {
    return "<unparseable connection string>";
  }
  std::string user, host, port, db;
  for (const auto& [k, v] : opts) {
    if (k == "user") user = v;
    else if (k == "host" || (k == "hostaddr" && host.empty())) host = v;
    else if (k == "port") port = v;
    else if (k == "dbname") db = v;
  }
  std::string out = "postgresql://";
  if (!user.empty()) out += user + "@";
  out += host;
  if (!port.empty()) out += ":" + port;
  if (!db.empty()) out += "/" + db;
  return out;
}

std::string conninfo_with_dbname(const std::string& conninfo, const std::string& dbname) {
  std::string out;
  bool have_db = false;
  for (auto [k, v] : parse_conninfo(conninfo)) {
    if (k == "dbname") { v = dbname; have_db = true; }
    out += (out.empty() ? "" : " ") + k + "=" + keyword_value(v);
  }
  if (!have_db) out += (out.empty() ? "" : " ") + std::string("dbname=") + keyword_value(dbname);
  return out;
}

std::string server_message(const std::exception& e) {
  std::string msg = e.what();
  msg = msg.substr(0, msg.find('\n'));
  if (msg.rfind("ERROR:", 0) == 0) msg = msg.substr(std::min(msg.size(), msg.find_first_not_of(' ', 6)));
  return msg;
}

std::unique_ptr<pqxx::connection> connect(const std::string& conninfo) {
  parse_conninfo(conninfo);  // a malformed string fails here, without echoing it
  try {
    auto conn = std::make_unique<pqxx::connection>(conninfo);
    pqxx::nontransaction tx(*conn);
    tx.exec("SET search_path = public; SET client_min_messages = warning");
    return conn;
  } catch (const std::exception& e) {
    std::string msg = e.what();
    while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' ')) msg.pop_back();
    for (size_t p; (p = msg.find('\n')) != std::string::npos;) msg.replace(p, 1, " ");
    throw Error("cannot connect to " + redact_conninfo(conninfo) + ": " + msg);
  }
}

}  // namespace reconcile
