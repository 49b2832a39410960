#!/usr/bin/env bash
# Start PostgreSQL and Redis on 127.0.0.1 when they are not answering; wait until they do.
set -euo pipefail
if ! pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then
  echo "Starting PostgreSQL"
  version="$(ls /etc/postgresql 2>/dev/null | sort -V | tail -n 1)"
  if [ -z "$version" ]; then
    echo "PostgreSQL is not installed" >&2
    exit 1
  fi
  pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
fi
if ! redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
  echo "Starting Redis"
  mkdir -p /var/lib/redis /var/log/redis
  redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
    --dir /var/lib/redis --logfile /var/log/redis/ci.log
fi
up=0
for _ in $(seq 1 60); do
  if pg_isready -q -h 127.0.0.1 -p 5432 && redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
    up=1
    break
  fi
  sleep 1
done
if [ "$up" -ne 1 ]; then
  echo "PostgreSQL or Redis did not come up on 127.0.0.1" >&2
  exit 1
fi
# The database `make run` uses when DATABASE_URL points here; tests make their own.
if ! psql -h 127.0.0.1 -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname='sopstudio'" | grep -q 1; then
  createdb -h 127.0.0.1 -U postgres sopstudio
fi
