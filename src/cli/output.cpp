// Rendering plans for people and machines: text, JSON, SQL.
#include "reconcile/text.hpp"
#include "output.hpp"

#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <set>

namespace reconcile::cli {
namespace {

const char* symbol(StepOp op) {
  switch (op) {
    case StepOp::create: return "+";
    case StepOp::drop: return "-";
    case StepOp::rename: return ">";
    case StepOp::alter: break;
  }
  return "~";
}

const char* color_of(StepOp op) {
  switch (op) {
    case StepOp::create: return "\033[32m";
    case StepOp::drop: return "\033[31m";
    case StepOp::rename: return "\033[36m";
    case StepOp::alter: break;
  }
  return "\033[33m";
}

std::string join(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : ", ") + s;
  return out;
}

int count(const Plan& p, StepOp op) {
  auto it = p.summary.find(op);
  return it == p.summary.end() ? 0 : it->second;
}

std::string json_list(const std::vector<std::string>& v) {
  std::string out = "[";
  for (size_t i = 0; i < v.size(); ++i) out += (i ? ", " : "") + json_string(v[i]);
  return out + "]";
}

std::string json_ints(const std::vector<int>& v) {
  std::string out = "[";
  for (size_t i = 0; i < v.size(); ++i) out += (i ? ", " : "") + std::to_string(v[i]);
  return out + "]";
}

std::string json_steps(const std::vector<Step>& steps) {
  std::string out = "[";
  for (size_t i = 0; i < steps.size(); ++i) {
    const Step& s = steps[i];
    out += (i ? ",\n    " : "\n    ");
    out += "{\"id\": " + std::to_string(s.id) + ", \"op\": " + json_string(to_string(s.op)) + ", \"object\": " +
           json_string(s.object) + ", \"detail\": " + json_string(s.detail) + ", \"sql\": " + json_string(s.sql) +
           ", \"transactional\": " + (s.transactional ? "true" : "false") + ", \"hazards\": " + json_list(hazard_names(s.hazards)) +
           ", \"depends_on\": " + json_ints(s.depends_on) + "}";
  }
  return out + (steps.empty() ? "]" : "\n  ]");
}

}  // namespace

bool use_color() { return isatty(STDOUT_FILENO) && !std::getenv("NO_COLOR"); }

std::string json_string(const std::string& s) { return quote_double(s); }


std::string render_text(const Plan& p, bool color, bool with_sql) {
  if (p.steps.empty() && !p.protection_changed) return "No changes. The database matches the desired state.\n";
  if (p.steps.empty()) {
    std::vector<std::string> all = p.protected_tables;
    all.insert(all.end(), p.protected_objects.begin(), p.protected_objects.end());
    return "No schema changes. To record: prevent_destroy now protects [" + join(all) + "].\n";
  }
  std::string reset = color ? "\033[0m" : "";
  std::string out = "Plan: " + std::to_string(count(p, StepOp::create)) + " to create, " + std::to_string(count(p, StepOp::alter)) +
                    " to alter, " + std::to_string(count(p, StepOp::drop)) + " to drop";
  if (count(p, StepOp::rename)) out += ", " + std::to_string(count(p, StepOp::rename)) + " to rename";
  out += ".\n";
  if (!p.hazards.empty()) out += (color ? "\033[1;31m" : "") + std::string("Hazards: ") + join(hazard_names(p.hazards)) + reset + "\n";
  if (int n = leading_steps(p))
    out += (n == 1 ? std::string("Step 1 commits") : "Steps 1 to " + std::to_string(n) + " commit") +
           " before the transaction (new enum values the other steps may use); they stay if a later step fails.\n";
  out += "\n";
  for (const auto& s : p.steps) {
    out += (color ? color_of(s.op) : "") + std::string("  ") + symbol(s.op) + " " + s.object +
           (s.detail.empty() ? "" : ": " + s.detail) + reset;
    if (!s.hazards.empty()) out += (color ? "\033[1;31m" : "") + std::string("  [") + join(hazard_names(s.hazards)) + "]" + reset;
    out += "\n";
    if (with_sql) {
      std::string sql = s.sql;
      std::string indented = "      ";
      for (char c : sql) indented += c == '\n' ? std::string("\n      ") : std::string(1, c);
      out += indented + "\n";
    }
  }
  return out;
}

