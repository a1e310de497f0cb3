// Live database -> model, with a fixed number of bulk catalog queries (one per object kind).
#include <algorithm>
#include <fnmatch.h>
#include <future>
#include <pqxx/pqxx>
#include <spdlog/spdlog.h>

#include <unordered_map>

#include "pg.hpp"
#include "reconcile/object_ref.hpp"
#include "reconcile/sql.hpp"
#include "reconcile/types.hpp"

namespace reconcile {
namespace {

constexpr char kSep = '\x1f';  // separates list items that a query returns as one text value

std::vector<std::string> split(const pqxx::field& f) {
  std::vector<std::string> out;
  if (f.is_null()) return out;
  std::string s = f.c_str();
  if (s.empty()) return out;
  size_t start = 0;
  for (size_t p; (p = s.find(kSep, start)) != std::string::npos; start = p + 1) out.push_back(s.substr(start, p - start));
  out.push_back(s.substr(start));
  return out;
}

/// The options of a sequence of `type` (pg_sequence's seqstart, seqincrement, seqmin, seqmax,
/// seqcache, seqcycle, from column `at` of `r` on) that differ from PostgreSQL's defaults.
std::map<std::string, std::string> sequence_options(const std::string& type, const pqxx::row& r, int at) {
  std::map<std::string, std::string> read = {{"start", r[at].c_str()},       {"increment", r[at + 1].c_str()},
                                             {"minvalue", r[at + 2].c_str()}, {"maxvalue", r[at + 3].c_str()},
                                             {"cache", r[at + 4].c_str()},    {"cycle", r[at + 5].as<bool>() ? "true" : "false"}};
  auto defaults = identity_defaults(type, read);
  std::map<std::string, std::string> out;
  for (const auto& [k, v] : read)
    if (defaults[k] != v) out[k] = v;
  return out;
}

std::optional<std::string> opt(const pqxx::field& f) {
  if (f.is_null()) return std::nullopt;
  return std::string(f.c_str());
}

std::string str(const pqxx::field& f) { return f.is_null() ? "" : f.c_str(); }

/// The scope as one parameter: NULL for every user schema, else names joined by kSep.
std::optional<std::string> scope_param(const InspectScope& scope) {
  if (scope.all) return std::nullopt;
  std::string out;
  for (const auto& s : scope.schemas) out += (out.empty() ? "" : std::string(1, kSep)) + s;
  return out;
}

// Every query filters schemas the same way: the scope (or every user schema), never reconcile's own.
const char* kSchemaFilter =
    " n.nspname NOT LIKE 'pg\\_%' AND n.nspname NOT IN ('information_schema', 'reconcile')"
    " AND ($1::text IS NULL OR n.nspname = ANY (string_to_array($1::text, chr(31)))) ";

const char* kNotExtensionMember =
    " NOT EXISTS (SELECT 1 FROM pg_depend e WHERE e.classid = 'pg_class'::regclass AND e.objid = c.oid"
    " AND e.deptype = 'e') ";

void read_schemas(pqxx::transaction_base& tx, const char* scope, Model& m) {
  auto rows = tx.exec_params(std::string(
      "SELECT n.nspname, d.description FROM pg_namespace n"
      " LEFT JOIN pg_description d ON d.objoid = n.oid AND d.classoid = 'pg_namespace'::regclass"
      " WHERE") + kSchemaFilter +
      " AND NOT EXISTS (SELECT 1 FROM pg_depend e WHERE e.classid = 'pg_namespace'::regclass"
      "   AND e.objid = n.oid AND e.deptype = 'e')"
      " ORDER BY 1", scope);
  for (const auto& r : rows) m.schemas[r[0].c_str()] = Schema{r[0].c_str(), opt(r[1]), {}};
}

void read_extensions(pqxx::transaction_base& tx, Model& m) {
  auto rows = tx.exec(
      "SELECT e.extname, n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace"
      " WHERE e.extname <> 'plpgsql' ORDER BY 1");
  for (const auto& r : rows) m.extensions[r[0].c_str()] = Extension{r[0].c_str(), r[1].c_str(), {}};
}

void read_enums(pqxx::transaction_base& tx, const char* scope, Model& m) {
  auto rows = tx.exec_params(std::string(
      "SELECT n.nspname, t.typname, e.enumlabel, d.description FROM pg_type t"
      " JOIN pg_namespace n ON n.oid = t.typnamespace JOIN pg_enum e ON e.enumtypid = t.oid"
      " LEFT JOIN pg_description d ON d.objoid = t.oid AND d.classoid = 'pg_type'::regclass"
      " WHERE t.typtype = 'e' AND") + kSchemaFilter +
      " AND NOT EXISTS (SELECT 1 FROM pg_depend x WHERE x.classid = 'pg_type'::regclass AND x.objid = t.oid"
      "   AND x.deptype = 'e')"
      " ORDER BY 1, 2, e.enumsortorder", scope);
  for (const auto& r : rows) {
    QName q{r[0].c_str(), r[1].c_str()};
    Enum& e = m.enums[q];
    e.name = q;
    e.comment = opt(r[3]);
    e.values.push_back(r[2].c_str());
  }
}

/// Composite types (not a table's row type) with their attributes in order (one row per attribute;
/// a type without attributes gives one row of NULLs), and what they use.
void read_types(pqxx::transaction_base& tx, const char* scope, Model& m) {
  auto rows = tx.exec_params(std::string(
      "SELECT n.nspname, t.typname, d.description, a.attname, format_type(a.atttypid, a.atttypmod),"
      "  CASE WHEN a.attcollation <> at.typcollation THEN co.collname END"
      " FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace"
      " JOIN pg_class r ON r.oid = t.typrelid AND r.relkind = 'c'"
      " LEFT JOIN pg_attribute a ON a.attrelid = r.oid AND a.attnum > 0 AND NOT a.attisdropped"
      " LEFT JOIN pg_type at ON at.oid = a.atttypid LEFT JOIN pg_collation co ON co.oid = a.attcollation"
      " LEFT JOIN pg_description d ON d.objoid = t.oid AND d.classoid = 'pg_type'::regclass AND d.objsubid = 0"
      " WHERE t.typtype = 'c' AND") + kSchemaFilter +
      " AND NOT EXISTS (SELECT 1 FROM pg_depend x WHERE x.classid = 'pg_type'::regclass AND x.objid = t.oid"
      "   AND x.deptype = 'e')"
      " ORDER BY 1, 2, a.attnum", scope);
  for (const auto& r : rows) {
    QName q{r[0].c_str(), r[1].c_str()};
    CompositeType& t = m.types[q];
    t.name = q;
    t.comment = opt(r[2]);
    if (!r[3].is_null()) t.attributes.push_back(TypeAttribute{r[3].c_str(), r[4].c_str(), opt(r[5])});
  }
}

/// Domains with their checks (one row per check; a domain without checks gives one row of NULLs).
void read_domains(pqxx::transaction_base& tx, const char* scope, Model& m) {
  auto rows = tx.exec_params(std::string(
      "SELECT n.nspname, t.typname, format_type(t.typbasetype, t.typtypmod), t.typnotnull, t.typdefault,"
      "  CASE WHEN t.typcollation <> b.typcollation THEN co.collname END, d.description,"
      "  c.conname, pg_get_expr(c.conbin, 0), c.convalidated"
      " FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace JOIN pg_type b ON b.oid = t.typbasetype"
      " LEFT JOIN pg_collation co ON co.oid = t.typcollation"
      " LEFT JOIN pg_description d ON d.objoid = t.oid AND d.classoid = 'pg_type'::regclass AND d.objsubid = 0"
      " LEFT JOIN pg_constraint c ON c.contypid = t.oid AND c.contype = 'c'"
      " WHERE t.typtype = 'd' AND") + kSchemaFilter +
      " AND NOT EXISTS (SELECT 1 FROM pg_depend x WHERE x.classid = 'pg_type'::regclass AND x.objid = t.oid"
      "   AND x.deptype = 'e')"
      " ORDER BY 1, 2, c.conname", scope);
  for (const auto& r : rows) {
    QName q{r[0].c_str(), r[1].c_str()};
    Domain& d = m.domains[q];
    d.name = q;
    d.type = r[2].c_str();
    d.nullable = !r[3].as<bool>();
    d.default_expr = opt(r[4]);
    d.collation = opt(r[5]);
    d.comment = opt(r[6]);
    if (r[7].is_null()) continue;
    Constraint c;
    c.kind = ConstraintKind::check;
    c.name = r[7].c_str();
    c.expression = r[8].c_str();  // as a table's checks: pg_get_expr
    c.not_valid = !r[9].as<bool>();
    d.checks.push_back(std::move(c));
  }
}

std::string serial_type(const std::string& type) {
  if (type == "integer") return "serial";
  if (type == "bigint") return "bigserial";
  if (type == "smallint") return "smallserial";
  return "";
}

void read_columns(pqxx::transaction_base& tx, const char* scope, Model& m,
                  const std::vector<std::string>& exclude) {
  // Column comments come from their own query and are matched here: as a join, on a freshly loaded
  // database (catalog statistics not yet updated) the planner compared every comment with every
  // column (2.2 s at 1,000 tables instead of 0.27 s), and a lookup per column costs 0.35 s at 5,000.
  std::unordered_map<uint64_t, std::string> comments;  // (table oid << 16 | attnum) -> comment
  for (const auto& r : tx.exec("SELECT objoid, objsubid, description FROM pg_description"
                               " WHERE classoid = 'pg_class'::regclass AND objsubid > 0"))
    comments[(r[0].as<uint64_t>() << 16) | r[1].as<uint64_t>()] = r[2].c_str();
  // The sequences that columns own (a serial's: 'a'; an identity's: 'i'), with their options: a
  // query of their own, not two pg_depend lookups per column (0.3 s of 0.9 s at 5,000 tables).
  auto owned = tx.exec("SELECT d.refobjid, d.refobjsubid, d.deptype, sn.nspname, s.relname,"
                       "  q.seqstart, q.seqincrement, q.seqmin, q.seqmax, q.seqcache, q.seqcycle"
                       " FROM pg_depend d JOIN pg_class s ON s.oid = d.objid AND s.relkind = 'S'"
                       " JOIN pg_namespace sn ON sn.oid = s.relnamespace JOIN pg_sequence q ON q.seqrelid = s.oid"
                       " WHERE d.classid = 'pg_class'::regclass AND d.refclassid = 'pg_class'::regclass"
                       "   AND d.refobjsubid > 0 AND d.deptype IN ('a', 'i') ORDER BY 1, 2, 3, 4, 5");
  std::unordered_map<uint64_t, pqxx::row> serial_of, identity_of;  // (table oid << 16 | attnum) -> its sequence
  for (const auto& r : owned)
    (str(r[2]) == "a" ? serial_of : identity_of).emplace((r[0].as<uint64_t>() << 16) | r[1].as<uint64_t>(), r);
  auto rows = tx.exec_params(std::string(
      "SELECT n.nspname, c.relname, td.description, a.attname, format_type(a.atttypid, a.atttypmod),"
      "  a.attnotnull, pg_get_expr(ad.adbin, ad.adrelid), a.attidentity, a.attgenerated,"
      "  CASE WHEN a.attcollation <> ty.typcollation THEN co.collname END, c.oid, a.attnum, NOT a.attislocal"
      " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
      " LEFT JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped"
      " LEFT JOIN pg_type ty ON ty.oid = a.atttypid"
      " LEFT JOIN pg_attrdef ad ON ad.adrelid = c.oid AND ad.adnum = a.attnum"
      " LEFT JOIN pg_collation co ON co.oid = a.attcollation"
      " LEFT JOIN pg_description td ON td.objoid = c.oid AND td.classoid = 'pg_class'::regclass AND td.objsubid = 0"
      " WHERE c.relkind IN ('r', 'p') AND") + kSchemaFilter + " AND" + kNotExtensionMember +
      " ORDER BY 1, 2, a.attnum", scope);
  // The rows come table by table: each table is looked up once, and its columns are counted
  // first (a vector grown one column at a time moves every column it holds, again and again).
  Table* table = nullptr;
  uint64_t current = 0;
  for (size_t i = 0; i < rows.size(); ++i) {
    const auto& r = rows[i];
    uint64_t oid = r[10].as<uint64_t>();
    if (i == 0 || oid != current) {
      current = oid;
      QName q{r[0].c_str(), r[1].c_str()};
      table = excluded(exclude, q) ? nullptr : &m.tables[q];
      if (!table) continue;
      table->name = q;
      table->comment = opt(r[2]);
      size_t n = 0;
      while (i + n < rows.size() && rows[i + n][10].as<uint64_t>() == oid) ++n;
      table->columns.reserve(n);
    }
    if (!table || r[3].is_null()) continue;
    Table& t = *table;
    const QName& q = t.name;
    Column col;
    col.name = r[3].c_str();
    col.type = r[4].c_str();
    col.nullable = !r[5].as<bool>();
    col.default_expr = opt(r[6]);
    std::string ident = str(r[7]);
    col.identity = ident == "a" ? Identity::always : ident == "d" ? Identity::by_default : Identity::none;
    if (str(r[8]) == "s") {
      col.generated = col.default_expr;
      col.default_expr.reset();
    }
    col.collation = opt(r[9]);
    col.inherited = r[12].as<bool>();
    uint64_t key = (r[10].as<uint64_t>() << 16) | r[11].as<uint64_t>();
    if (auto it = comments.find(key); it != comments.end()) col.comment = it->second;
    if (auto owns = serial_of.find(key); owns != serial_of.end() && col.identity == Identity::none) {
      // A serial: an owned sequence, named as PostgreSQL names a serial's, that the default calls.
      // Any other owned sequence is a standalone one (read_sequences).
      QName seq{owns->second[3].c_str(), owns->second[4].c_str()};
      bool serial_named = seq.schema == q.schema && seq.name == default_object_name(q.name, col.name, "seq");
      if (serial_named && col.default_expr && col.default_expr->rfind("nextval(", 0) == 0 && !serial_type(col.type).empty()) {
        col.type = serial_type(col.type);  // an owned sequence: written as serial / bigserial
        col.default_expr.reset();
      }
      col.sequence = seq;  // owned, used as default or not
    }
    if (auto id = identity_of.find(key); id != identity_of.end() && col.identity != Identity::none)
      col.identity_options = sequence_options(col.type, id->second, 5);
    t.columns.push_back(std::move(col));
  }
}

FkAction fk_action(const std::string& code) {
  if (code == "r") return FkAction::restrict;
  if (code == "c") return FkAction::cascade;
  if (code == "n") return FkAction::set_null;
  if (code == "d") return FkAction::set_default;
  return FkAction::no_action;
}

/// The constraint and index rows, read apart from the rest: inspect_database reads them on a
/// second connection while the first reads the columns and the other kinds.
struct TablePartRows {
  pqxx::result constraints;
  pqxx::result indexes;
};

// Key k of index i (pg_index) with method am (pg_am): the column or (expression), then a non-default
// collation and opclass, then DESC / NULLS. A plain column is quoted as pg_get_indexdef would, and
// the non-default opclasses are gathered once: per key, those two lookups cost 0.6 s at 15,000 indexes.
const char* kIndexKey =
  "      CASE WHEN i.indkey[k - 1] = 0 THEN '(' || pg_get_indexdef(i.indexrelid, k, true) || ')'"
  "           ELSE (SELECT quote_ident(a.attname) FROM pg_attribute a"
  "                 WHERE a.attrelid = i.indrelid AND a.attnum = i.indkey[k - 1]) END"
  "      || coalesce((SELECT ' COLLATE ' || quote_ident(co.collname) FROM pg_collation co WHERE co.oid = i.indcollation[k - 1]"
  "           AND co.oid <> coalesce((SELECT a.attcollation FROM pg_attribute a WHERE a.attrelid = i.indrelid"
  "               AND a.attnum = i.indkey[k - 1] AND i.indkey[k - 1] <> 0), 100)), '')"
  "      || CASE WHEN i.indclass[k - 1] = ANY ((SELECT array_agg(oid) FROM pg_opclass WHERE NOT opcdefault)::oid[])"
  "              THEN (SELECT ' ' || oc.opcname FROM pg_opclass oc WHERE oc.oid = i.indclass[k - 1]) ELSE '' END"
  "      || CASE WHEN am.amname <> 'btree' THEN ''"
  "              WHEN i.indoption[k - 1] & 3 = 3 THEN ' DESC'"
  "              WHEN i.indoption[k - 1] & 1 = 1 THEN ' DESC NULLS LAST'"
  "              WHEN i.indoption[k - 1] & 2 = 2 THEN ' NULLS FIRST' ELSE '' END";
// The INCLUDE columns of index i, separated by chr(31).
const char* kIncludeColumns =
  "  array_to_string(ARRAY(SELECT a.attname FROM generate_series(i.indnkeyatts + 1, i.indnatts) k"
  "    JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[k - 1] ORDER BY k), chr(31))";

pqxx::result constraint_rows(pqxx::transaction_base& tx, const char* scope) {
  return tx.exec_params(std::string(
      "SELECT n.nspname, c.relname, con.conname, con.contype,"
      "  array_to_string(ARRAY(SELECT (SELECT a.attname FROM pg_attribute a WHERE a.attrelid = con.conrelid"
      "    AND a.attnum = k.num) FROM unnest(con.conkey) WITH ORDINALITY k(num, ord) ORDER BY k.ord), chr(31)),"
      "  rn.nspname, rc.relname,"
      "  array_to_string(ARRAY(SELECT (SELECT a.attname FROM pg_attribute a WHERE a.attrelid = con.confrelid"
      "    AND a.attnum = k.num) FROM unnest(con.confkey) WITH ORDINALITY k(num, ord) ORDER BY k.ord), chr(31)),"
      "  con.confdeltype, con.confupdtype, con.condeferrable, con.condeferred,"
      "  CASE WHEN con.contype = 'c' THEN pg_get_expr(con.conbin, con.conrelid) END,"
      "  NOT con.convalidated, con.connoinherit, con.confmatchtype = 'f',"
      "  coalesce((SELECT i.indnullsnotdistinct FROM pg_index i WHERE i.indexrelid = con.conindid AND con.contype = 'u'), false),"
      "  cd.description, x.amname, x.elements, x.include, x.pred, NOT con.conislocal") +
      " FROM pg_constraint con JOIN pg_class c ON c.oid = con.conrelid"
      " JOIN pg_namespace n ON n.oid = c.relnamespace"
      " LEFT JOIN pg_class rc ON rc.oid = con.confrelid LEFT JOIN pg_namespace rn ON rn.oid = rc.relnamespace"
      " LEFT JOIN pg_description cd ON cd.objoid = con.oid AND cd.classoid = 'pg_constraint'::regclass AND cd.objsubid = 0"
      " LEFT JOIN LATERAL (SELECT am.amname,"
      "    array_to_string(ARRAY(SELECT " + kIndexKey +
      "      || ' WITH ' || (SELECT o.oprname FROM pg_operator o WHERE o.oid = con.conexclop[k])"
      "      FROM generate_series(1, i.indnkeyatts) k ORDER BY k), chr(31)) AS elements,"
      "    " + kIncludeColumns + " AS include, pg_get_expr(i.indpred, i.indrelid, true) AS pred"
      "   FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid JOIN pg_am am ON am.oid = ic.relam"
      "   WHERE i.indexrelid = con.conindid AND con.contype = 'x') x ON true"
      " WHERE con.contype IN ('p', 'u', 'c', 'f', 'x') AND c.relkind IN ('r', 'p')"
      "   AND con.conparentid = 0 AND (con.conislocal OR NOT c.relispartition) AND" + kSchemaFilter +
      " ORDER BY 1, 2, 3", scope);
}

void add_constraints(const pqxx::result& rows, Model& m) {
  for (const auto& r : rows) {
    auto it = m.tables.find(QName{r[0].c_str(), r[1].c_str()});
    if (it == m.tables.end()) continue;
    Constraint con;
    con.name = r[2].c_str();
    std::string type = r[3].c_str();
    con.kind = type == "p" ? ConstraintKind::primary_key
             : type == "u" ? ConstraintKind::unique
             : type == "c" ? ConstraintKind::check
             : type == "x" ? ConstraintKind::exclusion : ConstraintKind::foreign_key;
    con.columns = split(r[4]);
    if (con.kind == ConstraintKind::check) con.columns.clear();
    if (con.kind == ConstraintKind::foreign_key) {
      con.ref_table = QName{r[5].c_str(), r[6].c_str()};
      con.ref_columns = split(r[7]);
      con.on_delete = fk_action(str(r[8]));
      con.on_update = fk_action(str(r[9]));
    }
    con.deferrable = r[10].as<bool>();
    con.initially_deferred = r[11].as<bool>();
    con.expression = str(r[12]);
    con.not_valid = r[13].as<bool>();
    con.no_inherit = con.kind == ConstraintKind::check && r[14].as<bool>();  // other kinds are never inherited
    con.match_full = r[15].as<bool>();
    con.nulls_not_distinct = r[16].as<bool>();
    con.comment = opt(r[17]);
    con.inherited = r[22].as<bool>();
    if (con.kind == ConstraintKind::exclusion) {
      con.columns.clear();
      con.method = r[18].c_str();
      con.elements = split(r[19]);
      con.include = split(r[20]);
      con.where = str(r[21]);
    }
    it->second.constraints.push_back(con);
  }
}

pqxx::result index_rows(pqxx::transaction_base& tx, const char* scope) {
  return tx.exec_params(std::string(
      "SELECT n.nspname, c.relname, ic.relname, i.indisunique, am.amname,"
      "  array_to_string(ARRAY(SELECT") + kIndexKey +
      "    FROM generate_series(1, i.indnkeyatts) k ORDER BY k), chr(31)), " + kIncludeColumns + ","
      "  pg_get_expr(i.indpred, i.indrelid, true), i.indisvalid, i.indnullsnotdistinct,"
      "  array_to_string(ARRAY(SELECT o FROM unnest(ic.reloptions) o ORDER BY o), chr(31)),"
      "  xd.description"
      " FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid JOIN pg_class c ON c.oid = i.indrelid"
      " JOIN pg_namespace n ON n.oid = c.relnamespace JOIN pg_am am ON am.oid = ic.relam"
      " LEFT JOIN pg_description xd ON xd.objoid = i.indexrelid AND xd.classoid = 'pg_class'::regclass AND xd.objsubid = 0"
      " WHERE c.relkind IN ('r', 'm', 'p') AND NOT ic.relispartition AND" + kSchemaFilter +
      " AND NOT EXISTS (SELECT 1 FROM pg_constraint x WHERE x.conindid = i.indexrelid AND x.conrelid = i.indrelid"
      "   AND x.contype IN ('p', 'u', 'x'))"
      " ORDER BY 1, 2, 3", scope);
}

void add_indexes(const pqxx::result& rows, Model& m) {
  for (const auto& r : rows) {
    QName owner{r[0].c_str(), r[1].c_str()};
    auto it = m.tables.find(owner);
    auto mv = m.materialized_views.find(owner);
    if (it == m.tables.end() && mv == m.materialized_views.end()) continue;
    Index ix;
    ix.name = r[2].c_str();
    ix.unique = r[3].as<bool>();
    ix.method = r[4].c_str();
    ix.keys = split(r[5]);
    ix.include = split(r[6]);
    ix.where = str(r[7]);
    ix.valid = r[8].as<bool>();
    ix.nulls_not_distinct = r[9].as<bool>();
    ix.with = split(r[10]);
    ix.comment = opt(r[11]);
    (it != m.tables.end() ? it->second.indexes : mv->second.indexes).push_back(ix);
  }
}

/// Standalone sequences (not those of identity columns; serial ones are let go by
/// drop_serial_sequences), with their options that differ from the defaults and their owner.
void read_sequences(pqxx::transaction_base& tx, const char* scope, Model& m) {
  auto rows = tx.exec_params(std::string(
      "SELECT n.nspname, c.relname, format_type(s.seqtypid, NULL), s.seqstart, s.seqincrement, s.seqmin, s.seqmax,"
      "  s.seqcache, s.seqcycle, sd.description, own_n.nspname, own_c.relname, own_a.attname"
      " FROM pg_sequence s JOIN pg_class c ON c.oid = s.seqrelid JOIN pg_namespace n ON n.oid = c.relnamespace"
      " LEFT JOIN pg_description sd ON sd.objoid = c.oid AND sd.classoid = 'pg_class'::regclass AND sd.objsubid = 0"
      " LEFT JOIN pg_depend d ON d.classid = 'pg_class'::regclass AND d.objid = c.oid"
      "   AND d.refclassid = 'pg_class'::regclass AND d.refobjsubid > 0 AND d.deptype IN ('a', 'i')"
      " LEFT JOIN pg_class own_c ON own_c.oid = d.refobjid LEFT JOIN pg_namespace own_n ON own_n.oid = own_c.relnamespace"
      " LEFT JOIN pg_attribute own_a ON own_a.attrelid = d.refobjid AND own_a.attnum = d.refobjsubid"
      " WHERE (d.deptype IS NULL OR d.deptype = 'a') AND") + kSchemaFilter + " AND" + kNotExtensionMember +
      " ORDER BY 1, 2", scope);
  for (const auto& r : rows) {
    Sequence s;
    s.name = QName{r[0].c_str(), r[1].c_str()};
    s.type = r[2].c_str();
    s.options = sequence_options(s.type, r, 3);
    s.comment = opt(r[9]);
    if (!r[10].is_null()) s.owned_by = ColumnRef{{r[10].c_str(), r[11].c_str()}, r[12].c_str()};
    m.sequences[s.name] = s;
  }
}

/// What objects use, from pg_depend: `source` selects (objid, classid, schema, name, sub, own
/// relation) for the objects of one kind, ending in WHERE (the scope filter is added). Returns
/// (the object as {kind?, schema.name, sub}, what it uses) pairs: tables and their columns, views,
/// sequences, types (a table's row type as the table), functions; nothing in pg_catalog.
std::vector<std::pair<ObjectRef, ObjectRef>> read_dependencies(pqxx::transaction_base& tx, const char* scope,
                                                               const std::string& source) {
  auto rows = tx.exec_params(
      "WITH src(objid, classid, oschema, oname, osub, self) AS (" + source + kSchemaFilter + ")"
      " SELECT DISTINCT s.oschema, s.oname, s.osub,"
      "  CASE WHEN pr.oid IS NOT NULL THEN CASE pr.prokind WHEN 'p' THEN 'procedure' ELSE 'function' END"
      "    WHEN tr.oid IS NOT NULL THEN CASE tr.relkind WHEN 'v' THEN 'view' WHEN 'm' THEN 'materialized view' ELSE 'table' END"
      "    WHEN ty.oid IS NOT NULL THEN 'type' WHEN t.relkind = 'v' THEN 'view' WHEN t.relkind = 'S' THEN 'sequence'"
      "    WHEN t.relkind = 'm' THEN 'materialized view'"
      "    WHEN a.attname IS NOT NULL THEN 'column' ELSE 'table' END,"
      "  tn.nspname, COALESCE(t.relname, tr.relname, ty.typname, pr.proname),"
      "  COALESCE(a.attname, oidvectortypes(pr.proargtypes), '')"
      " FROM src s JOIN pg_depend d ON d.classid = s.classid AND d.objid = s.objid AND d.deptype = 'n'"
      " LEFT JOIN pg_class t ON d.refclassid = 'pg_class'::regclass AND t.oid = d.refobjid"
      " LEFT JOIN pg_type ty ON d.refclassid = 'pg_type'::regclass AND ty.oid = d.refobjid"
      " LEFT JOIN pg_class tr ON tr.oid = ty.typrelid AND tr.relkind IN ('r', 'p', 'v', 'm')"
      " LEFT JOIN pg_proc pr ON d.refclassid = 'pg_proc'::regclass AND pr.oid = d.refobjid"
      " JOIN pg_namespace tn ON tn.oid = COALESCE(t.relnamespace, ty.typnamespace, pr.pronamespace)"
      " LEFT JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = d.refobjsubid AND d.refobjsubid > 0"
      " WHERE tn.nspname NOT IN ('pg_catalog', 'information_schema')"
      "   AND NOT (d.refclassid = 'pg_class'::regclass AND d.refobjid = s.self AND d.refobjsubid = 0)"
      "   AND NOT (d.refclassid = 'pg_proc'::regclass AND d.refobjid = s.objid AND s.classid = 'pg_proc'::regclass)"
      " ORDER BY 1, 2, 3, 4, 5, 6, 7",
      scope);
  std::vector<std::pair<ObjectRef, ObjectRef>> out;
  for (const auto& r : rows) {
    ObjectRef owner{ObjectKind::table, {r[0].c_str(), r[1].c_str()}, r[2].c_str()};
    auto kind = enum_named(r[3].c_str(), {ObjectKind::procedure, ObjectKind::function, ObjectKind::view, ObjectKind::materialized_view, ObjectKind::table,
                                          ObjectKind::type, ObjectKind::sequence, ObjectKind::column});
    if (!kind) continue;
    // A column of a view is the view; a function is known by its argument types.
    bool sub = *kind == ObjectKind::column || *kind == ObjectKind::function || *kind == ObjectKind::procedure;
    out.emplace_back(owner, ObjectRef{*kind, {r[4].c_str(), r[5].c_str()}, sub ? r[6].c_str() : ""});
  }
  return out;
}

/// What the read domains' checks and defaults use (functions, types), from pg_depend.
void read_domain_dependencies(pqxx::transaction_base& tx, const char* scope, Model& m) {
  for (const auto& [owner, ref] : read_dependencies(tx, scope,
           "SELECT x.objid, x.classid, n.nspname, x.typname, '', 0::oid FROM ("
           "  SELECT c.oid AS objid, 'pg_constraint'::regclass AS classid, t.typname, t.typnamespace"
           "  FROM pg_constraint c JOIN pg_type t ON t.oid = c.contypid WHERE t.typtype = 'd'"
           "  UNION ALL SELECT t.oid, 'pg_type'::regclass, t.typname, t.typnamespace FROM pg_type t WHERE t.typtype = 'd') x"
           " JOIN pg_namespace n ON n.oid = x.typnamespace WHERE"))
    if (auto it = m.domains.find(owner.name); it != m.domains.end() && std::find(it->second.depends_on.begin(), it->second.depends_on.end(), ref) == it->second.depends_on.end())
      it->second.depends_on.push_back(ref);
}

/// What the parts of the read tables call, from pg_depend (no expression is parsed): the sequences
/// and functions of each column's default or generation expression, the functions of each check
/// and of each index's expressions. Its own query, not read_dependencies: starting from the few
/// dependencies on functions and sequences is 2.5x faster than from every default, check and index.
void read_part_dependencies(pqxx::transaction_base& tx, const char* scope, Model& m) {
  auto rows = tx.exec_params(std::string(
      "WITH d AS MATERIALIZED ("
      "  SELECT d.classid, d.objid, pr.proname AS rname, pr.pronamespace AS rns, oidvectortypes(pr.proargtypes) AS rsub,"
      "    CASE pr.prokind WHEN 'p' THEN 'procedure' ELSE 'function' END AS rkind"
      "  FROM pg_depend d JOIN pg_proc pr ON pr.oid = d.refobjid"
      "  WHERE d.deptype = 'n' AND d.refclassid = 'pg_proc'::regclass AND pr.pronamespace <> 'pg_catalog'::regnamespace"
      "    AND d.classid IN ('pg_attrdef'::regclass, 'pg_constraint'::regclass, 'pg_class'::regclass)"
      "  UNION ALL"
      "  SELECT d.classid, d.objid, s.relname, s.relnamespace, '', 'sequence'"
      "  FROM pg_depend d JOIN pg_class s ON s.oid = d.refobjid AND s.relkind = 'S'"
      "  WHERE d.deptype = 'n' AND d.refclassid = 'pg_class'::regclass AND d.classid = 'pg_attrdef'::regclass)"
      " SELECT n.nspname, c.relname, CASE WHEN ad.oid IS NOT NULL THEN 'c' WHEN con.oid IS NOT NULL THEN 'k' ELSE 'i' END,"
      "  COALESCE(a.attname, con.conname, ic.relname), d.rkind, rn.nspname, d.rname, d.rsub"
      " FROM d"
      " LEFT JOIN pg_attrdef ad ON d.classid = 'pg_attrdef'::regclass AND ad.oid = d.objid"
      " LEFT JOIN pg_attribute a ON a.attrelid = ad.adrelid AND a.attnum = ad.adnum"
      " LEFT JOIN pg_constraint con ON d.classid = 'pg_constraint'::regclass AND con.oid = d.objid AND con.contype = 'c'"
      " LEFT JOIN pg_index i ON d.classid = 'pg_class'::regclass AND i.indexrelid = d.objid"
      " LEFT JOIN pg_class ic ON ic.oid = i.indexrelid"
      " JOIN pg_class c ON c.oid = COALESCE(ad.adrelid, con.conrelid, i.indrelid) AND c.relkind IN ('r', 'm', 'p')"
      " JOIN pg_namespace n ON n.oid = c.relnamespace JOIN pg_namespace rn ON rn.oid = d.rns"
      " WHERE rn.nspname <> 'information_schema' AND") + kSchemaFilter + " ORDER BY 1, 2, 3, 4, 5, 6, 7, 8", scope);
  for (const auto& r : rows) {
    QName owner{r[0].c_str(), r[1].c_str()};
    char part = r[2].c_str()[0];
    std::string name = r[3].c_str();
    auto kind = enum_named(r[4].c_str(), {ObjectKind::function, ObjectKind::procedure, ObjectKind::sequence});
    ObjectRef ref{*kind, {r[5].c_str(), r[6].c_str()}, r[7].c_str()};
    if (auto it = m.tables.find(owner); it != m.tables.end()) {
      Table& t = it->second;
      if (Column* c = part == 'c' ? t.find_column(name) : nullptr) c->default_uses.push_back(ref);
      for (auto& k : t.constraints)
        if (part == 'k' && k.name == name) k.depends_on.push_back(ref);
      for (auto& i : t.indexes)
        if (part == 'i' && i.name == name) i.depends_on.push_back(ref);
    } else if (auto mv = m.materialized_views.find(owner); mv != m.materialized_views.end()) {
      for (auto& i : mv->second.indexes)
        if (part == 'i' && i.name == name) i.depends_on.push_back(ref);
    }
  }
}

/// Functions and procedures (not aggregates, not an extension's, not in C: their library is not
/// carried): every attribute as the server
/// stores it; COST and ROWS only when not the default; then what each uses (pg_depend).
void read_functions(pqxx::transaction_base& tx, const char* scope, Model& m) {
  auto rows = tx.exec_params(std::string(
      "SELECT n.nspname, p.proname, p.prokind = 'p', pg_get_function_arguments(p.oid), oidvectortypes(p.proargtypes),"
      "  CASE WHEN p.prokind = 'p' THEN '' ELSE pg_get_function_result(p.oid) END, l.lanname,"
      "  CASE p.provolatile WHEN 'i' THEN 'immutable' WHEN 's' THEN 'stable' ELSE 'volatile' END,"
      "  p.proisstrict, p.prosecdef, p.proleakproof,"
      "  CASE p.proparallel WHEN 's' THEN 'safe' WHEN 'r' THEN 'restricted' ELSE 'unsafe' END,"
      "  CASE WHEN p.procost <> (CASE WHEN l.lanname IN ('c', 'internal') THEN 1 ELSE 100 END) THEN p.procost::text END,"
      "  CASE WHEN p.prorows <> (CASE WHEN p.proretset THEN 1000 ELSE 0 END) THEN p.prorows::text END,"
      "  array_to_string(p.proconfig, chr(31)),"
      "  CASE WHEN p.prosqlbody IS NOT NULL THEN pg_get_function_sqlbody(p.oid) ELSE p.prosrc END,"
      "  pd.description"
      " FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace JOIN pg_language l ON l.oid = p.prolang"
      " LEFT JOIN pg_description pd ON pd.objoid = p.oid AND pd.classoid = 'pg_proc'::regclass AND pd.objsubid = 0"
      " WHERE p.prokind IN ('f', 'p') AND l.lanname NOT IN ('c', 'internal') AND") + kSchemaFilter +
      " AND NOT EXISTS (SELECT 1 FROM pg_depend e WHERE e.classid = 'pg_proc'::regclass AND e.objid = p.oid AND e.deptype = 'e')"
      " ORDER BY 1, 2, 5", scope);
  for (const auto& r : rows) {
    Function f;
    f.name = QName{r[0].c_str(), r[1].c_str()};
    f.procedure = r[2].as<bool>();
    f.arguments = r[3].c_str();
    f.signature = r[4].c_str();
    f.returns = r[5].c_str();
    f.language = r[6].c_str();
    f.volatility = r[7].c_str();
    f.strict = r[8].as<bool>();
    f.security_definer = r[9].as<bool>();
    f.leakproof = r[10].as<bool>();
    f.parallel = r[11].c_str();
    f.cost = opt(r[12]);
    f.rows = opt(r[13]);
    for (const auto& setting : split(r[14])) {
      auto eq = setting.find('=');
      if (eq != std::string::npos) f.set[setting.substr(0, eq)] = setting.substr(eq + 1);
    }
    f.body = r[15].c_str();
    f.comment = opt(r[16]);
    m.functions[ref_of(f)] = f;
  }
  for (const auto& [owner, ref] : read_dependencies(tx, scope,
           "SELECT p.oid, 'pg_proc'::regclass, n.nspname, p.proname, oidvectortypes(p.proargtypes), 0::oid"
           " FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE p.prokind IN ('f', 'p') AND"))
    for (bool procedure : {false, true})
      if (auto it = m.functions.find(function_ref(owner.name, owner.sub, procedure)); it != m.functions.end())
        it->second.depends_on.push_back(ref);
}

/// A trigger's arguments from pg_trigger.tgargs (hex of NUL-terminated strings).
std::vector<std::string> trigger_arguments(const std::string& hex) {
  std::vector<std::string> out;
  std::string current;
  for (size_t i = 0; i + 1 < hex.size(); i += 2) {
    char c = static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16));
    if (c == '\0') {
      out.push_back(current);
      current.clear();
    } else {
      current += c;
    }
  }
  return out;
}

