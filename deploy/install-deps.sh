#!/usr/bin/env bash
# Installs every Debian package that building, running and testing techpool needs.
# Idempotent: when everything is present it only checks and returns in seconds.
set -euo pipefail

packages=(
  build-essential pkg-config make gcc clang libclang-rt-14-dev clang-format
  libmicrohttpd-dev libjansson-dev libpq-dev libsodium-dev
  check libsubunit-dev libcurl4-openssl-dev libxlsxwriter-dev libzip-dev libexpat1-dev
  python3 python3-openpyxl python3-aiosmtpd
  postgresql-15 postgresql-contrib postgresql-15-rum postgresql-15-auto-failover
  pg-auto-failover-cli
  chromium fonts-wqy-microhei unzip procps curl ca-certificates
  wrk nginx-light
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done
# Node.js may come from Debian or from elsewhere already on the machine; npm ships with some builds.
command -v node >/dev/null 2>&1 || missing+=(nodejs)
command -v npm >/dev/null 2>&1 || missing+=(npm)

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all packages present"
  exit 0
fi

sudo=""
if [ "$(id -u)" -ne 0 ]; then
  sudo="sudo"
fi
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
