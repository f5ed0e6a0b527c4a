#!/usr/bin/env bash
# Builds LoadGen and runs every test project. Ends with one line, "N passed, N failed", summed over all projects,
# so a run that executed no test is visible. Exit code 0 only when tests ran and none failed.
set -uo pipefail
cd "$(dirname "$0")"

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

# Real parts the tests use: mosquitto (client, engine and CLI tests run against it), Chromium (report.html is opened
# headless) and DejaVu fonts (chart text). Install what is missing when we may; otherwise the tests that need it
# fail with the install command rather than skip.
missing=()
{ command -v mosquitto >/dev/null 2>&1 || [ -x /usr/sbin/mosquitto ]; } || missing+=(mosquitto)
[ -x /usr/bin/chromium ] || missing+=(chromium)
[ -f /usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf ] || missing+=(fonts-dejavu-core)
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "Installing ${missing[*]} (apt-get)..."
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  else
    echo "missing and cannot be installed here: ${missing[*]}; run 'sudo apt-get install -y ${missing[*]}'." >&2
  fi
fi

log=$(mktemp)
trap 'rm -f "$log"' EXIT

# One test project at a time (-m:1): on a 2-core machine the timing-sensitive broker tests must not share the CPU
# with another test host.
dotnet test LoadGen.sln -c Release --nologo -m:1 2>&1 | tee "$log"
status=${PIPESTATUS[0]}

# One summary line per test assembly: "Passed!  - Failed:     0, Passed:   363, Skipped: ..."
passed=$(grep -Eo 'Failed:[[:space:]]+[0-9]+, Passed:[[:space:]]+[0-9]+' "$log" | awk -F'[:,]' '{p += $4} END {print p + 0}')
failed=$(grep -Eo 'Failed:[[:space:]]+[0-9]+, Passed:[[:space:]]+[0-9]+' "$log" | awk -F'[:,]' '{f += $2} END {print f + 0}')

if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
  # The build or a test host failed before any summary: count that as a failure, never as a pass.
  failed=1
fi

# The codec regression gate: the quick benchmark subset against results/baselines/codec.json (about a minute, up to
# two more when a timing ratio must be measured again, in a fresh process, to confirm). Allocations are gated exactly; time ratios to MQTTnet in
# the same run may move 40 % here, because across 11 quick runs on this 2-core machine single ratios moved by up to
# 32 % with no code change. It counts as one check in the line below.
if [ "${LOADGEN_SKIP_BENCH_GATE:-0}" = "1" ]; then
  echo "codec gate: skipped (LOADGEN_SKIP_BENCH_GATE=1)"
elif [ "$status" -eq 0 ]; then
  if dotnet bench/LoadGen.Benchmarks/bin/Release/net10.0/LoadGen.Benchmarks.dll gate --quick --tolerance 40 > "$log.gate" 2>&1; then
    passed=$((passed + 1))
    grep -E '^# Codec gate|^gate:' "$log.gate"
  else
    failed=$((failed + 1))
    status=1
    # The gate's own report says which benchmark regressed, by how much, against what.
    sed -n '/^# Codec gate/,$p' "$log.gate"
    [ -s "$log.gate" ] && ! grep -q '^# Codec gate' "$log.gate" && tail -40 "$log.gate"
  fi
  rm -f "$log.gate"
fi

echo "${passed} passed, ${failed} failed"
[ "$status" -eq 0 ] && [ "$passed" -gt 0 ] && [ "$failed" -eq 0 ]
