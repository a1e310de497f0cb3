// SQLAlchemy declarative models from the canonical model (generate.hpp). The module uses only what
// SQLAlchemy 1.4 and 2.0 both have: `sqlalchemy.orm.declarative_base`, the postgresql dialect's
// upper-case types, `Identity`, `Computed`, `ExcludeConstraint`.
#include <algorithm>
#include <functional>
#include <map>

#include "generate_internal.hpp"
#include "reconcile/generate.hpp"
#include "reconcile/sql.hpp"
#include "reconcile/text.hpp"
#include "reconcile/types.hpp"

namespace reconcile {
namespace {

using generate::ResolvedType;

const std::set<std::string> kPythonReserved = {
    "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class", "continue", "def", "del", "elif",
    "else", "except", "finally", "for", "from", "global", "if", "import", "in", "is", "lambda", "nonlocal", "not", "or",
    "pass", "raise", "return", "try", "while", "with", "yield",
    // the module's own names, and what a declarative class keeps for itself
    "sa", "pg", "declarative_base", "Base", "PgType", "metadata", "registry", "query"};

/// A Python string literal.
std::string py(const std::string& text) { return quote_double(text); }

/// A Python string literal of SQL that SQLAlchemy reads as text(): a colon that would start a bind
/// parameter (":name", not "::") is escaped.
std::string py_sql(const std::string& sql) {
  std::string out;
  for (size_t i = 0; i < sql.size(); ++i) {
    bool bind = sql[i] == ':' && i + 1 < sql.size() && (std::isalnum(static_cast<unsigned char>(sql[i + 1])) || sql[i + 1] == '_') &&
                (i == 0 || (sql[i - 1] != ':' && !std::isalnum(static_cast<unsigned char>(sql[i - 1])) && sql[i - 1] != '_'));
    if (bind) out += '\\';
    out += sql[i];
  }
  return py(out);
}

std::string text_expr(const std::string& sql) { return "sa.text(" + py_sql(sql) + ")"; }

using generate::joined;

/// The SQL text of a type without its array dimensions, for PgType.
std::string sql_of(const generate::TypeText& t) {
  std::string out = t.base;
  if (!t.args.empty()) {
    size_t space = out.find(' ');
    std::string args = "(" + joined(t.args) + ")";
    // "timestamp(3) with time zone": the arguments go after the first word
    out = space == std::string::npos || out.rfind("character", 0) == 0 || out.rfind("bit", 0) == 0 ? out + args
                                                                                               : out.substr(0, space) + args + out.substr(space);
  }
  return out;
}

class Module {
 public:
  Module(const Model& m) : m_(m) {}

  std::string write(const std::vector<std::string>& sources) {
    std::string body;
    body += enums();
    for (const auto& [name, t] : m_.tables)
      if (!t.is_partition()) body += table(t);
    body += stubs();
    std::string out = generate::header("#", "reconcile generate sqlalchemy", sources);
    out += "\"\"\"SQLAlchemy models of the database schema (SQLAlchemy 1.4 and 2.0). Relationships are not generated.\"\"\"\n";
    out += "import sqlalchemy as sa\nfrom sqlalchemy.dialects import postgresql as pg\nfrom sqlalchemy.orm import declarative_base\n\n";
    out += "Base = declarative_base()\n";
    if (uses_pg_type_) {
      out += "\n\nclass PgType(sa.types.UserDefinedType):\n"
             "    \"\"\"A type SQLAlchemy has no class for (a composite type, a geometric type, ...), by its SQL name.\"\"\"\n\n"
             "    cache_ok = True\n\n"
             "    def __init__(self, sql_name):\n"
             "        self.sql_name = sql_name\n\n"
             "    def get_col_spec(self, **kw):\n"
             "        return self.sql_name\n";
    }
    return out + body;
  }

 private:
  const Model& m_;
  std::set<std::string> taken_;
  std::map<QName, std::string> enum_vars_;
  bool uses_pg_type_ = false;