/// The triggers of the table or view `name` that `m` holds, or nullptr.
std::vector<Trigger>* triggers_of(Model& m, const QName& name) {
  if (auto it = m.tables.find(name); it != m.tables.end()) return &it->second.triggers;
  if (auto it = m.views.find(name); it != m.views.end()) return &it->second.triggers;
  return nullptr;
}

/// Triggers on the read tables and views (not internal ones, not constraint triggers): timing, events and
/// row/statement from tgtype, WHEN from pg_get_triggerdef, the call from tgfoid and tgargs; then the
/// function and columns each uses.
void read_triggers(pqxx::transaction_base& tx, const char* scope, Model& m) {
  auto rows = tx.exec_params(std::string(
      "SELECT n.nspname, c.relname, g.tgname, g.tgtype,"
      "  array_to_string(ARRAY(SELECT a.attname FROM unnest(g.tgattr::int2[]) WITH ORDINALITY u(k, o)"
      "    JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = u.k ORDER BY u.o), chr(31)),"
      "  pg_get_triggerdef(g.oid), pn.nspname, p.proname, encode(g.tgargs, 'hex'), gd.description"
      " FROM pg_trigger g JOIN pg_class c ON c.oid = g.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace"
      " JOIN pg_proc p ON p.oid = g.tgfoid JOIN pg_namespace pn ON pn.oid = p.pronamespace"
      " LEFT JOIN pg_description gd ON gd.objoid = g.oid AND gd.classoid = 'pg_trigger'::regclass AND gd.objsubid = 0"
      " WHERE NOT g.tgisinternal AND g.tgconstraint = 0 AND g.tgparentid = 0 AND c.relkind IN ('r', 'v', 'p') AND") + kSchemaFilter +
      " ORDER BY 1, 2, 3", scope);
  for (const auto& r : rows) {
    std::vector<Trigger>* on = triggers_of(m, QName{r[0].c_str(), r[1].c_str()});
    if (!on) continue;
    Trigger g;
    g.table = QName{r[0].c_str(), r[1].c_str()};
    g.name = r[2].c_str();
    int type = r[3].as<int>();
    g.for_each = type & 1 ? "row" : "statement";
    g.timing = type & 2 ? "before" : type & 64 ? "instead of" : "after";
    for (auto [bit, event] : {std::pair{4, "insert"}, {16, "update"}, {8, "delete"}, {32, "truncate"}})
      if (type & bit) g.events.push_back(event);
    g.update_of = split(r[4]);
    std::string def = r[5].c_str();
    std::string head = g.for_each == "row" ? " FOR EACH ROW WHEN (" : " FOR EACH STATEMENT WHEN (";
    auto when = def.find(head), tail = def.rfind(") EXECUTE FUNCTION ");
    if (when != std::string::npos && tail != std::string::npos && tail > when + head.size())
      g.when = def.substr(when + head.size(), tail - when - head.size());
    std::string schema = r[6].c_str();
    std::string call = (schema == "public" ? "" : printed_ident(schema) + ".") + printed_ident(r[7].c_str()) + "(";
    auto args = trigger_arguments(r[8].c_str());
    for (size_t i = 0; i < args.size(); ++i) call += (i ? ", " : "") + quote_literal(args[i]);
    g.execute = call + ")";
    g.comment = opt(r[9]);
    on->push_back(g);
  }
  for (const auto& [owner, ref] : read_dependencies(tx, scope,
           "SELECT g.oid, 'pg_trigger'::regclass, n.nspname, c.relname, g.tgname, c.oid"
           " FROM pg_trigger g JOIN pg_class c ON c.oid = g.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace"
           " WHERE NOT g.tgisinternal AND")) {
    if (std::vector<Trigger>* on = triggers_of(m, owner.name))
      for (auto& g : *on)
        if (g.name == owner.sub) g.depends_on.push_back(ref);
  }
}

