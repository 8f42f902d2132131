#!/usr/bin/env bash
# The nightly backup: `flask backup`, a check of what it wrote, and old backups removed.
#
#   deploy/backup.sh [DIRECTORY]        (default /var/backups/trainhub)
#
# Run it as the app's user (it reads the upload folder and connects as the app's database
# role), from a timer or cron on one machine, e.g. a systemd service with
# `User=trainhub`, `EnvironmentFile=/etc/trainhub/trainhub.env` and
# `ExecStart=/srv/trainhub/deploy/backup.sh`. Each backup is a folder
# DIRECTORY/trainhub-<UTC time>/ of mode 0700 with files of mode 0600 (trainhub/backup.py).
# Copy DIRECTORY off the machine (encrypted) with the council's usual backup tool.
#
# Settings, from the environment:
#   TRAINHUB_ENV_FILE  read first if set and readable (default /etc/trainhub/trainhub.env;
#                      empty: the settings already in the environment, as systemd gives them)
#   FLASK              the flask command (default /srv/trainhub/.venv/bin/flask, else `flask`)
#   KEEP_DAYS          backups older than this many days are removed (default 35; 0: none)
set -euo pipefail

# load_env_file and find_flask.
# shellcheck source=deploy/settings.sh
source "$(dirname "$(readlink -f "$0")")/settings.sh"

DIRECTORY=${1:-/var/backups/trainhub}
ENV_FILE=${TRAINHUB_ENV_FILE-/etc/trainhub/trainhub.env}
if [ -n "$ENV_FILE" ] && [ -r "$ENV_FILE" ]; then
    load_env_file "$ENV_FILE"
fi
find_flask
KEEP_DAYS=${KEEP_DAYS:-35}

umask 077
"${FLASK_CMD[@]}" --app trainhub backup "$DIRECTORY"
NEWEST=$(find "$DIRECTORY" -mindepth 1 -maxdepth 1 -type d -name 'trainhub-*' | sort | tail -n 1)
"${FLASK_CMD[@]}" --app trainhub backup verify "$NEWEST"

if [ "$KEEP_DAYS" -gt 0 ]; then
    # Only whole backups older than KEEP_DAYS, never the one just made.
    find "$DIRECTORY" -mindepth 1 -maxdepth 1 -type d -name 'trainhub-*' -mtime "+$KEEP_DAYS" \
        ! -path "$NEWEST" -print -exec rm -rf {} +
    # A run killed half-way leaves a hidden .trainhub-…partial folder: remove it after a day.
    find "$DIRECTORY" -mindepth 1 -maxdepth 1 -type d -name '.trainhub-*.partial' -mtime +1 \
        -print -exec rm -rf {} +
fi
