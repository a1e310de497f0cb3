// Connection strings: redaction for display, database switching, and opening connections.
#include <libpq-fe.h>

#include <algorithm>
#include <cstdlib>
#include <mutex>
#include <pqxx/pqxx>

#include "pg.hpp"

namespace reconcile {
namespace {

const char* kHidden = "***";

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

/// The text after `scheme://` of a URI connection string, or nullopt for the keyword form.
std::optional<std::string> uri_rest(const std::string& conninfo) {
  for (const char* scheme : {"postgresql://", "postgres://"})
    if (conninfo.rfind(scheme, 0) == 0) return conninfo.substr(std::string(scheme).size());
  return std::nullopt;
}

std::string percent_decoded(const std::string& s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && std::isxdigit(static_cast<unsigned char>(s[i + 1])) &&
        std::isxdigit(static_cast<unsigned char>(s[i + 2]))) {
      out += static_cast<char>(std::stoi(s.substr(i + 1, 2), nullptr, 16));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

bool all_digits(const std::string& s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isdigit(c) || c == ','; });
}

/// The value after each `password` `=` in `text` (quoted or up to a space, `&` or the end).
std::vector<std::pair<size_t, size_t>> password_values(const std::string& text) {
  std::vector<std::pair<size_t, size_t>> out;
  std::string lower = text;
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
  for (size_t at = lower.find("password"); at != std::string::npos; at = lower.find("password", at + 1)) {
    size_t i = at + 8;
    while (i < text.size() && text[i] == ' ') ++i;
    if (i >= text.size() || text[i] != '=') continue;
    ++i;
    while (i < text.size() && text[i] == ' ') ++i;
    size_t begin = i;
    if (i < text.size() && (text[i] == '\'' || text[i] == '"')) {
      char q = text[i++];
      while (i < text.size() && text[i] != q) i += text[i] == '\\' ? 2 : 1;
      i = std::min(i + 1, text.size());
    } else {
      while (i < text.size() && !std::isspace(static_cast<unsigned char>(text[i])) && text[i] != '&') ++i;
    }
    if (i > begin) out.emplace_back(begin, i - begin);
  }
  return out;
}

/// The secret-looking parts of `text`: after each `scheme://user:`, up to the last '@' of that
/// word; and each `password=` value. Positions as (begin, length).
std::vector<std::pair<size_t, size_t>> secret_spans(const std::string& text) {
  std::vector<std::pair<size_t, size_t>> out = password_values(text);
  for (size_t at = text.find("://"); at != std::string::npos; at = text.find("://", at + 3)) {
    size_t begin = at + 3, end = begin;
    while (end < text.size() && !std::isspace(static_cast<unsigned char>(text[end])) && text[end] != '"' &&
           text[end] != '\'' && text[end] != '<' && text[end] != '>')
      ++end;
    size_t last_at = text.rfind('@', end == 0 ? 0 : end - 1);
    if (last_at == std::string::npos || last_at < begin) {
      // No '@': `user:secret/db` reads as host and port; a "port" that is not a number is a secret.
      size_t authority_end = std::min(text.find_first_of("/?", begin), end);
      for (size_t item = begin; item < authority_end;) {  // host:port,host:port
        size_t item_end = std::min(text.find(',', item), authority_end);
        size_t colon = text[item] == '[' ? text.find("]:", item) : text.find(':', item);
        if (colon != std::string::npos && colon < item_end) {
          colon += text[item] == '[' ? 1 : 0;
          std::string port = text.substr(colon + 1, item_end - colon - 1);
          if (!port.empty() && !all_digits(port)) out.emplace_back(colon + 1, port.size());
        }
        item = item_end + 1;
      }
      continue;
    }
    size_t colon = text.find(':', begin);
    if (colon != std::string::npos && colon < last_at) out.emplace_back(colon + 1, last_at - colon - 1);
  }
  return out;
}

std::mutex g_secrets_mutex;
std::vector<std::string> g_secrets;

void remember(const std::string& secret) {
  if (secret.size() < 3) return;  // too short to tell from ordinary text
  std::lock_guard<std::mutex> lock(g_secrets_mutex);
  if (std::find(g_secrets.begin(), g_secrets.end(), secret) == g_secrets.end()) g_secrets.push_back(secret);
}

}  // namespace

