// Freeze into an Alembic revision: chained onto the head of the existing revisions, upgrade() and
// downgrade() made of op.execute() calls, non-transactional steps in Alembic's autocommit block.
#include <filesystem>
#include <map>
#include <optional>
#include <regex>
#include <set>
#include <sstream>

#include "freeze_internal.hpp"
#include "reconcile/error.hpp"

namespace reconcile {
namespace fs = std::filesystem;

namespace {

struct Revision {
  std::string id;
  std::vector<std::string> down;  ///< down_revision: none, one, or several (a merge)
  std::string file;
};

/// The `revision` and `down_revision` assignments of one revision file (Alembic's template, with
/// or without type annotations); nullopt when the file has no `revision = "..."` line.
std::optional<Revision> read_revision(const std::string& path) {
  static const std::regex rev_re(R"(^revision\s*(?::[^=]*)?=\s*['"]([^'"]+)['"])");
  static const std::regex down_re(R"(^down_revision\s*(?::[^=]*)?=\s*(.*)$)");
  static const std::regex quoted_re(R"(['"]([^'"]+)['"])");
  std::istringstream in(read_text_file(path));
  Revision rev;
  rev.file = path;
  std::string line;
  std::smatch m;
  while (std::getline(in, line)) {
    if (rev.id.empty() && std::regex_search(line, m, rev_re)) rev.id = m[1];
    if (std::regex_search(line, m, down_re)) {
      std::string value = m[1];
      for (auto it = std::sregex_iterator(value.begin(), value.end(), quoted_re); it != std::sregex_iterator(); ++it)
        rev.down.push_back((*it)[1]);
    }
  }
  if (rev.id.empty()) return std::nullopt;
  return rev;
}

/// The one head of the revisions in `dir` ("" when there are none); throws Error for several heads,
/// none (a cycle) or a revision id used twice.
std::optional<Revision> alembic_head(const std::string& dir) {
  std::map<std::string, Revision> revisions;
  std::set<std::string> referenced;
  for (const auto& name : migration_files(dir)) {
    if (name.size() < 3 || name.compare(name.size() - 3, 3, ".py") != 0) continue;
    auto rev = read_revision((fs::path(dir) / name).string());
    if (!rev) continue;
    if (revisions.count(rev->id))
      throw Error("revision id " + rev->id + " is used by both " + revisions[rev->id].file + " and " + rev->file);
    referenced.insert(rev->down.begin(), rev->down.end());
    revisions[rev->id] = *rev;
  }
  if (revisions.empty()) return std::nullopt;
  std::vector<const Revision*> heads;
  for (const auto& [id, rev] : revisions)
    if (!referenced.count(id)) heads.push_back(&rev);
  if (heads.size() == 1) return *heads.front();
  if (heads.empty()) throw Error("the revisions in " + dir + " form a cycle: no revision is the head");
  std::string list;
  for (const Revision* h : heads) list += "\n  - " + h->id + " (" + h->file + ")";
  throw Error("the revisions in " + dir + " have " + std::to_string(heads.size()) +
              " heads, so the new revision has no single parent; merge them first (`alembic merge heads`):" + list);
}

/// The file name: YYYYMMDD_NNN_<slug>.py, NNN counting that day's revision files.
std::string revision_file_name(const std::string& dir, const std::string& utc_now, const std::string& slug) {
  std::string day = utc_now.substr(0, 4) + utc_now.substr(5, 2) + utc_now.substr(8, 2);
  static const std::regex day_re(R"(^(\d{8})_(\d{3})_.*\.py$)");
  int last = 0;
  std::smatch m;
  for (const auto& name : migration_files(dir))
    if (std::regex_match(name, m, day_re) && m[1] == day) last = std::max(last, std::stoi(m[2]));
  char nnn[16];
  std::snprintf(nnn, sizeof nnn, "%03d", last + 1);
  return day + "_" + nnn + "_" + slug + ".py";
}

std::string py_quoted(const std::string& text) { return "'" + text + "'"; }

/// ALTER TYPE ... ADD VALUE. `alembic upgrade` runs all its revisions in one transaction, in which
/// PostgreSQL refuses to use an enum value added in that same transaction; committed at once, the
/// value is usable by the revisions that follow.
bool adds_enum_value(const Step& s) {
  static const std::regex re(R"(^ALTER TYPE [^;]* ADD VALUE )");
  return std::regex_search(s.sql, re);
}

/// Python statements for `steps`, indented; runs of steps that must not run inside Alembic's
/// transaction in an autocommit block.
std::string python_body(const std::vector<const Step*>& steps) {
  if (steps.empty()) return "    pass\n";
  std::string out;
  if (auto setting = function_bodies_setting(steps); !setting.empty())
    out += "    op.execute(_sql(" + python_string(setting) + "))\n";
  bool autocommit = false;
  for (const Step* s : steps) {
    bool outside = !s->transactional || adds_enum_value(*s);
    if (outside && !autocommit) out += "    with op.get_context().autocommit_block():\n";
    autocommit = outside;
    std::string indent = autocommit ? "        " : "    ";
    std::string sql = s->sql;
    while (!sql.empty() && (sql.back() == ';' || sql.back() == '\n')) sql.pop_back();
    out += indent + "# " + step_title(*s) + "\n" + indent + "op.execute(_sql(" + python_string(sql) + "))\n";
  }
  return out;
}

std::string docstring(const FreezeRequest& r, const std::string& message, const std::string& down) {
  const Plan& p = r.plan;
  std::string d = message + "\n\n";
  d += "Frozen by reconcile " + p.reconcile_version + " from " + r.plan_path + ".\n";
  d += plan_marker(p) + "\n";
  d += "Plan: " + summary_line(p) + ".\n";
  if (!p.hazards.empty()) d += "Hazards: " + join_words(hazard_names(p.hazards)) + "\n";
  std::vector<const Step*> reverse;
  for (const auto& s : p.reverse_steps) reverse.push_back(&s);
  auto back = hazards_of(reverse);
  if (!back.empty()) d += "Downgrade hazards: " + join_words(hazard_names(back)) + "\n";
  if (back.count(Hazard::irreversible))
    d += "  (irreversible: what the upgrade dropped comes back empty on downgrade; its data does not)\n";
  d += "\nRevision ID: " + r.revision_id + "\nRevises: " + down + "\nCreate Date: " + r.utc_now + "\n\nSteps:\n";
  for (const auto& s : p.steps) d += "  " + step_title(s) + "\n";
  return d;
}

}  // namespace

std::string python_string(const std::string& text) {
  std::string out = "\"\"\"";
  for (size_t i = 0; i < text.size(); ++i) {
    unsigned char c = text[i];
    bool closes = i + 1 == text.size() || text[i + 1] == '"';  // could end the literal: escape it
    if (c == '\\') out += "\\\\";
    else if (c == '"') out += closes ? "\\\"" : "\"";
    else if (c == '\n') out += "\n";
    else if (c == '\t') out += "\t";
    else if (c < 0x20 || c == 0x7f) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", c);
      out += buf;
    } else out += static_cast<char>(c);
  }
  return out + "\"\"\"";
}

FreezeResult freeze_alembic(const FreezeRequest& r, const std::string& message, const std::string& slug) {
  if (r.revision_id.empty()) throw Error("no revision id for the new Alembic revision");
  FreezeResult out;
  auto head = alembic_head(r.dir);
  if (head)
    if (auto w = chain_warning(r.plan, head->file, find_marker(read_text_file(head->file))); !w.empty())
      out.warnings.push_back(w);
  std::vector<const Step*> up, down;
  for (const auto& s : r.plan.steps) up.push_back(&s);
  for (const auto& s : r.plan.reverse_steps) down.push_back(&s);
  std::string down_body = python_body(down);
  if (down.empty())
    down_body = "    raise NotImplementedError(\"reconcile: this plan has no reverse steps, so it cannot be downgraded\")\n";
  std::string text = python_string(docstring(r, message, head ? head->id : "")) + "\n";
  text += "from alembic import op\nimport sqlalchemy as sa\n\n\n";
  text += "# revision identifiers, used by Alembic.\n";
  text += "revision = " + py_quoted(r.revision_id) + "\n";
  text += "down_revision = " + (head ? py_quoted(head->id) : std::string("None")) + "\n";
  text += "branch_labels = None\ndepends_on = None\n\n\n";
  text += "def _sql(statement):\n"
          "    # DDL() sends the statement as written: no bind parameters are parsed out of it, and its\n"
          "    # one escape, %% for %, is applied here.\n"
          "    return sa.schema.DDL(statement.replace(\"%\", \"%%\"))\n\n\n";
  text += "def upgrade() -> None:\n" + python_body(up) + "\n\n";
  text += "def downgrade() -> None:\n" + down_body;
  out.files.push_back({revision_file_name(r.dir, r.utc_now, slug), text});
  return out;
}

}  // namespace reconcile