/// Views: the query as the server prints it, options, comment, columns; then what each uses, from
/// pg_depend through its rewrite rule (tables and their columns, views, sequences, types).
void read_views(pqxx::transaction_base& tx, const char* scope, Model& m) {
  auto rows = tx.exec_params(std::string(
      "SELECT n.nspname, c.relname, pg_get_viewdef(c.oid),"
      "  EXISTS (SELECT 1 FROM pg_options_to_table(c.reloptions) WHERE option_name = 'security_barrier' AND option_value = 'true'),"
      "  EXISTS (SELECT 1 FROM pg_options_to_table(c.reloptions) WHERE option_name = 'security_invoker' AND option_value = 'true'),"
      "  (SELECT option_value FROM pg_options_to_table(c.reloptions) WHERE option_name = 'check_option'),"
      "  vd.description,"
      "  array_to_string(ARRAY(SELECT a.attname || ' ' || format_type(a.atttypid, a.atttypmod) FROM pg_attribute a"
      "        WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum), chr(31)),"
      "  c.relkind = 'm', c.relispopulated"
      " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
      " LEFT JOIN pg_description vd ON vd.objoid = c.oid AND vd.classoid = 'pg_class'::regclass AND vd.objsubid = 0"
      " WHERE c.relkind IN ('v', 'm') AND") + kSchemaFilter + " AND" + kNotExtensionMember +
      " ORDER BY 1, 2", scope);
  for (const auto& r : rows) {
    QName name{r[0].c_str(), r[1].c_str()};
    std::string query = r[2].c_str();  // as printed, without the statement's ';' and the spaces around
    while (!query.empty() && (query.back() == ';' || std::isspace(static_cast<unsigned char>(query.back())))) query.pop_back();
    query.erase(0, query.find_first_not_of(" \n\t"));
    if (r[8].as<bool>()) {
      MaterializedView v;
      v.name = name;
      v.query = query;
      v.with_data = r[9].as<bool>();
      v.comment = opt(r[6]);
      v.columns = split(r[7]);
      m.materialized_views[name] = v;
      continue;
    }
    View v;
    v.name = name;
    v.query = query;
    v.security_barrier = r[3].as<bool>();
    v.security_invoker = r[4].as<bool>();
    v.check_option = str(r[5]);
    v.comment = opt(r[6]);
    v.columns = split(r[7]);
    m.views[name] = v;
  }
  for (const auto& [owner, ref] : read_dependencies(tx, scope,
           "SELECT rw.oid, 'pg_rewrite'::regclass, n.nspname, v.relname, '', v.oid"
           " FROM pg_rewrite rw JOIN pg_class v ON v.oid = rw.ev_class AND v.relkind IN ('v', 'm')"
           " JOIN pg_namespace n ON n.oid = v.relnamespace WHERE")) {
    if (auto it = m.views.find(owner.name); it != m.views.end()) it->second.depends_on.push_back(ref);
    if (auto it = m.materialized_views.find(owner.name); it != m.materialized_views.end()) it->second.depends_on.push_back(ref);
  }
}