void remember_secrets(const std::string& conninfo) {
  for (const auto& [begin, length] : secret_spans(conninfo)) {
    std::string raw = conninfo.substr(begin, length);
    remember(raw);
    remember(percent_decoded(raw));
    for (size_t from = 0, at; (at = raw.find('@', from)) != std::string::npos; from = at + 1) remember(raw.substr(from, at - from));
  }
  if (auto rest = uri_rest(conninfo)) {  // no '@': what follows user: is read as the port
    std::string authority = rest->substr(0, rest->find_first_of("/?"));
    auto colon = authority.find(':');
    if (authority.find('@') == std::string::npos && colon != std::string::npos) remember(authority.substr(colon + 1));
  }
  try {
    for (const auto& [k, v] : parse_conninfo(conninfo))
      if (k == "password" || (k == "port" && !all_digits(v))) remember(v);
  } catch (const Error&) {
  }
}

std::string redact_secrets(const std::string& text) {
  std::string out = text;
  auto spans = secret_spans(out);
  std::sort(spans.begin(), spans.end());
  std::vector<std::pair<size_t, size_t>> merged;  // (begin, end), overlaps joined
  for (const auto& [begin, length] : spans)
    if (!merged.empty() && begin <= merged.back().second) merged.back().second = std::max(merged.back().second, begin + length);
    else merged.emplace_back(begin, begin + length);
  for (auto it = merged.rbegin(); it != merged.rend(); ++it) out.replace(it->first, it->second - it->first, kHidden);
  std::vector<std::string> secrets;
  {
    std::lock_guard<std::mutex> lock(g_secrets_mutex);
    secrets = g_secrets;
  }
  if (const char* env = std::getenv("PGPASSWORD"); env && std::string(env).size() >= 3) secrets.push_back(env);
  std::sort(secrets.begin(), secrets.end(), [](const auto& a, const auto& b) { return a.size() > b.size(); });
  for (const auto& s : secrets)
    for (size_t at = out.find(s); at != std::string::npos; at = out.find(s, at + 3)) out.replace(at, s.size(), kHidden);
  return out;
}

void validate_conninfo(const std::string& conninfo) {
  auto opts = parse_conninfo(conninfo);
  if (auto rest = uri_rest(conninfo)) {
    size_t last_at = rest->rfind('@');
    std::string userinfo = last_at == std::string::npos ? "" : rest->substr(0, last_at);
    if (userinfo.find('@') != std::string::npos || userinfo.find('/') != std::string::npos)
      throw Error("invalid connection string: the user or password of the URI holds an unencoded '@' or '/' "
                  "(percent-encode it: %40, %2F)");
  }
  for (const auto& [k, v] : opts) {
    if (k == "port" && !all_digits(v))
      throw Error(std::string("invalid connection string: the port is not a number") +
                  (uri_rest(conninfo) ? " (a password goes between \"user:\" and \"@host\", with '@', ':' and '/' in "
                                        "it percent-encoded)"
                                      : ""));
    if ((k == "host" || k == "user") && v.find('@') != std::string::npos)
      throw Error("invalid connection string: the " + k + " holds an '@' (percent-encode an '@' in a password as %40)");
  }
}

std::string redact_conninfo(const std::string& conninfo) {
  remember_secrets(conninfo);
  std::vector<std::pair<std::string, std::string>> opts;
  try {
    validate_conninfo(conninfo);
    opts = parse_conninfo(conninfo);
  } catch (const Error&) {
    return "<invalid connection string>";
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
  return redact_secrets(out);
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

std::string libpq_conninfo(const std::string& conninfo) {
  remember_secrets(conninfo);
  validate_conninfo(conninfo);  // a malformed string fails here, without echoing it
  const char* app = "fallback_application_name=reconcile";
  if (auto rest = uri_rest(conninfo)) {  // a '?' before the last '@' belongs to the password
    size_t last_at = rest->rfind('@');
    bool query = rest->find('?', last_at == std::string::npos ? 0 : last_at) != std::string::npos;
    return conninfo + (query ? "&" : "?") + app;
  }
  return conninfo + " " + app;
}

std::unique_ptr<pqxx::connection> connect(const std::string& conninfo) {
  std::string full = libpq_conninfo(conninfo);
  try {
    auto conn = std::make_unique<pqxx::connection>(full);
    pqxx::nontransaction tx(*conn);
    // As pg_dump: a function body is not checked when created, so bodies never force an order.
    tx.exec("SET search_path = public; SET client_min_messages = warning; SET check_function_bodies = off");
    return conn;
  } catch (const std::exception& e) {
    std::string msg = e.what();
    while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' ')) msg.pop_back();
    for (size_t p; (p = msg.find('\n')) != std::string::npos;) msg.replace(p, 1, " ");
    throw Error("cannot connect to " + redact_conninfo(conninfo) + ": " + redact_secrets(msg));
  }
}

}  // namespace reconcile