std::string render_json(const Plan& p) {
  std::string out = "{\n  \"format_version\": 1,\n";
  out += "  \"reconcile_version\": " + json_string(p.reconcile_version) + ",\n";
  out += "  \"created_at\": " + json_string(p.created_at) + ",\n";
  out += "  \"database\": " + json_string(p.database) + ",\n";
  out += "  \"source_fingerprint\": " + json_string(p.source_fingerprint) + ",\n";
  out += "  \"target_fingerprint\": " + json_string(p.target_fingerprint) + ",\n";
  out += "  \"managed_schemas\": " + json_list(p.managed_schemas) + ",\n";
  out += "  \"hazards\": " + json_list(hazard_names(p.hazards)) + ",\n";
  out += "  \"summary\": {\"create\": " + std::to_string(count(p, StepOp::create)) + ", \"alter\": " +
         std::to_string(count(p, StepOp::alter)) + ", \"drop\": " + std::to_string(count(p, StepOp::drop)) +
         ", \"rename\": " + std::to_string(count(p, StepOp::rename)) + "},\n";
  out += "  \"changes\": " + std::string(p.has_changes() ? "true" : "false") + ",\n";
  out += "  \"steps\": " + json_steps(p.steps) + ",\n";
  out += "  \"reverse_steps\": " + json_steps(p.reverse_steps) + "\n}\n";
  return out;
}

std::string render_sql(const Plan& p) {
  std::string out = "-- reconcile plan: " + std::to_string(p.steps.size()) + " step(s)\n";
  for (const auto& s : p.steps) {
    out += "\n-- step " + std::to_string(s.id) + ": " + to_string(s.op) + " " + s.object;
    if (!s.hazards.empty()) out += " [" + join(hazard_names(s.hazards)) + "]";
    out += "\n" + s.sql + "\n";
  }
  return out;
}

}  // namespace reconcile::cli