/// The sequence of a serial column stays with its column: it is not a standalone sequence, and
/// the column's default (which the model does not carry) does not use one.
void drop_serial_sequences(Model& m) {
  for (auto& [name, t] : m.tables)
    for (auto& c : t.columns)
      if (c.sequence && !serial_base(c.type).empty()) {
        m.sequences.erase(*c.sequence);
        c.default_uses.clear();
      }
}

/// Views, functions, triggers, policies and other kinds reconcile leaves alone, with the
/// table columns they depend on.
void read_unmanaged(pqxx::transaction_base& tx, const char* scope, Model& m) {
  auto rows = tx.exec_params(std::string(
      "WITH objs AS ("
      "  SELECT 'foreign table' AS kind, n.nspname, c.relname AS name, 'pg_class'::regclass AS classid, c.oid"
      "  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
      "  WHERE c.relkind = 'f'"
      "    AND") + kSchemaFilter + " AND" + kNotExtensionMember +
      "  UNION ALL SELECT CASE p.prokind WHEN 'p' THEN 'procedure' WHEN 'a' THEN 'aggregate' ELSE 'function' END,"
      "    n.nspname, p.proname || '(' || pg_get_function_identity_arguments(p.oid) || ')',"
      "    'pg_proc'::regclass, p.oid"
      "  FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace"
      "  WHERE (p.prokind NOT IN ('f', 'p') OR p.prolang IN (SELECT oid FROM pg_language WHERE lanname IN ('c', 'internal')))"
      "    AND" + kSchemaFilter +
      "    AND NOT EXISTS (SELECT 1 FROM pg_depend e WHERE e.classid = 'pg_proc'::regclass AND e.objid = p.oid"
      "      AND e.deptype = 'e')"
      "  UNION ALL SELECT 'trigger', n.nspname, t.tgname || ' on ' || c.relname, 'pg_trigger'::regclass, t.oid"
      "  FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace"
      "  WHERE NOT t.tgisinternal AND t.tgparentid = 0 AND (t.tgconstraint <> 0 OR c.relkind NOT IN ('r', 'v', 'p')) AND" + kSchemaFilter +
      "  UNION ALL SELECT 'policy', n.nspname, p.polname || ' on ' || c.relname, 'pg_policy'::regclass, p.oid"
      "  FROM pg_policy p JOIN pg_class c ON c.oid = p.polrelid JOIN pg_namespace n ON n.oid = c.relnamespace"
      "  WHERE c.relkind NOT IN ('r', 'p') AND" + kSchemaFilter +
      "  UNION ALL SELECT 'type', n.nspname, t.typname, 'pg_type'::regclass, t.oid"
      "  FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace"
      "  WHERE t.typtype = 'r' AND" + kSchemaFilter +
      "    AND NOT EXISTS (SELECT 1 FROM pg_depend e WHERE e.classid = 'pg_type'::regclass AND e.objid = t.oid"
      "      AND e.deptype = 'e')"
      "  UNION ALL SELECT 'exclusion constraint', n.nspname, x.conname || ' on ' || c.relname,"
      "    'pg_constraint'::regclass, x.oid"
      "  FROM pg_constraint x JOIN pg_class c ON c.oid = x.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace"
      "  WHERE x.contype = 'x' AND c.relkind NOT IN ('r', 'p') AND" + kSchemaFilter +
      ")"
      " SELECT o.kind, o.nspname, o.name, dn.nspname, dc.relname, COALESCE(da.attname, '')"
      " FROM objs o"
      " LEFT JOIN pg_rewrite rw ON o.classid = 'pg_class'::regclass AND rw.ev_class = o.oid"
      " LEFT JOIN pg_depend d ON d.refclassid = 'pg_class'::regclass AND d.refobjid <> o.oid AND d.deptype = 'n'"
      "   AND ((d.classid = 'pg_rewrite'::regclass AND d.objid = rw.oid)"
      "     OR (d.classid = o.classid AND d.objid = o.oid AND o.classid <> 'pg_class'::regclass))"
      " LEFT JOIN pg_class dc ON dc.oid = d.refobjid AND dc.relkind IN ('r', 'p')"
      " LEFT JOIN pg_namespace dn ON dn.oid = dc.relnamespace"
      " LEFT JOIN pg_attribute da ON da.attrelid = d.refobjid AND da.attnum = d.refobjsubid AND d.refobjsubid > 0"
      " ORDER BY 1, 2, 3, 4, 5, 6", scope);
  for (const auto& r : rows) {
    QName q{r[1].c_str(), r[2].c_str()};
    if (m.unmanaged.empty() || m.unmanaged.back().name != q || m.unmanaged.back().kind != r[0].c_str())
      m.unmanaged.push_back(UnmanagedObject{r[0].c_str(), q, {}});
    if (!r[4].is_null()) m.unmanaged.back().depends_on.emplace_back(QName{r[3].c_str(), r[4].c_str()}, str(r[5]));
  }
}

}  // namespace

