#!/usr/bin/env bash
# System packages the local engines (deploy/engines) need.  Idempotent and non-interactive;
# run as root (CI and the developer machines are root).
#
#   PostgreSQL 15  installed from Debian if /usr/lib/postgresql/15/bin/postgres is missing
#   Chromium       installed from Debian if /usr/bin/chromium is missing (browser tests drive
#                  it with playwright-core; no browser is ever downloaded by npm)
#   Java 17, Maven checked only: Kafka and Elasticsearch jars are fetched by Maven at run time
#
# Usage: bash deploy/install-system-deps.sh [--postgres-only | --browser-only]
#   --postgres-only  skip the Java/Maven check (deploy/engines/postgres.py uses this)
#   --browser-only   only Chromium (make browser-deps)
set -euo pipefail

PG_BIN=/usr/lib/postgresql/15/bin
JAVA_MAVEN_HINT="Java 17 and Maven are required: apt-get install -y openjdk-17-jdk-headless maven"

postgres_only=false
browser_only=false
for arg in "$@"; do
  case "$arg" in
    --postgres-only) postgres_only=true ;;
    --browser-only) browser_only=true ;;
    -h | --help) sed -n '2,14p' "$0"; exit 0 ;;
    *) echo "unknown argument: $arg" >&2; exit 2 ;;
  esac
done

install_postgres() {
  if [ -x "$PG_BIN/postgres" ]; then
    echo "PostgreSQL 15: present ($PG_BIN)"
    return
  fi
  if [ "$(id -u)" -ne 0 ]; then
    echo "PostgreSQL 15 is missing and installing it needs root: sudo bash $0" >&2
    exit 1
  fi
  # The engines run their own throwaway clusters; without this the package would also
  # create and start a system-wide "main" cluster on port 5432 that nothing uses.
  mkdir -p /etc/postgresql-common
  if [ ! -e /etc/postgresql-common/createcluster.conf ]; then
    echo "create_main_cluster = false" > /etc/postgresql-common/createcluster.conf
  fi
  echo "PostgreSQL 15: installing from Debian"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update
  apt-get install -y --no-install-recommends postgresql
  if [ ! -x "$PG_BIN/postgres" ]; then
    echo "apt installed a PostgreSQL other than 15 (not Debian 12?): set VMP_PG_BIN to its bin dir" >&2
    exit 1
  fi
}

check_java_and_maven() {
  local missing=()
  command -v java > /dev/null || missing+=(java)
  command -v mvn > /dev/null || missing+=(mvn)
  if [ "${#missing[@]}" -gt 0 ]; then
    echo "missing: ${missing[*]}. $JAVA_MAVEN_HINT" >&2
    exit 1
  fi
  # `java -version` prints e.g. 'openjdk version "17.0.15" 2025-04-15' on stderr.
  local major
  major=$(java -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -n 1)
  if [ -z "$major" ] || [ "$major" -lt 17 ]; then
    echo "java ${major:-?} found, 17 or newer needed. $JAVA_MAVEN_HINT" >&2
    exit 1
  fi
  echo "Java $major and Maven: present"
}

install_chromium() {
  if [ -x /usr/bin/chromium ]; then
    echo "Chromium: present (/usr/bin/chromium)"
    return
  fi
  if [ "$(id -u)" -ne 0 ]; then
    echo "Chromium is missing and installing it needs root: sudo bash $0 --browser-only" >&2
    exit 1
  fi
  echo "Chromium: installing from Debian"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update
  # fonts-liberation: text metrics like the fonts people have, for the screenshots.
  apt-get install -y --no-install-recommends chromium fonts-liberation
}

install_node() {
  if command -v node > /dev/null && command -v npm > /dev/null; then
    echo "Node $(node --version) and npm: present"
    return
  fi
  if [ "$(id -u)" -ne 0 ]; then
    echo "Node.js and npm are missing and installing them needs root" >&2
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update
  apt-get install -y --no-install-recommends nodejs npm
}

if [ "$browser_only" = true ]; then
  install_node
  install_chromium
  exit 0
fi
install_postgres
if [ "$postgres_only" = false ]; then
  check_java_and_maven
fi
