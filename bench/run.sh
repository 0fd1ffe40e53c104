#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# bench/run.sh: the guest side of "make bench", run from /bench by /init
# when the kernel command line has scriptmode=bench.
#
# Prints BENCH-META lines (what the guest's kernel and CPU are), then runs
# each benchmark of the list below in turn, under a time limit, and
# BENCH-END last.  A benchmark prints one BENCH-ROW line per measurement
# on stdout:
#
#   BENCH-ROW {"bench":..,"case":..,"impl":..,"metric":..,"unit":..,
#              "runs":..,"min":..,"median":..,"max":..}
#
# and BENCH-PROGRESS lines (shown on the host's terminal as it runs) and
# BENCH-ERROR lines on stderr.  All of it reaches the console, which
# bench/boot.sh keeps and bench/report.py reads.
#
# The list: one benchmark a line, "NAME LIMIT_SECONDS COMMAND...", the
# command run with sh -c in /bench.  More benchmarks: add a line here, or
# ship a file /bench/NAME.list of such lines (bench/initramfs.sh copies
# bench/*.list and bench/*/*.list there); they run after these, in the
# order of their names.
#
# benchlist=NAME on the kernel command line (an environment variable of
# /init, hence of this script) runs /bench/NAME.list alone: make
# bench-profile boots with benchlist=profile.
BENCHES='
ops 300 ./ops_bench
'

cd /bench || exit 1

json_str() {
	printf '%s' "$1" | tr '\n\t' '  ' | sed 's/\\/\\\\/g; s/"/\\"/g'
}

meta() {
	printf 'BENCH-META {"key":"%s","value":"%s"}\n' "$1" "$(json_str "$2")"
}

# Let the boot's own work (deferred initcalls, RCU) settle first.
sleep 2

meta uname "$(uname -r) $(uname -v)"
meta cmdline "$(cat /proc/cmdline)"
meta nproc "$(nproc)"
meta cpu "$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)"
meta memory "$(sed -n 's/^MemTotal:[[:space:]]*//p' /proc/meminfo)"
if [ -r /sys/kernel/debug/sched/preempt ]; then
	meta preempt "$(cat /sys/kernel/debug/sched/preempt)"
fi
[ -d /sys/kernel/slab ] && meta slab "SLUB (/sys/kernel/slab)"
meta clocksource \
	"$(cat /sys/devices/system/clocksource/clocksource0/current_clocksource)"
for f in /sys/devices/system/cpu/vulnerabilities/*; do
	[ -r "$f" ] && meta "vulnerability.${f##*/}" "$(cat "$f")"
done

{
	if [ -n "${benchlist:-}" ]; then
		cat "/bench/$benchlist.list"
	else
		printf '%s\n' "$BENCHES"
		for f in /bench/*.list; do
			[ -r "$f" ] && cat "$f"
		done
	fi
} | grep -v '^[[:space:]]*\(#\|$\)' > /tmp/benches

exec 3</tmp/benches
while read -r name limit cmd <&3; do
	echo "BENCH-PROGRESS $name: start (limit ${limit}s)" >&2
	start=$(date +%s)
	timeout -s KILL "$limit" sh -c "$cmd" </dev/null
	rc=$?
	secs=$(( $(date +%s) - start ))
	echo "BENCH-PROGRESS $name: exit $rc after ${secs}s" >&2
	printf 'BENCH-RAN {"bench":"%s","rc":%d,"seconds":%d}\n' \
		"$name" "$rc" "$secs"
	if [ "$rc" -ne 0 ]; then
		echo "BENCH-ERROR $name: exit status $rc" >&2
	fi
done
exec 3<&-
echo "BENCH-END"