bool excluded(const std::vector<std::string>& patterns, const QName& name) {
  std::string full = name.schema + "." + name.name;
  for (const auto& p : patterns) {
    if (p.find('.') != std::string::npos ? fnmatch(p.c_str(), full.c_str(), 0) == 0
                                         : name.schema == "public" && fnmatch(p.c_str(), name.name.c_str(), 0) == 0)
      return true;
  }
  return false;
}

std::vector<std::string> bookkeeping_excludes(const Model& desired) {
  std::vector<std::string> out;
  for (const char* table : {"alembic_version", "flyway_schema_history", "schema_migrations"}) {
    bool declared = std::any_of(desired.tables.begin(), desired.tables.end(),
                                [&](const auto& t) { return t.first.name == table; });
    if (!declared) out.push_back(std::string("*.") + table);
  }
  return out;
}

/// Properties of the read tables and columns that the model does not carry yet, for a warning.
void read_uncarried(pqxx::transaction_base& tx, const char* scope, Model& m) {
  auto rows = tx.exec_params(std::string(
      "SELECT n.nspname, c.relname, NULL::text,"
      "  'TABLESPACE ' || (SELECT spcname FROM pg_tablespace WHERE oid = c.reltablespace)"
      " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind IN ('r', 'p') AND") + kSchemaFilter +
      "   AND c.reltablespace <> 0"
      " UNION ALL SELECT n.nspname, c.relname, a.attname,"
      "  concat_ws(', ', CASE WHEN a.attstorage <> t.typstorage THEN 'STORAGE ' || CASE a.attstorage WHEN 'p' THEN 'PLAIN'"
      "      WHEN 'e' THEN 'EXTERNAL' WHEN 'm' THEN 'MAIN' ELSE 'EXTENDED' END END,"
      "    CASE WHEN a.attcompression <> '' THEN 'COMPRESSION ' || CASE a.attcompression WHEN 'p' THEN 'pglz' ELSE 'lz4' END END,"
      "    CASE WHEN a.attstattarget > 0 THEN 'STATISTICS ' || a.attstattarget END)"
      " FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace"
      " JOIN pg_type t ON t.oid = a.atttypid"
      " WHERE c.relkind = 'r' AND a.attnum > 0 AND NOT a.attisdropped AND" + kSchemaFilter +
      "   AND (a.attstorage <> t.typstorage OR a.attcompression <> '' OR a.attstattarget > 0)"
      " ORDER BY 1, 2, 3 NULLS FIRST", scope);
  for (const auto& r : rows) {
    QName table{r[0].c_str(), r[1].c_str()};
    if (!m.tables.count(table)) continue;
    m.uncarried.emplace_back(table, (r[2].is_null() ? "table " + table.str() : "column " + table.str() + "." + r[2].c_str()) +
                                        " (" + r[3].c_str() + ")");
  }
}

