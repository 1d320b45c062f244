#!/usr/bin/env bash
# Side by side: the same load (coord-load) against a 3-member etcd cluster, a 3-member ZooKeeper
# ensemble and a 3-node coord cluster, each on loopback in turn with its defaults (fsync on,
# default timeouts, data in a temporary directory). Per system: every workload at every
# concurrency (the median of BENCH_RUNS runs), RSS after the keys and after BENCH_BIG_KEYS keys,
# cold restart time with BENCH_BIG_KEYS keys, and kill -9 of the leader to the first successful
# write (median of BENCH_FAILOVERS); then nginx's static-200 ceiling with the same tool. Writes
# comparison.md and comparison.json with the ratios coord/etcd and coord/ZooKeeper.
#
#   scripts/bench-compare.sh [OUT_DIR]               # about 25 minutes with the defaults
#   knobs: BENCH_SYSTEMS ("etcd zookeeper coord"), BENCH_SECONDS (5) per point, BENCH_RUNS (3),
#          BENCH_CONCURRENCY ("1 16 64 256"), BENCH_KEYS (100000), BENCH_BIG_KEYS (1000000; 0
#          skips the 1M-key memory and cold-restart figures), BENCH_FAILOVERS (5),
#          BENCH_WORKLOADS ("set get get-serializable"), BENCH_BUILD (build)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
OUT=${1:-$ROOT/bench-results}
SYSTEMS=${BENCH_SYSTEMS:-"etcd zookeeper coord"}
SECONDS_PER=${BENCH_SECONDS:-5}
RUNS=${BENCH_RUNS:-3}
CONCURRENCY=${BENCH_CONCURRENCY:-"1 16 64 256"}
KEYS=${BENCH_KEYS:-100000}
BIG_KEYS=${BENCH_BIG_KEYS:-1000000}
WORKLOADS=${BENCH_WORKLOADS:-"set get get-serializable"}
BUILD=${BENCH_BUILD:-build}
LOAD=$BUILD/client/loadgen/coord-load
WORK=$(mktemp -d /tmp/coord-bench-XXXXXX)
mkdir -p "$OUT"
rm -f "$OUT"/*.json
START=$(date +%s)
say() { printf '[%4ds] %s\n' $(( $(date +%s) - START )) "$*" >&2; }

sudo_cmd=""; [ "$(id -u)" = 0 ] || sudo_cmd=sudo
apt_install() { DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y --no-install-recommends "$@" > /dev/null; }
command -v etcd > /dev/null || { say "installing etcd-server"; apt_install etcd-server; }
command -v etcdctl > /dev/null || { say "installing etcd-client"; apt_install etcd-client; }
[ -f /usr/share/java/zookeeper.jar ] || { say "installing zookeeper"; apt_install zookeeper; }
[ -f /usr/include/zookeeper/zookeeper.h ] || { say "installing libzookeeper-mt-dev"; apt_install libzookeeper-mt-dev; }
command -v java > /dev/null || { say "installing a Java runtime"; apt_install default-jre-headless; }
# Configured and built every time (quick when up to date): coord-load must have found
# libzookeeper-mt, which may have been installed just now.
cmake -S . -B "$BUILD" -DCMAKE_BUILD_TYPE=Release > /dev/null
cmake --build "$BUILD" --target coord-load coordd -j2 > /dev/null

PIDS=()
cleanup() {
  for p in "${PIDS[@]:-}"; do [ -n "$p" ] && kill -9 "$p" 2> /dev/null || true; done
  [ -f "$WORK/nginx/nginx.pid" ] && kill "$(cat "$WORK/nginx/nginx.pid")" 2> /dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

rss_kb() { awk '/VmRSS/ {print $2}' "/proc/$1/status"; }
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
# Runs the command every 0.2 s, at most `tries` times, until it succeeds (another process's
# readiness has no event to wait on).
await() {  # tries command...
  local tries=$1; shift
  for _ in $(seq "$tries"); do
    if "$@"; then return 0; fi
    sleep 0.2  # polling another process's readiness
  done
  return 1
}

# --- etcd -----------------------------------------------------------------------------------
ETCD_CLUSTER="e1=http://127.0.0.1:12380,e2=http://127.0.0.1:22380,e3=http://127.0.0.1:32380"
etcd_port() { echo "${1}2379"; }
etcd_start_member() {  # i [state]
  local i=$1 state=${2:-new}
  etcd --name "e$i" --data-dir "$WORK/etcd-$i" \
    --listen-client-urls "http://127.0.0.1:${i}2379" --advertise-client-urls "http://127.0.0.1:${i}2379" \
    --listen-peer-urls "http://127.0.0.1:${i}2380" --initial-advertise-peer-urls "http://127.0.0.1:${i}2380" \
    --initial-cluster "$ETCD_CLUSTER" --initial-cluster-state "$state" --logger zap --log-level error \
    >> "$WORK/etcd-$i.log" 2>&1 &
  PIDS[$i]=$!
}
etcd_restart_member() { etcd_start_member "$1" existing; }
etcd_healthy() {
  ETCDCTL_API=3 etcdctl --endpoints=127.0.0.1:12379,127.0.0.1:22379,127.0.0.1:32379 endpoint health > /dev/null 2>&1
}
etcd_leader() {
  for i in 1 2 3; do
    if ETCDCTL_API=3 etcdctl --endpoints="127.0.0.1:${i}2379" endpoint status -w json 2> /dev/null |
      python3 -c 'import json,sys; s=json.load(sys.stdin)[0]["Status"]; sys.exit(0 if s["leader"]==s["header"]["member_id"] else 1)'; then
      echo "$i"; return
    fi
  done
}
etcd_write_ok() {  # port
  curl -s --max-time 1 -o /dev/null -w '%{http_code}' -X POST "127.0.0.1:$1/v3/kv/put" \
    -d '{"key": "ZmFpbG92ZXI=", "value": "eA=="}' 2> /dev/null | grep -q 200
}
etcd_read_ok() {  # port
  curl -s --max-time 1 -X POST "127.0.0.1:$1/v3/kv/range" -d '{"key": "L2xvYWQvazA="}' 2> /dev/null | grep -q '"kvs"'
}

# --- ZooKeeper ------------------------------------------------------------------------------
zookeeper_port() { echo "${1}2181"; }
zookeeper_start_member() {  # i
  local i=$1 dir="$WORK/zk-$i"
  mkdir -p "$dir"
  echo "$i" > "$dir/myid"
  cat > "$dir/zoo.cfg" << CFG
tickTime=2000
initLimit=10
syncLimit=5
dataDir=$dir
clientPort=${i}2181
clientPortAddress=127.0.0.1
maxClientCnxns=0
admin.enableServer=false
4lw.commands.whitelist=srvr
server.1=127.0.0.1:12888:13888
server.2=127.0.0.1:22888:23888
server.3=127.0.0.1:32888:33888
CFG
  java -Dzookeeper.log.dir="$dir" -cp /etc/zookeeper/conf:/usr/share/java/zookeeper.jar \
    org.apache.zookeeper.server.quorum.QuorumPeerMain "$dir/zoo.cfg" >> "$WORK/zk-$i.log" 2>&1 &
  PIDS[$i]=$!
}
zookeeper_restart_member() { zookeeper_start_member "$1"; }
zk_mode() {  # i -> leader | follower | ...
  timeout 1 bash -c "exec 3<>/dev/tcp/127.0.0.1/${1}2181; echo srvr >&3; cat <&3" 2> /dev/null |
    awk '/^Mode:/ {print $2}'
}
zookeeper_healthy() {
  local modes
  modes="$(zk_mode 1) $(zk_mode 2) $(zk_mode 3)"
  [[ $modes == *leader* ]] && [ "$(echo "$modes" | grep -o follower | wc -l)" = 2 ]
}
zookeeper_leader() {
  for i in 1 2 3; do [ "$(zk_mode "$i")" = leader ] && { echo "$i"; return; }; done
}
zk_one() {  # port workload: one short run of one client; true if a request succeeded
  "$LOAD" --system zookeeper --targets "127.0.0.1:$1" --workload "$2" --keys 1 --concurrency 1 \
    --duration 0.1 --warmup 0 --quiet --json "$WORK/zk-probe.json" > /dev/null 2>&1 &&
    python3 -c "import json,sys; sys.exit(0 if json.load(open('$WORK/zk-probe.json'))['ok'] > 0 else 1)"
}
zookeeper_write_ok() { zk_one "$1" set; }
zookeeper_read_ok() { zk_one "$1" get; }

# --- coord ----------------------------------------------------------------------------------
coord_port() { echo "${1}7379"; }
coord_start_member() {  # i
  local i=$1
  "$BUILD/api/coordd/coordd" --id "$i" --data-dir "$WORK/coord-$i" --listen-client "127.0.0.1:${i}7379" \
    --listen-peer "127.0.0.1:${i}7380" --initial-cluster "1=127.0.0.1:17380,2=127.0.0.1:27380,3=127.0.0.1:37380" \
    --max-connections 10000 >> "$WORK/coord-$i.log" 2>&1 &
  PIDS[$i]=$!
}
coord_restart_member() { coord_start_member "$1"; }
coord_healthy() {
  curl -sf "127.0.0.1:17379/ready" > /dev/null && curl -sf "127.0.0.1:27379/ready" > /dev/null &&
    curl -sf "127.0.0.1:37379/ready" > /dev/null &&
    # every member's client address announced (the load generator asks for the leader's)
    curl -s 127.0.0.1:17379/v1/cluster | python3 -c 'import json,sys; c=json.load(sys.stdin); sys.exit(0 if all(m["client"] for m in c["members"]) else 1)'
}
coord_leader() {
  curl -s 127.0.0.1:17379/v1/cluster | python3 -c 'import json,sys; c=json.load(sys.stdin); print(c["leader"])'
}
coord_write_ok() {
  curl -s --max-time 3 -o /dev/null -w '%{http_code}' -X PUT "127.0.0.1:$1/v1/nodes/load/k0" \
    -d '{"data": "x"}' 2> /dev/null | grep -q 200
}
coord_read_ok() {
  curl -s --max-time 1 -o /dev/null -w '%{http_code}' "127.0.0.1:$1/v1/nodes/load/k0" 2> /dev/null | grep -q 200
}

# --- the measurements, the same for every system ------------------------------------------------
start_system() {  # system
  PIDS=()
  for i in 1 2 3; do "${1}_start_member" "$i"; done
  await 300 "${1}_healthy" || { say "$1 did not start (logs in $WORK)"; exit 1; }
}

stop_system() {  # system: SIGTERM, as an operator stops it
  for i in 1 2 3; do kill "${PIDS[$i]}" 2> /dev/null || true; done
  for i in 1 2 3; do wait "${PIDS[$i]}" 2> /dev/null || true; done
  PIDS=()
}

all_targets() { echo "127.0.0.1:$("${1}_port" 1),127.0.0.1:$("${1}_port" 2),127.0.0.1:$("${1}_port" 3)"; }

record_rss() {  # system name
  local list=""
  for i in 1 2 3; do list="$list,$(rss_kb "${PIDS[$i]}")"; done
  echo "{\"system\": \"$1\", \"$2\": [${list#,}]}" > "$OUT/$1-$2.json"
}

populate() {  # system count
  local leader
  leader=$("${1}_leader")
  "$LOAD" --system "$1" --targets "127.0.0.1:$("${1}_port" "$leader")" --prepopulate "$2" --keys "$2" \
    --workload get --duration 0 --warmup 0 --concurrency 64 --quiet > /dev/null
}

# One point: BENCH_RUNS runs, the one with the median throughput kept.
run_point() {  # system workload concurrency targets
  local s=$1 w=$2 c=$3 targets=$4 r
  for r in $(seq "$RUNS"); do
    "$LOAD" --system "$s" --workload "$w" --concurrency "$c" --duration "$SECONDS_PER" --warmup 1 \
      --keys "$KEYS" --targets "$targets" --json "$WORK/run-$r.json" --quiet > /dev/null
  done
  python3 - "$WORK" "$RUNS" "$OUT/$s-$w-$c.json" << 'PY'
import json, sys
work, runs, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
results = sorted((json.load(open(f"{work}/run-{r}.json")) for r in range(1, runs + 1)), key=lambda r: r["throughput"])
median = results[len(results) // 2]
median["runs_throughput"] = [r["throughput"] for r in results]
json.dump(median, open(out, "w"), indent=2)
PY
  python3 -c "import json; r=json.load(open('$OUT/$s-$w-$c.json')); print('$s $w c=$c: %.0f/s (runs %s) p50 %.2f ms p99 %.2f ms errors %d' % (r['throughput'], ', '.join('%.0f' % t for t in r['runs_throughput']), r['latency_ms']['p50'], r['latency_ms']['p99'], r['errors']))" >&2
}

run_workloads() {  # system
  local s=$1 leader
  for w in $WORKLOADS; do
    for c in $CONCURRENCY; do
      leader=$("${s}_leader")
      local targets="127.0.0.1:$("${s}_port" "$leader")"
      [ "$w" = "get-serializable" ] && targets=$(all_targets "$s")
      run_point "$s" "$w" "$c" "$targets"
    done
  done
}

# kill -9 of the leader, then the time until a write succeeds through a survivor (median of
# BENCH_FAILOVERS); the killed member is restarted and the cluster healthy again between trials.
measure_failover() {  # system
  local s=$1 times=() leader ok t0
  for _ in $(seq "${BENCH_FAILOVERS:-5}"); do
    leader=$("${s}_leader")
    t0=$(now_ms)
    kill -9 "${PIDS[$leader]}"; wait "${PIDS[$leader]}" 2> /dev/null || true
    ok=""
    while [ -z "$ok" ] && [ $(( $(now_ms) - t0 )) -lt 60000 ]; do
      for j in 1 2 3; do
        [ "$j" = "$leader" ] && continue
        if "${s}_write_ok" "$("${s}_port" "$j")"; then ok=1; break; fi
      done
    done
    times+=($(( $(now_ms) - t0 )))
    "${s}_restart_member" "$leader"
    await 300 "${s}_healthy" || { say "$s did not recover after a failover trial"; exit 1; }
    sleep 2  # let the restarted member catch up and the leader settle before the next trial
  done
  printf '%s\n' "${times[@]}" | sort -n | awk -v s="$s" '{a[NR]=$1} END {printf "{\"system\": \"%s\", \"failover_ms\": [", s; for (k=1;k<=NR;k++) printf "%s%d", (k>1?",":""), a[k]; printf "], \"median_ms\": %d}\n", a[int((NR+1)/2)]}' > "$OUT/$s-failover.json"
  say "$s failover: $(cat "$OUT/$s-failover.json")"
}

# Every member stopped, then started again: the time until all are healthy and a read of a
# pre-populated key succeeds through the leader.
measure_cold_restart() {  # system
  local s=$1 t0 leader
  stop_system "$s"
  t0=$(now_ms)
  for i in 1 2 3; do "${s}_restart_member" "$i"; done
  await 3000 "${s}_healthy" || { say "$s did not come back after a cold restart"; exit 1; }
  leader=$("${s}_leader")
  await 3000 "${s}_read_ok" "$("${s}_port" "$leader")" || { say "$s: no read after a cold restart"; exit 1; }
  echo "{\"system\": \"$s\", \"keys\": $BIG_KEYS, \"cold_restart_ms\": $(( $(now_ms) - t0 ))}" > "$OUT/$s-cold-restart.json"
  say "$s cold restart with $BIG_KEYS keys: $(( $(now_ms) - t0 )) ms"
}

bench_system() {  # system
  local s=$1
  say "== $s: starting 3 members"
  start_system "$s"
  say "$s: prepopulating $KEYS keys"
  populate "$s" "$KEYS"
  record_rss "$s" rss_kb_after_keys
  run_workloads "$s"
  measure_failover "$s"
  if [ "$BIG_KEYS" -gt 0 ]; then
    say "$s: populating up to $BIG_KEYS keys"
    populate "$s" "$BIG_KEYS"
    record_rss "$s" rss_kb_after_big_keys
    measure_cold_restart "$s"
  fi
  stop_system "$s"
}

# The roof: nginx answering a static 200 to the same load tool (serializable-read shaped GETs).
measure_nginx() {
  command -v nginx > /dev/null || apt_install nginx-light > /dev/null 2>&1 || apt_install nginx
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

for s in $SYSTEMS; do bench_system "$s"; done
measure_nginx

python3 - "$OUT" "$SYSTEMS" "$WORKLOADS" "$CONCURRENCY" "$RUNS" << 'PY'
import json, sys, os
out, systems, workloads, levels, runs = sys.argv[1], sys.argv[2].split(), sys.argv[3].split(), sys.argv[4].split(), sys.argv[5]
others = [s for s in systems if s != "coord"]
def load(name):
    p = f"{out}/{name}.json"
    return json.load(open(p)) if os.path.exists(p) else None
head = "| workload | clients | " + " | ".join(f"{s} req/s" for s in systems) + " | " + \
       " | ".join(f"coord/{s}" for s in others) + " | " + " | ".join(f"{s} p50 / p99 ms" for s in systems) + " |"
table = [f"Throughput: median of {runs} runs per point.", "", head, "|" + " --- |" * (head.count("|") - 1)]
rows = []
for w in workloads:
    for c in levels:
        r = {s: load(f"{s}-{w}-{c}") for s in systems}
        ratios = {s: (r["coord"]["throughput"] / r[s]["throughput"] if r.get("coord") and r[s] and r[s]["throughput"] else None) for s in others}
        rows.append({"workload": w, "concurrency": int(c), "results": r, "ratios": ratios})
        table.append(f"| {w} | {c} | " + " | ".join(f"{r[s]['throughput']:,.0f}" if r[s] else "—" for s in systems) + " | " +
                     " | ".join(f"{ratios[s]:.2f}x" if ratios[s] else "—" for s in others) + " | " +
                     " | ".join(f"{r[s]['latency_ms']['p50']:.2f} / {r[s]['latency_ms']['p99']:.2f}" if r[s] else "—" for s in systems) + " |")
extra = {}
for s in systems:
    extra[s] = {
        "rss_kb_after_keys": (load(f"{s}-rss_kb_after_keys") or {}).get("rss_kb_after_keys"),
        "rss_kb_after_big_keys": (load(f"{s}-rss_kb_after_big_keys") or {}).get("rss_kb_after_big_keys"),
        "cold_restart_ms": (load(f"{s}-cold-restart") or {}).get("cold_restart_ms"),
        "failover": load(f"{s}-failover"),
    }
mb = lambda kb: "—" if not kb else " / ".join(f"{v / 1024:.0f}" for v in kb)
table += ["", "| also measured | " + " | ".join(systems) + " |", "|" + " --- |" * (len(systems) + 1)]
table.append("| RSS per member after the keys, MB | " + " | ".join(mb(extra[s]["rss_kb_after_keys"]) for s in systems) + " |")
table.append("| RSS per member after the big population, MB | " + " | ".join(mb(extra[s]["rss_kb_after_big_keys"]) for s in systems) + " |")
table.append("| cold restart with the big population, ms | " + " | ".join(str(extra[s]["cold_restart_ms"] or "—") for s in systems) + " |")
table.append("| kill -9 of the leader → first write, ms (sorted; median) | " + " | ".join(
    f"{extra[s]['failover']['failover_ms']} ({extra[s]['failover']['median_ms']})" if extra[s]["failover"] else "—" for s in systems) + " |")
nginx = {c: load(f"nginx-{c}")["throughput"] for c in levels if load(f"nginx-{c}")}
table += ["", "nginx static 200 with the same tool, req/s: " + ", ".join(f"c={c}: {v:,.0f}" for c, v in nginx.items())]
json.dump({"rows": rows, "systems": extra, "nginx": nginx}, open(f"{out}/comparison.json", "w"), indent=2)
open(f"{out}/comparison.md", "w").write("\n".join(table) + "\n")
print("\n".join(table))
PY
say "done: $OUT/comparison.md"
