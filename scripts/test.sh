#!/usr/bin/env bash
# Runs the whole test suite. Installs the system packages the tests need when they are missing
# (liblz4-1 for the column log, chromium for the browser tests), then builds and tests in Release.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
ldconfig -p | grep -q 'liblz4.so.1' || need+=(liblz4-1)
[ -x /usr/bin/chromium ] || need+=(chromium)
if [ ${#need[@]} -gt 0 ]; then
  echo "installing: ${need[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}"
fi

dotnet build Expothesis.Fast.sln -c Release -warnaserror
results=$(mktemp -d)
status=0
dotnet test Expothesis.Fast.sln -c Release --no-build --logger "trx" --results-directory "$results" "$@" || status=$?

# One plain closing line over all test projects.
passed=0; failed=0; skipped=0
for f in "$results"/*.trx; do
  [ -f "$f" ] || continue
  c=$(grep -o '<Counters [^>]*>' "$f" | head -1)
  p=$(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<<"$c"); fl=$(sed -n 's/.* failed="\([0-9]*\)".*/\1/p' <<<"$c")
  nx=$(sed -n 's/.* notExecuted="\([0-9]*\)".*/\1/p' <<<"$c")
  passed=$((passed + ${p:-0})); failed=$((failed + ${fl:-0})); skipped=$((skipped + ${nx:-0}))
done
echo "tests: $passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ] || status=1
exit $status
