// Data checks: does today's data make a planned change certain to fail? One query per risky change.
#include <pqxx/pqxx>
#include <spdlog/spdlog.h>

#include "pg.hpp"
#include "reconcile/sql.hpp"
#include "reconcile/types.hpp"

namespace reconcile {
namespace {

constexpr double kMaxRows = 5e6;  // larger tables are not scanned at plan time

std::string column_list(const std::vector<std::string>& cols) { return quote_ident_list(cols); }

std::string not_null_all(const std::vector<std::string>& cols) {
  std::string out;
  for (const auto& c : cols) out += (out.empty() ? "" : " AND ") + quote_ident(c) + " IS NOT NULL";
  return out;
}

/// The expression of an index key without its opclass / ordering, or "" when it is not simple.
std::string key_expression(const std::string& key) {
  std::string k = key;
  for (const char* suffix : {" NULLS FIRST", " NULLS LAST", " DESC", " ASC"}) {
    std::string s = suffix;
    if (k.size() > s.size() && k.compare(k.size() - s.size(), s.size(), s) == 0) k.resize(k.size() - s.size());
  }
  if (!k.empty() && k.front() == '(' && k.back() == ')') return k;
  for (char c : k)
    if (c == ' ' || c == '(') return "";
  return k;
}

/// A domain check's expression with VALUE read as column `column`.
std::string value_as(const std::string& expression, const std::string& column) {
  std::string out;
  for (const auto& t : sql_tokens(expression)) out += t.kind == SqlToken::word && t.value == "value" ? quote_ident(column) : std::string(t.text);
  return out;
}

/// Runs the checks, each in its own savepoint: a check that cannot run is skipped, not fatal.
class Checker {
 public:
  Checker(pqxx::dbtransaction& tx, const std::vector<Change>& changes, const Model& live) : tx_(tx), live_(live) {
    for (const auto& c : changes)
      if (auto* e = std::get_if<CreateEnum>(&c)) created_enums_[e->enumeration.name] = e->enumeration.values;
  }

