#!/usr/bin/env bash
# Side by side: the same load (coord-load) against a 3-member etcd cluster and a 3-node coord
# cluster, each on loopback in turn, with fsync on and default timeouts; writes a markdown table
# and a JSON file with the ratios coord/etcd, the RSS after the keys, the time from kill -9 of
# the leader to the first successful write (median of BENCH_FAILOVERS, 5) and nginx's static-200
# ceiling with the same tool. ZooKeeper is not driven yet (docs/benchmarks.md).
#
#   scripts/bench-compare.sh [OUT_DIR]
#   knobs: BENCH_SECONDS (5) per point, BENCH_CONCURRENCY ("1 16 64 256"), BENCH_KEYS (100000),
#          BENCH_WORKLOADS ("set get get-serializable"), BENCH_BUILD (build)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
OUT=${1:-$ROOT/bench-results}
SECONDS_PER=${BENCH_SECONDS:-5}
CONCURRENCY=${BENCH_CONCURRENCY:-"1 16 64 256"}
KEYS=${BENCH_KEYS:-100000}
WORKLOADS=${BENCH_WORKLOADS:-"set get get-serializable"}
BUILD=${BENCH_BUILD:-build}
LOAD=$BUILD/client/loadgen/coord-load
WORK=$(mktemp -d /tmp/coord-bench-XXXXXX)
mkdir -p "$OUT"

if ! command -v etcd > /dev/null; then
  echo "installing etcd-server (Debian package)" >&2
  sudo_cmd=""; [ "$(id -u)" = 0 ] || sudo_cmd=sudo
  $sudo_cmd apt-get install -y etcd-server > /dev/null
fi
if [ ! -x "$LOAD" ] || [ ! -x "$BUILD/api/coordd/coordd" ]; then
  cmake -S . -B "$BUILD" -DCMAKE_BUILD_TYPE=Release > /dev/null
  cmake --build "$BUILD" --target coord-load coordd -j2
fi

