#!/usr/bin/env bash
# Makes sure the services the tests talk to are installed and running on their usual local ports:
# PostgreSQL 5432 (trust auth for 127.0.0.1, database "test"), Redis 6379, RabbitMQ 5672 (guest/guest).
# Idempotent: a service that already answers is left alone. Needs root (or sudo) only to install or start.
set -euo pipefail

SUDO=""
[ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null 2>&1 && SUDO="sudo"
apt_updated=""

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

wait_port() { # port, name
  for _ in $(seq 1 60); do port_open "$1" && return 0; sleep 1; done
  echo "services: $2 did not come up on port $1" >&2; return 1
}

apt_install() {
  if [ -z "$apt_updated" ]; then $SUDO apt-get update -qq; apt_updated=1; fi
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "$@" >/dev/null
}

ensure_postgres() {
  if ! port_open 5432; then
    command -v pg_ctlcluster >/dev/null 2>&1 || apt_install postgresql
    local version
    version=$(ls /etc/postgresql | sort -V | tail -1)
    local hba="/etc/postgresql/$version/main/pg_hba.conf"
    # Tests connect as postgres without a password, as on the CI machines.
    if ! $SUDO grep -q '^host all all 127.0.0.1/32 trust' "$hba"; then
      echo 'host all all 127.0.0.1/32 trust' | $SUDO tee -a "$hba" >/dev/null
      $SUDO sed -i '0,/^host/s//#host/' "$hba"
    fi
    $SUDO pg_ctlcluster --skip-systemctl-redirect "$version" main start
    wait_port 5432 PostgreSQL
  fi
  if ! psql -h 127.0.0.1 -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname='test'" 2>/dev/null | grep -q 1; then
    psql -h 127.0.0.1 -U postgres -c "CREATE DATABASE test" >/dev/null
  fi
}

ensure_redis() {
  port_open 6379 && return 0
  command -v redis-server >/dev/null 2>&1 || apt_install redis-server
  $SUDO redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no >/dev/null
  wait_port 6379 Redis
}

ensure_rabbitmq() {
  port_open 5672 && return 0
  command -v rabbitmq-server >/dev/null 2>&1 || apt_install rabbitmq-server
  $SUDO rabbitmq-server -detached >/dev/null 2>&1
  wait_port 5672 RabbitMQ
}

# OpenCV's Haar cascades (Debian's opencv-data) for face detection; without them CHIMP runs with detection off.
ensure_face_cascade() {
  [ -f /usr/share/opencv4/haarcascades/haarcascade_frontalface_default.xml ] || apt_install opencv-data
}

# Debian's headless Chromium and its driver for the browser tests (they skip without them, unless CHIMP_REQUIRE_SERVICES=1).
ensure_chromium() {
  [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ] || apt_install chromium chromium-driver
}

ensure_postgres
ensure_redis
ensure_rabbitmq
ensure_face_cascade
ensure_chromium
echo "services: PostgreSQL, Redis and RabbitMQ are up; face cascades and Chromium installed"
