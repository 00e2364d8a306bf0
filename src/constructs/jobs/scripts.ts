/**
 * The shell scripts berth's built-in CronJobs run, as string constants: the construct puts the
 * text into the manifest (`sh -c <script>`), and the integration tests run the very same text
 * with the host's `sh`, `find` and `psql`.
 *
 * Both are POSIX sh and use only what BusyBox and GNU coreutils/findutils both provide (no
 * `find -delete`, which Debian's BusyBox leaves out; no `pipefail`, which dash lacks). They take
 * their input from env vars, print what they did, and never use `set -x`. They must not contain
 * tabs or trailing spaces, so the YAML emitter can write them as readable literal blocks.
 */

/**
 * Deletes regular files older than `TMP_MAX_AGE_HOURS` under `TMP_DIR`, then the empty
 * directories that are as old or that this run emptied, and prints every path removed and a
 * total.
 *
 * - `find -xdev` without `-L`: symbolic links are never followed (nor removed), nothing on
 *   another file system is touched, and `-mindepth 1` keeps the directory itself.
 * - Every pass walks the tree top-down: BusyBox's find applies `-xdev` only then (with `-depth`
 *   it descends into other file systems first), so empty directories are removed by repeating
 *   a top-down pass until it removes nothing, which also takes chains of them.
 * - An empty directory goes when it is older than the cut-off or was changed after the run
 *   started (a marker file in the directory, on the volume's own clock): a directory this run
 *   emptied goes, one the app has just created and not yet written to stays.
 * - `-prune` keeps find out of an empty directory it may just have removed; `rmdir` never
 *   removes a directory that is not empty. Removed paths are collected
 *   NUL-separated, so a name containing a newline counts once.
 */
export const TMP_CLEANUP_SCRIPT = `# berth tmp-cleanup: delete files older than TMP_MAX_AGE_HOURS under TMP_DIR.
set -eu
fail() {
  printf 'tmp-cleanup: %s\\n' "$*" >&2
  exit 2
}
dir=\${TMP_DIR:-}
hours=\${TMP_MAX_AGE_HOURS:-}
[ -n "$dir" ] || fail 'TMP_DIR is not set: set it to the directory to clean'
case $dir in
  /) fail 'TMP_DIR is /: set it to the directory that holds the temporary files' ;;
  /*) ;;
  *) fail "TMP_DIR must be an absolute path, got '$dir'" ;;
esac
case $hours in
  '' | *[!0-9]* | 0*) fail "TMP_MAX_AGE_HOURS must be a whole number of hours above 0, got '$hours'" ;;
esac
[ ! -L "$dir" ] || fail "TMP_DIR $dir is a symbolic link: set it to the directory itself"
[ -d "$dir" ] || fail "TMP_DIR $dir is not a directory: is the volume mounted?"
minutes=$((hours * 60))
list=$(mktemp)
marker=
trap 'rm -f "$list" \${marker:+"$marker"}' EXIT
marker=$(mktemp "$dir/.berth-tmp-cleanup.XXXXXX")
# Changes after the marker are at least a second newer (BusyBox compares whole seconds).
sleep 1
removed() {
  echo $(($(tr -cd '\\000' <"$list" | wc -c)))
}
status=0
find "$dir" -xdev -mindepth 1 -type f -mmin "+$minutes" \\
  -exec rm -f -- {} \\; -print0 >>"$list" || status=$?
while :; do
  before=$(removed)
  find "$dir" -xdev -mindepth 1 -type d -empty -prune \\( -mmin "+$minutes" -o -newer "$marker" \\) \\
    -exec rmdir -- {} \\; -print0 >>"$list" || status=$?
  [ "$(removed)" -gt "$before" ] || break
done
tr '\\000' '\\n' <"$list" | sed 's/^/removed /'
echo "tmp-cleanup: removed $(removed) paths older than $hours hours from $dir"
if [ "$status" -ne 0 ]; then
  echo "tmp-cleanup: find failed with status $status (see the errors above)" >&2
  exit "$status"
fi
`;

/**
 * Deletes rows older than `PRUNE_DAYS` days from each of `PRUNE_TABLES` (space-separated), in
 * batches of `PRUNE_BATCH_SIZE`, each batch its own short transaction with `lock_timeout` and
 * `statement_timeout` set, until a batch deletes nothing; prints the rows deleted per table.
 *
 * The database URL is read from the file named by `DATABASE_URL_FILE` (a mounted secret). A
 * SQLAlchemy URL (`postgresql+psycopg2://user:pass@host:5432/db`) is turned into one libpq
 * understands; the password is taken out of it, percent-decoded and handed to psql through
 * `PGPASSWORD`, so it is in no argument list and never printed. Table and column names are
 * checked again here (lower-case identifiers, optionally `schema.table`) and double-quoted.
 */
