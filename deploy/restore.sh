#!/usr/bin/env bash
# Restore trainhub from a backup made by `flask backup DIRECTORY` (trainhub/backup.py).
#
#   sudo deploy/restore.sh /var/backups/trainhub/trainhub-2026-12-06T193000Z
#
# The runbook, step by step (each step prints what it does; any failure stops the script):
#   1. check the backup's files against its manifest     flask backup verify
#      (and that pg_restore, the administrator's psql and the files' owner are there)
#   2. stop every app, worker and timer                  systemctl stop trainhub-*
#   3. drop the database and create it again, owned by the app's role
#                                                        DROP DATABASE / CREATE DATABASE … OWNER
#   4. restore the dump as that role                     pg_restore --no-owner --role=…
#   5. put the upload folder back (the old one is kept beside it, renamed)
#   6. compare every table and file with the manifest    flask backup compare
#   7. list the mail that was waiting at the backup      flask backup pending-mail
# Nothing is started again: decide about that mail first (step 7 says how), then start the
# units the script names at the end.
#
# Settings, from the environment:
#   TRAINHUB_ENV_FILE  the environment file the services read, for TRAINHUB_DATABASE_URL,
#                      TRAINHUB_UPLOAD_FOLDER and the rest (default /etc/trainhub/trainhub.env;
#                      empty: the settings already in this shell's environment)
#   FLASK              the flask command (default /srv/trainhub/.venv/bin/flask, else `flask`)
#   TRAINHUB_UNITS     systemd units to stop, timers first (default 'trainhub-*.timer
#                      trainhub-*.service': every trainhub unit loaded); empty on a spare
#                      machine with nothing running
#   PG_ADMIN           a psql command line as a PostgreSQL superuser (or a role with CREATEDB
#                      that is a member of the app's role), for DROP and CREATE DATABASE
#                      (default `runuser -u postgres -- psql`: the local server's socket).
#                      For a managed server e.g. 'psql -h db.example.org -U admin'
#   PG_BIN             where pg_restore is (default: the backup's server version,
#                      /usr/lib/postgresql/<major>/bin, else PATH)
#   TRAINHUB_USER      with root, the restored files are given to this user (default
#                      trainhub; empty: left as in the backup)
set -euo pipefail

# load_env_file and find_flask.
# shellcheck source=deploy/settings.sh
source "$(dirname "$(readlink -f "$0")")/settings.sh"

die() { echo "restore.sh: $*" >&2; exit 1; }
step() { echo; echo "== $*"; }

