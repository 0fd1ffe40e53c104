#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# profile.sh: the guest side of "make bench-profile" (busybox sh), run from
# /bench by bench/run.sh through /bench/profile.list (bench/profile/
# profile.runlist) when the kernel command line says benchlist=profile.
#
#   - The servers of PROFILE_SERVERS ("script epoll") start, each with one
#     worker pinned to CPU 1, and wrk drives them from CPU 0: the 1 KiB,
#     32 connections, one worker case of http_bench.sh, placed as it
#     places it.  A warm-up of PROFILE_WARMUP seconds (1) each.
#   - PROFILE_ROUNDS rounds (2), each server in turn, the order rotated by
#     one each round (the host's load drifts: a server measured once can
#     be unlucky): a reference run of PROFILE_REF seconds (3) without
#     perf, then wrk for PROFILE_DURATION + 2 seconds and, 1 s into it,
#     "perf record -e cpu-clock -c PERIOD_NS -a -g" for PROFILE_DURATION
#     seconds (10).  TCG has no PMU, so the clock samples: a sample every
#     PROFILE_PERIOD_NS (1000000) ns of each CPU's time, idle included (at
#     1 kHz the sampling's cost is within the runs' noise, +-10%; at 2 kHz
#     the script(2) server made a quarter fewer requests).
#   - Around each run the system's counters (/proc/net/snmp and netstat,
#     interrupts, softirqs, CPU times): BENCH-PROFILE-COUNTERS lines, per
#     request; a BENCH-PROFILE-META line per sampled run (duration,
#     period, wrk's rates) and, once the servers stop, a
#     BENCH-PROFILE-SERVER line with the counters each printed
#     (requests, the interpreter's steps per request).
#   - Last, perf script for each run, folded here by awk into one line per
#     distinct stack: "COUNT cpuN;COMM;mode;ROOT;...;LEAF" (mode: user or
#     kernel: where the sample's own instruction was), function names
#     without offsets except for the functions of PROFILE_KEEPOFF (a
#     regular expression, "^script_run$"), whose "+0xOFF" stays so that
#     the host can map an offset to the inlined function it lies in.  The
#     folded stacks of run IMPL.ROUND go out gzipped and base64-encoded,
#     one "BENCH-PROFILE IMPL.ROUND LINE" a line, then "BENCH-PROFILE-END
#     IMPL.ROUND LINES MD5" (of the gzip file), for bench/profile.py.
#
# Rows: "profile" "1KiB c=32 w=1" IMPL, req_per_s for each reference run
# and req_per_s_perf for each sampled one.
#
# A control: "epoll-spin" in PROFILE_SERVERS is the epoll server with
# PROFILE_SPIN_US (50) microseconds of busy work in user space per request
# (epoll_httpd -S), as slow as the script(2) server with the epoll
# server's kernel work: whether the kernel's share of a request grows when
# the client waits more.
#
# Environment: PROFILE_SERVERS, PROFILE_ROUNDS, PROFILE_DURATION,
# PROFILE_PERIOD_NS, PROFILE_WARMUP, PROFILE_REF, PROFILE_KEEPOFF,
# PROFILE_CASE ("1k:32").
set -u
cd "$(dirname "$0")" || exit 1
bin=$(pwd)
root=/srv/bench
perf=/usr/bin/perf
dur=${PROFILE_DURATION:-10}
period=${PROFILE_PERIOD_NS:-1000000}
warm=${PROFILE_WARMUP:-1}
ref=${PROFILE_REF:-3}
rounds=${PROFILE_ROUNDS:-2}
spin_us=${PROFILE_SPIN_US:-50}
keepoff=${PROFILE_KEEPOFF:-^script_run\$}
pcase=${PROFILE_CASE:-1k:32}
size=${pcase%%:*}
conns=${pcase#*:}
tmp=/tmp/profile
rc=0

rm -rf $tmp
mkdir -p $tmp

progress() {
	echo "BENCH-PROGRESS profile: $*" >&2
}

error() {
	echo "BENCH-ERROR profile: $*" >&2
	rc=1
}

for x in $perf /usr/bin/wrk $bin/http_client $root/$size.bin; do
	[ -e "$x" ] || { error "no $x"; exit 1; }
done
[ "$(nproc)" -ge 2 ] || { error "needs 2 CPUs"; exit 1; }

# Kernel addresses and every CPU's events for root
echo -1 >/proc/sys/kernel/perf_event_paranoid
echo 0 >/proc/sys/kernel/kptr_restrict

port_of() {
	case $1 in
	script) echo 8081 ;;
	epoll) echo 8082 ;;
	epoll-spin) echo 8086 ;;
	esac
}

