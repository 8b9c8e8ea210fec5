#!/usr/bin/env bash
# Side-by-side: Expothesis.Fast vs the PostgreSQL peer (load/peer: same Kestrel, same JSON, Npgsql binary COPY per
# batch with synchronous_commit=on). Same generated batches over HTTP, server side pinned to core 0 (Expothesis alone;
# peer app + PostgreSQL together), load generator pinned to core 1.
#
# usage: load/compare-postgres.sh [--events 1000000,10000000] [--quick] [--batch 500] [--connections 16]
#                                 [--latency-duration 10] [--runs 1] [--out DIR] [--only expothesis|peer]
#   --quick   200k events and shorter latency runs (a smoke run of the whole pipeline)
#   --runs N  repeat everything N times (fresh data each time); the table shows medians
#   --out DIR results go here; rows already in DIR/results.tsv are kept (e.g. --only peer, then --only expothesis)
# Measures per system and event total: max events/s (closed model), events per total CPU-second (server + database
# processes), bytes on disk per event, analysis latency over HTTP, and p99 batch latency in an open-model run at 70 %
# of that system's max rate. Prints a comparison table with ratios and writes it as Markdown to DIR/compare.md.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
EVENTS="1000000,10000000"
BATCH=500
CONNECTIONS=16
LATENCY_DURATION=10
ANALYSIS_REQUESTS=7
ONLY=""
OUT=""
RUNS=1
SERVER_CORE="${SERVER_CORE:-0}"
# Both servers run fully optimized from the first call, without tiering (DOTNET_TieredCompilation=0): a 1M-event run
# lasts a few seconds from a cold process, and with tiering the tier-1 JIT's CPU lands inside the measured window
# (measured 21:46 UTC: Expothesis 240k events per CPU-second with the Gateway's tiering settings, 517k with this).
# bench-server.sh, whose runs are long and on a warm server, keeps tiering. TIERED=1 keeps the runtime default.
SERVER_ENV=(env DOTNET_TieredCompilation=0)
[[ "${TIERED:-0}" == 1 ]] && SERVER_ENV=(env)
LOAD_CORE="${LOAD_CORE:-1}"
PG_PORT="${PG_PORT:-55432}"
PEER_PORT="${PEER_PORT:-5091}"
EXP_PORT="${EXP_PORT:-5092}"
# Warm-up of the max-rate run; the quick run is too short for one (200k events take well under a second).
MAX_WARMUP="${MAX_WARMUP:-1s}"

while [[ $# -gt 0 ]]; do
  case "$1" in
    --events) EVENTS="$2"; shift 2 ;;
    --quick) EVENTS="200000"; LATENCY_DURATION=4; ANALYSIS_REQUESTS=3; MAX_WARMUP=0s; shift ;;
    --batch) BATCH="$2"; shift 2 ;;
    --connections) CONNECTIONS="$2"; shift 2 ;;
    --latency-duration) LATENCY_DURATION="$2"; shift 2 ;;
    --out) OUT="$2"; shift 2 ;;
    --only) ONLY="$2"; shift 2 ;;
    --runs) RUNS="$2"; shift 2 ;;
    -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done

PY=/usr/bin/python3; [[ -x $PY ]] || PY=python3
OUT="${OUT:-$ROOT/load/results/compare-$(date -u +%Y%m%dT%H%M%SZ)}"
mkdir -p "$OUT"
WORK="$(mktemp -d /tmp/expothesis-compare.XXXXXX)"
PGBIN=/usr/lib/postgresql/15/bin
PGDATA="$WORK/pg"
SERVER_PID=""

log() { echo "[compare $(date -u +%H:%M:%S)] $*" >&2; }

