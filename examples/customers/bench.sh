#!/bin/sh
# Requests per second of the example on the loop (aio.Handler) and of the same
# lookup in a plain net/http handler (-plain), driven by wrk
# (apt-get install wrk), at concurrency 50 and 200, with the server's CPU
# time per request (user and system, from /proc on Linux): on a machine that
# wrk shares, CPU per request moves less from run to run than requests per
# second do. Not a test: the figures depend on the machine; compare the two
# in one run, and over several runs (sh bench.sh 4 8: eight rounds of 4 s).
#
#   sh bench.sh [seconds] [rounds]
set -e
cd "$(dirname "$0")"
secs=${1:-10}
rounds=${2:-1}
dir=$(mktemp -d)
trap 'kill $pids 2>/dev/null; rm -rf "$dir"' EXIT
go build -o "$dir/customers" .
pids=
"$dir/customers" -addr 127.0.0.1:18080 -db "$dir/loop.db" >/dev/null & loop=$!
"$dir/customers" -addr 127.0.0.1:18081 -db "$dir/plain.db" -plain >/dev/null & plain=$!
pids="$loop $plain"
sleep 1
tick=$(getconf CLK_TCK)

# cpu PID: the process's user and system time so far, in clock ticks.
cpu() {
	if [ -r "/proc/$1/stat" ]; then
		# Fields 14 and 15, counted after the command name's closing parenthesis.
		sed 's/.*) //' "/proc/$1/stat" | awk '{print $12 + $13}'
	else
		echo 0
	fi
}

round=1
while [ "$round" -le "$rounds" ]; do
	for c in 50 200; do
		for mode in loop:18080:$loop plain:18081:$plain; do
			name=${mode%%:*}
			rest=${mode#*:}
			port=${rest%%:*}
			pid=${rest#*:}
			before=$(cpu "$pid")
			out=$(wrk -t2 -c$c -d${secs}s "http://127.0.0.1:$port/?customer_id=42")
			after=$(cpu "$pid")
			echo "$out" | awk -v c=$c -v name=$name -v round=$round -v ticks=$((after - before)) -v tick=$tick '
				/requests in/ { n = $1 }
				/Requests\/sec/ { rps = $2 }
				END {
					line = sprintf("round %d c=%d %-5s %s req/s", round, c, name, rps)
					if (ticks > 0 && n > 0) line = line sprintf(", %.1f µs CPU per request", ticks / tick * 1e6 / n)
					print line
				}'
		done
	done
	round=$((round + 1))
done