case_name() {
	case $size in
	1k) echo "1KiB c=$conns w=1" ;;
	64k) echo "64KiB c=$conns w=1" ;;
	1m) echo "1MiB c=$conns w=1" ;;
	esac
}

# wrk_run IMPL SECONDS OUT: wrk on CPU 0, as http_bench.sh runs it
wrk_run() {
	taskset 1 /usr/bin/wrk -t1 -c"$conns" -d"$2"s --latency --timeout 10s \
		"http://127.0.0.1:$(port_of "$1")/$size.bin" >"$3" 2>&1
}

rps_of() {
	awk '/^Requests\/sec:/ { print $2 }' "$1"
}

# "N requests in 10.00s": wrk's count
reqs_of() {
	awk '/ requests in / { print $1 }' "$1"
}

row() {
	printf 'BENCH-ROW {"bench":"profile","case":"%s","impl":"%s","metric":"%s","unit":"req/s","runs":1,"min":%s,"median":%s,"max":%s,"values":[%s]}\n' \
		"$(case_name)" "$1" "$2" "$3" "$3" "$3" "$3"
}

# fold: perf script's output (header line, then one "ADDR SYM+OFF (DSO)"
# line per frame, leaf first, then a blank line) to "cpuN;COMM;MODE;
# ROOT;...;LEAF" keys, counted.
fold() {
	awk -v keep="$keepoff" '
	function flush() {
		if (!have)
			return
		key = "cpu" cpu ";" comm ";" mode
		for (i = n; i >= 1; i--)
			key = key ";" f[i]
		cnt[key]++
		have = 0
	}
	/^[^ \t]/ {
		flush()
		# "COMM TID [CPU] PERIOD": COMM may hold blanks
		line = $0
		if (!match(line, / +[0-9]+ +\[[0-9]+\]/)) {
			bad++
			next
		}
		comm = substr(line, 1, RSTART - 1)
		gsub(/;/, ":", comm)
		gsub(/ /, "_", comm)
		rest = substr(line, RSTART)
		sub(/^ +[0-9]+ +\[/, "", rest)
		cpu = rest + 0
		have = 1
		n = 0
		mode = ""
		next
	}
	/^[ \t]+[0-9a-f]+ / {
		if (!have)
			next
		addr = $1
		sym = $2
		if (sym == "[unknown]" && $3 != "") {
			d = $3
			gsub(/[()]/, "", d)
			sub(/^.*\//, "", d)
			sym = "[" d "]"
		}
		if (mode == "")
			mode = length(addr) == 16 && addr ~ /^ffff/ ? "kernel" : "user"
		base = sym
		sub(/\+0x[0-9a-f]+$/, "", base)
		if (base !~ keep)
			sym = base
		gsub(/;/, ":", sym)
		f[++n] = sym
		next
	}
	/^$/ { flush() }
	END {
		flush()
		for (k in cnt)
			print cnt[k], k
		if (bad)
			printf "profile: %d sample headers not understood\n", bad > "/dev/stderr"
	}'
}

# snap FILE: the system's counters, "NAME VALUE" a line: /proc/net/snmp
# and /proc/net/netstat ("Tcp.OutSegs"), /proc/interrupts and
# /proc/softirqs per CPU ("irq.RES.cpu0"), /proc/stat's CPU times in
# ticks ("stat.cpu1.idle") and context switches ("stat.ctxt")
snap() {
	{
		cat /proc/net/snmp /proc/net/netstat 2>/dev/null | awk '
			{ p = $1; sub(/:$/, "", p) }
			p in hdr { for (i = 2; i <= NF; i++) print p "." hdr[p, i], $i
				   delete hdr[p]; next }
			{ hdr[p] = 1; for (i = 2; i <= NF; i++) hdr[p, i] = $i }'
		for f in /proc/interrupts /proc/softirqs; do
			awk -v t="$( [ $f = /proc/interrupts ] && echo irq || echo softirq)" '
				NR == 1 { n = NF; next }
				{ k = $1; sub(/:$/, "", k)
				  for (i = 2; i <= n + 1 && $i ~ /^[0-9]+$/; i++)
					print t "." k ".cpu" (i - 2), $i }' $f
		done
		awk '/^cpu[0-9]/ { split("user nice system idle iowait irq softirq steal", n, " ")
				   for (i = 1; i <= 8; i++) print "stat." $1 "." n[i], $(i + 1) }
		     /^ctxt/ { print "stat.ctxt", $2 }' /proc/stat
	} >"$1"
}

# counters NAME BEFORE AFTER REQS: the counters that moved, per request,
# as a BENCH-PROFILE-COUNTERS line of JSON
counters() {
	awk -v name="$1" -v reqs="$4" '
		NR == FNR { b[$1] = $2; next }
		($1 in b) && $2 != b[$1] { d[$1] = $2 - b[$1] }
		END {
			s = ""
			for (k in d)
				s = s sprintf("%s\"%s\":%.4f", s == "" ? "" : ",", k,
					      reqs > 0 ? d[k] / reqs : 0)
			printf "BENCH-PROFILE-COUNTERS {\"run\":\"%s\",\"reqs\":%d,\"per_req\":{%s}}\n",
				name, reqs, s
		}' "$2" "$3"
}

# ship NAME FILE: FILE gzipped and in base64 on the console
ship() {
	gzip -9 -c "$2" >"$2.gz"
	sum=$(md5sum "$2.gz" | cut -d' ' -f1)
	base64 "$2.gz" | tr -d '\r' >"$2.b64"
	n=$(wc -l <"$2.b64")
	sed "s/^/BENCH-PROFILE $1 /" "$2.b64"
	echo "BENCH-PROFILE-END $1 $n $sum"
}

# rotate K WORDS...: the words, starting at the K-th (from 0), round
rotate() {
	k=$1
	shift
	n=$#
	i=0
	out=
	while [ $i -lt $n ]; do
		j=$(( (i + k) % n + 1 ))
		eval "out=\"\$out \${$j}\""
		i=$((i + 1))
	done
	echo "$out"
}

# start IMPL: on CPU 1, in the background; waits until it answers
start() {
	port=$(port_of "$1")
	case $1 in
	script)
		taskset 2 "$bin/httpd" -a 127.0.0.1 -p "$port" -w 1 "$root" \
			>"$tmp/$1.log" 2>&1 &
		;;
	epoll)
		taskset 2 "$bin/epoll_httpd" -a 127.0.0.1 -p "$port" -w 1 \
			"$root" >"$tmp/$1.log" 2>&1 &
		;;
	epoll-spin)
		taskset 2 "$bin/epoll_httpd" -a 127.0.0.1 -p "$port" -w 1 \
			-S "$spin_us" "$root" >"$tmp/$1.log" 2>&1 &
		;;
	*)
		error "unknown server $1"
		return 1
		;;
	esac
	eval "pid_$1=$!"
	if ! "$bin/http_client" -p "$port" -n 1 -W 20000 /1k.bin >/dev/null; then
		error "$1 does not answer on port $port: $(tr '\n' ' ' <"$tmp/$1.log")"
		kill "$!" 2>/dev/null
		return 1
	fi
}