export const RETENTION_PRUNE_SCRIPT = `# berth retention-prune: delete rows older than PRUNE_DAYS days, in batches.
set -euf
fail() {
  printf 'retention-prune: %s\\n' "$*" >&2
  exit 2
}
ident() {
  [ \${#1} -le 63 ] || return 1
  case $1 in '' | [0-9]* | *[!a-z0-9_]*) return 1 ;; esac
}
qualified() {
  case $1 in
    *.*) ident "\${1%%.*}" && ident "\${1#*.}" ;;
    *) ident "$1" ;;
  esac
}
quoted() {
  case $1 in
    *.*) printf '"%s"."%s"' "\${1%%.*}" "\${1#*.}" ;;
    *) printf '"%s"' "$1" ;;
  esac
}
pct_decode() {
  _in=$1
  _out=
  while [ -n "$_in" ]; do
    case $_in in
      %[0-9A-Fa-f][0-9A-Fa-f]*)
        _hex=\${_in#%}
        _hex=\${_hex%"\${_hex#??}"}
        _out=$_out$(printf "\\\\$(printf '%03o' "$((0x$_hex))")")
        _in=\${_in#%??}
        ;;
      *)
        _out=$_out\${_in%"\${_in#?}"}
        _in=\${_in#?}
        ;;
    esac
  done
  printf '%s' "$_out"
}

tables=\${PRUNE_TABLES:-}
column=\${PRUNE_COLUMN:-created_at}
days=\${PRUNE_DAYS:-}
batch=\${PRUNE_BATCH_SIZE:-5000}
[ -n "$tables" ] || fail 'PRUNE_TABLES is not set: list the tables to prune, separated by spaces'
for table in $tables; do
  qualified "$table" || fail "table '$table' is not a plain SQL identifier: use lower-case letters, digits and _, optionally schema.table"
done
ident "$column" || fail "column '$column' is not a plain SQL identifier: use lower-case letters, digits and _"
case $days in '' | *[!0-9]* | 0*) fail "PRUNE_DAYS must be a whole number of days above 0, got '$days'" ;; esac
case $batch in '' | *[!0-9]* | 0*) fail "PRUNE_BATCH_SIZE must be a whole number above 0, got '$batch'" ;; esac

file=\${DATABASE_URL_FILE:-}
[ -n "$file" ] || fail 'DATABASE_URL_FILE is not set: set it to the path of the file holding the database URL'
[ -f "$file" ] && [ -r "$file" ] || fail "cannot read the database URL file $file (DATABASE_URL_FILE): is the secret mounted?"
url=
read -r url <"$file" || [ -n "$url" ] || fail "the database URL file $file is empty"
url=\${url%"$(printf '\\r')"}
case $url in
  postgresql://* | postgres://* | postgresql+*://* | postgres+*://*) ;;
  '') fail "the database URL file $file is empty" ;;
  *) fail "the database URL in $file is not a PostgreSQL URL: expected postgresql://... or postgresql+driver://..." ;;
esac
# SQLAlchemy names the driver in the scheme (postgresql+psycopg2://); libpq does not.
rest=\${url#*://}
authority=\${rest%%[/?]*}
tail=\${rest#"$authority"}
case $authority in
  *@*)
    userinfo=\${authority%@*}
    hostport=\${authority##*@}
    case $userinfo in
      *:*)
        PGPASSWORD=$(pct_decode "\${userinfo#*:}")
        export PGPASSWORD
        userinfo=\${userinfo%%:*}
        ;;
    esac
    conn="postgresql://$userinfo@$hostport$tail"
    ;;
  *) conn="postgresql://$authority$tail" ;;
esac
unset url rest authority userinfo
export PGAPPNAME=\${PGAPPNAME:-berth-retention-prune}
export PGCONNECT_TIMEOUT=\${PGCONNECT_TIMEOUT:-30}

col=$(quoted "$column")
cutoff="now() - make_interval(days => $days)"
echo "retention-prune: deleting rows older than $days days by $column from $tables, $batch rows per transaction"
for table in $tables; do
  t=$(quoted "$table")
  total=0
  while :; do
    n=$(psql -X -q -A -t -v ON_ERROR_STOP=1 -d "$conn" \\
      -c "SET lock_timeout = '5s'" \\
      -c "SET statement_timeout = '5min'" \\
      -c "WITH batch AS (DELETE FROM $t WHERE ctid = ANY (ARRAY(SELECT ctid FROM $t WHERE $col < $cutoff LIMIT $batch)) AND $col < $cutoff RETURNING 1) SELECT count(*) FROM batch") ||
      fail "$table: the delete failed after $total rows (see the error above)"
    case $n in '' | *[!0-9]*) fail "$table: psql answered '$n' instead of a row count" ;; esac
    total=$((total + n))
    [ "$n" -gt 0 ] || break
    [ "$n" -lt "$batch" ] || echo "retention-prune: $table: $total rows so far"
  done
  echo "retention-prune: $table: deleted $total rows"
done
`;