[ $# -eq 1 ] || die "usage: $0 BACKUP_FOLDER (a trainhub-<time> folder made by flask backup)"
BACKUP=$(cd "$1" && pwd) || die "no such folder: $1"

ENV_FILE=${TRAINHUB_ENV_FILE-/etc/trainhub/trainhub.env}
if [ -n "$ENV_FILE" ]; then
    [ -r "$ENV_FILE" ] || die "cannot read $ENV_FILE (set TRAINHUB_ENV_FILE, or empty to use this shell's settings)"
    load_env_file "$ENV_FILE"
fi
find_flask
flask() { "${FLASK_CMD[@]}" --app trainhub "$@"; }
UNITS=${TRAINHUB_UNITS-trainhub-*.timer trainhub-*.service}
read -r -a PG_ADMIN_CMD <<< "${PG_ADMIN:-runuser -u postgres -- psql}"
RESTORE_USER=${TRAINHUB_USER-trainhub}
LIBPQ_VARS=(PGHOST PGPORT PGUSER PGDATABASE PGPASSWORD PGSSLMODE PGSSLROOTCERT PGSSLCERT PGSSLKEY
            PGCONNECT_TIMEOUT PGAPPNAME PGTARGETSESSIONATTRS)
# The administrator's psql, without the app's connection settings (exported below).
admin_psql() {
    local unset=()
    for name in "${LIBPQ_VARS[@]}"; do unset+=(-u "$name"); done
    env "${unset[@]}" "${PG_ADMIN_CMD[@]}" -X -q -v ON_ERROR_STOP=1 "$@"
}
STARTED=$(date +%s)

step "1. Checking the backup against its manifest, and the tools"
flask backup verify "$BACKUP"
eval "$(flask backup restore-env "$BACKUP")"
# Everything the later steps need, checked before anything is stopped or dropped.
if [ "$TRAINHUB_DB_BACKEND" = postgresql ]; then
    PG_RESTORE=""
    for candidate in "${PG_BIN:+$PG_BIN/pg_restore}" "/usr/lib/postgresql/$TRAINHUB_BACKUP_PG_MAJOR/bin/pg_restore" "$(command -v pg_restore || true)"; do
        if [ -n "$candidate" ] && [ -x "$candidate" ]; then PG_RESTORE=$candidate; break; fi
    done
    [ -n "$PG_RESTORE" ] || die "pg_restore not found: install the PostgreSQL $TRAINHUB_BACKUP_PG_MAJOR client tools, or set PG_BIN"
    RESTORE_MAJOR=$("$PG_RESTORE" --version | sed -E 's/^[^)]*\) ([0-9]+).*/\1/')
    [ "$RESTORE_MAJOR" = "$TRAINHUB_BACKUP_PG_MAJOR" ] || die "$PG_RESTORE is version $RESTORE_MAJOR; the dump is of PostgreSQL $TRAINHUB_BACKUP_PG_MAJOR: set PG_BIN to that version's folder"
    admin_psql -At -d postgres -c "SELECT 1" >/dev/null || die "cannot connect as the administrator with: ${PG_ADMIN_CMD[*]} (set PG_ADMIN)"
fi
if [ "$(id -u)" = 0 ] && [ -n "$RESTORE_USER" ]; then
    id "$RESTORE_USER" >/dev/null 2>&1 || die "no user $RESTORE_USER to own the files (set TRAINHUB_USER, or empty)"
fi
echo "ready"

step "2. Stopping every trainhub app, worker and timer"
ACTIVE=""
if [ -n "$UNITS" ]; then
    command -v systemctl >/dev/null || die "systemctl not found: stop the app, mail worker and jobs by hand, then run with TRAINHUB_UNITS=''"
    read -r -a UNIT_PATTERNS <<< "$UNITS"
    ACTIVE=$(systemctl list-units --plain --no-legend --state=active "${UNIT_PATTERNS[@]}" | awk '{print $1}' | tr '\n' ' ')
    for pattern in "${UNIT_PATTERNS[@]}"; do systemctl stop "$pattern"; done
    STILL=$(systemctl list-units --plain --no-legend --state=active "${UNIT_PATTERNS[@]}" | awk '{print $1}')
    [ -z "$STILL" ] || die "still running: $STILL"
    echo "stopped: ${ACTIVE:-nothing was running}"
else
    echo "TRAINHUB_UNITS is empty: nothing stopped (make sure nothing uses the database)"
fi

if [ "$TRAINHUB_DB_BACKEND" = postgresql ]; then
    NAME_RE='^[A-Za-z_][A-Za-z0-9_]*$'
    [[ "$PGDATABASE" =~ $NAME_RE ]] || die "database name '$PGDATABASE': use letters, digits and _ only"
    [[ "$PGUSER" =~ $NAME_RE ]] || die "role name '$PGUSER': use letters, digits and _ only"

    step "3. Creating the database $PGDATABASE again, owned by $PGUSER"
    BUSY=$(admin_psql -At -d postgres -c "SELECT count(*) FROM pg_stat_activity WHERE datname = '$PGDATABASE' AND pid <> pg_backend_pid()")
    if [ "$BUSY" != 0 ]; then
        admin_psql -d postgres -c "SELECT pid, usename, application_name, client_addr, state FROM pg_stat_activity WHERE datname = '$PGDATABASE'"
        die "$BUSY connection(s) to $PGDATABASE: stop whatever holds them (a mail worker, a job, a psql on another machine) and run this again"
    fi
    admin_psql -d postgres -c "DROP DATABASE IF EXISTS \"$PGDATABASE\""
    admin_psql -d postgres -c "CREATE DATABASE \"$PGDATABASE\" OWNER \"$PGUSER\" ENCODING 'UTF8' TEMPLATE template0"

    step "4. Restoring the dump as $PGUSER with $PG_RESTORE"
    "$PG_RESTORE" --no-owner --role="$PGUSER" --dbname="$PGDATABASE" --no-password \
        --exit-on-error --single-transaction "$BACKUP/database.dump"
elif [ "$TRAINHUB_DB_BACKEND" = sqlite ]; then
    step "3-4. Putting the SQLite file back (SQLite is for trying trainhub out)"
    if [ -e "$TRAINHUB_SQLITE_FILE" ]; then
        mv "$TRAINHUB_SQLITE_FILE" "$TRAINHUB_SQLITE_FILE.before-restore-$STARTED"
        echo "the old file is kept as $TRAINHUB_SQLITE_FILE.before-restore-$STARTED"
    fi
    install -m 0600 "$BACKUP/database.sqlite" "$TRAINHUB_SQLITE_FILE"
else
    die "cannot restore a $TRAINHUB_DB_BACKEND database"
fi

if [ "$TRAINHUB_BACKUP_STORAGE" = local ]; then
    step "5. Putting the upload folder back: $TRAINHUB_UPLOAD_DIR"
    if [ -e "$TRAINHUB_UPLOAD_DIR" ]; then
        mv "$TRAINHUB_UPLOAD_DIR" "$TRAINHUB_UPLOAD_DIR.before-restore-$STARTED"
        echo "the old folder is kept as $TRAINHUB_UPLOAD_DIR.before-restore-$STARTED: remove it once the restore is checked"
    fi
    install -d -m 0700 "$TRAINHUB_UPLOAD_DIR"
    tar --extract --file="$BACKUP/uploads.tar" --directory="$TRAINHUB_UPLOAD_DIR" --no-same-owner
    if [ "$(id -u)" = 0 ] && [ -n "$RESTORE_USER" ]; then
        chown -R "$RESTORE_USER:" "$TRAINHUB_UPLOAD_DIR"
        [ "$TRAINHUB_DB_BACKEND" != sqlite ] || chown "$RESTORE_USER:" "$TRAINHUB_SQLITE_FILE"
    fi
else
    step "5. Files are in the bucket: nothing to copy"
    echo "Its versioning is the backup: $BACKUP/uploads-s3.json lists every object (key, size,"
    echo "ETag) the dump refers to. Bring back any deleted or overwritten one from its versions."
fi

step "6. Comparing the database and the files with the manifest"
flask backup compare "$BACKUP"

step "7. Mail that was waiting when the backup was taken"
flask backup pending-mail "$BACKUP"
cat <<EOF

These messages go out again once the mail worker starts. Some may have been sent after the
backup was taken. To stop them, before starting anything:
    flask backup pending-mail $BACKUP --mark-sent    (kept in the outbox, marked sent)
    flask backup pending-mail $BACKUP --discard      (deleted)
On a copy (a drill, a test machine) do one of these, or point TRAINHUB_SMTP_HOST at a sink.

Restored in $(( $(date +%s) - STARTED )) s from $(basename "$BACKUP").
EOF
if [ -n "$ACTIVE" ]; then
    echo "Then start again what was running:  systemctl start $ACTIVE"
fi
