#!/usr/bin/env bash
# `make run`: a private PostgreSQL under var/ (unless TECHPOOL_DATABASE_URL is set), migrations,
# demo data loaded once, and the daemon in the foreground on http://127.0.0.1:8080 until Ctrl-C.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
bin=build/release/techpool
own_cluster=no

if [ -z "${TECHPOOL_DATABASE_URL:-}" ]; then
  own_cluster=yes
  TECHPOOL_DATABASE_URL=$(deploy/pg.sh start "$root/var/pg")
  export TECHPOOL_DATABASE_URL
  echo "PostgreSQL: private cluster in var/pg ($TECHPOOL_DATABASE_URL)"
fi
export TECHPOOL_LISTEN=${TECHPOOL_LISTEN:-127.0.0.1:8080}
export TECHPOOL_STATIC_DIR=${TECHPOOL_STATIC_DIR:-$root/static}
export TECHPOOL_MIGRATIONS_DIR=${TECHPOOL_MIGRATIONS_DIR:-$root/sql/migrations}

stop_cluster() {
  if [ "$own_cluster" = yes ]; then
    deploy/pg.sh stop "$root/var/pg" || true
    echo "PostgreSQL stopped; the data stays in var/pg"
  fi
}
trap stop_cluster EXIT

"$bin" migrate
"$bin" seed-demo   # loads nothing when the pool already has data

cat <<MSG

  techpool is starting on http://$TECHPOOL_LISTEN   (Ctrl-C stops it)

  Demo accounts (demo data only; every password is techpool-demo-2026):
    admin@techpool.demo            administrator of the whole delta
    admin.sh@techpool.demo         province administrator, Shanghai
    admin.js@techpool.demo         province administrator, Jiangsu
    admin.zj@techpool.demo         province administrator, Zhejiang
    admin.ah@techpool.demo         province administrator, Anhui
    tto@sjtu.demo                  staff of 上海交通大学 (Shanghai)
    tto@nju.demo                   staff of 南京大学 (Jiangsu)
    tto@zju.demo                   staff of 浙江大学 (Zhejiang)
    tto@ustc.demo                  staff of 中国科学技术大学 (Anhui)
                                   (every institution has one: tto@<short name>.demo)
    engineer@xinxin-chip.demo      staff of 芯芯微电子（苏州）有限公司, an integrated-circuit SME
    bd@ruikang-bio.demo            staff of 上海瑞康生物医药有限公司, a pharmaceutical SME

MSG
"$bin" serve &
daemon=$!
trap 'kill -TERM $daemon 2>/dev/null || true' INT TERM
wait $daemon || true
wait $daemon 2>/dev/null || true
