// Rename hints -> rename changes, and the current model as the renames leave it.
#include <algorithm>
#include <cctype>

#include "reconcile/change.hpp"
#include "reconcile/sql.hpp"

namespace reconcile {
namespace {

/// How PostgreSQL prints an identifier: bare when it is a plain lower-case name, else quoted.
std::string ident_text(const std::string& name) {
  bool plain = !name.empty() && (std::islower(static_cast<unsigned char>(name[0])) || name[0] == '_');
  for (unsigned char c : name)
    if (!(std::islower(c) || std::isdigit(c) || c == '_' || c == '$')) plain = false;
  return plain ? name : quote_ident(name);
}

void rename_in_table(Table& t, const std::string& from, const std::string& to) {
  for (auto& c : t.constraints) {
    std::replace(c.columns.begin(), c.columns.end(), from, to);
    if (!c.expression.empty()) c.expression = rename_identifier(c.expression, from, to);
  }
  for (auto& ix : t.indexes) {
    for (auto& k : ix.keys) k = rename_identifier(k, from, to);
    std::replace(ix.include.begin(), ix.include.end(), from, to);
    if (!ix.where.empty()) ix.where = rename_identifier(ix.where, from, to);
  }
  for (auto& col : t.columns)
    if (col.generated) col.generated = rename_identifier(*col.generated, from, to);
}

std::vector<Change> rename_tables(Model& cur, const Model& des) {
  std::vector<Change> out;
  for (const auto& [name, t] : des.tables) {
    if (!t.renamed_from || *t.renamed_from == name) continue;
    const QName& old = *t.renamed_from;
    bool has_new = cur.tables.count(name), has_old = cur.tables.count(old);
    if (has_new && has_old)
      throw Error(t.loc, "table " + name.str() + " says renamed_from = \"" + old.str() + "\", but both " + name.str() +
                             " and " + old.str() + " exist; drop one of them or remove the hint");
    if (!has_old || has_new) continue;  // already renamed: the hint is inert
    auto node = cur.tables.extract(old);
    node.key() = name;
    node.mapped().name = name;
    out.push_back(RenameTable{old, node.mapped()});
    cur.tables.insert(std::move(node));
    for (auto& [n, other] : cur.tables)
      for (auto& c : other.constraints)
        if (c.kind == ConstraintKind::foreign_key && c.ref_table == old) c.ref_table = name;
  }
  return out;
}

std::vector<Change> rename_columns(Model& cur, const Model& des) {
  std::vector<Change> out;
  for (const auto& [name, t] : des.tables) {
    auto it = cur.tables.find(name);
    if (it == cur.tables.end()) continue;
    Table& live = it->second;
    for (const auto& col : t.columns) {
      if (!col.renamed_from || *col.renamed_from == col.name) continue;
      const std::string& old = *col.renamed_from;
      bool has_new = live.find_column(col.name), has_old = live.find_column(old);
      if (has_new && has_old)
        throw Error(col.loc, "column " + name.str() + "." + col.name + " says renamed_from = \"" + old + "\", but both " +
                                 col.name + " and " + old + " exist; drop one of them or remove the hint");
      if (!has_old || has_new) continue;
      live.find_column(old)->name = col.name;
      rename_in_table(live, old, col.name);
      for (auto& [n, other] : cur.tables)
        for (auto& c : other.constraints)
          if (c.kind == ConstraintKind::foreign_key && c.ref_table == name)
            std::replace(c.ref_columns.begin(), c.ref_columns.end(), old, col.name);
      out.push_back(RenameColumn{name, old, col.name});
    }
  }
  return out;
}

std::vector<Change> rename_enum_values(Model& cur, const Model& des) {
  std::vector<Change> out;
  for (const auto& [name, e] : des.enums) {
    auto it = cur.enums.find(name);
    if (it == cur.enums.end()) continue;
    auto& values = it->second.values;
    for (const auto& [to, from] : e.renamed_values) {
      bool has_new = std::count(values.begin(), values.end(), to), has_old = std::count(values.begin(), values.end(), from);
      if (has_new && has_old)
        throw Error(e.loc, "enum " + name.str() + " renames \"" + from + "\" to \"" + to + "\", but both values exist");
      if (!has_old || has_new) continue;
      std::replace(values.begin(), values.end(), from, to);
      // Defaults spelled with the old label read back with the new one.
      for (auto& [tn, t] : cur.tables)
        for (auto& c : t.columns)
          if (c.default_expr)
            for (size_t p; (p = c.default_expr->find(quote_literal(from) + "::")) != std::string::npos;)
              c.default_expr->replace(p, quote_literal(from).size(), quote_literal(to));
      out.push_back(RenameEnumValue{name, from, to});
    }
  }
  return out;
}

}  // namespace

std::string rename_identifier(const std::string& expr, const std::string& from, const std::string& to) {
  std::string out;
  size_t i = 0, n = expr.size();
  auto is_word = [](unsigned char c) { return std::isalnum(c) || c == '_' || c == '$'; };
  while (i < n) {
    char c = expr[i];
    if (c == '\'') {  // string literal, '' escapes
      size_t j = i + 1;
      while (j < n && !(expr[j] == '\'' && (j + 1 >= n || expr[j + 1] != '\''))) j += expr[j] == '\'' ? 2 : 1;
      out += expr.substr(i, j + 1 - i);
      i = j + 1;
    } else if (c == '"') {  // quoted identifier, "" escapes
      std::string name;
      size_t j = i + 1;
      for (; j < n; ++j) {
        if (expr[j] == '"') {
          if (j + 1 < n && expr[j + 1] == '"') { name += '"'; ++j; continue; }
          break;
        }
        name += expr[j];
      }
      out += name == from ? ident_text(to) : expr.substr(i, j + 1 - i);
      i = j + 1;
    } else if (std::isalpha(static_cast<unsigned char>(c)) || c == '_') {
      size_t j = i;
      while (j < n && is_word(expr[j])) ++j;
      std::string word = expr.substr(i, j - i), lower = word;
      std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char ch) { return std::tolower(ch); });
      size_t k = j;
      while (k < n && expr[k] == ' ') ++k;
      bool function = k < n && expr[k] == '(';
      out += (lower == from && !function) ? ident_text(to) : word;
      i = j;
    } else {
      out += c;
      ++i;
    }
  }
  return out;
}

std::vector<Change> resolve_renames(Model& current, const Model& desired) {
  std::vector<Change> out = rename_tables(current, desired);
  for (auto& c : rename_columns(current, desired)) out.push_back(std::move(c));
  for (auto& c : rename_enum_values(current, desired)) out.push_back(std::move(c));
  return out;
}

}  // namespace reconcile
