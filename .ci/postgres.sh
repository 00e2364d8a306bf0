#!/bin/sh
# Makes sure the PostgreSQL server binaries (initdb, pg_ctl, postgres, psql) are installed for the
# integration tests, which start a throw-away server of their own (test/integration). Also
# installs BusyBox, so the tmp-cleanup script is run with BusyBox's sh and find as well as with
# dash and GNU find. Idempotent: installs nothing when both are already there.
set -eu

have_postgres() {
  command -v initdb >/dev/null 2>&1 && return 0
  for bin in /usr/lib/postgresql/*/bin/initdb; do
    [ -x "$bin" ] && return 0
  done
  return 1
}

missing=
have_postgres || missing="$missing postgresql"
command -v busybox >/dev/null 2>&1 || missing="$missing busybox"
if [ -z "$missing" ]; then
  echo "postgres.sh: PostgreSQL and BusyBox are installed"
  exit 0
fi

# shellcheck disable=SC2086 # one word per package
sh "$(dirname "$0")/apt-install.sh" postgres.sh $missing
have_postgres || { echo "postgres.sh: initdb still not found after installing postgresql" >&2; exit 1; }
echo "postgres.sh: done"