namespace reconcile::cli {
namespace {

const char* hazard_meaning(const std::string& h) {
  if (h == "destructive") return "drops data";
  if (h == "may-fail") return "can fail on the rows in the table";
  if (h == "rewrite") return "rewrites or scans the whole table";
  if (h == "locks") return "blocks writes while it runs";
  if (h == "irreversible") return "the reverse cannot bring the data back";
  return "";
}

/// A name Mermaid accepts as an entity or attribute type: letters, digits, _ - ( ) [ ].
std::string mermaid_word(const std::string& text) {
  std::string out;
  for (unsigned char c : text)
    out += std::isalnum(c) || c == '_' || c == '-' || c == '(' || c == ')' || c == '[' || c == ']' ? static_cast<char>(c) : '_';
  return out.empty() ? "_" : out;
}

/// The longest run of backticks in `text`.
size_t longest_backtick_run(const std::string& text) {
  size_t best = 0, run = 0;
  for (char c : text) {
    run = c == '`' ? run + 1 : 0;
    best = std::max(best, run);
  }
  return best;
}

/// `text` as a Markdown code span that nothing in it can end (CommonMark: the delimiter is longer
/// than any backtick run inside), on one line, with `|` escaped for a table cell. Whatever comes
/// from the schema or the plan file is shown this way, so it cannot pass for reconcile's own words.
std::string code_span(const std::string& text) {
  std::string body;
  for (char c : text) body += c == '|' ? std::string("\\|") : c == '\n' || c == '\r' ? std::string(" ") : std::string(1, c);
  std::string fence(longest_backtick_run(body) + 1, '`');
  bool pad = !body.empty() && (body.front() == '`' || body.back() == '`' || body.front() == ' ');
  return fence + (pad ? " " : "") + body + (pad ? " " : "") + fence;
}

/// A code fence longer than any backtick run in `text`, so that the block cannot be closed early.
std::string code_fence(const std::string& text) { return std::string(std::max<size_t>(3, longest_backtick_run(text) + 1), '`'); }

/// Key markers of an erDiagram attribute (PK, FK, UK); anything else in a plan file is dropped.
std::string mermaid_keys(const std::string& keys) {
  std::string out;
  for (const char* k : {"PK", "FK", "UK"})
    if (keys.find(k) != std::string::npos) out += (out.empty() ? "" : ", ") + std::string(k);
  return out;
}

std::string mermaid(const Plan& p) {
  std::string out = "```mermaid\nerDiagram\n";
  std::set<std::string> shown;
  for (const auto& t : p.tables) {
    if (t.dropped) continue;
    shown.insert(t.name);
    out += "  " + mermaid_word(t.name) + " {\n";
    for (const auto& c : t.columns) {
      out += "    " + mermaid_word(c.type) + " " + mermaid_word(c.name);
      if (!mermaid_keys(c.keys).empty()) out += " " + mermaid_keys(c.keys);
      out += "\n";
    }
    out += "  }\n";
  }
  for (const auto& t : p.tables)
    if (!t.dropped)
      for (const auto& r : t.references)
        out += "  " + mermaid_word(r) + " ||--o{ " + mermaid_word(t.name) + " : \"references\"\n";
  return out + "```\n";
}

}  // namespace

std::string render_markdown(const Plan& p) {
  if (!p.has_changes()) return "### reconcile plan: no changes\n\nThe database matches the desired state.\n";
  std::string out = "### reconcile plan: " + std::to_string(count(p, StepOp::create)) + " to create, " +
                    std::to_string(count(p, StepOp::alter)) + " to alter, " + std::to_string(count(p, StepOp::drop)) + " to drop, " +
                    std::to_string(count(p, StepOp::rename)) + " to rename\n\n";
  bool any = false;
  for (const auto& s : p.steps)
    for (const auto& h : hazard_names(s.hazards)) {
      if (!any) out += "> [!WARNING]\n> **Hazards**\n";
      any = true;
      out += "> - **" + h + "** (" + hazard_meaning(h) + "): step " + std::to_string(s.id) + ", " + code_span(to_string(s.op) + " " + s.object) + "\n";
    }
  if (any) out += "\n";
  out += "| # | change | object | hazards |\n| ---: | --- | --- | --- |\n";
  int leading = leading_steps(p);
  for (const auto& s : p.steps)
    out += "| " + std::to_string(s.id) + " | `" + symbol(s.op) + "` " + to_string(s.op) + " | " + code_span(s.object) +
           (s.detail.empty() ? "" : "<br>" + code_span(s.detail)) + " | " +
           (s.hazards.empty() ? "" : "**" + join(hazard_names(s.hazards)) + "**") +
           (s.transactional ? "" : s.id <= leading ? " committed before the transaction" : " outside the transaction") + " |\n";
  std::string sql;
  for (const auto& s : p.steps) sql += "-- step " + std::to_string(s.id) + ": " + to_string(s.op) + " " + s.object + "\n" + s.sql + "\n\n";
  std::string fence = code_fence(sql);
  out += "\n<details><summary>SQL (" + std::to_string(p.steps.size()) + " steps)</summary>\n\n" + fence + "sql\n" + sql + fence +
         "\n\n</details>\n\n";
  if (!p.tables.empty()) out += "<details open><summary>Tables this plan touches</summary>\n\n" + mermaid(p) + "\n</details>\n\n";
  out += "<sub>Database " + code_span(p.database) + " · from `" + p.source_fingerprint.substr(0, 19) + "` to `" +
         p.target_fingerprint.substr(0, 19) + "` · reconcile " + code_span(p.reconcile_version) + "</sub>\n";
  return out;
}

}  // namespace reconcile::cli