  void operator()(const AddColumn& c) {
    const Column& col = c.column;
    if (col.nullable || col.default_expr || col.identity != Identity::none || col.generated) return;
    if (yes("SELECT EXISTS (SELECT 1 FROM " + c.table.sql() + ")", c.table))
      problem("column " + c.table.str() + "." + col.name + " is NOT NULL without a default, and the table has rows: "
              "give it a default or a backfill");
  }
  void operator()(const AlterColumn& c) {
    std::string col = quote_ident(c.to.name);
    if ((c.what & delta_type)) type_fits(c);
    if ((c.what & delta_nullable) && !c.to.nullable && !c.to.backfill) {
      std::string n = scalar("SELECT count(*) FROM " + c.table.sql() + " WHERE " + col + " IS NULL", c.table);
      if (!n.empty() && n != "0")
        problem("column " + c.table.str() + "." + c.to.name + " has " + n + " NULL value(s), so SET NOT NULL would fail: "
                "fill them first or add backfill = \"<expression>\"");
    }
  }
  void operator()(const AddConstraint& c) {
    if (c.new_table || c.constraint.not_valid) return;  // NOT VALID: today's rows are not checked
    const Constraint& k = c.constraint;
    std::string t = c.table.sql();
    if (k.kind == ConstraintKind::primary_key || k.kind == ConstraintKind::unique) {
      duplicates(c.table, column_list(k.columns), not_null_all(k.columns), to_string(k.kind) + " (" + column_list(k.columns) + ")");
      if (k.kind == ConstraintKind::primary_key) {
        std::string any_null;
        for (const auto& col : k.columns) any_null += (any_null.empty() ? "" : " OR ") + quote_ident(col) + " IS NULL";
        if (yes("SELECT EXISTS (SELECT 1 FROM " + t + " WHERE " + any_null + ")", c.table))
          problem("primary key (" + column_list(k.columns) + ") on " + c.table.str() + ": some rows have NULLs in it");
      }
    } else if (k.kind == ConstraintKind::exclusion) {
      conflicts(c.table, k);
    } else if (k.kind == ConstraintKind::check) {
      if (yes("SELECT EXISTS (SELECT 1 FROM " + t + " WHERE NOT (" + k.expression + "))", c.table))
        problem("check (" + k.expression + ") on " + c.table.str() + ": some rows violate it");
    } else {
      std::string match;
      for (size_t i = 0; i < k.columns.size(); ++i)
        match += (i ? " AND " : "") + std::string("p.") + quote_ident(k.ref_columns[i]) + " = c." + quote_ident(k.columns[i]);
      std::string nn;
      for (const auto& col : k.columns) nn += (nn.empty() ? "" : " AND ") + std::string("c.") + quote_ident(col) + " IS NOT NULL";
      if (yes("SELECT EXISTS (SELECT 1 FROM " + t + " c WHERE " + nn + " AND NOT EXISTS (SELECT 1 FROM " +
                  k.ref_table.sql() + " p WHERE " + match + "))", c.table))
        problem("foreign key (" + column_list(k.columns) + ") on " + c.table.str() + " -> " + k.ref_table.str() +
                ": some rows reference keys that do not exist");
    }
  }
  void operator()(const CreateIndex& c) {
    if (c.new_table || !c.index.unique) return;
    std::string keys;
    for (const auto& k : c.index.keys) {
      std::string e = key_expression(k);
      if (e.empty()) return;
      keys += (keys.empty() ? "" : ", ") + e;
    }
    std::string where;
    for (const auto& k : c.index.keys) where += (where.empty() ? "" : " AND ") + key_expression(k) + " IS NOT NULL";
    if (!c.index.where.empty()) where += " AND (" + c.index.where + ")";
    duplicates(c.table, keys, where, "unique index (" + keys + ")");
  }
  void operator()(const RebuildEnum& c) {
    std::vector<std::string> removed;
    for (const auto& v : c.from.values)
      if (std::find(c.to.values.begin(), c.to.values.end(), v) == c.to.values.end()) removed.push_back(quote_literal(v));
    if (removed.empty()) return;
    std::string list;
    for (const auto& r : removed) list += (list.empty() ? "" : ", ") + r;
    for (const auto& [table, col] : c.columns) {
      std::string use = col.type.find('[') != std::string::npos
                            ? quote_ident(col.name) + "::text[] && ARRAY[" + list + "]"
                            : quote_ident(col.name) + "::text IN (" + list + ")";
      std::string n = scalar("SELECT count(*) FROM " + table.sql() + " WHERE " + use, table);
      if (!n.empty() && n != "0")
        problem("enum " + c.to.name.str() + ": " + n + " row(s) of " + table.str() + "." + col.name +
                " still use the value(s) being removed (" + list + "); change those rows first");
    }
  }
  /// A rebuilt composite type: the values of each retyped attribute, in the columns that use it
  /// today, cast to the attribute's new type.
  void operator()(const Rebuild<CompositeType>& c) {
    for (const auto& a : c.to.attributes) {
      auto was = std::find_if(c.from.attributes.begin(), c.from.attributes.end(), [&](const TypeAttribute& b) { return b.name == a.name; });
      if (was == c.from.attributes.end() || was->type == a.type) continue;
      for (const auto& [table, col] : c.columns)
        try_query("SELECT count(((" + quote_ident(col.name) + ")." + quote_ident(a.name) + ")::" + a.type + ") FROM " + table.sql(), table,
                  "converting " + table.str() + "." + col.name + " to the rebuilt type " + c.to.name.str() + " (attribute " + a.name +
                      " " + was->type + " -> " + a.type + ")");
    }
  }
  /// A domain made again on a new base type: the values of the columns that use it today, cast to
  /// it, and its checks on them.
  void operator()(const Rebuild<Domain>& c) {
    for (const auto& [table, col] : c.columns) {
      std::string what = "converting " + table.str() + "." + col.name + " to the domain " + c.to.name.str() + " on " + c.to.type;
      try_query("SELECT count(" + quote_ident(col.name) + "::" + c.to.type + ") FROM " + table.sql(), table, what);
      for (const auto& k : c.to.checks)
        if (!k.not_valid && yes("SELECT EXISTS (SELECT 1 FROM " + table.sql() + " WHERE NOT (" + value_as(k.expression, col.name) + "))", table))
          problem(what + ": check " + k.name + " " + k.expression + ": some rows violate it");
    }
  }
  /// A check that the plan validates, or NOT NULL, on a domain: the values of the columns that use
  /// it today (the check's VALUE read as the column).
  void operator()(const Alter<Domain>& c) {
    for (const auto& [name, t] : live_.tables)
      for (const auto& col : t.columns) {
        TypeName type = parse_type_name(col.type);
        if (col.type.find('[') != std::string::npos || QName{type.schema.empty() ? "public" : type.schema, type.name} != c.from.name) continue;
        std::string where = c.from.name.str() + " on " + name.str() + "." + col.name;
        if (c.from.nullable && !c.to.nullable && yes("SELECT EXISTS (SELECT 1 FROM " + name.sql() + " WHERE " + quote_ident(col.name) + " IS NULL)", name))
          problem("domain " + where + ": some rows are NULL, so SET NOT NULL would fail");
        for (const auto& k : c.to.checks) {
          const Constraint* had = same_check(c.from.checks, k);
          if (k.not_valid || (had && !had->not_valid)) continue;
          if (yes("SELECT EXISTS (SELECT 1 FROM " + name.sql() + " WHERE NOT (" + value_as(k.expression, col.name) + "))", name))
            problem("check " + k.name + " " + k.expression + " of domain " + where + ": some rows violate it");
        }
      }
  }
  template <class T>
  void operator()(const T&) {}

