#!/usr/bin/env bash
# import (a part of `make bench`, or alone against any daemon): writes a CSV of ROWS achievements
# (default 5,000, the most one file may hold; Chinese titles, abstracts of about 300 characters,
# a patent number and keywords per row) and imports it as an institution twice: "create" stores
# every row, "again" finds nothing to change. Samples the daemon's VmRSS every 50 ms meanwhile.
# Prints one JSON line per run:
#   {"kind":"import","run":"create","status":200,"seconds":..,"rows":..,"created":..,
#    "updated":..,"bytes":..,"rss_before_kb":..,"rss_peak_kb":..}
#
#   tests/bench/import.sh URL TOKEN WORK_DIR DAEMON_PID [ROWS]
#
# URL: the daemon's base URL; TOKEN: a bearer token of institution staff whose institution has
# no achievement with an external_ref starting "bench-"; WORK_DIR: where the file goes.
set -euo pipefail

url=$1 token=$2 work=$3 pid=$4 rows=${5:-5000}
file=$work/import-$rows.csv

# The file: UTF-8 with a byte-order mark, as the template; quoting for the commas in abstracts.
{
  printf '\xEF\xBB\xBF'
  printf 'external_ref,title,abstract,field,kind,patent_numbers,keywords,maturity,'
  printf 'trial_months,payment_mode,reference_fee_fen,royalty_bp,exclusive\r\n'
  awk -v rows="$rows" 'BEGIN {
    split("新材料 集成电路 生物医药 人工智能 新能源", fields, " ")
    abstract = ""
    for (i = 0; i < 12; i++)
      abstract = abstract "本成果涉及一种连续制备高导热石墨烯膜的方法，卷对卷工艺，"
    for (n = 1; n <= rows; n++) {
      printf "bench-%05d,石墨烯导热膜制备技术第%d号,\"%s编号%d。\",%s,发明专利,", n, n, abstract, n, fields[n % 5 + 1]
      printf "ZL202110123456.7,石墨烯；导热膜；批次%d,%d,%d,分期付款,%d,0,否\r\n", n % 50, n % 9 + 1, n % 36 + 1, n * 100
    }
  }'
} > "$file"
bytes=$(stat -c %s "$file")

rss_kb() { sed -n 's/^VmRSS:[[:space:]]*\([0-9]*\) kB/\1/p' "/proc/$pid/status"; }

run() {
  local name=$1 before peak sampler reply status seconds
  before=$(rss_kb)
  (
    set +e
    peak=0
    while kill -0 "$pid" 2>/dev/null; do
      kb=$(rss_kb)
      [ "${kb:-0}" -gt "$peak" ] && peak=$kb && echo "$peak" > "$work/import-peak"
      sleep 0.05
    done
  ) &
  sampler=$!
  echo "$before" > "$work/import-peak"
  reply=$(curl -sS -H "Authorization: Bearer $token" -H 'Content-Type: text/csv' \
    --data-binary "@$file" -w '\n%{http_code} %{time_total}' "$url/api/v1/achievements/import")
  sleep 0.2
  kill "$sampler" 2>/dev/null || true
  wait "$sampler" 2>/dev/null || true
  peak=$(cat "$work/import-peak")
  read -r status seconds <<< "$(tail -1 <<< "$reply")"
  count() { sed -n "s/.*\"$1\": *\([0-9]*\).*/\1/p" <<< "$(head -1 <<< "$reply")"; }
  printf '{"kind":"import","server":"techpool","run":"%s","status":%s,"seconds":%s,"rows":%s,"created":%s,"updated":%s,"bytes":%s,"rss_before_kb":%s,"rss_peak_kb":%s}\n' \
    "$name" "$status" "$seconds" "$(count rows)" "$(count created)" "$(count updated)" \
    "$bytes" "$before" "$peak"
  if [ "$status" != 200 ]; then
    head -c 600 <<< "$reply" >&2
    echo >&2
  fi
}

run create
run again
