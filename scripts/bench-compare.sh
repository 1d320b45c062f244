#!/usr/bin/env bash
# Side by side: the same load (coord-load) against a 3-member etcd cluster and a 3-node coord
# cluster, each on loopback in turn, with fsync on and default timeouts; writes a markdown table
# and a JSON file with the ratios coord/etcd. ZooKeeper is not driven yet (docs/benchmarks.md).
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
  rm -rf "$WORK"
}
trap cleanup EXIT

rss_kb() { awk '/VmRSS/ {print $2}' "/proc/$1/status"; }

start_etcd() {
  local cluster="e1=http://127.0.0.1:12380,e2=http://127.0.0.1:22380,e3=http://127.0.0.1:32380"
  PIDS=()
  for i in 1 2 3; do
    etcd --name "e$i" --data-dir "$WORK/etcd-$i" \
      --listen-client-urls "http://127.0.0.1:${i}2379" --advertise-client-urls "http://127.0.0.1:${i}2379" \
      --listen-peer-urls "http://127.0.0.1:${i}2380" --initial-advertise-peer-urls "http://127.0.0.1:${i}2380" \
      --initial-cluster "$cluster" --initial-cluster-state new --logger zap --log-level error \
      > "$WORK/etcd-$i.log" 2>&1 &
    PIDS+=($!)
  done
  for _ in $(seq 100); do
    if ETCDCTL_API=3 etcdctl --endpoints=127.0.0.1:12379 endpoint health > /dev/null 2>&1; then return 0; fi
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

start_coord() {
  PIDS=()
  local cluster="1=127.0.0.1:17380,2=127.0.0.1:27380,3=127.0.0.1:37380"
  for i in 1 2 3; do
    "$BUILD/api/coordd/coordd" --id "$i" --data-dir "$WORK/coord-$i" --listen-client "127.0.0.1:${i}7379" \
      --listen-peer "127.0.0.1:${i}7380" --initial-cluster "$cluster" --max-connections 10000 \
      > "$WORK/coord-$i.log" 2>&1 &
    PIDS+=($!)
  done
  for _ in $(seq 100); do
    if curl -sf "127.0.0.1:17379/ready" > /dev/null && curl -sf "127.0.0.1:27379/ready" > /dev/null &&
       curl -sf "127.0.0.1:37379/ready" > /dev/null; then sleep 1.5; return 0; fi  # 1.5 s: client addresses announced
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

start_etcd
run_system etcd "$(etcd_leader_port)" "127.0.0.1:12379,127.0.0.1:22379,127.0.0.1:32379"
for p in "${PIDS[@]}"; do kill "$p"; wait "$p" 2> /dev/null || true; done
start_coord
run_system coord "$(coord_leader_port)" "127.0.0.1:17379,127.0.0.1:27379,127.0.0.1:37379"
for p in "${PIDS[@]}"; do kill "$p"; wait "$p" 2> /dev/null || true; done

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
table.append("")
table.append(f"RSS after prepopulating (KiB per member): etcd {rss['etcd']}, coord {rss['coord']}")
json.dump({"rows": rows, "rss_kb": rss}, open(f"{out}/comparison.json", "w"), indent=2)
open(f"{out}/comparison.md", "w").write("\n".join(table) + "\n")
print("\n".join(table))
PY