  const std::string& problems() const { return problems_; }

 private:
  void type_fits(const AlterColumn& c) {
    std::string target = stored_type(c.to.type);
    std::string expr = c.to.using_expr ? "(" + *c.to.using_expr + ")" : quote_ident(c.to.name);
    std::string what = "changing " + c.table.str() + "." + c.to.name + " from " + c.from.type + " to " + c.to.type;
    TypeName t = parse_type_name(target);
    auto created = created_enums_.find(QName{t.schema.empty() ? "public" : t.schema, t.name});
    if (created != created_enums_.end()) {
      // The type does not exist yet: today's values must be among the labels the plan gives it.
      bool ours = c.to.using_expr == default_using(c.to.name, c.from.type, c.to.type, true) ||
                  c.to.using_expr == default_using(c.to.name, c.from.type, c.to.type, false);
      if (ours && target.find('[') == std::string::npos) labels_fit(c, created->second, what);
      return;
    }
    try_query("SELECT count((" + expr + ")::" + target + ") FROM " + c.table.sql(), c.table, what);
    // An explicit cast truncates character types where ALTER TYPE would fail: check lengths too.
    auto open = c.to.type.find('(');
    bool chars = c.to.type.rfind("character varying(", 0) == 0 || c.to.type.rfind("character(", 0) == 0;
    if (chars && open != std::string::npos) {
      std::string n = c.to.type.substr(open + 1, c.to.type.find(')') - open - 1);
      std::string longer = scalar("SELECT count(*) FROM " + c.table.sql() + " WHERE length((" + expr + ")::text) > " + n, c.table);
      if (!longer.empty() && longer != "0") problem(what + ": " + longer + " value(s) are longer than " + n + " characters");
    }
  }

