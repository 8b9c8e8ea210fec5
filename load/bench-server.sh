#!/usr/bin/env bash
# Measures Expothesis.Fast over HTTP on this machine: ingest (max and p99 at 70 % of max), assignment (max and p99 at
# 70 % of max), and analysis latency once the store holds --fill events. Server pinned to core 0 with fsync
# durability in a temp data directory, load generator pinned to core 1. Every measurement is repeated --runs times
# and the table shows medians; every command line is printed with it.
#
# usage: load/bench-server.sh [--runs 3] [--duration 15] [--warmup 10] [--fill 10000000] [--users 1000000] [--out DIR] [--quick]
# Every measured run follows --warmup seconds of the same load (the first run after start-up also warms the JIT).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
RUNS=3
DURATION=15
WARMUP=10
FILL=10000000
USERS=1000000
BATCH=500
INGEST_CONNECTIONS=16
ASSIGN_CONNECTIONS=32
OUT=""
SERVER_CORE="${SERVER_CORE:-0}"
# Servers start tier-1 call counting at once (DOTNET_TC_CallCountingDelayMs=0, what the Gateway's runtimeconfig sets;
# given to the peer too): with the runtime's default delay, a process whose core is saturated from its first second
# kept its hot path in tier-0 code (171k instead of ~760k events per CPU-second). TIERED=1 keeps the runtime default.
SERVER_ENV=(env DOTNET_TC_CallCountingDelayMs=0)
[[ "${TIERED:-0}" == 1 ]] && SERVER_ENV=(env)
LOAD_CORE="${LOAD_CORE:-1}"
PORT="${PORT:-5093}"

while [[ $# -gt 0 ]]; do
  case "$1" in
    --runs) RUNS="$2"; shift 2 ;;
    --duration) DURATION="$2"; shift 2 ;;
    --fill) FILL="$2"; shift 2 ;;
    --warmup) WARMUP="$2"; shift 2 ;;
    --users) USERS="$2"; shift 2 ;;
    --out) OUT="$2"; shift 2 ;;
    --quick) RUNS=1; DURATION=5; WARMUP=2; FILL=500000; USERS=100000; shift ;;
    -h|--help) sed -n '2,7p' "$0"; exit 0 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done

PY=/usr/bin/python3; [[ -x $PY ]] || PY=python3
OUT="${OUT:-$ROOT/load/results/server-$(date -u +%Y%m%dT%H%M%SZ)}"
mkdir -p "$OUT"
WORK="$(mktemp -d /tmp/expothesis-bench.XXXXXX)"
SERVER_PID=""
URL="http://127.0.0.1:$PORT"