/// The options of the read tables that are not the default: REPLICA IDENTITY, row-level
/// security, the partition key of a partitioned table, the parent and bound of a partition,
/// UNLOGGED and storage parameters.
void read_table_options(pqxx::transaction_base& tx, const char* scope, Model& m) {
  auto rows = tx.exec_params(std::string(
      "SELECT n.nspname, c.relname, c.relreplident,"
      "  (SELECT ic.relname FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid WHERE i.indrelid = c.oid AND i.indisreplident),"
      "  c.relrowsecurity, c.relforcerowsecurity, CASE WHEN c.relkind = 'p' THEN pg_get_partkeydef(c.oid) END,"
      "  pn.nspname, p.relname, pg_get_expr(c.relpartbound, c.oid), c.relpersistence = 'u',"
      "  array_to_string(ARRAY(SELECT o FROM unnest(c.reloptions) o ORDER BY o), chr(31))"
      " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
      " LEFT JOIN pg_inherits i ON c.relispartition AND i.inhrelid = c.oid"
      " LEFT JOIN pg_class p ON p.oid = i.inhparent LEFT JOIN pg_namespace pn ON pn.oid = p.relnamespace"
      " WHERE c.relkind IN ('r', 'p')"
      "   AND (c.relreplident <> 'd' OR c.relrowsecurity OR c.relforcerowsecurity OR c.relkind = 'p' OR c.relispartition"
      "     OR c.relpersistence = 'u' OR c.reloptions IS NOT NULL)"
      "   AND") + kSchemaFilter, scope);
  for (const auto& r : rows) {
    auto it = m.tables.find(QName{r[0].c_str(), r[1].c_str()});
    if (it == m.tables.end()) continue;
    Table& t = it->second;
    std::string identity = r[2].c_str();
    if (identity != "d") t.replica_identity = identity == "f" ? "full" : identity == "n" ? "nothing" : "using index " + str(r[3]);
    t.row_level_security = r[4].as<bool>();
    t.force_row_level_security = r[5].as<bool>();
    t.partition_by = str(r[6]);
    if (!r[8].is_null()) t.partition_of = QName{r[7].c_str(), r[8].c_str()};
    t.bound = str(r[9]);
    t.unlogged = r[10].as<bool>();
    t.with = split(r[11]);
  }
}