  /// The name of `q` in the module: the bare name, or schema_name when another schema has the same one.
  template <class Map>
  static std::string short_name(const Map& map, const QName& q) {
    for (const auto& [other, v] : map)
      if (other.name == q.name && other.schema != q.schema) return q.schema + "_" + q.name;
    return q.name;
  }

  std::string enums() {
    std::string out;
    if (m_.enums.empty()) return out;
    out += "\n\n# Enum types, shared by the columns that use them.\n";
    for (const auto& [name, e] : m_.enums) {
      std::string var = generate::identifier(short_name(m_.enums, name) + "_enum", kPythonReserved, taken_);
      enum_vars_[name] = var;
      std::vector<std::string> args;
      for (const auto& v : e.values) args.push_back(py(v));
      args.push_back("name=" + py(name.name));
      if (name.schema != "public") args.push_back("schema=" + py(name.schema));
      args.push_back("metadata=Base.metadata");
      out += var + " = sa.Enum(" + joined(args) + ")\n";
    }
    return out;
  }

  std::string builtin(const generate::TypeText& t) {
    const std::string& b = t.base;
    auto arg = [&](size_t i) { return i < t.args.size() ? t.args[i] : std::string(); };
    static const std::map<std::string, std::string> simple = {
        {"bigint", "pg.BIGINT"}, {"integer", "pg.INTEGER"}, {"smallint", "pg.SMALLINT"}, {"text", "pg.TEXT"},
        {"boolean", "pg.BOOLEAN"}, {"date", "pg.DATE"}, {"double precision", "pg.DOUBLE_PRECISION"}, {"real", "pg.REAL"},
        {"uuid", "pg.UUID"}, {"json", "pg.JSON"}, {"jsonb", "pg.JSONB"}, {"bytea", "pg.BYTEA"}, {"inet", "pg.INET"},
        {"cidr", "pg.CIDR"}, {"macaddr", "pg.MACADDR"}, {"money", "pg.MONEY"}, {"tsvector", "pg.TSVECTOR"},
        {"oid", "pg.OID"}, {"regclass", "pg.REGCLASS"}, {"int4range", "pg.INT4RANGE"}, {"int8range", "pg.INT8RANGE"},
        {"numrange", "pg.NUMRANGE"}, {"daterange", "pg.DATERANGE"}, {"tsrange", "pg.TSRANGE"}, {"tstzrange", "pg.TSTZRANGE"}};
    if (t.args.empty())
      if (auto it = simple.find(b); it != simple.end()) return it->second;
    if (b == "character varying") return t.args.empty() ? "pg.VARCHAR()" : "pg.VARCHAR(" + arg(0) + ")";
    if (b == "character") return "pg.CHAR(" + arg(0) + ")";
    if (b == "numeric") return t.args.empty() ? "pg.NUMERIC()" : "pg.NUMERIC(" + joined(t.args) + ")";
    if (b == "bit") return "pg.BIT(" + arg(0) + ")";
    if (b == "bit varying") return "pg.BIT(" + (t.args.empty() ? std::string("None") : arg(0)) + ", varying=True)";
    bool tz = b.find("with time zone") != std::string::npos;
    std::string precision = t.args.empty() ? "" : ", precision=" + arg(0);
    if (b.rfind("timestamp", 0) == 0) return std::string("pg.TIMESTAMP(timezone=") + (tz ? "True" : "False") + precision + ")";
    if (b.rfind("time ", 0) == 0) return std::string("pg.TIME(timezone=") + (tz ? "True" : "False") + precision + ")";
    if (b.rfind("interval", 0) == 0) {
      std::vector<std::string> kw;
      if (b.size() > 9) {
        std::string fields = b.substr(9);
        for (auto& c : fields) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        kw.push_back("fields=" + py(fields));
      }
      if (!t.args.empty()) kw.push_back("precision=" + arg(0));
      return "pg.INTERVAL(" + joined(kw) + ")";
    }
    uses_pg_type_ = true;
    return "PgType(" + py(sql_of(t)) + ")";
  }

