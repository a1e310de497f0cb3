"""Validates TOML files against the JSON Schema that `reconcile schema json-schema` prints.

usage: validate_toml.py SCHEMA.json VALID_FILE... [--invalid INVALID_FILE...]
Each file before --invalid must validate, each after it must not. Prints what went otherwise and
exits 1 when anything did.
"""
import json
import sys
import tomllib

import jsonschema


def main(args):
    schema = json.load(open(args[0]))
    jsonschema.Draft7Validator.check_schema(schema)
    validator = jsonschema.Draft7Validator(schema)
    files = args[1:]
    split = files.index("--invalid") if "--invalid" in files else len(files)
    wrong = 0
    for i, path in enumerate(f for f in files if f != "--invalid"):
        with open(path, "rb") as f:
            doc = tomllib.load(f)
        errors = sorted(validator.iter_errors(doc), key=lambda e: list(e.path))
        expect_valid = i < split
        if expect_valid and errors:
            wrong += 1
            for e in errors:
                print(f"{path}: {'.'.join(str(p) for p in e.path)}: {e.message}")
        elif not expect_valid and not errors:
            wrong += 1
            print(f"{path}: validates, but should not")
    print(f"{len(files) - (split < len(files))} files, {wrong} not as expected")
    return 1 if wrong else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