  void labels_fit(const AlterColumn& c, const std::vector<std::string>& labels, const std::string& what) {
    std::string list;
    for (const auto& l : labels) list += (list.empty() ? "" : ", ") + quote_literal(l);
    std::string col = quote_ident(c.to.name) + "::text";
    std::string bad = scalar("SELECT quote_literal(" + col + ") FROM " + c.table.sql() + " WHERE " + col +
                                 (list.empty() ? " IS NOT NULL" : " NOT IN (" + list + ")") + " LIMIT 1",
                             c.table);
    if (!bad.empty()) problem(what + " fails on today's data: " + bad + " is not a value of " + c.to.type);
  }

  void duplicates(const QName& table, const std::string& keys, const std::string& where, const std::string& what) {
    if (yes("SELECT EXISTS (SELECT 1 FROM " + table.sql() + (where.empty() ? "" : " WHERE " + where) + " GROUP BY " +
                keys + " HAVING count(*) > 1)", table))
      problem(what + " on " + table.str() + ": the table has duplicate values");
  }

  /// An exclusion constraint's check: two rows whose elements all match under their operators.
  /// Skipped when an element's key is not a plain column or a parenthesized expression.
  void conflicts(const QName& table, const Constraint& k) {
    std::string project = "ctid AS r_", match;
    for (size_t i = 0; i < k.elements.size(); ++i) {
      auto [key, op] = split_exclusion_element(k.elements[i]);
      std::string col = index_key_column(key);
      std::string e = col.empty() ? key_expression(key) : quote_ident(col);
      if (e.empty() || op.empty()) return;
      std::string alias = "e" + std::to_string(i);
      project += ", " + e + " AS " + alias;
      match += " AND a." + alias + " " + op + " b." + alias;
    }
    std::string rows = "SELECT " + project + " FROM " + table.sql() + (k.where.empty() ? "" : " WHERE (" + k.where + ")");
    if (yes("WITH x AS (" + rows + ") SELECT EXISTS (SELECT 1 FROM x a JOIN x b ON a.r_ < b.r_" + match + ")", table))
      problem("exclusion constraint " + (k.named ? k.name + " " : "") + "on " + table.str() + ": some rows conflict with each other");
  }

  bool small(const QName& table) {
    auto r = run("SELECT reltuples FROM pg_class WHERE oid = to_regclass(" + quote_literal(table.sql()) + ")");
    return r && !r->empty() && (*r)[0][0].as<double>() <= kMaxRows;
  }

  bool yes(const std::string& sql, const QName& table) { return scalar(sql, table) == "t"; }

  std::string scalar(const std::string& sql, const QName& table) {
    if (!small(table)) return "";
    auto r = run(sql);
    return r && !r->empty() && !(*r)[0][0].is_null() ? (*r)[0][0].c_str() : "";
  }

  void try_query(const std::string& sql, const QName& table, const std::string& what) {
    if (!small(table)) return;
    try {
      pqxx::subtransaction sub(tx_, "check");
      sub.exec(sql);
    } catch (const pqxx::sql_error& e) {
      problem(what + " fails on today's data: " + server_message(e));
    }
  }

  std::optional<pqxx::result> run(const std::string& sql) {
    try {
      pqxx::subtransaction sub(tx_, "check");
      auto r = sub.exec(sql);
      sub.commit();
      return r;
    } catch (const pqxx::sql_error& e) {
      spdlog::debug("data check skipped ({}): {}", sql, e.what());
      return std::nullopt;
    }
  }

  void problem(const std::string& p) { problems_ += "\n  - " + p; }

  pqxx::dbtransaction& tx_;
  const Model& live_;
  std::map<QName, std::vector<std::string>> created_enums_;  ///< types the plan creates: not there to cast to
  std::string problems_;
};

}  // namespace

void check_data(const std::string& conninfo, const std::vector<Change>& changes, const Model& live) {
  auto conn = connect(conninfo);
  pqxx::work tx(*conn);
  tx.exec("SET LOCAL statement_timeout = '30s'");
  Checker checker(tx, changes, live);
  for (const auto& c : changes) std::visit(checker, c);
  if (!checker.problems().empty())
    throw Error("the plan would fail on the data in the database today:" + checker.problems());
}

}  // namespace reconcile