# measure IMPL ROUND: the reference run, then the sampled one
measure() {
	s=$1
	n=$s.$2
	progress "$n: reference ${ref}s, perf ${dur}s" \
		"($(( $(date +%s) - start_s ))s)"
	snap $tmp/snap.0
	wrk_run "$s" "$ref" $tmp/$n.ref.out
	snap $tmp/snap.1
	ref_rps=$(rps_of $tmp/$n.ref.out)
	counters "$s.$2" $tmp/snap.0 $tmp/snap.1 "$(reqs_of $tmp/$n.ref.out)"

	wrk_run "$s" $((dur + 2)) $tmp/$n.perf.out &
	wpid=$!
	sleep 1
	snap $tmp/snap.2
	$perf record -q -N -B -e cpu-clock -c "$period" -a -g \
		-o $tmp/$n.data -- sleep "$dur" >$tmp/$n.record.log 2>&1 ||
		error "$n: perf record: $(tr '\n' ' ' <$tmp/$n.record.log)"
	snap $tmp/snap.3
	wait $wpid
	perf_rps=$(rps_of $tmp/$n.perf.out)
	perf_reqs=$(reqs_of $tmp/$n.perf.out)
	errs=$(awk '/Socket errors:/ { gsub(/,/, ""); e += $4 + $6 + $8 + $10 }
		/Non-2xx/ { e += $NF } END { print e + 0 }' \
		$tmp/$n.ref.out $tmp/$n.perf.out)
	[ -n "$ref_rps" ] && [ -n "$perf_rps" ] && [ "$errs" -eq 0 ] ||
		error "$n: wrk: ref '$ref_rps' perf '$perf_rps' req/s, $errs errors:" \
			"$(tr '\n' ' ' <$tmp/$n.perf.out)"
	echo "BENCH-INFO profile: $n: reference $ref_rps req/s, under perf" \
		"$perf_rps req/s" >&2
	row "$s" req_per_s "${ref_rps:-0}"
	row "$s" req_per_s_perf "${perf_rps:-0}"
	counters "$s-perf.$2" $tmp/snap.2 $tmp/snap.3 \
		"$(awk -v r="${perf_rps:-0}" -v d="$dur" 'BEGIN { printf "%d", r * d }')"
	printf 'BENCH-PROFILE-META {"name":"%s","impl":"%s","round":%d,"case":"%s","duration_s":%s,"period_ns":%s,"wrk_seconds":%s,"ref_rps":%s,"perf_rps":%s,"perf_reqs":%s}\n' \
		"$n" "$s" "$2" "$(case_name)" "$dur" "$period" $((dur + 2)) \
		"${ref_rps:-0}" "${perf_rps:-0}" "${perf_reqs:-0}"
}

# Both servers up at once, on CPU 1 (the one not measured waits in
# epoll_wait), measured in turns, in an order rotated by one each round
start_s=$(date +%s)
up=
# PROFILE_SERVERS: blanks or commas between names (a kernel parameter
# holds no blank)
for s in $(echo "${PROFILE_SERVERS:-script epoll}" | tr , ' '); do
	start "$s" || continue
	up="$up $s"
	progress "$s: warm-up ${warm}s"
	wrk_run "$s" "$warm" $tmp/warm.out
done
[ -n "$up" ] || exit 1
r=1
while [ "$r" -le "$rounds" ]; do
	for s in $(rotate $((r - 1)) $up); do
		measure "$s" "$r"
	done
	r=$((r + 1))
done
for s in $up; do
	p=
	eval "p=\$pid_$s"
	kill -TERM "$p" 2>/dev/null
	wait "$p" 2>/dev/null
	counters=$(sed -n 's/^total: //p' "$tmp/$s.log" | tr '\n' ' ')
	echo "BENCH-INFO profile: $s: $counters" >&2
	printf 'BENCH-PROFILE-SERVER {"impl":"%s","counters":"%s"}\n' \
		"$s" "$counters"
done

# perf script last, two at a time (one per CPU): it takes a minute or
# two a run under TCG, and no server runs now
script_one() {
	$perf script -i "$tmp/$1.data" -F comm,tid,cpu,ip,sym,symoff,dso \
		2>"$tmp/$1.script.err" | fold >"$tmp/$1.folded"
	rm -f "$tmp/$1.data"
}
names=
for f in $tmp/*.data; do
	[ -e "$f" ] || continue
	n=${f##*/}
	names="$names ${n%.data}"
done
set -- $names
while [ $# -gt 0 ]; do
	progress "perf script $1 ${2:-} ($(( $(date +%s) - start_s ))s)"
	script_one "$1" &
	j1=$!
	j2=
	if [ $# -gt 1 ]; then
		script_one "$2" &
		j2=$!
	fi
	wait $j1
	[ -z "$j2" ] || wait $j2
	shift
	[ $# -eq 0 ] || shift
done
for n in $names; do
	[ -s "$tmp/$n.folded" ] ||
		error "$n: perf script: $(head -5 "$tmp/$n.script.err" | tr '\n' ' ')"
	ship "$n" "$tmp/$n.folded"
done
progress "done after $(( $(date +%s) - start_s ))s"
exit $rc
