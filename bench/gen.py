#!/usr/bin/env python3
"""Deterministic generator of realistic schemas for the benchmarks.

    gen.py --tables N --sql OUT.sql             the schema as SQL DDL (how "another tool" made the live database)
    gen.py --tables N --toml DIR [--mutate]     the same schema as reconcile TOML, one file per schema;
                                                with --mutate about 5% of the tables change

Each table has 12 columns (identity key, enum, numeric, boolean, jsonb, timestamps, defaults), a
unique key, two named checks, three indexes (one partial multi-column, one expression), a foreign key
to the previous table of its schema (every tenth also one to another schema) and comments; nine
tables in ten have an updated_at trigger (one trigger function per schema). Enums: one per 20
tables. Also a view per ten tables, a standalone sequence per 50, an SQL function per 100 and a
materialized view (with an index) per 200. The mutation adds, drops and alters columns, adds and
drops indexes and foreign keys, adds and drops tables, changes view queries and function bodies and
drops triggers, in equal shares.
"""
import argparse
import os
import random

SCHEMAS = ["app", "sales", "inventory", "audit"]
MUTATIONS = ["add_column", "drop_column", "alter_column", "add_index", "drop_index", "drop_fk", "add_table", "drop_table",
             "alter_view", "alter_function", "drop_trigger"]


