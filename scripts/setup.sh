#!/usr/bin/env bash
# Installs what building and testing reconcile needs (Debian 12), when it is missing.
set -euo pipefail
packages=(build-essential cmake pkg-config libpqxx-dev libpq-dev libtomlplusplus-dev libboost-graph-dev
          libspdlog-dev libfmt-dev libcli11-dev catch2 libssl-dev postgresql-15 postgresql-client-15
          libcpp-httplib-dev alembic python3-psycopg2 python3-sqlalchemy python3-jsonschema)
# Node.js and npm, for the TypeScript compiler that checks generated types: the machine's own when it
# has them (a NodeSource nodejs carries npm), else Debian's.
if ! command -v npm >/dev/null 2>&1; then packages+=(nodejs npm); fi
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
echo "setup: installing ${missing[*]}"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