log() { echo "[bench $(date -u +%H:%M:%S)] $*" >&2; }
cleanup() {
  set +e
  if [[ -n "$SERVER_PID" ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill "$SERVER_PID"; for _ in $(seq 50); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.2; done
    kill -9 "$SERVER_PID" 2>/dev/null
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT INT TERM

log "building (Release)"
dotnet build "$ROOT/load/Expothesis.Fast.Load.csproj" -c Release -nologo -v q >/dev/null
dotnet build "$ROOT/src/Gateway/Expothesis.Fast.Gateway.csproj" -c Release -nologo -v q >/dev/null
LOAD_DLL="$ROOT/load/bin/Release/net10.0/Expothesis.Fast.Load.dll"
GATEWAY_DLL="$ROOT/src/Gateway/bin/Release/net10.0/Expothesis.Fast.Gateway.dll"

mkdir -p "$WORK/data"
"${SERVER_ENV[@]}" Expothesis__DataDirectory="$WORK/data" Expothesis__Durability=fsync \
  taskset -c "$SERVER_CORE" dotnet "$GATEWAY_DLL" --urls "$URL" >"$OUT/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 300); do curl -fs -o /dev/null "$URL/health/ready" && break; sleep 0.2; done
log "server pid $SERVER_PID ready on $URL; results in $OUT"

COMMON=(--url "$URL" --server-pid "$SERVER_PID" --users "$USERS" --plain --raw)
run_load() { # name, args...: runs the load generator, keeps its JSON and log, records the command
  local name="$1"; shift
  echo "taskset -c $LOAD_CORE dotnet load $*" >> "$OUT/commands.txt"
  taskset -c "$LOAD_CORE" dotnet "$LOAD_DLL" "$@" "${COMMON[@]}" --label "$name" --json "$OUT/$name.json" \
    --markdown "$OUT/runs.md" >"$OUT/$name.log" 2>&1 || log "$name failed (see $OUT/$name.log)"
}
median() { # python expression over r (a report), then files
  local expr="$1"; shift
  "$PY" - "$expr" "$@" <<'PYEOF'
import json, statistics, sys
expr, files = sys.argv[1], sys.argv[2:]
vals = []
for f in files:
    try:
        r = json.load(open(f)); v = eval(expr)
        if v is not None and r['operations'][0]['ok'] > 0: vals.append(float(v))
    except Exception: pass
print(statistics.median(vals) if vals else 'nan')
PYEOF
}

# Experiments are created once (the first run), then reused.
log "ingest: max throughput, $RUNS x ${DURATION}s"
for i in $(seq "$RUNS"); do
  run_load "ingest-max-$i" ingest --connections "$INGEST_CONNECTIONS" --batch "$BATCH" --duration "${DURATION}s" --warmup "${WARMUP}s"
done
INGEST_MAX="$(median "r['operations'][0]['events_per_second']" "$OUT"/ingest-max-*.json)"
INGEST_CPU="$(median "r['cpu']['events_per_cpu_second']" "$OUT"/ingest-max-*.json)"
INGEST_RATE="$("$PY" -c "import math; v=float('$INGEST_MAX'); print(10 if math.isnan(v) else max(1, round(0.7 * v / $BATCH, 1)))")"

log "ingest: open model at 70% of max ($INGEST_RATE batches/s)"
for i in $(seq "$RUNS"); do
  run_load "ingest-70-$i" ingest --no-setup --rate "$INGEST_RATE" --batch "$BATCH" --duration "${DURATION}s" --warmup "${WARMUP}s" --seed $((100 + i))
done

log "assign: max throughput"
for i in $(seq "$RUNS"); do
  run_load "assign-max-$i" assign --connections "$ASSIGN_CONNECTIONS" --duration "${DURATION}s" --warmup "${WARMUP}s"
done
ASSIGN_MAX="$(median "r['operations'][0]['requests_per_second']" "$OUT"/assign-max-*.json)"
ASSIGN_CPU="$(median "r['cpu']['requests_per_cpu_second']" "$OUT"/assign-max-*.json)"
ASSIGN_RATE="$("$PY" -c "import math; v=float('$ASSIGN_MAX'); print(100 if math.isnan(v) else max(1, round(0.7 * v)))")"

log "assign: open model at 70% of max ($ASSIGN_RATE/s)"
for i in $(seq "$RUNS"); do
  run_load "assign-70-$i" assign --no-setup --rate "$ASSIGN_RATE" --duration "${DURATION}s" --warmup "${WARMUP}s" --seed $((200 + i))
done

log "analysis: filling one experiment with $FILL events"
run_load "fill-1" ingest --prefix scale --experiments 1 --connections "$INGEST_CONNECTIONS" --batch "$BATCH" --events "$FILL" --warmup 0s
DISK_BYTES="$(du -sb "$WORK/data" | cut -f1)"
for i in $(seq "$RUNS"); do
  run_load "analysis-$i" analysis --no-setup --experiment scale-0 --connections 1 --duration "${DURATION}s" --warmup "${WARMUP}s"
done

"$PY" - "$OUT" "$SERVER_CORE" "$LOAD_CORE" "$RUNS" "$DISK_BYTES" <<'PYEOF'
import glob, json, os, statistics, sys, datetime
out, score, lcore, runs, disk = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5])
def reports(prefix):
    rs = []
    for f in sorted(glob.glob(f'{out}/{prefix}-*.json')):
        try:
            r = json.load(open(f))
            if r['operations'][0]['ok'] > 0: rs.append(r)
        except Exception: pass
    return rs
def med(rs, fn):
    vals = []
    for r in rs:
        try:
            v = fn(r)
            if v is not None: vals.append(float(v))
        except Exception: pass
    return statistics.median(vals) if vals else None
def f(v, d=0): return 'n/a' if v is None else f'{v:,.{d}f}'
op = lambda r: r['operations'][0]
cpu = lambda r: r.get('cpu') or {}
cmd = lambda rs: ('`' + rs[0]['command_line'] + '`') if rs else ''
im, i7, am, a7, an = reports('ingest-max'), reports('ingest-70'), reports('assign-max'), reports('assign-70'), reports('analysis')
fill = reports('fill')
filled = med(fill, lambda r: op(r)['events_accepted']) or 0
model = next((l.split(':', 1)[1].strip() for l in open('/proc/cpuinfo') if l.startswith('model name')), 'unknown CPU')
rows = [
  ('ingest, max (closed model)', 'events/s', f(med(im, lambda r: op(r)['events_per_second'])), cmd(im)),
  ('ingest, max', 'events per server CPU-second', f(med(im, lambda r: cpu(r).get('events_per_cpu_second'))), ''),
  ('ingest, max', 'p99 batch latency, ms', f(med(im, lambda r: op(r)['p99_ms']), 2), ''),
  ('ingest at 70% of max (open model)', 'p50 / p99 / p99.9 batch latency, ms',
     f"{f(med(i7, lambda r: op(r)['p50_ms']), 2)} / {f(med(i7, lambda r: op(r)['p99_ms']), 2)} / {f(med(i7, lambda r: op(r)['p999_ms']), 2)}", cmd(i7)),
  ('assign, max (closed model)', 'requests/s', f(med(am, lambda r: op(r)['requests_per_second'])), cmd(am)),
  ('assign, max', 'requests per server CPU-second', f(med(am, lambda r: cpu(r).get('requests_per_cpu_second'))), ''),
  ('assign at 70% of max (open model)', 'p50 / p99 / p99.9 latency, ms',
     f"{f(med(a7, lambda r: op(r)['p50_ms']), 3)} / {f(med(a7, lambda r: op(r)['p99_ms']), 3)} / {f(med(a7, lambda r: op(r)['p999_ms']), 3)}", cmd(a7)),
  (f'analysis, one experiment with {filled:,.0f} events', 'p50 / p99 latency over HTTP, ms',
     f"{f(med(an, lambda r: op(r)['p50_ms']), 3)} / {f(med(an, lambda r: op(r)['p99_ms']), 3)}", cmd(an)),
  ('data directory after all runs', 'bytes', f(disk), ''),
]
lines = ['## Expothesis.Fast over HTTP', '',
         f'{datetime.datetime.utcnow():%Y-%m-%d %H:%M} UTC, {os.cpu_count()} cores ({model}); server `taskset -c {score}` '
         f'with fsync durability, load generator `taskset -c {lcore}`; medians of {runs} runs.', '',
         '| measurement | metric | value | command |', '| --- | --- | ---: | --- |']
lines += [f'| {a} | {b} | {c} | {d} |' for a, b, c, d in rows]
text = '\n'.join(lines) + '\n'
open(f'{out}/summary.md', 'w').write(text)
print(text)
PYEOF
log "done: $OUT/summary.md (all runs: $OUT/runs.md, commands: $OUT/commands.txt)"