/// The policies of the read tables, with the roles they apply to (sorted, "public" for PUBLIC),
/// their expressions and what those use (pg_depend).
void read_policies(pqxx::transaction_base& tx, const char* scope, Model& m) {
  auto rows = tx.exec_params(std::string(
      "SELECT n.nspname, c.relname, p.polname, p.polcmd, p.polpermissive,"
      "  array_to_string(ARRAY(SELECT CASE WHEN r.oid = 0 THEN 'public' ELSE (SELECT a.rolname FROM pg_roles a WHERE a.oid = r.oid) END"
      "    FROM unnest(p.polroles) r(oid) ORDER BY 1), chr(31)),"
      "  pg_get_expr(p.polqual, p.polrelid), pg_get_expr(p.polwithcheck, p.polrelid), pd.description"
      " FROM pg_policy p JOIN pg_class c ON c.oid = p.polrelid JOIN pg_namespace n ON n.oid = c.relnamespace"
      " LEFT JOIN pg_description pd ON pd.objoid = p.oid AND pd.classoid = 'pg_policy'::regclass AND pd.objsubid = 0"
      " WHERE c.relkind IN ('r', 'p') AND") + kSchemaFilter + " ORDER BY 1, 2, 3", scope);
  for (const auto& r : rows) {
    auto it = m.tables.find(QName{r[0].c_str(), r[1].c_str()});
    if (it == m.tables.end()) continue;
    Policy p;
    p.table = it->first;
    p.name = r[2].c_str();
    char cmd = r[3].c_str()[0];
    p.command = cmd == 'r' ? "select" : cmd == 'a' ? "insert" : cmd == 'w' ? "update" : cmd == 'd' ? "delete" : "all";
    p.permissive = r[4].as<bool>();
    p.roles = split(r[5]);
    p.using_expr = str(r[6]);
    p.with_check = str(r[7]);
    p.comment = opt(r[8]);
    it->second.policies.push_back(p);
  }
  for (const auto& [owner, ref] : read_dependencies(tx, scope,
           "SELECT p.oid, 'pg_policy'::regclass, n.nspname, c.relname, p.polname, c.oid"
           " FROM pg_policy p JOIN pg_class c ON c.oid = p.polrelid JOIN pg_namespace n ON n.oid = c.relnamespace WHERE")) {
    if (auto it = m.tables.find(owner.name); it != m.tables.end())
      for (auto& p : it->second.policies)
        if (p.name == owner.sub) p.depends_on.push_back(ref);
  }
}