as_postgres() {
  if [[ $(id -u) -eq 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi
}

stop_server() {
  if [[ -n "$SERVER_PID" ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill "$SERVER_PID" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.2; done
    kill -9 "$SERVER_PID" 2>/dev/null || true
  fi
  SERVER_PID=""
}

cleanup() {
  set +e
  stop_server
  if [[ -f "$PGDATA/postmaster.pid" ]]; then
    as_postgres "$PGBIN/pg_ctl" -D "$PGDATA" -m fast -w stop >/dev/null 2>&1
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT INT TERM

# ---- PostgreSQL 15 ---------------------------------------------------------------------------------------------
if [[ ! -x "$PGBIN/initdb" ]]; then
  log "installing postgresql from Debian"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
fi
mkdir -p "$PGDATA" "$WORK/pgsock" "$WORK/pglog"
if [[ $(id -u) -eq 0 ]]; then chown -R postgres:postgres "$WORK/pg" "$WORK/pgsock" "$WORK/pglog"; chmod 755 "$WORK"; fi
as_postgres "$PGBIN/initdb" -D "$PGDATA" -U postgres --auth=trust -E UTF8 >/dev/null
cat >> "$PGDATA/postgresql.conf" <<EOF
listen_addresses = '127.0.0.1'
port = $PG_PORT
unix_socket_directories = '$WORK/pgsock'
fsync = on
synchronous_commit = on
shared_buffers = 1GB
max_wal_size = 8GB
max_connections = 200
work_mem = 256MB
EOF

start_postgres() {
  as_postgres taskset -c "$SERVER_CORE" "$PGBIN/pg_ctl" -D "$PGDATA" -l "$WORK/pglog/pg.log" -w start >/dev/null
  PG_PID="$(head -1 "$PGDATA/postmaster.pid")"
}
psql_q() { "$PGBIN/psql" -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -tAq -c "$1"; }

# ---- builds ----------------------------------------------------------------------------------------------------
log "building (Release)"
dotnet build "$ROOT/load/Expothesis.Fast.Load.csproj" -c Release -nologo -v q >/dev/null
dotnet build "$ROOT/load/peer/Expothesis.Fast.Peer.csproj" -c Release -nologo -v q >/dev/null
dotnet build "$ROOT/src/Gateway/Expothesis.Fast.Gateway.csproj" -c Release -nologo -v q >/dev/null
LOAD_DLL="$ROOT/load/bin/Release/net10.0/Expothesis.Fast.Load.dll"
PEER_DLL="$ROOT/load/peer/bin/Release/net10.0/Expothesis.Fast.Peer.dll"
GATEWAY_DLL="$ROOT/src/Gateway/bin/Release/net10.0/Expothesis.Fast.Gateway.dll"

load() { taskset -c "$LOAD_CORE" dotnet "$LOAD_DLL" "$@" --plain --raw; }

json_get() { # file, python expression over `r` (the report)
  "$PY" -c "import json,sys; r=json.load(open(sys.argv[1])); print($2)" "$1" 2>/dev/null || echo n/a
}

wait_http() {
  for _ in $(seq 300); do
    if curl -fs -o /dev/null "$1/health/live"; then return 0; fi
    if ! kill -0 "$SERVER_PID" 2>/dev/null; then log "server exited; see $WORK/*.log"; tail -20 "$WORK"/*.log >&2 || true; return 1; fi
    sleep 0.2
  done
  return 1
}

start_system() { # system
  case "$1" in
    peer)
      psql_q "DROP TABLE IF EXISTS events; CHECKPOINT;" >/dev/null
      "${SERVER_ENV[@]}" taskset -c "$SERVER_CORE" dotnet "$PEER_DLL" --urls "http://127.0.0.1:$PEER_PORT" \
        --Peer:ConnectionString="Host=127.0.0.1;Port=$PG_PORT;Username=postgres;Database=postgres;Maximum Pool Size=64;Write Buffer Size=65536" \
        >"$WORK/peer.log" 2>&1 &
      SERVER_PID=$!
      URL="http://127.0.0.1:$PEER_PORT"
      CPU_ARGS=(--server-pid "$SERVER_PID" --cpu-pids "$PG_PID")
      SETUP_ARGS=(--no-setup)
      ;;
    expothesis)
      rm -rf "$WORK/expothesis-data"; mkdir -p "$WORK/expothesis-data"
      "${SERVER_ENV[@]}" Expothesis__DataDirectory="$WORK/expothesis-data" Expothesis__Durability=fsync \
        taskset -c "$SERVER_CORE" dotnet "$GATEWAY_DLL" --urls "http://127.0.0.1:$EXP_PORT" \
        >"$WORK/expothesis.log" 2>&1 &
      SERVER_PID=$!
      URL="http://127.0.0.1:$EXP_PORT"
      CPU_ARGS=(--server-pid "$SERVER_PID")
      SETUP_ARGS=()
      ;;
  esac
  wait_http "$URL"
}

has_ingestion() { # the gateway may not have the events endpoint yet
  local code
  code="$(curl -s -o /dev/null -w '%{http_code}' -X POST -H 'Content-Type: application/json' -d '{"events":[]}' "$URL/api/v1/events/batch")"
  [[ "$code" != "404" && "$code" != "405" ]]
}

disk_bytes() { # system
  case "$1" in
    peer) psql_q "CHECKPOINT; SELECT pg_total_relation_size('events');" | tail -1 ;;
    expothesis) du -sb "$WORK/expothesis-data" | cut -f1 ;;
  esac
}

start_postgres
log "postgres pid $PG_PID on port $PG_PORT; results in $OUT"
SYSTEMS=(expothesis peer)
[[ -n "$ONLY" ]] && SYSTEMS=("$ONLY")

RESULTS="$OUT/results.tsv"
[[ -f "$RESULTS" ]] || printf 'run\tsystem\tevents\tevents_per_s\tevents_per_cpu_s\tcpu_s\tp99_ms_at_70\trate_70\tbytes_per_event\tanalysis_p50_ms\tanalysis_p99_ms\n' > "$RESULTS"

IFS=',' read -r -a EVENT_TOTALS <<< "$EVENTS"
for run in $(seq "$RUNS"); do
for total in "${EVENT_TOTALS[@]}"; do
  for sys in "${SYSTEMS[@]}"; do
    log "run $run: $sys, $total events"
    start_system "$sys"
    if [[ "$sys" == expothesis ]] && ! has_ingestion; then
      log "expothesis: /api/v1/events/batch is not there yet (main has no ingestion); skipping"
      printf '%s\texpothesis\t%s\tn/a\tn/a\tn/a\tn/a\tn/a\tn/a\tn/a\tn/a\n' "$run" "$total" >> "$RESULTS"
      stop_server; continue
    fi
    tag="$sys-$total-run$run"
    load ingest --url "$URL" "${SETUP_ARGS[@]}" "${CPU_ARGS[@]}" --connections "$CONNECTIONS" --events "$total" \
      --batch "$BATCH" --warmup "$MAX_WARMUP" --label "$tag max" --json "$OUT/$tag-max.json" --markdown "$OUT/runs.md" >"$OUT/$tag-max.log" 2>&1 || true
    eps="$(json_get "$OUT/$tag-max.json" "round(r['operations'][0]['events_per_second'])")"
    epc="$(json_get "$OUT/$tag-max.json" "round((r.get('cpu') or {}).get('events_per_cpu_second') or 0)")"
    cpu="$(json_get "$OUT/$tag-max.json" "round(((r.get('cpu') or {}).get('server_seconds') or 0) + ((r.get('cpu') or {}).get('other_seconds') or 0), 2)")"
    sleep 2
    bytes="$(disk_bytes "$sys")"
    bpe="$("$PY" -c "print(round($bytes / $total, 1))" 2>/dev/null || echo n/a)"
    curl -fs -o /dev/null "$URL/api/v1/experiments/load-0/analysis" || true  # one unmeasured warm-up request
    load analysis --url "$URL" --no-setup --experiment load-0 --connections 1 --requests "$ANALYSIS_REQUESTS" --warmup 0s \
      --label "$tag analysis" --json "$OUT/$tag-analysis.json" --markdown "$OUT/runs.md" >"$OUT/$tag-analysis.log" 2>&1 || true
    a50="$(json_get "$OUT/$tag-analysis.json" "r['operations'][0]['p50_ms']")"
    a99="$(json_get "$OUT/$tag-analysis.json" "r['operations'][0]['p99_ms']")"
    rate="$("$PY" -c "print(max(1, round(0.7 * float('$eps') / $BATCH, 1)))" 2>/dev/null || echo 10)"
    load ingest --url "$URL" --no-setup "${CPU_ARGS[@]}" --rate "$rate" --duration "${LATENCY_DURATION}s" --warmup 2s \
      --batch "$BATCH" --seed 7 --label "$tag 70%" --json "$OUT/$tag-70.json" --markdown "$OUT/runs.md" >"$OUT/$tag-70.log" 2>&1 || true
    p99="$(json_get "$OUT/$tag-70.json" "r['operations'][0]['p99_ms']")"
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$run" "$sys" "$total" "$eps" "$epc" "$cpu" "$p99" "$rate" "$bpe" "$a50" "$a99" >> "$RESULTS"
    log "$sys $total: $eps events/s, $epc events/CPU-s, $bpe bytes/event, analysis p50 $a50 ms, p99 at 70% ($rate batches/s) $p99 ms"
    stop_server
  done
done
done

"$PY" - "$RESULTS" "$OUT/compare.md" "$BATCH" "$SERVER_CORE" "$LOAD_CORE" "$RUNS" <<'PYEOF'
import csv, sys, datetime, os, statistics
raw = list(csv.DictReader(open(sys.argv[1]), delimiter='\t'))
out, batch, score, lcore, runs = sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5], int(sys.argv[6])
def median_row(group):
    row = dict(group[0])
    for k in row:
        if k in ('run', 'system', 'events'): continue
        vals = []
        for g in group:
            try: vals.append(float(g[k]))
            except ValueError: pass
        row[k] = str(statistics.median(vals)) if vals else 'n/a'
    return row
keys = list(dict.fromkeys((r['system'], r['events']) for r in raw))
rows = [median_row([r for r in raw if (r['system'], r['events']) == k]) for k in keys]
def num(v):
    try: return float(v)
    except ValueError: return None
def fmt(v, d=0):
    x = num(v)
    return 'n/a' if x is None else (f'{x:,.{d}f}')
def ratio(a, b, invert=False):
    a, b = num(a), num(b)
    if a is None or b is None or a == 0 or b == 0: return 'n/a'
    return f'{(b / a if invert else a / b):.1f}x'
model = next((l.split(':', 1)[1].strip() for l in open('/proc/cpuinfo') if l.startswith('model name')), 'unknown CPU')
lines = [f'## Expothesis.Fast vs PostgreSQL peer', '',
         f'{datetime.datetime.utcnow():%Y-%m-%d %H:%M} UTC, {os.cpu_count()} cores ({model}); servers on core {score} '
         f'(Expothesis alone; peer app + PostgreSQL 15 together), load on core {lcore}; batches of {batch} events; '
         'Expothesis durability fsync, PostgreSQL synchronous_commit=on, fsync=on.'
         + (f' Medians of {runs} runs.' if runs > 1 else ' One run.'), '',
         '| events | metric | Expothesis | PostgreSQL peer | ratio |', '| ---: | --- | ---: | ---: | ---: |']
for total in dict.fromkeys(r['events'] for r in rows):
    e = next((r for r in rows if r['events'] == total and r['system'] == 'expothesis'), {})
    p = next((r for r in rows if r['events'] == total and r['system'] == 'peer'), {})
    g = lambda r, k: r.get(k, 'n/a')
    t = f'{int(total):,}'
    lines.append(f"| {t} | events/s (max, closed model) | {fmt(g(e,'events_per_s'))} | {fmt(g(p,'events_per_s'))} | {ratio(g(e,'events_per_s'), g(p,'events_per_s'))} |")
    lines.append(f"| {t} | events per CPU-second (server + db) | {fmt(g(e,'events_per_cpu_s'))} | {fmt(g(p,'events_per_cpu_s'))} | {ratio(g(e,'events_per_cpu_s'), g(p,'events_per_cpu_s'))} |")
    lines.append(f"| {t} | p99 batch latency at 70% of max, ms | {fmt(g(e,'p99_ms_at_70'),2)} | {fmt(g(p,'p99_ms_at_70'),2)} | {ratio(g(e,'p99_ms_at_70'), g(p,'p99_ms_at_70'), invert=True)} |")
    lines.append(f"| {t} | bytes on disk per event | {fmt(g(e,'bytes_per_event'),1)} | {fmt(g(p,'bytes_per_event'),1)} | {ratio(g(e,'bytes_per_event'), g(p,'bytes_per_event'), invert=True)} |")
    lines.append(f"| {t} | analysis over HTTP p50, ms | {fmt(g(e,'analysis_p50_ms'),3)} | {fmt(g(p,'analysis_p50_ms'),3)} | {ratio(g(e,'analysis_p50_ms'), g(p,'analysis_p50_ms'), invert=True)} |")
    lines.append(f"| {t} | analysis over HTTP p99, ms | {fmt(g(e,'analysis_p99_ms'),3)} | {fmt(g(p,'analysis_p99_ms'),3)} | {ratio(g(e,'analysis_p99_ms'), g(p,'analysis_p99_ms'), invert=True)} |")
lines.append('')
lines.append('Ratios are "times better for Expothesis" (higher throughput, lower latency, fewer bytes).')
text = '\n'.join(lines) + '\n'
open(out, 'w').write(text)
print(text)
PYEOF
log "done: $OUT/compare.md (per-run details in $OUT/runs.md)"
