#!/usr/bin/env bash
# The README's run command: installs what is missing, builds coordd (Release, build/release),
# starts a local 3-node cluster on 127.0.0.1, waits until every node is ready, prints curl
# examples, and stays in the foreground until Ctrl-C, which stops the nodes.
#
#   node  client API        peer port        data              log
#   1     127.0.0.1:7379    127.0.0.1:7380   .cluster/node-1   .cluster/node-1.log
#   2     127.0.0.1:7479    127.0.0.1:7480   .cluster/node-2   .cluster/node-2.log
#   3     127.0.0.1:7579    127.0.0.1:7580   .cluster/node-3   .cluster/node-3.log
#
# Data is kept across runs (`rm -rf .cluster` for a fresh cluster).
#
#   ./scripts/run-cluster.sh               start, print examples, wait for Ctrl-C
#   COORD_NO_WAIT=1 ./scripts/run-cluster.sh
#                                           start, print examples, return; the nodes keep
#                                           running, their pids in .cluster/pids ("ID PID")
#   ./scripts/run-cluster.sh stop          stop the nodes listed in .cluster/pids
#   ./scripts/run-cluster.sh start-node N  start node N again (e.g. after killing it)
#
# Knobs: COORD_JOBS (build jobs, default: cores), COORD_LOG=info|debug (node logs).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
jobs=${COORD_JOBS:-$(nproc)}
cluster_dir="$root/.cluster"
pids_file="$cluster_dir/pids"
coordd="$root/build/release/api/coordd/coordd"
initial="1=127.0.0.1:7380,2=127.0.0.1:7480,3=127.0.0.1:7580"

client_port() { echo $((7279 + 100 * $1)); }  # 7379, 7479, 7579
peer_port() { echo $((7280 + 100 * $1)); }    # 7380, 7480, 7580

# Starts node $1 in the background and records its pid.
start_node() {
  local i=$1
  mkdir -p "$cluster_dir"
  "$coordd" --id "$i" --data-dir "$cluster_dir/node-$i" \
    --listen-client "127.0.0.1:$(client_port "$i")" --listen-peer "127.0.0.1:$(peer_port "$i")" \
    --initial-cluster "$initial" --cluster-id local >> "$cluster_dir/node-$i.log" 2>&1 &
  local pid=$!
  touch "$pids_file"
  grep -v "^$i " "$pids_file" > "$pids_file.tmp" || true
  echo "$i $pid" >> "$pids_file.tmp"
  mv "$pids_file.tmp" "$pids_file"
}

# Stops (SIGTERM, then SIGKILL after 10 s) every node in the pids file that is still ours.
stop_all() {
  [ -f "$pids_file" ] || return 0
  local pids=()
  while read -r _ pid; do
    if kill -0 "$pid" 2>/dev/null && grep -q coordd "/proc/$pid/cmdline" 2>/dev/null; then
      pids+=("$pid")
    fi
  done < "$pids_file"
  if [ ${#pids[@]} -gt 0 ]; then
    kill -TERM "${pids[@]}" 2>/dev/null || true
    for _ in $(seq 100); do
      local alive=0
      for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null && alive=1; done
      [ $alive -eq 0 ] && break
      sleep 0.1
    done
    kill -KILL "${pids[@]}" 2>/dev/null || true
  fi
  rm -f "$pids_file"
}

# Waits until node $1 answers /ready (or died, or 30 s passed).
await_ready() {
  local i=$1 pid
  pid=$(awk -v id="$i" '$1 == id { print $2 }' "$pids_file")
  for _ in $(seq 300); do
    if curl -sf "http://127.0.0.1:$(client_port "$i")/ready" > /dev/null 2>&1; then return 0; fi
    if ! kill -0 "$pid" 2>/dev/null; then
      echo "node $i exited; the end of .cluster/node-$i.log:" >&2
      tail -5 "$cluster_dir/node-$i.log" >&2
      return 1
    fi
    sleep 0.1
  done
  echo "node $i not ready after 30 s; see .cluster/node-$i.log" >&2
  return 1
}

build() {
  ./scripts/install-deps.sh
  mkdir -p build
  if [ ! -f build/release/CMakeCache.txt ]; then
    cmake -S . -B build/release -DCMAKE_BUILD_TYPE=Release -DCOORD_WERROR=ON \
      > build/release-configure.log 2>&1 || { cat build/release-configure.log; exit 1; }
  fi
  echo "building coordd (build/release)..."
  cmake --build build/release --target coordd -j "$jobs" > build/run-build.log 2>&1 \
    || { tail -50 build/run-build.log; exit 1; }
}

case "${1:-}" in
  stop)
    stop_all
    echo "cluster stopped"
    exit 0
    ;;
  start-node)
    i=${2:?usage: run-cluster.sh start-node N}
    [ -x "$coordd" ] || build
    start_node "$i"
    await_ready "$i"
    echo "node $i ready on 127.0.0.1:$(client_port "$i")"
    exit 0
    ;;
  "") ;;
  *)
    echo "usage: $0 [stop | start-node N]" >&2
    exit 2
    ;;
esac

build
if [ -f "$pids_file" ]; then
  echo "stopping the nodes started earlier..."
  stop_all
fi
for i in 1 2 3; do start_node "$i"; done
if [ "${COORD_NO_WAIT:-0}" != "1" ]; then
  trap 'echo; echo "stopping..."; stop_all; exit 0' INT TERM
fi
for i in 1 2 3; do
  await_ready "$i" || { stop_all; exit 1; }
done

cat <<'EOF'

coord is running: 3 nodes, client API on 127.0.0.1:7379, :7479, :7579 (any node serves
any request). Try:

  curl -s localhost:7379/v1/cluster
  curl -s -X POST localhost:7379/v1/nodes/app -d '{"data": "hello"}'
  curl -s localhost:7479/v1/nodes/app
  curl -s -X PUT 'localhost:7579/v1/nodes/app?version=0' -d '{"data": "hello again"}'
  curl -s -X POST localhost:7379/v1/nodes/app/job- -d '{"mode": "sequential"}'
  curl -s 'localhost:7479/v1/nodes/app?children=true'
  SESSION=$(curl -s -X POST localhost:7379/v1/sessions -d '{"ttl_ms": 10000}' | sed 's/.*"id":"\([0-9]*\)".*/\1/')
  curl -s -X POST localhost:7479/v1/nodes/app/lock -d "{\"mode\": \"ephemeral\", \"session\": \"$SESSION\"}"
  curl -s -X POST localhost:7579/v1/sessions/$SESSION/keepalive
  curl -s -X POST localhost:7379/v1/txn -d '{"ops": [{"op": "check", "path": "/app", "version": 1}, {"op": "create", "path": "/app/done"}]}'
  curl -s 'localhost:7479/v1/watch?path=/app&recursive=true&since=0&timeout_ms=1000'
  curl -sN -H 'Accept: text/event-stream' 'localhost:7579/v1/watch?path=/app&recursive=true'   # live; Ctrl-C ends it
  curl -s localhost:7379/metrics | grep coord_raft

Walkthrough: README.md. Logs: .cluster/node-*.log. Pids: .cluster/pids.
EOF

if [ "${COORD_NO_WAIT:-0}" = "1" ]; then
  echo "The nodes keep running; stop them with ./scripts/run-cluster.sh stop"
  exit 0
fi
echo "Ctrl-C stops the cluster."
# Stay in the foreground while any node runs (a node killed by hand can be started again
# from another terminal with ./scripts/run-cluster.sh start-node N).
while true; do
  sleep 1 &
  wait $! || true
done