/// The privileges roles other than the owner hold on the read tables, views, sequences, columns,
/// functions and schemas (an object never granted on has its kind's defaults: EXECUTE for PUBLIC
/// on a function), in canonical form.
void read_grants(pqxx::transaction_base& tx, const char* scope, Model& m) {
  const char* who = "CASE WHEN a.grantee = 0 THEN 'public' ELSE pg_get_userbyid(a.grantee) END, lower(a.privilege_type), a.is_grantable";
  auto rows = tx.exec_params(std::string(
      "SELECT 'r', n.nspname, c.relname, '', ") + who +
      " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace,"
      "  aclexplode(coalesce(c.relacl, acldefault((CASE WHEN c.relkind = 'S' THEN 's' ELSE 'r' END)::\"char\", c.relowner))) a"
      " WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S') AND a.grantee <> c.relowner AND" + kSchemaFilter +
      " UNION ALL SELECT 'c', n.nspname, c.relname, t.attname, " + who +
      " FROM pg_attribute t JOIN pg_class c ON c.oid = t.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace,"
      "  aclexplode(t.attacl) a"
      " WHERE t.attacl IS NOT NULL AND c.relkind IN ('r', 'p', 'v', 'm') AND a.grantee <> c.relowner AND" + kSchemaFilter +
      " UNION ALL SELECT p.prokind::text, n.nspname, p.proname, oidvectortypes(p.proargtypes), " + who +
      " FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace, aclexplode(coalesce(p.proacl, acldefault('f'::\"char\", p.proowner))) a"
      " WHERE p.prokind IN ('f', 'p') AND a.grantee <> p.proowner AND" + kSchemaFilter +
      " UNION ALL SELECT 'T', n.nspname, t.typname, '', " + who +
      " FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace, aclexplode(coalesce(t.typacl, acldefault('T'::\"char\", t.typowner))) a"
      " WHERE t.typtype IN ('e', 'd', 'c') AND a.grantee <> t.typowner AND" + kSchemaFilter +
      " UNION ALL SELECT 'n', n.nspname, '', '', " + who +
      " FROM pg_namespace n, aclexplode(coalesce(n.nspacl, acldefault('n'::\"char\", n.nspowner))) a"
      " WHERE a.grantee <> n.nspowner AND" + kSchemaFilter, scope);
  std::map<std::vector<std::string>, std::set<PrivilegeAtom>> atoms;  // kind, schema, name, signature -> atoms
  for (const auto& r : rows) {
    std::string kind = r[0].c_str();
    std::string column = kind == "c" ? r[3].c_str() : "";
    std::string signature = kind == "f" || kind == "p" ? r[3].c_str() : "";
    if (kind == "c") kind = "r";
    atoms[{kind, r[1].c_str(), r[2].c_str(), signature}].insert({r[4].c_str(), r[5].c_str(), column, r[6].as<bool>()});
  }
  for (const auto& [key, set] : atoms) {
    QName q{key[1], key[2]};
    std::vector<Grant>* grants = nullptr;
    if (key[0] == "n") {
      if (auto it = m.schemas.find(key[1]); it != m.schemas.end()) grants = &it->second.grants;
    } else if (key[0] == "T") {
      if (auto e = m.enums.find(q); e != m.enums.end()) grants = &e->second.grants;
      else if (auto d = m.domains.find(q); d != m.domains.end()) grants = &d->second.grants;
      else if (auto t = m.types.find(q); t != m.types.end()) grants = &t->second.grants;
    } else if (key[0] == "f" || key[0] == "p") {
      if (auto it = m.functions.find(function_ref(q, key[3], key[0] == "p")); it != m.functions.end()) grants = &it->second.grants;
    } else if (auto t = m.tables.find(q); t != m.tables.end()) {
      grants = &t->second.grants;
    } else if (auto v = m.views.find(q); v != m.views.end()) {
      grants = &v->second.grants;
    } else if (auto mv = m.materialized_views.find(q); mv != m.materialized_views.end()) {
      grants = &mv->second.grants;
    } else if (auto s = m.sequences.find(q); s != m.sequences.end()) {
      grants = &s->second.grants;
    }
    if (grants) *grants = canonical_grants(set);
  }
}

/// The default privileges of the read schemas (ALTER DEFAULT PRIVILEGES ... IN SCHEMA); those for
/// the role that reads them (the one that applies plans) without for_role.
void read_default_privileges(pqxx::transaction_base& tx, const char* scope, Model& m) {
  auto rows = tx.exec_params(std::string(
      "SELECT n.nspname, CASE WHEN d.defaclrole = (SELECT oid FROM pg_roles WHERE rolname = current_user) THEN ''"
      "  ELSE pg_get_userbyid(d.defaclrole) END,"
      "  CASE d.defaclobjtype WHEN 'r' THEN 'tables' WHEN 'S' THEN 'sequences' WHEN 'f' THEN 'functions' ELSE 'types' END,"
      "  CASE WHEN a.grantee = 0 THEN 'public' ELSE pg_get_userbyid(a.grantee) END, lower(a.privilege_type), a.is_grantable"
      " FROM pg_default_acl d JOIN pg_namespace n ON n.oid = d.defaclnamespace, aclexplode(d.defaclacl) a"
      " WHERE d.defaclobjtype IN ('r', 'S', 'f', 'T') AND") + kSchemaFilter, scope);
  std::map<std::string, std::vector<DefaultPrivileges>> found;
  for (const auto& r : rows) {
    Grant g{r[3].c_str(), {r[4].c_str()}, {}, r[5].as<bool>()};
    found[r[0].c_str()].push_back({r[2].c_str(), r[1].c_str(), {g}});
  }
  for (auto& [schema, entries] : found)
    if (auto it = m.schemas.find(schema); it != m.schemas.end()) it->second.default_privileges = canonical_default_privileges(entries);
}

/// Which read tables inherit from which (parents in any schema).
void read_inheritance(pqxx::transaction_base& tx, const char* scope, Model& m) {
  auto rows = tx.exec_params(std::string(
      "SELECT n.nspname, c.relname, pn.nspname, p.relname FROM pg_inherits i"
      " JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_namespace n ON n.oid = c.relnamespace"
      " JOIN pg_class p ON p.oid = i.inhparent JOIN pg_namespace pn ON pn.oid = p.relnamespace"
      " WHERE c.relkind = 'r' AND p.relkind = 'r' AND") + kSchemaFilter + " ORDER BY 1, 2, i.inhseqno", scope);
  for (const auto& r : rows)
    if (auto it = m.tables.find(QName{r[0].c_str(), r[1].c_str()}); it != m.tables.end())
      it->second.inherits.push_back(QName{r[2].c_str(), r[3].c_str()});
}

namespace {

TablePartRows table_part_rows(pqxx::transaction_base& tx, const InspectScope& scope) {
  auto scope_text = scope_param(scope);
  const char* param = scope_text ? scope_text->c_str() : nullptr;
  return {constraint_rows(tx, param), index_rows(tx, param)};
}

/// Reads the live schema with `tx`; the constraint and index rows come from `parts` when the
/// columns, sequences, views and functions are read.
template <class Parts>
Model inspect_with(pqxx::transaction_base& tx, const InspectScope& scope, Parts parts) {
  auto scope_text = scope_param(scope);
  const char* param = scope_text ? scope_text->c_str() : nullptr;
  Model m;
  read_schemas(tx, param, m);
  read_extensions(tx, m);
  read_enums(tx, param, m);
  read_domains(tx, param, m);
  read_types(tx, param, m);
  read_columns(tx, param, m, scope.exclude);
  read_sequences(tx, param, m);
  read_views(tx, param, m);
  read_functions(tx, param, m);
  TablePartRows rows = parts();
  add_constraints(rows.constraints, m);
  add_indexes(rows.indexes, m);
  read_part_dependencies(tx, param, m);
  read_domain_dependencies(tx, param, m);
  drop_serial_sequences(m);
  read_triggers(tx, param, m);
  read_policies(tx, param, m);
  read_inheritance(tx, param, m);
  read_table_options(tx, param, m);
  if (scope.grants) {
    read_grants(tx, param, m);
    read_default_privileges(tx, param, m);
  }
  read_uncarried(tx, param, m);
  read_unmanaged(tx, param, m);
  return m;
}

/// The session settings of a catalog read. The catalog queries are many joins over small tables:
/// JIT compiling them costs more than it saves (1.2 s of 1.9 s for the index query at 5,000
/// tables), and their sorts fit in memory.
void catalog_settings(pqxx::transaction_base& tx) { tx.exec("SET LOCAL jit = off; SET LOCAL work_mem = '64MB'"); }

}  // namespace

Model inspect(pqxx::transaction_base& tx, const InspectScope& scope) {
  return inspect_with(tx, scope, [&] { return table_part_rows(tx, scope); });
}

Model inspect_database(const std::string& conninfo, const InspectScope& scope) {
  auto conn = connect(conninfo);
  // Constraints and indexes are read on a second connection meanwhile: the server runs each
  // connection's query on a core of its own (at 5,000 tables they are 1.0 s of the 2.5 s the
  // catalog reads take). Each query sees the catalog as it is when it starts, on one connection as
  // on two.
  auto side = std::async(std::launch::async, [&] {
    auto side_conn = connect(conninfo);
    pqxx::read_transaction side_tx(*side_conn);
    catalog_settings(side_tx);
    return table_part_rows(side_tx, scope);
  });
  pqxx::read_transaction tx(*conn);
  try {
    catalog_settings(tx);
    return inspect_with(tx, scope, [&] { return side.get(); });
  } catch (const pqxx::sql_error& e) {
    throw Error("reading the catalog of " + redact_conninfo(conninfo) + " failed: " + e.what());
  }
}

}  // namespace reconcile