def q(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def build(n):
    rng = random.Random(20261125)
    enums = []
    for e in range(max(1, n // 20)):
        count = rng.randint(3, 5)
        enums.append((SCHEMAS[e % len(SCHEMAS)], f"state_{e}", [f"s{e}_{v}" for v in range(count)]))
    tables = []
    previous = {}
    for i in range(n):
        schema = SCHEMAS[i % len(SCHEMAS)]
        name = f"t_{i:05d}"
        enum = enums[i % len(enums)]
        t = {
            "schema": schema, "name": name, "index": i,
            "comment": f"Table {i}: generated for the benchmark",
            "columns": [
                {"name": "id", "type": "bigint", "identity": "always"},
                {"name": "parent_id", "type": "bigint"},
                {"name": "name", "type": "text", "nullable": False, "comment": "Display name"},
                {"name": "code", "type": "varchar(32)", "nullable": False},
                {"name": "status", "type": f"{enum[0]}.{enum[1]}", "nullable": False, "default": f"'{enum[2][0]}'"},
                {"name": "amount", "type": "numeric(12,2)", "nullable": False, "default": "0"},
                {"name": "qty", "type": "integer", "default": "0"},
                {"name": "active", "type": "boolean", "nullable": False, "default": "true"},
                {"name": "created_at", "type": "timestamptz", "nullable": False, "default": "now()"},
                {"name": "updated_at", "type": "timestamptz"},
                {"name": "payload", "type": "jsonb"},
                {"name": "note", "type": "text"},
            ],
            "unique": [["code"]],
            "checks": [(f"{name}_amount_nn", "amount >= 0"), (f"{name}_qty_nn", "qty >= 0")],
            "indexes": [
                {"name": f"ix_{name}_parent", "columns": ["parent_id"]},
                {"name": f"ix_{name}_status_created", "columns": ["status", "created_at DESC"], "where": "active"},
                {"name": f"ix_{name}_lower_name", "columns": ["(lower(name))"]},
            ],
            "fks": [],
            "trigger": i % 10 != 3,
        }
        if schema in previous:
            t["fks"].append({"columns": ["parent_id"], "table": previous[schema], "on_delete": "set null"})
        if i % 10 == 9:
            t["columns"].append({"name": "ref_id", "type": "bigint"})
            other = tables[i - 1]
            t["fks"].append({"columns": ["ref_id"], "table": f"{other['schema']}.{other['name']}", "on_delete": "cascade"})
            t["indexes"].append({"name": f"ix_{name}_ref", "columns": ["ref_id"]})
        previous[schema] = f"{schema}.{name}"
        tables.append(t)
    return enums, tables, objects_over(tables)


def objects_over(tables):
    """Views, sequences, functions and materialized views over some of the tables."""
    objects = {"views": [], "sequences": [], "functions": [], "matviews": []}
    for t in tables:
        i, full = t["index"], f"{t['schema']}.{t['name']}"
        if i < 0:
            continue
        if i % 10 == 0:
            objects["views"].append({"schema": t["schema"], "name": f"v_{t['name']}", "table": full,
                                     "query": f"SELECT id, name, amount FROM {full} WHERE active"})
        if i % 50 == 0:
            objects["sequences"].append({"schema": t["schema"], "name": f"seq_{t['name']}", "start": 1000 + i})
        if i % 100 == 0:
            objects["functions"].append({"schema": t["schema"], "name": f"count_{t['name']}", "table": full,
                                         "body": f"SELECT count(*) FROM {full} WHERE parent_id = p"})
        if i % 200 == 0:
            objects["matviews"].append({"schema": t["schema"], "name": f"mv_{t['name']}", "table": full,
                                        "query": f"SELECT status, count(*) AS n FROM {full} GROUP BY status"})
    return objects


def mutate(enums, tables, objects):
    """Changes about 5% of the tables, cycling through the mutation kinds."""
    by_name = {f"{t['schema']}.{t['name']}": t for t in tables}
    dropped = set()
    added = []
    for k, t in enumerate(tables[7::20]):
        full = f"{t['schema']}.{t['name']}"
        kind = MUTATIONS[k % len(MUTATIONS)]
        if full in dropped:
            continue
        if kind == "add_column":
            t["columns"].append({"name": "extra", "type": "text", "comment": "added by the mutation"})
        elif kind == "drop_column":
            t["columns"] = [c for c in t["columns"] if c["name"] != "note"]
        elif kind == "alter_column":
            for c in t["columns"]:
                if c["name"] == "qty":
                    c["type"] = "bigint"
        elif kind == "add_index":
            t["indexes"].append({"name": f"ix_{t['name']}_updated", "columns": ["updated_at"]})
        elif kind == "drop_index":
            t["indexes"] = [ix for ix in t["indexes"] if not ix["name"].endswith("_lower_name")]
        elif kind == "drop_fk":
            t["fks"] = [fk for fk in t["fks"] if fk["columns"] != ["parent_id"]]
        elif kind == "add_table":
            added.append({
                "schema": t["schema"], "name": f"new_{t['name']}", "index": -1, "comment": "added by the mutation",
                "columns": [{"name": "id", "type": "bigint", "identity": "always"},
                            {"name": "owner_id", "type": "bigint", "nullable": False},
                            {"name": "label", "type": "text"}],
                "unique": [], "checks": [],
                "indexes": [{"name": f"ix_new_{t['name']}_owner", "columns": ["owner_id"]}],
                "fks": [{"columns": ["owner_id"], "table": full, "on_delete": "cascade"}],
            })
        elif kind == "drop_table":
            dropped.add(full)
        elif kind == "alter_view" and objects["views"]:
            objects["views"][k % len(objects["views"])]["query"] += " AND qty > 0"
        elif kind == "alter_function" and objects["functions"]:
            objects["functions"][k % len(objects["functions"])]["body"] += " AND active"
        elif kind == "drop_trigger":
            t["trigger"] = False
    for other in tables:  # nothing may point at a dropped table
        other["fks"] = [fk for fk in other["fks"] if fk["table"] not in dropped]
    kept = [t for t in tables if f"{t['schema']}.{t['name']}" not in dropped]
    for kind in ("views", "functions", "matviews"):
        objects[kind] = [o for o in objects[kind] if o["table"] not in dropped]
    return enums, kept + added, objects


def column_sql(c):
    out = f'"{c["name"]}" {c["type"]}'
    if c.get("identity"):
        out += f" GENERATED {c['identity'].upper()} AS IDENTITY"
    if c.get("default"):
        out += f" DEFAULT {c['default']}"
    if c.get("nullable", True) is False:
        out += " NOT NULL"
    return out


TOUCH_BODY = "BEGIN NEW.updated_at = now(); RETURN NEW; END"


def write_sql(enums, tables, objects, path):
    lines = [f'CREATE SCHEMA "{s}";' for s in SCHEMAS]
    for s in SCHEMAS:
        lines.append(f'CREATE FUNCTION "{s}".touch_updated_at() RETURNS trigger LANGUAGE plpgsql AS $$ {TOUCH_BODY} $$;')
    for schema, name, values in enums:
        lines.append(f'CREATE TYPE "{schema}"."{name}" AS ENUM ({", ".join(repr(v) for v in values)});')
    for t in tables:
        full = f'"{t["schema"]}"."{t["name"]}"'
        parts = [column_sql(c) for c in t["columns"]] + ['PRIMARY KEY ("id")']
        parts += ["UNIQUE (" + ", ".join(f'"{c}"' for c in u) + ")" for u in t["unique"]]
        parts += [f'CONSTRAINT "{n}" CHECK ({e})' for n, e in t["checks"]]
        lines.append(f"CREATE TABLE {full} (\n  " + ",\n  ".join(parts) + "\n);")
        lines.append(f"COMMENT ON TABLE {full} IS '{t['comment']}';")
        for c in t["columns"]:
            if c.get("comment"):
                lines.append(f"COMMENT ON COLUMN {full}.\"{c['name']}\" IS '{c['comment']}';")
        for ix in t["indexes"]:
            where = f" WHERE {ix['where']}" if ix.get("where") else ""
            lines.append(f'CREATE INDEX "{ix["name"]}" ON {full} ({", ".join(ix["columns"])}){where};')
        if t.get("trigger"):
            lines.append(f'CREATE TRIGGER "{t["name"]}_touch" BEFORE UPDATE ON {full} FOR EACH ROW '
                         f'EXECUTE FUNCTION "{t["schema"]}".touch_updated_at();')
    for t in tables:
        full = f'"{t["schema"]}"."{t["name"]}"'
        for fk in t["fks"]:
            rs, rn = fk["table"].split(".")
            cols = ", ".join(f'"{c}"' for c in fk["columns"])
            lines.append(f'ALTER TABLE {full} ADD FOREIGN KEY ({cols}) REFERENCES "{rs}"."{rn}" ("id") '
                         f'ON DELETE {fk["on_delete"].upper()};')
    for v in objects["views"]:
        lines.append(f'CREATE VIEW "{v["schema"]}"."{v["name"]}" AS {v["query"]};')
    for sq in objects["sequences"]:
        lines.append(f'CREATE SEQUENCE "{sq["schema"]}"."{sq["name"]}" START {sq["start"]};')
    for fn in objects["functions"]:
        lines.append(f'CREATE FUNCTION "{fn["schema"]}"."{fn["name"]}"(p bigint) RETURNS bigint LANGUAGE sql STABLE '
                     f'AS $$ {fn["body"]} $$;')
    for mv in objects["matviews"]:
        lines.append(f'CREATE MATERIALIZED VIEW "{mv["schema"]}"."{mv["name"]}" AS {mv["query"]};')
        lines.append(f'CREATE UNIQUE INDEX "ix_{mv["name"]}" ON "{mv["schema"]}"."{mv["name"]}" (status);')
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")


def inline(d):
    return "{ " + ", ".join(f"{k} = {v}" for k, v in d.items()) + " }"


def toml_column(c):
    d = {"name": q(c["name"]), "type": q(c["type"])}
    if "identity" in c:
        d["identity"] = q(c["identity"])
    if c.get("nullable", True) is False:
        d["nullable"] = "false"
    if "default" in c:
        d["default"] = q(c["default"])
    if "comment" in c:
        d["comment"] = q(c["comment"])
    return inline(d)


def write_toml(enums, tables, objects, out_dir):
    os.makedirs(out_dir, exist_ok=True)
    files = {s: [f"[schemas.{s}]\n", f'[functions."{s}.touch_updated_at"]\nreturns = "trigger"\nlanguage = "plpgsql"\n'
                                      f'body = " {TOUCH_BODY} "\n'] for s in SCHEMAS}
    for v in objects["views"]:
        files[v["schema"]].append(f'[views."{v["schema"]}.{v["name"]}"]\nquery = {q(v["query"])}\n')
    for sq in objects["sequences"]:
        files[sq["schema"]].append(f'[sequences."{sq["schema"]}.{sq["name"]}"]\nstart = {sq["start"]}\n')
    for fn in objects["functions"]:
        files[fn["schema"]].append(f'[functions."{fn["schema"]}.{fn["name"]}"]\narguments = "p bigint"\nreturns = "bigint"\n'
                                   f'language = "sql"\nvolatility = "stable"\nbody = {q(" " + fn["body"] + " ")}\n')
    for mv in objects["matviews"]:
        files[mv["schema"]].append(f'[materialized_views."{mv["schema"]}.{mv["name"]}"]\nquery = {q(mv["query"])}\n'
                                   f'indexes = [{{ name = "ix_{mv["name"]}", columns = ["status"], unique = true }}]\n')
    for schema, name, values in enums:
        files[schema].append(f'[enums."{schema}.{name}"]\nvalues = [{", ".join(q(v) for v in values)}]\n')
    for t in tables:
        lines = [f'[tables."{t["schema"]}.{t["name"]}"]', f"comment = {q(t['comment'])}", 'primary_key = ["id"]']
        lines.append("columns = [\n" + "".join(f"  {toml_column(c)},\n" for c in t["columns"]) + "]")
        if t["unique"]:
            lines.append("unique = [" + ", ".join(inline({"columns": "[" + ", ".join(q(c) for c in u) + "]"})
                                                for u in t["unique"]) + "]")
        if t["checks"]:
            lines.append("checks = [" + ", ".join(inline({"name": q(n), "expression": q(e)}) for n, e in t["checks"]) + "]")
        if t["fks"]:
            lines.append("foreign_keys = [" + ", ".join(
                inline({"columns": "[" + ", ".join(q(c) for c in fk["columns"]) + "]",
                        "references": inline({"table": q(fk["table"])}), "on_delete": q(fk["on_delete"])})
                for fk in t["fks"]) + "]")
        ixs = []
        for ix in t["indexes"]:
            d = {"name": q(ix["name"]), "columns": "[" + ", ".join(q(c) for c in ix["columns"]) + "]"}
            if ix.get("where"):
                d["where"] = q(ix["where"])
            ixs.append(inline(d))
        lines.append("indexes = [" + ", ".join(ixs) + "]")
        if t.get("trigger"):
            lines.append(f'triggers = [{{ name = "{t["name"]}_touch", timing = "before", events = ["update"], '
                         f'for_each = "row", execute = "{t["schema"]}.touch_updated_at()" }}]')
        files[t["schema"]].append("\n".join(lines) + "\n")
    for schema, parts in files.items():
        with open(os.path.join(out_dir, f"{schema}.toml"), "w") as f:
            f.write("\n".join(parts))


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--tables", type=int, required=True)
    p.add_argument("--sql")
    p.add_argument("--toml")
    p.add_argument("--mutate", action="store_true")
    a = p.parse_args()
    enums, tables, objects = build(a.tables)
    if a.mutate:
        enums, tables, objects = mutate(enums, tables, objects)
    if a.sql:
        write_sql(enums, tables, objects, a.sql)
    if a.toml:
        write_toml(enums, tables, objects, a.toml)


if __name__ == "__main__":
    main()
