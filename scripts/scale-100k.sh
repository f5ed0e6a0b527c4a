#!/usr/bin/env bash
# The 100k-session demonstration on one machine (see results/scale/README.md):
#   - six mosquitto processes on 127.0.0.1:19001-19006, each with its own config, started here and stopped by PID
#     (one mosquitto serves about 20,000 clients: the per-process open-file limit);
#   - loadgen runs profiles/scale-100k.yaml across them from eight source addresses (127.0.0.2-127.0.0.9); with more
#     sessions than one process may open it starts worker processes, one shard each, and merges their results;
#   - the brokers' resident memory is sampled while the run goes and written next to the results.
# Usage: scripts/scale-100k.sh [extra loadgen run options]
set -euo pipefail
cd "$(dirname "$0")/.."

brokers=6
base_port=19001
work=$(mktemp -d)
pids=()
sampler=""

stop() {
    [ -n "$sampler" ] && kill "$sampler" 2>/dev/null || true
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    for pid in "${pids[@]}"; do while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done; done
    rm -rf "$work"
}
trap stop EXIT

command -v mosquitto >/dev/null || PATH="$PATH:/usr/sbin"
# Every broker and every loadgen worker holds up to ~20,000 sockets: the hard limit here (even root cannot go higher).
ulimit -n 20000

urls=()
for i in $(seq 0 $((brokers - 1))); do
    port=$((base_port + i))
    cat > "$work/mosquitto-$port.conf" <<CONF
listener $port 127.0.0.1
allow_anonymous true
set_tcp_nodelay true
max_connections -1
max_queued_messages 0
log_type error
log_dest file $work/mosquitto-$port.log
user root
CONF
    mosquitto -c "$work/mosquitto-$port.conf" &
    pids+=($!)
    urls+=("mqtt://127.0.0.1:$port")
done

for i in $(seq 0 $((brokers - 1))); do
    port=$((base_port + i))
    for _ in $(seq 1 50); do
        (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
        sleep 0.1
    done
done
echo "scale-100k: ${#pids[@]} mosquitto processes (PIDs ${pids[*]}) on ports $base_port-$((base_port + brokers - 1))"

dotnet build -c Release src/LoadGen.Cli -v q -nologo >/dev/null
name="100k-$(date -u +%Y%m%d-%H%M%S)"
out=results/scale

# The brokers' memory while the sessions are connected: the peak of their summed resident sets.
(
    peak=0
    while true; do
        total=0
        for pid in "${pids[@]}"; do
            rss=$(awk '/^VmRSS/ {print $2}' "/proc/$pid/status" 2>/dev/null || echo 0)
            total=$((total + ${rss:-0}))
        done
        if [ "$total" -gt "$peak" ]; then peak=$total; echo "$peak" > "$work/broker-peak-kb"; fi
        sleep 1
    done
) &
sampler=$!

status=0
dotnet src/LoadGen.Cli/bin/Release/net10.0/loadgen.dll run profiles/scale-100k.yaml \
    --broker "$(IFS=,; echo "${urls[*]}")" --source-ip 127.0.0.2-127.0.0.9 --out "$out" --name "$name" "$@" || status=$?

peak_kb=$(cat "$work/broker-peak-kb" 2>/dev/null || echo 0)
{
    echo "# Brokers during $name"
    echo
    echo "$brokers mosquitto processes ($(mosquitto -h 2>/dev/null | head -1 | sed 's/^mosquitto //' || true)), one config each: listener 127.0.0.1, max_connections -1, set_tcp_nodelay true."
    echo "Peak summed resident memory: $((peak_kb / 1024)) MiB ($peak_kb kB), $((peak_kb * 1024 / 100000)) B per session."
} > "$out/$name/brokers.md"
cat "$out/$name/brokers.md"
exit $status