  std::string type(const std::string& sql_type) {
    ResolvedType r = generate::resolve_type(m_, stored_type(sql_type));
    std::string base;
    if (r.enum_type) {
      base = enum_vars_.at(r.enum_type->name);
    } else if (r.composite) {
      uses_pg_type_ = true;
      base = "PgType(" + py(sql_of(r.text)) + ")";
    } else {
      base = builtin(r.text);
    }
    if (r.text.dims == 0) return base;
    return "pg.ARRAY(" + base + (r.text.dims > 1 ? ", dimensions=" + std::to_string(r.text.dims) : "") + ")";
  }

  static std::string fk_target(const QName& table, const std::string& column) {
    return (table.schema == "public" ? "" : table.schema + ".") + table.name + "." + column;
  }

  static std::string action(FkAction a) {
    std::string s = to_string(a);
    for (auto& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return s;
  }

  /// The keyword arguments a key or foreign key shares: name, deferrable, initially.
  static void key_options(const Table& t, const Constraint& k, std::vector<std::string>& args) {
    if (std::string name = generate::server_name(t, k); !name.empty()) args.push_back("name=" + py(name));
    if (k.deferrable) args.push_back("deferrable=True");
    if (k.initially_deferred) args.push_back("initially=\"DEFERRED\"");
  }

  static std::vector<std::string> fk_options(const Table& t, const Constraint& k) {
    std::vector<std::string> args;
    key_options(t, k, args);
    if (k.on_delete != FkAction::no_action) args.push_back("ondelete=" + py(action(k.on_delete)));
    if (k.on_update != FkAction::no_action) args.push_back("onupdate=" + py(action(k.on_update)));
    if (k.match_full) args.push_back("match=\"FULL\"");
    return args;
  }

  std::string column(const Table& t, const Column& c) {
    std::vector<std::string> args = {py(c.name), type(c.type)};
    for (const auto& k : t.constraints)
      if (k.kind == ConstraintKind::foreign_key && k.columns.size() == 1 && k.columns[0] == c.name) {
        std::vector<std::string> fk = {py(fk_target(k.ref_table, k.ref_columns.at(0)))};
        for (auto& o : fk_options(t, k)) fk.push_back(o);
        args.push_back("sa.ForeignKey(" + joined(fk) + ")");
      }
    if (c.identity != Identity::none) {
      std::vector<std::string> id = {std::string("always=") + (c.identity == Identity::always ? "True" : "False")};
      for (const auto& [k, v] : c.identity_options)
        id.push_back(k + "=" + (k == "cycle" ? (v == "true" ? "True" : "False") : v));  // SQLAlchemy's names are PostgreSQL's
      args.push_back("sa.Identity(" + joined(id) + ")");
    }
    if (c.generated) args.push_back("sa.Computed(" + py_sql(*c.generated) + ", persisted=True)");
    const Constraint* pk = t.primary_key();
    bool in_pk = pk && std::count(pk->columns.begin(), pk->columns.end(), c.name);
    // A domain's NOT NULL and default hold for the column (as SQLAlchemy reads them back).
    generate::ResolvedType domain = generate::resolve_type(m_, stored_type(c.type));
    if (!c.nullable || in_pk || domain.not_null) args.push_back("nullable=False");
    bool single_key = in_pk && pk->columns.size() == 1;
    std::optional<std::string> server_default = c.default_expr ? c.default_expr : domain.default_expr;
    if (!serial_base(c.type).empty() && !server_default && !single_key) {
      // A serial that is not the key (which SQLAlchemy makes a serial itself): its default, as the
      // server prints it, its sequence named as PostgreSQL names it.
      std::string seq = c.sequence ? c.sequence->name : default_object_name(t.name.name, c.name, "seq");
      server_default = "nextval(" + quote_literal((t.name.schema == "public" ? "" : printed_ident(t.name.schema) + ".") +
                                                  printed_ident(seq)) + "::regclass)";
    }
    if (server_default && !c.generated) args.push_back("server_default=" + text_expr(*server_default));
    bool integer = c.type == "integer" || c.type == "bigint" || c.type == "smallint";
    if (single_key && integer && c.identity == Identity::none && !c.default_expr)
      args.push_back("autoincrement=False");  // not a serial: SQLAlchemy must not make it one
    if (c.comment) args.push_back("comment=" + py(*c.comment));
    return "sa.Column(" + joined(args) + ")";
  }

  /// An index key as a column of the table (`column` gives its Python expression) with its
  /// collation and ordering, its operator class in `ops`; none for an expression.
  static std::optional<std::string> column_key(const std::string& key, const std::function<std::string(const std::string&)>& column,
                                               std::map<std::string, std::string>& ops) {
    std::string name;
    size_t end = generate::leading_name(key, name);
    if (end == 0) return std::nullopt;
    std::string out = column(name);
    std::vector<std::string> words;
    for (size_t i = end; i < key.size();) {
      size_t b = key.find_first_not_of(' ', i);
      if (b == std::string::npos) break;
      size_t e = key.find(' ', b);
      words.push_back(key.substr(b, e - b));
      i = e == std::string::npos ? key.size() : e;
    }
    std::string order;
    for (size_t i = 0; i < words.size(); ++i) {
      if (words[i] == "DESC") order += ".desc()";
      else if (words[i] == "ASC") continue;
      else if (words[i] == "NULLS" && i + 1 < words.size()) order += words[++i] == "FIRST" ? ".nulls_first()" : ".nulls_last()";
      else if (words[i] == "COLLATE" && i + 1 < words.size()) {
        std::string collation;
        if (!generate::plain_column(words[++i], collation)) return std::nullopt;  // a qualified collation: as text
        out += ".collate(" + py(collation) + ")";
      } else ops[name] = words[i];
    }
    return out + order;
  }

  /// `ix` as an sa.Index; its keys that are columns go through `column` (nothing does when it is
  /// null: the index then sits in the table's arguments, its keys as text).
  std::string index(const Table& t, const Index& ix, const std::function<std::string(const std::string&)>& column) {
    std::vector<std::string> args = {py(generate::server_name(t, ix))};
    std::map<std::string, std::string> ops;
    for (const auto& key : ix.keys) {
      std::optional<std::string> col = column ? column_key(key, column, ops) : std::nullopt;
      args.push_back(col ? *col : text_expr(key));
    }
    if (ix.unique) args.push_back("unique=True");
    if (ix.method != "btree") args.push_back("postgresql_using=" + py(ix.method));
    if (!ix.where.empty()) args.push_back("postgresql_where=" + text_expr(ix.where));
    if (!ix.include.empty()) args.push_back("postgresql_include=" + generate::quoted_list(ix.include));
    auto dict = [](const std::vector<std::pair<std::string, std::string>>& pairs) {
      std::vector<std::string> items;
      for (const auto& [k, v] : pairs) items.push_back(py(k) + ": " + py(v));
      return "{" + joined(items) + "}";
    };
    if (!ops.empty()) args.push_back("postgresql_ops=" + dict({ops.begin(), ops.end()}));
    if (!ix.with.empty()) {
      std::vector<std::pair<std::string, std::string>> with;
      for (const auto& w : ix.with) {
        size_t eq = w.find('=');
        with.emplace_back(w.substr(0, eq), eq == std::string::npos ? "" : w.substr(eq + 1));
      }
      args.push_back("postgresql_with=" + dict(with));
    }
    return "sa.Index(" + joined(args) + ")";
  }

  /// Whether some key of `ix` is a column (the index is then made after its table, on the columns).
  static bool on_columns(const Index& ix) {
    std::map<std::string, std::string> ops;
    auto any = [](const std::string&) { return std::string(); };
    return std::any_of(ix.keys.begin(), ix.keys.end(), [&](const std::string& k) { return column_key(k, any, ops).has_value(); });
  }

  std::string exclusion(const Table& t, const Constraint& k) {
    std::vector<std::string> args;
    for (const auto& e : k.elements) {
      size_t with = e.rfind(" WITH ");
      std::string expr = e.substr(0, with), op = with == std::string::npos ? "" : e.substr(with + 6), col;
      args.push_back("(" + (generate::plain_column(expr, col) ? py(col) : text_expr(expr)) + ", " + py(op) + ")");
    }
    args.push_back("name=" + py(generate::server_name(t, k)));
    if (!k.method.empty()) args.push_back("using=" + py(k.method));
    if (!k.where.empty()) args.push_back("where=" + text_expr(k.where));
    if (k.deferrable) args.push_back("deferrable=True");
    if (k.initially_deferred) args.push_back("initially=\"DEFERRED\"");
    return "pg.ExcludeConstraint(" + joined(args) + ")";
  }

  /// The constraints and indexes of `t` as SQLAlchemy arguments of its Table, and notes on what
  /// SQLAlchemy cannot say.
  std::vector<std::string> table_items(const Table& t, std::vector<std::string>& notes) {
    std::vector<std::string> items;
    for (const auto& k : t.constraints) {
      std::vector<std::string> args;
      for (const auto& c : k.columns) args.push_back(py(c));
      switch (k.kind) {
        case ConstraintKind::primary_key:
          key_options(t, k, args);
          items.push_back("sa.PrimaryKeyConstraint(" + joined(args) + ")");
          break;
        case ConstraintKind::unique:
          key_options(t, k, args);
          items.push_back("sa.UniqueConstraint(" + joined(args) + ")");
          if (k.nulls_not_distinct) notes.push_back(generate::server_name(t, k) + " is UNIQUE NULLS NOT DISTINCT");
          break;
        case ConstraintKind::check:
          items.push_back("sa.CheckConstraint(" + py_sql(k.expression) + (k.name.empty() ? "" : ", name=" + py(k.name)) + ")");
          break;
        case ConstraintKind::foreign_key: {
          if (k.columns.size() == 1) break;  // on its column
          std::vector<std::string> targets;
          for (const auto& c : k.ref_columns) targets.push_back(fk_target(k.ref_table, c));
          std::vector<std::string> fk = {generate::quoted_list(k.columns), generate::quoted_list(targets)};
          for (auto& o : fk_options(t, k)) fk.push_back(o);
          items.push_back("sa.ForeignKeyConstraint(" + joined(fk) + ")");
          break;
        }
        case ConstraintKind::exclusion:
          items.push_back(exclusion(t, k));
          break;
      }
    }
    for (const auto& ix : t.indexes) {
      if (!on_columns(ix)) items.push_back(index(t, ix, nullptr));
      if (ix.nulls_not_distinct) notes.push_back(generate::server_name(t, ix) + " is NULLS NOT DISTINCT");
    }
    return items;
  }

  /// The keyword arguments of the table itself: schema, comment, partitioning, inheritance, UNLOGGED.
  static std::vector<std::pair<std::string, std::string>> table_options(const Table& t) {
    std::vector<std::pair<std::string, std::string>> out;
    if (t.name.schema != "public") out.emplace_back("schema", py(t.name.schema));
    if (t.comment) out.emplace_back("comment", py(*t.comment));
    if (!t.partition_by.empty()) out.emplace_back("postgresql_partition_by", py(t.partition_by));
    if (!t.inherits.empty()) {
      std::vector<std::string> parents;
      for (const auto& p : t.inherits) parents.push_back(py(p.schema == "public" ? p.name : p.str()));
      out.emplace_back("postgresql_inherits", "(" + joined(parents) + ",)");
    }
    if (t.unlogged) out.emplace_back("prefixes", "[\"UNLOGGED\"]");
    return out;
  }

  std::string partitions_note(const Table& t) {
    std::string names;
    for (const auto& [name, p] : m_.tables)
      if (p.partition_of == t.name) names += (names.empty() ? "" : ", ") + name.str() + " " + p.bound;
    return names.empty() ? "" : "    # Partitions, not mapped (rows go through this table): " + names + "\n";
  }

  /// The indexes of `t` with a column among their keys, made after the table on its columns, which
  /// `column` gives.
  std::string column_indexes(const Table& t, const std::function<std::string(const std::string&)>& column) {
    std::string out;
    for (const auto& ix : t.indexes)
      if (on_columns(ix)) out += index(t, ix, column) + "\n";
    return out.empty() ? "" : "\n" + out;
  }

  std::string table(const Table& t) {
    std::vector<std::string> notes;
    std::vector<std::string> items = table_items(t, notes);
    auto options = table_options(t);
    std::string out = "\n\n";
    for (const auto& n : notes) out += "# " + t.name.str() + ": " + n + " (SQLAlchemy 1.4 cannot say so)\n";
    if (!t.primary_key()) {
      std::string var = generate::identifier(short_name(m_.tables, t.name) + "_table", kPythonReserved, taken_);
      out += "# No primary key: a Table, not a mapped class.\n";
      out += var + " = sa.Table(\n    " + py(t.name.name) + ",\n    Base.metadata,\n";
      for (const auto& c : t.columns) out += "    " + column(t, c) + ",\n";
      for (const auto& i : items) out += "    " + i + ",\n";
      for (const auto& [k, v] : options) out += "    " + k + "=" + v + ",\n";
      out += partitions_note(t) + ")\n";
      return out + column_indexes(t, [&](const std::string& c) { return var + ".c[" + py(c) + "]"; });
    }
    std::string cls = generate::identifier(generate::pascal_case(short_name(m_.tables, t.name)), kPythonReserved, taken_);
    out += "class " + cls + "(Base):\n    __tablename__ = " + py(t.name.name) + "\n";
    if (!items.empty() || !options.empty()) {
      out += "    __table_args__ = (\n";
      for (const auto& i : items) out += "        " + i + ",\n";
      std::vector<std::string> kw;
      for (const auto& [k, v] : options) kw.push_back(py(k) + ": " + v);
      if (!kw.empty()) out += "        {" + joined(kw) + "},\n";
      out += "    )\n";
    }
    out += partitions_note(t) + "\n";
    std::set<std::string> taken;
    std::map<std::string, std::string> attrs;
    for (const auto& c : t.columns) {
      attrs[c.name] = generate::identifier(c.name, kPythonReserved, taken);
      out += "    " + attrs[c.name] + " = " + column(t, c) + "\n";
    }
    return out + column_indexes(t, [&](const std::string& c) { return cls + "." + attrs.at(c); });
  }

  /// Tables outside the files' schemas that foreign keys point at (auth.users, say): the referenced
  /// columns only, so that SQLAlchemy can resolve the keys; marked, never created by reconcile.
  std::string stubs() {
    Model refs;
    refs.tables = m_.tables;
    add_reference_stubs(refs, m_.managed_schemas());
    std::string out;
    for (const auto& [name, t] : refs.tables) {
      if (m_.tables.count(name)) continue;
      std::string var = generate::identifier(short_name(refs.tables, name) + "_table", kPythonReserved, taken_);
      out += "\n\n# Referenced by foreign keys, not in the schema files: only the referenced columns.\n";
      out += var + " = sa.Table(\n    " + py(name.name) + ",\n    Base.metadata,\n";
      for (const auto& c : t.columns) out += "    sa.Column(" + py(c.name) + ", " + type(c.type) + "),\n";
      if (name.schema != "public") out += "    schema=" + py(name.schema) + ",\n";
      out += "    info={\"reconcile\": \"referenced\"},\n)\n";
    }
    return out;
  }
};

}  // namespace

std::string generate_sqlalchemy(const Model& canonical, const std::vector<std::string>& sources) {
  return Module(canonical).write(sources);
}

}  // namespace reconcile
