#!/usr/bin/env bash
# A real PostgreSQL primary and streaming replica on loopback, a small generated caseload, and
# `manage.py replica_check`: lists and reports read from the replica, the customer page from the
# primary. Everything is made in a temporary folder and removed again. As root, the servers run
# as the `postgres` user (PostgreSQL refuses root). Usage: bash scripts/replica_check.sh
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -Vr | head -n 1)
[[ -x $BIN/initdb ]] || { echo "PostgreSQL server binaries not found (apt-get install postgresql)"; exit 1; }
TMP=$(mktemp -d /tmp/kontaktdichte-replica.XXXXXX)
RUNAS=()
if [[ $EUID -eq 0 ]]; then chown postgres: "$TMP"; RUNAS=(runuser -u postgres --); fi
as_pg() { (cd "$TMP" && "${RUNAS[@]}" "$@"); }
port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
P1=$(port); P2=$(port)
cleanup() {
    as_pg "$BIN/pg_ctl" -D "$TMP/replica" -m fast stop >/dev/null 2>&1 || true
    as_pg "$BIN/pg_ctl" -D "$TMP/primary" -m fast stop >/dev/null 2>&1 || true
    rm -rf "$TMP"
}
trap cleanup EXIT

as_pg "$BIN/initdb" -D "$TMP/primary" -U kontaktdichte --auth=trust --no-sync >/dev/null
cat >>"$TMP/primary/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
unix_socket_directories = '$TMP'
wal_level = replica
max_wal_senders = 4
fsync = off
CONF
echo "host replication all 127.0.0.1/32 trust" >>"$TMP/primary/pg_hba.conf"
as_pg "$BIN/pg_ctl" -D "$TMP/primary" -o "-p $P1" -l "$TMP/primary.log" -w start >/dev/null
"$BIN/createdb" -h 127.0.0.1 -p "$P1" -U kontaktdichte kontaktdichte
as_pg "$BIN/pg_basebackup" -h 127.0.0.1 -p "$P1" -U kontaktdichte -D "$TMP/replica" -R --wal-method=stream
as_pg "$BIN/pg_ctl" -D "$TMP/replica" -o "-p $P2" -l "$TMP/replica.log" -w start >/dev/null
echo "primary on 127.0.0.1:$P1, streaming replica on 127.0.0.1:$P2"

export DATABASE_URL="postgres://kontaktdichte@127.0.0.1:$P1/kontaktdichte"
export DATABASE_REPLICA_URL="postgres://kontaktdichte@127.0.0.1:$P2/kontaktdichte"
export SECRET_KEY=${SECRET_KEY:-replica-check-only} SECURE_COOKIES=false ALLOWED_HOSTS=testserver,127.0.0.1
PY=.venv/bin/python
$PY manage.py migrate --noinput -v 0
$PY manage.py loaddata rulesets -v 0
$PY manage.py generate_caseload --customers 2000 --seed 1 --job-centre coburg-land >/dev/null
sleep 2  # let the replica replay the primary's WAL
$PY manage.py replica_check
