# Shared by deploy/backup.sh and deploy/restore.sh (sourced, not run): how they read the
# settings file the services read, and which flask they call.

# Read KEY=value lines as systemd's EnvironmentFile= does (never run as shell: a URL's "&"
# or a password's "$" stays as it is); quotes around a whole value are taken off.
load_env_file() {
    local line key value
    while IFS= read -r line || [ -n "$line" ]; do
        line=${line#"${line%%[![:space:]]*}"}
        case "$line" in ''|'#'*|';'*) continue ;; esac
        key=${line%%=*}
        value=${line#*=}
        key=${key%"${key##*[![:space:]]}"}
        value=${value#"${value%%[![:space:]]*}"}
        case "$value" in \"*\") value=${value:1:-1} ;; \'*\') value=${value:1:-1} ;; esac
        export "$key=$value"
    done < "$1"
}

# FLASK_CMD: $FLASK split into words, else the release's flask, else the one on PATH.
find_flask() {
    if [ -z "${FLASK:-}" ]; then
        if [ -x /srv/trainhub/.venv/bin/flask ]; then FLASK=/srv/trainhub/.venv/bin/flask; else FLASK=flask; fi
    fi
    read -r -a FLASK_CMD <<< "$FLASK"
}
