"""Imports a module written by `reconcile generate sqlalchemy` and compares its metadata with a
database through Alembic's own autogenerate comparison (types and server defaults included).
Prints each difference and exits 1 when there is any.

usage: compare_models.py MODELS.py DATABASE_URL
"""
import importlib.util
import sys

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext


def load(path):
    spec = importlib.util.spec_from_file_location("generated_models", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def same_default(context, inspected_column, metadata_column, inspected_default, metadata_default, rendered_metadata_default):
    """A default spelt exactly as the server prints it is the same; anything else is left to Alembic.
    (Alembic 1.8 strips the leading quote of a string column's "'a'::some_enum" and then fails.)"""
    arg = getattr(metadata_column.server_default, "arg", None)
    text = getattr(arg, "text", arg)
    if inspected_default is not None and text == inspected_default:
        return False
    # Alembic reads a nextval() default of a sequence that some table's column of the same name owns
    # as a serial, and drops it (a table that inherits such a column has the parent's default).
    if inspected_default is None and isinstance(text, str) and text.startswith("nextval("):
        return False
    return None


def main(path, url):
    metadata = load(path).Base.metadata
    managed = [t for t in metadata.tables.values() if not t.info.get("reconcile")]
    schemas = {t.schema for t in managed}
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        # Partitions are not generated (rows go through their partitioned table).
        partitions = {
            (schema, name)
            for schema, name in conn.execute(
                sa.text("SELECT n.nspname, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relispartition")
            )
        }

        def include_name(name, type_, parent_names):
            if type_ == "schema":
                return name in schemas
            if type_ == "table":
                return (parent_names.get("schema_name") or "public", name) not in partitions
            return True

        def include_object(obj, name, type_, reflected, compare_to):
            if type_ == "table":
                return not obj.info.get("reconcile")
            # A foreign key to a partitioned table has one more, made by the server, to each partition.
            if type_ == "foreign_key_constraint" and reflected:
                return (obj.referred_table.schema or "public", obj.referred_table.name) not in partitions
            return True

        context = MigrationContext.configure(
            conn,
            opts={
                "compare_type": True,
                "compare_server_default": same_default,
                "include_schemas": True,
                "include_name": include_name,
                "include_object": include_object,
            },
        )
        differences = compare_metadata(context, metadata)
    for d in differences:
        print(d)
    print(f"{len(managed)} tables compared, {len(differences)} differences")
    return 1 if differences else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