PIDS=()
cleanup() {
  for p in "${PIDS[@]:-}"; do kill -9 "$p" 2> /dev/null || true; done
  [ -f "$WORK/nginx/nginx.pid" ] && kill "$(cat "$WORK/nginx/nginx.pid")" 2> /dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

rss_kb() { awk '/VmRSS/ {print $2}' "/proc/$1/status"; }

ETCD_CLUSTER="e1=http://127.0.0.1:12380,e2=http://127.0.0.1:22380,e3=http://127.0.0.1:32380"
start_etcd_member() {  # i [state]
  local i=$1 state=${2:-new}
  etcd --name "e$i" --data-dir "$WORK/etcd-$i" \
    --listen-client-urls "http://127.0.0.1:${i}2379" --advertise-client-urls "http://127.0.0.1:${i}2379" \
    --listen-peer-urls "http://127.0.0.1:${i}2380" --initial-advertise-peer-urls "http://127.0.0.1:${i}2380" \
    --initial-cluster "$ETCD_CLUSTER" --initial-cluster-state "$state" --logger zap --log-level error \
    >> "$WORK/etcd-$i.log" 2>&1 &
  PIDS[$i]=$!
}

etcd_healthy() {
  ETCDCTL_API=3 etcdctl --endpoints=127.0.0.1:12379,127.0.0.1:22379,127.0.0.1:32379 endpoint health > /dev/null 2>&1
}

start_etcd() {
  PIDS=()
  for i in 1 2 3; do start_etcd_member "$i"; done
  for _ in $(seq 100); do
    if etcd_healthy; then return 0; fi
    sleep 0.2  # polling a process's readiness
  done
  echo "etcd did not start" >&2; exit 1
}

etcd_leader_port() {
  for i in 1 2 3; do
    if ETCDCTL_API=3 etcdctl --endpoints="127.0.0.1:${i}2379" endpoint status -w json 2> /dev/null |
      python3 -c 'import json,sys; s=json.load(sys.stdin)[0]["Status"]; sys.exit(0 if s["leader"]==s["header"]["member_id"] else 1)'; then
      echo "${i}2379"; return
    fi
  done
}

start_coord_member() {  # i
  local i=$1
  "$BUILD/api/coordd/coordd" --id "$i" --data-dir "$WORK/coord-$i" --listen-client "127.0.0.1:${i}7379" \
    --listen-peer "127.0.0.1:${i}7380" --initial-cluster "1=127.0.0.1:17380,2=127.0.0.1:27380,3=127.0.0.1:37380" \
    --max-connections 10000 >> "$WORK/coord-$i.log" 2>&1 &
  PIDS[$i]=$!
}

coord_healthy() {
  curl -sf "127.0.0.1:17379/ready" > /dev/null && curl -sf "127.0.0.1:27379/ready" > /dev/null &&
    curl -sf "127.0.0.1:37379/ready" > /dev/null
}

start_coord() {
  PIDS=()
  for i in 1 2 3; do start_coord_member "$i"; done
  for _ in $(seq 100); do
    if coord_healthy; then sleep 1.5; return 0; fi  # 1.5 s: client addresses announced
    sleep 0.2  # polling readiness
  done
  echo "coord did not start" >&2; exit 1
}

coord_leader_port() {
  curl -s 127.0.0.1:17379/v1/cluster | python3 -c 'import json,sys; c=json.load(sys.stdin); print([m["client"] for m in c["members"] if m["id"]==c["leader"]][0].split(":")[1])'
}

run_system() {  # system leader_port all_ports
  local system=$1 leader=$2 all=$3
  local pids_rss=""
  echo "== $system: prepopulating $KEYS keys" >&2
  "$LOAD" --system "$system" --targets "127.0.0.1:$leader" --prepopulate "$KEYS" --keys "$KEYS" \
    --workload get --duration 0 --warmup 0 --concurrency 64 --quiet > /dev/null
  for p in "${PIDS[@]}"; do pids_rss="$pids_rss $(rss_kb "$p")"; done
  echo "{\"system\": \"$system\", \"rss_kb_after_keys\": [${pids_rss// /,}]}" | sed 's/\[,/[/' > "$OUT/$system-rss.json"
  for w in $WORKLOADS; do
    for c in $CONCURRENCY; do
      local targets="127.0.0.1:$leader"
      [ "$w" = "get-serializable" ] && targets=$all
      "$LOAD" --system "$system" --workload "$w" --concurrency "$c" --duration "$SECONDS_PER" --warmup 1 \
        --keys "$KEYS" --targets "$targets" --json "$OUT/$system-$w-$c.json" --quiet > /dev/null
      python3 -c "import json; r=json.load(open('$OUT/$system-$w-$c.json')); print('$system $w c=$c: %.0f/s p50 %.2f ms p99 %.2f ms errors %d' % (r['throughput'], r['latency_ms']['p50'], r['latency_ms']['p99'], r['errors']))" >&2
    done
  done
}

now_ms() { echo $(( $(date +%s%N) / 1000000 )); }

write_ok() {  # system port
  if [ "$1" = etcd ]; then
    curl -s --max-time 1 -o /dev/null -w '%{http_code}' -X POST "127.0.0.1:$2/v3/kv/put" \
      -d '{"key": "ZmFpbG92ZXI=", "value": "eA=="}' 2> /dev/null | grep -q 200
  else
    curl -s --max-time 3 -o /dev/null -w '%{http_code}' -X PUT "127.0.0.1:$2/v1/nodes/load/k0" \
      -d '{"data": "x"}' 2> /dev/null | grep -q 200
  fi
}

# kill -9 of the leader, then the time until a write succeeds through a survivor (median of
# BENCH_FAILOVERS); the killed member is restarted and the cluster healthy again between trials.
measure_failover() {  # system
  local system=$1 times=() leader port i ok t0
  for _ in $(seq "${BENCH_FAILOVERS:-5}"); do
    if [ "$system" = etcd ]; then port=$(etcd_leader_port); else port=$(coord_leader_port); fi
    i=${port:0:1}
    t0=$(now_ms)
    kill -9 "${PIDS[$i]}"; wait "${PIDS[$i]}" 2> /dev/null || true
    ok=""
    while [ -z "$ok" ] && [ $(( $(now_ms) - t0 )) -lt 30000 ]; do
      for j in 1 2 3; do
        [ "$j" = "$i" ] && continue
        if write_ok "$system" "${j}$([ "$system" = etcd ] && echo 2379 || echo 7379)"; then ok=1; break; fi
      done
    done
    times+=($(( $(now_ms) - t0 )))
    if [ "$system" = etcd ]; then start_etcd_member "$i" existing; else start_coord_member "$i"; fi
    for _ in $(seq 150); do
      if { [ "$system" = etcd ] && etcd_healthy; } || { [ "$system" = coord ] && coord_healthy; }; then break; fi
      sleep 0.2  # polling readiness
    done
    sleep 2  # let the restarted member catch up and the leader settle before the next trial
  done
  printf '%s\n' "${times[@]}" | sort -n | awk -v s="$system" '{a[NR]=$1} END {printf "{\"system\": \"%s\", \"failover_ms\": [", s; for (k=1;k<=NR;k++) printf "%s%d", (k>1?",":""), a[k]; printf "], \"median_ms\": %d}\n", a[int((NR+1)/2)]}' > "$OUT/$system-failover.json"
  echo "$system failover: $(cat "$OUT/$system-failover.json")" >&2
}

# The roof: nginx answering a static 200 to the same load tool (serializable-read shaped GETs).
measure_nginx() {
  if ! command -v nginx > /dev/null; then
    sudo_cmd=""; [ "$(id -u)" = 0 ] || sudo_cmd=sudo
    $sudo_cmd apt-get install -y nginx-light > /dev/null 2>&1 || $sudo_cmd apt-get install -y nginx > /dev/null
  fi
  mkdir -p "$WORK/nginx"
  cat > "$WORK/nginx/nginx.conf" << NGINX
worker_processes 2;
pid $WORK/nginx/nginx.pid;
error_log $WORK/nginx/error.log;
events { worker_connections 4096; }
http {
  access_log off;
  server { listen 127.0.0.1:18080; location / { return 200 '{"data":"ok"}'; } }
}
NGINX
  nginx -c "$WORK/nginx/nginx.conf" -p "$WORK/nginx"
  for c in $CONCURRENCY; do
    "$LOAD" --workload get-serializable --concurrency "$c" --duration "$SECONDS_PER" --warmup 1 \
      --targets 127.0.0.1:18080 --json "$OUT/nginx-$c.json" --quiet > /dev/null
  done
  nginx -c "$WORK/nginx/nginx.conf" -p "$WORK/nginx" -s stop
}

start_etcd
run_system etcd "$(etcd_leader_port)" "127.0.0.1:12379,127.0.0.1:22379,127.0.0.1:32379"
measure_failover etcd
for p in "${PIDS[@]}"; do kill "$p"; wait "$p" 2> /dev/null || true; done
start_coord
run_system coord "$(coord_leader_port)" "127.0.0.1:17379,127.0.0.1:27379,127.0.0.1:37379"
measure_failover coord
for p in "${PIDS[@]}"; do kill "$p"; wait "$p" 2> /dev/null || true; done
measure_nginx

python3 - "$OUT" "$WORKLOADS" "$CONCURRENCY" << 'PY'
import json, sys, os
out, workloads, levels = sys.argv[1], sys.argv[2].split(), sys.argv[3].split()
rows, table = [], ["| workload | clients | etcd req/s | coord req/s | coord/etcd | etcd p50 / p99 ms | coord p50 / p99 ms |",
                   "| --- | --- | --- | --- | --- | --- | --- |"]
for w in workloads:
    for c in levels:
        e = json.load(open(f"{out}/etcd-{w}-{c}.json")); k = json.load(open(f"{out}/coord-{w}-{c}.json"))
        ratio = k["throughput"] / e["throughput"] if e["throughput"] else float("inf")
        rows.append({"workload": w, "concurrency": int(c), "etcd": e, "coord": k, "ratio": ratio})
        table.append(f"| {w} | {c} | {e['throughput']:,.0f} | {k['throughput']:,.0f} | {ratio:.2f}x | "
                     f"{e['latency_ms']['p50']:.2f} / {e['latency_ms']['p99']:.2f} | {k['latency_ms']['p50']:.2f} / {k['latency_ms']['p99']:.2f} |")
rss = {s: json.load(open(f"{out}/{s}-rss.json"))["rss_kb_after_keys"] for s in ("etcd", "coord")}
failover = {s: json.load(open(f"{out}/{s}-failover.json")) for s in ("etcd", "coord")}
nginx = {c: json.load(open(f"{out}/nginx-{c}.json"))["throughput"] for c in levels if os.path.exists(f"{out}/nginx-{c}.json")}
table.append("")
table.append(f"RSS after prepopulating (KiB per member): etcd {rss['etcd']}, coord {rss['coord']}")
table.append(f"kill -9 of the leader to the first successful write, ms (sorted; median): "
             f"etcd {failover['etcd']['failover_ms']} ({failover['etcd']['median_ms']}), "
             f"coord {failover['coord']['failover_ms']} ({failover['coord']['median_ms']})")
table.append("nginx static 200 with the same tool, req/s: " + ", ".join(f"c={c}: {v:,.0f}" for c, v in nginx.items()))
json.dump({"rows": rows, "rss_kb": rss, "failover": failover, "nginx": nginx}, open(f"{out}/comparison.json", "w"), indent=2)
open(f"{out}/comparison.md", "w").write("\n".join(table) + "\n")
print("\n".join(table))
PY
