#!/bin/sh
# Requests per second of the example on the loop (aio.Handler) and of the same
# lookup in a plain net/http handler (-plain), driven by wrk
# (apt-get install wrk), at concurrency 50 and 200. Not a test: the figures
# depend on the machine; compare the two in one run.
#
#   sh bench.sh [seconds]
set -e
cd "$(dirname "$0")"
secs=${1:-10}
dir=$(mktemp -d)
trap 'kill $pids 2>/dev/null; rm -rf "$dir"' EXIT
go build -o "$dir/customers" .
pids=
"$dir/customers" -addr 127.0.0.1:18080 -db "$dir/loop.db" >/dev/null & pids="$pids $!"
"$dir/customers" -addr 127.0.0.1:18081 -db "$dir/plain.db" -plain >/dev/null & pids="$pids $!"
sleep 1
for c in 50 200; do
	for mode in loop:18080 plain:18081; do
		name=${mode%%:*}
		port=${mode##*:}
		rps=$(wrk -t2 -c$c -d${secs}s "http://127.0.0.1:$port/?customer_id=42" | awk '/Requests\/sec/ {print $2}')
		echo "c=$c $name $rps req/s"
	done
done
