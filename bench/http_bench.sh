#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# http_bench.sh: the guest side of the HTTP benchmark (busybox sh), run
# from /bench by bench/run.sh through bench/http.list.  Debian's wrk
# against four static HTTP/1.1 servers serving the same docroot
# (/srv/bench: 1k.bin, 64k.bin, 1m.bin) with keep-alive:
#
#   script   the script(2) server, /bench/httpd (one script(2) call per
#            worker thread runs its whole event loop)
#   epoll    /bench/epoll_httpd, the same design in plain C with epoll
#   uring    /bench/uring_httpd, io_uring (liburing), fstat() in the loop
#   nginx    Debian's nginx-light, /bench/http-nginx.conf
#
# and in the cases of HTTP_STATX_CASES (the headline: 1 KiB, 32
# connections, one worker) a fifth, uring-statx: uring_httpd -X, with
# IORING_OP_STATX for the fstat() (nothing but io_uring_enter() then).
#
# The script(2) server runs its script the way SCRIPT_LOAD gives it by
# default: compiled, when the kernel has the compiler (kernel.script_jit
# 1).  In the cases of HTTP_INTERP_CASES (the headline) a sixth server,
# script-interp, runs the same script with the interpreter: httpd -I
# (SCRIPT_F_INTERP) when this httpd has the option, else a server started
# under kernel.script_jit=0 (programs are compiled at load time, so it
# stays interpreted when the sysctl goes back).  Each script(2) server's
# engine is read from its program's fdinfo ("script-engine:") once it
# answers: a BENCH-INFO line, and an error when script-interp is not
# interpreted or the script server is not compiled on a kernel that
# compiles.
#
# Placement: with one server worker, the server (all its threads and
# processes) runs on CPU 1 and wrk on CPU 0 (taskset).  Unpinned, the
# scheduler's wake-affine placement often puts wrk's thread and the
# worker on the same CPU, leaving the other idle, and a run then makes 2
# to 3 times fewer requests with 100-200 ms tails: which of the two modes
# a run gets is chance, and it swamped every difference between servers.
# With two workers the server is left unpinned (wrk stays on CPU 0): the
# three threads share two CPUs, as the scheduler places them.
#
# Cases: one worker thread (process for nginx) per server, the headline,
# for each file size with 1 and with 32 connections; and two workers (one
# per CPU) with 32 connections (with 1 connection only one worker works:
# the same as one worker).  wrk runs the same way against every server:
# one thread (-t1), -d DURATION seconds (2).  Each case is measured RUNS
# (4) times; each run goes through the servers in an order rotated by one
# from the run before (and from the case before), so that drift and the
# order hit all alike.  A server's first run in a case follows a 1-second warm-up of
# that case.  A row per case, server and metric, over the runs:
#
#   req_per_s         wrk's Requests/sec
#   latency_p50       wrk's median latency, ms
#
# Then the system calls the server makes per request, counted in the
# kernel: the raw_syscalls:sys_enter tracepoint (CONFIG_FTRACE_SYSCALLS)
# through tracefs, limited to the server's threads (set_event_pid), while
# http_client makes exactly N keep-alive requests after a warm-up; the
# client turns tracing on and off itself (tracing_on) around the N
# requests.  A row "syscalls_per_req" per server and a BENCH-INFO line
# with the count per system call.  For the script(2) server, whose
# requests make no system call, the same window counts its ops (the
# script:script_op tracepoint): a row "ops_per_req" and a BENCH-INFO line
# with the count per op; and its interpreted instructions per request, a
# row "insns_per_req": the steps of a server started for the count, which
# serves the warm-up and the N requests, over the requests it answered
# (its start, its 32 accepts and its stop are in it, a few steps a
# request).
#
# Budget: under TCG, (9 cases x 4 servers + 1 x uring-statx + 1 x
# script-interp) x 4 runs x (2 s + 0.2 s for wrk's start), 38 warm-ups
# of 1 s and the counting: about 6.5 minutes.  4 runs of 2 s rather than 3 of 3: now and then a
# run is an outlier (a host busy with something else, a TCP tail of
# 100-200 ms), and the median of 4 shrugs one off on either side.  A line
# per run (BENCH-INFO: requests/s, mean, p99 and max latency) shows them.
#
# When a server stops, the counters it prints (requests, wakeups, for the
# script(2) server its interpreter steps per request) go out as BENCH-INFO
# lines.
#
# Environment: HTTP_RUNS (4), HTTP_DURATION (2 s), HTTP_WARMUP (1 s),
# HTTP_SERVERS ("script epoll uring nginx"; a server whose files are
# missing is left out), HTTP_CASES (the cases, "SIZE:CONNS:WORKERS ...",
# SIZE one of 1k 64k 1m), HTTP_STATX_CASES ("1k:32:1"; "" for none),
# HTTP_INTERP_CASES ("1k:32:1"; "" for none),
# HTTP_COUNT_REQS (2000), HTTP_SERVER_OPTS (more options for the script,
# epoll and both uring servers, e.g. -N), HTTP_PIN (1; 0: no taskset).
# Exit status 1 when a server failed to start or a run had errors.
set -u
cd "$(dirname "$0")" || exit 1
bin=$(pwd)
root=/srv/bench
runs=${HTTP_RUNS:-4}
dur=${HTTP_DURATION:-2}
warm=${HTTP_WARMUP:-1}
count_reqs=${HTTP_COUNT_REQS:-2000}
opts=${HTTP_SERVER_OPTS:-}
cases=${HTTP_CASES:-"1k:1:1 1k:32:1 64k:1:1 64k:32:1 1m:1:1 1m:32:1 1k:32:2 64k:32:2 1m:32:2"}
statx_cases=${HTTP_STATX_CASES-1k:32:1}
interp_cases=${HTTP_INTERP_CASES-1k:32:1}
pin=${HTTP_PIN:-1}
[ "$(nproc)" -ge 2 ] || pin=0
# on_cpu CPU_MASK: the taskset prefix, or none
on_cpu() {
	[ "$pin" = 1 ] && echo "taskset $1"
}
tmp=/tmp/http_bench
T=/sys/kernel/tracing
rc=0

rm -rf $tmp
mkdir -p $tmp

progress() {
	echo "BENCH-PROGRESS http: $*" >&2
}

error() {
	echo "BENCH-ERROR http: $*" >&2
	rc=1
}

port_of() {
	case $1 in
	script) echo 8081 ;;
	epoll) echo 8082 ;;
	uring) echo 8083 ;;
	nginx) echo 8084 ;;
	uring-statx) echo 8085 ;;
	script-interp) echo 8086 ;;
	esac
}

# in_list WORD LIST
in_list() {
	case " $2 " in
	*" $1 "*) return 0 ;;
	esac
	return 1
}

# The shell variable of IMPL's pid
pidvar() {
	echo "pid_$1" | tr - _
}

servers=
for s in ${HTTP_SERVERS:-script epoll uring nginx}; do
	case $s in
	script) f="$bin/httpd $bin/httpd.bpf.o" ;;
	epoll) f=$bin/epoll_httpd ;;
	uring) f=$bin/uring_httpd ;;
	nginx) f="/usr/sbin/nginx $bin/http-nginx.conf" ;;
	*) error "unknown server $s"; continue ;;
	esac
	ok=1
	for x in $f; do
		[ -e "$x" ] || ok=
	done
	if [ -n "$ok" ]; then
		servers="$servers $s"
	else
		error "server $s left out: no $f"
	fi
done
[ -n "$servers" ] || exit 1
for x in /usr/bin/wrk $bin/http_client $root/1k.bin $root/64k.bin $root/1m.bin; do
	[ -e "$x" ] || { error "no $x"; exit 1; }
done

# ---- servers

# httpd -I: the script with the interpreter (SCRIPT_F_INTERP); an httpd
# without the option gets the sysctl instead.
httpd_interp_opt=
if "$bin/httpd" -h 2>&1 | grep -q -- '^ *-I '; then
	httpd_interp_opt=-I
fi
jit_sysctl=/proc/sys/kernel/script_jit

# engine_of PID: the engines of the script(2) programs PID holds
engine_of() {
	grep -h '^script-engine:' /proc/"$1"/fdinfo/* 2>/dev/null |
		awk '{ print $2 }' | sort -u | tr '\n' ' ' | sed 's/ $//'
}

# check_engine IMPL PID: says which engine runs IMPL's script
check_engine() {
	e=$(engine_of "$2")
	want=
	case $1 in
	script-interp) want=interp ;;
	script)
		if [ -r $jit_sysctl ] && [ "$(cat $jit_sysctl)" != 0 ]; then
			want=jit
		fi
		;;
	esac
	how=
	if [ "$1" = script-interp ]; then
		how=" (${httpd_interp_opt:-kernel.script_jit=0 at its start})"
	fi
	echo "BENCH-INFO http: $1: engine ${e:-unknown}$how" >&2
	if [ -n "$want" ] && [ "$e" != "$want" ]; then
		error "$1: its script runs in '${e:-unknown}', not $want"
	fi
}

# start IMPL WORKERS: starts it in the background, waits until it answers
start() {
	impl=$1
	w=$2
	port=$(port_of "$impl")
	log=$tmp/$impl.log
	cpus=3
	[ "$w" = 1 ] && cpus=2
	run=$(on_cpu $cpus)
	# shellcheck disable=SC2086
	case $impl in
	script)
		$run "$bin/httpd" $opts -a 127.0.0.1 -p "$port" -w "$w" "$root" \
			>"$log" 2>&1 &
		;;
	script-interp)
		jit_was=
		if [ -z "$httpd_interp_opt" ] && [ -w $jit_sysctl ]; then
			jit_was=$(cat $jit_sysctl)
			echo 0 >$jit_sysctl
		fi
		$run "$bin/httpd" $httpd_interp_opt $opts -a 127.0.0.1 \
			-p "$port" -w "$w" "$root" >"$log" 2>&1 &
		;;
	epoll)
		$run "$bin/epoll_httpd" $opts -a 127.0.0.1 -p "$port" -w "$w" \
			"$root" >"$log" 2>&1 &
		;;
	uring)
		$run "$bin/uring_httpd" $opts -a 127.0.0.1 -p "$port" -w "$w" \
			"$root" >"$log" 2>&1 &
		;;
	uring-statx)
		$run "$bin/uring_httpd" -X $opts -a 127.0.0.1 -p "$port" -w "$w" \
			"$root" >"$log" 2>&1 &
		;;
	nginx)
		mkdir -p "$tmp/nginx-w$w"
		sed -e "s|@WORKERS@|$w|; s|@PORT@|$port|; s|@ROOT@|$root|" \
		    -e "s|@TMP@|$tmp/nginx-w$w|g" "$bin/http-nginx.conf" \
			>"$tmp/nginx-w$w/nginx.conf"
		$run /usr/sbin/nginx -c "$tmp/nginx-w$w/nginx.conf" -e stderr \
			>"$log" 2>&1 &
		;;
	esac
	eval "$(pidvar "$impl")=$!"
	spid=$!
	ok=1
	if ! "$bin/http_client" -p "$port" -n 1 -W 20000 /1k.bin >/dev/null; then
		error "$impl (w=$w) does not answer on port $port:" \
			"$(tr '\n' ' ' <"$log")"
		ok=
	fi
	# Loaded (it answered): the sysctl goes back.
	if [ "$impl" = script-interp ] && [ -n "${jit_was:-}" ]; then
		echo "$jit_was" >$jit_sysctl
		jit_was=
	fi
	[ -n "$ok" ] || return 1
	case $impl in
	script | script-interp) check_engine "$impl" "$spid" ;;
	esac
}

# stop IMPL WORKERS: stops it, and shows the counters it printed
stop() {
	eval "p=\${$(pidvar "$1"):-}"
	[ -n "$p" ] || return 0
	kill -TERM "$p" 2>/dev/null
	wait "$p" 2>/dev/null
	eval "$(pidvar "$1")="
	sed -n "s/^total: /BENCH-INFO http: $1 w=$2: /p" "$tmp/$1.log" >&2
}

# The server's threads, and those of its children (nginx's workers).
tids_of() {
	for p in $1 $(awk -v p="$1" '{ sub(/^.*\) /, ""); if ($2 == p) {
			n = FILENAME; sub(/^\/proc\//, "", n); sub(/\/stat$/, "", n);
			print n } }' /proc/[0-9]*/stat 2>/dev/null); do
		ls /proc/"$p"/task 2>/dev/null
	done
}

# ---- numbers

# stats FILE: "N MIN MEDIAN MAX VALUES" of the numbers in FILE, one a line
stats() {
	sort -n "$1" | awk '{ v[NR] = $1 }
		END {
			n = NR
			if (!n) { print "0 0 0 0 -"; exit }
			m = n % 2 ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2
			s = v[1]; for (i = 2; i <= n; i++) s = s "," v[i]
			printf "%d %.3f %.3f %.3f %s\n", n, v[1], m, v[n], s
		}'
}

# row CASE IMPL METRIC UNIT FILE
row() {
	# shellcheck disable=SC2046
	set -- "$1" "$2" "$3" "$4" $(stats "$5")
	[ "$5" -gt 0 ] || return 0
	printf 'BENCH-ROW {"bench":"http","case":"%s","impl":"%s","metric":"%s","unit":"%s","runs":%d,"min":%s,"median":%s,"max":%s,"values":[%s]}\n' \
		"$1" "$2" "$3" "$4" "$5" "$6" "$7" "$8" "$9"
}

size_name() {
	case $1 in
	1k) echo 1KiB ;;
	64k) echo 64KiB ;;
	1m) echo 1MiB ;;
	esac
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

# wrk_run IMPL SIZE CONNS SECONDS OUT
wrk_run() {
	# shellcheck disable=SC2046
	$(on_cpu 1) /usr/bin/wrk -t1 -c"$3" -d"$4"s --latency --timeout 10s \
		"http://127.0.0.1:$(port_of "$1")/$2.bin" >"$5" 2>&1
}

# count_syscalls IMPL: its system calls per request, 1 KiB, 32 connections;
# for the script(2) server its ops and instructions too
count_syscalls() {
	impl=$1
	ops=
	if [ "$impl" = script ] && [ -d $T/events/script/script_op ]; then
		ops=1
		# A server of its own, whose steps are those of the count
		stop script 1
		start script 1 || return
	fi
	eval "p=\${$(pidvar "$impl"):-}"
	port=$(port_of "$impl")
	name="1KiB c=32 w=1"
	progress "system calls of $impl: $count_reqs requests"
	echo 0 >$T/tracing_on
	echo 0 >$T/events/enable
	bufkb=$(awk '{ print $1; exit }' $T/buffer_size_kb)
	echo 8192 >$T/buffer_size_kb
	echo >$T/trace
	tids_of "$p" | tr '\n' ' ' >$T/set_event_pid
	echo 1 >$T/events/raw_syscalls/sys_enter/enable
	[ -n "$ops" ] && echo 1 >$T/events/script/script_op/enable
	# shellcheck disable=SC2046
	if ! $(on_cpu 1) "$bin/http_client" -p "$port" -c 32 -n "$count_reqs" -w 200 \
	     -T $T/tracing_on /1k.bin >$tmp/count.out 2>&1; then
		error "$impl: http_client: $(tr '\n' ' ' <$tmp/count.out)"
	fi
	echo 0 >$T/tracing_on
	echo 0 >$T/events/raw_syscalls/sys_enter/enable
	[ -n "$ops" ] && echo 0 >$T/events/script/script_op/enable
	lost=$(cat $T/per_cpu/cpu*/stats | awk '/^overrun:/ { o += $2 }
		END { print o + 0 }')
	[ "$lost" -eq 0 ] || error "$impl: the trace lost $lost events"
	# "... sys_enter: NR 232 (3, ...)": a count per system call number
	awk -v reqs="$count_reqs" -v impl="$impl" -v info="$tmp/count.$impl.info" '
		BEGIN {
			split("0 read 1 write 3 close 5 fstat 7 poll 13 rt_sigaction " \
			      "14 rt_sigprocmask 15 rt_sigreturn 19 readv 20 writev " \
			      "40 sendfile 44 sendto 45 recvfrom 46 sendmsg 47 recvmsg " \
			      "48 shutdown 54 setsockopt 72 fcntl 202 futex " \
			      "228 clock_gettime 232 epoll_wait 233 epoll_ctl " \
			      "257 openat 262 newfstatat 281 epoll_pwait 288 accept4 " \
			      "293 pipe2 332 statx 426 io_uring_enter 437 openat2 " \
			      "463 script", t, " ")
			for (i = 1; i in t; i += 2)
				nm[t[i]] = t[i + 1]
		}
		!/^#/ {
			for (i = 1; i < NF; i++)
				if ($i == "NR") {
					c[$(i + 1)]++
					n++
					break
				}
		}
		END {
			s = ""
			for (k in c)
				s = s sprintf(" %s=%.2f", (k in nm) ? nm[k] : "nr" k,
					      c[k] / reqs)
			printf "%d\n", n
			printf "BENCH-INFO http: %s: %d system calls for %d requests:%s\n",
				impl, n, reqs, s > info
		}' $T/trace >"$tmp/count.$impl"
	cat $tmp/count.$impl.info >&2
	[ -n "$ops" ] && count_ops
	echo >$T/set_event_pid
	echo >$T/trace
	echo "$bufkb" >$T/buffer_size_kb
	awk -v reqs="$count_reqs" '{ printf "%.3f\n", $1 / reqs }' \
		$tmp/count.$impl >$tmp/count.$impl.per
	row "$name" "$impl" syscalls_per_req syscalls/req $tmp/count.$impl.per
}

# count_ops: the script(2) server's ops and instructions per request, from
# the trace count_syscalls took and from the server it started
count_ops() {
	# "... script_op: op=24 send ret=1100": a count per op
	awk -v reqs="$count_reqs" -v info="$tmp/ops.info" '
		/ script_op: / {
			for (i = 1; i < NF; i++)
				if ($i ~ /^op=/) {
					c[$(i + 1)]++
					n++
					break
				}
		}
		END {
			s = ""
			for (k in c)
				s = s sprintf(" %s=%.2f", k, c[k] / reqs)
			printf "%.3f\n", n / reqs
			printf "BENCH-INFO http: script: %d ops for %d requests:%s\n",
				n, reqs, s > info
		}' $T/trace >"$tmp/ops.per"
	cat $tmp/ops.info >&2
	row "$name" script ops_per_req ops/req $tmp/ops.per
	# Its counters: "total: ... N requests: ... S steps, K per request"
	kill -TERM "$pid_script" 2>/dev/null
	wait "$pid_script" 2>/dev/null
	pid_script=
	sed -n 's/^total: .* \([0-9][0-9]*\) requests: .* \([0-9][0-9]*\) steps.*/\2 \1/p' \
		"$tmp/script.log" | awk '$2 > 0 { printf "%.1f\n", $1 / $2 }' \
		>$tmp/insns.per
	sed -n 's/^total: /BENCH-INFO http: script (count): /p' "$tmp/script.log" >&2
	row "$name" script insns_per_req insns/req $tmp/insns.per
}

# ---- the cases, grouped by worker count: servers start once per group

# case_servers CASE: the servers up that run in CASE
case_servers() {
	cs=
	for s in $up; do
		case $s in
		uring-statx) in_list "$1" "$statx_cases" || continue ;;
		script-interp) in_list "$1" "$interp_cases" || continue ;;
		esac
		cs="$cs $s"
	done
	echo $cs
}

has_uring=
in_list uring "$servers" && has_uring=1
has_script=
in_list script "$servers" && has_script=1
ntotal=0
for c in $cases; do
	n=$(echo $servers | wc -w)
	[ -n "$has_uring" ] && in_list "$c" "$statx_cases" && n=$((n + 1))
	[ -n "$has_script" ] && in_list "$c" "$interp_cases" && n=$((n + 1))
	ntotal=$((ntotal + runs * n))
done
done_n=0
start_s=$(date +%s)

for w in 1 2; do
	wcases=
	group=$servers
	for c in $cases; do
		[ "${c##*:}" = "$w" ] || continue
		wcases="$wcases $c"
		if [ -n "$has_uring" ] && in_list "$c" "$statx_cases" &&
		   ! in_list uring-statx "$group"; then
			group="$group uring-statx"
		fi
		if [ -n "$has_script" ] && in_list "$c" "$interp_cases" &&
		   ! in_list script-interp "$group"; then
			group="$group script-interp"
		fi
	done
	[ -n "$wcases" ] || continue
	up=
	for s in $group; do
		start "$s" "$w" && up="$up $s"
	done
	ci=0
	for c in $wcases; do
		size=${c%%:*}
		conns=${c#*:}
		conns=${conns%%:*}
		name="$(size_name "$size") c=$conns w=$w"
		id=$size-c$conns-w$w
		cs=$(case_servers "$c")
		r=1
		while [ "$r" -le "$runs" ]; do
			for s in $(rotate $((r - 1 + ci)) $cs); do
				done_n=$((done_n + 1))
				progress "$done_n/$ntotal $name run $r $s" \
					"($(( $(date +%s) - start_s ))s)"
				if [ "$r" -eq 1 ] && [ "$warm" -gt 0 ]; then
					wrk_run "$s" "$size" "$conns" "$warm" \
						$tmp/warm.out
				fi
				out=$tmp/$id.$s.$r.out
				wrk_run "$s" "$size" "$conns" "$dur" "$out"
				rps=$(awk '/^Requests\/sec:/ { print $2 }' "$out")
				p50=$(awk '$1 == "50%" { v = $2
					if (v ~ /us$/) { sub(/us$/, "", v); v /= 1000 }
					else if (v ~ /ms$/) sub(/ms$/, "", v)
					else if (v ~ /s$/) { sub(/s$/, "", v); v *= 1000 }
					printf "%.3f", v }' "$out")
				errs=$(awk '/Socket errors:/ { gsub(/,/, "")
						e += $4 + $6 + $8 + $10 }
					/Non-2xx/ { e += $NF }
					END { print e + 0 }' "$out")
				if [ -z "$rps" ] || [ "$errs" -ne 0 ]; then
					error "$name $s run $r: rps '${rps}', $errs errors:" \
						"$(tr '\n' ' ' <"$out")"
				fi
				echo "BENCH-INFO http: $name run $r $s: $rps req/s," \
					"latency $(awk '/^ *Latency +[0-9]/ { print "mean", $2, "max", $4 }
						$1 == "99%" { print "p99", $2 }' "$out" |
						tr '\n' ' ')" >&2
				[ -n "$rps" ] && echo "$rps" >>$tmp/$id.$s.rps
				[ -n "$p50" ] && echo "$p50" >>$tmp/$id.$s.p50
			done
			r=$((r + 1))
		done
		for s in $cs; do
			row "$name" "$s" req_per_s req/s $tmp/$id.$s.rps
		done
		for s in $cs; do
			row "$name" "$s" latency_p50 ms $tmp/$id.$s.p50
		done
		ci=$((ci + 1))
	done

	# System calls per request, with one worker, 1 KiB, 32 connections
	if [ "$w" = 1 ]; then
		[ -d $T/events ] || mount -t tracefs nodev $T 2>/dev/null
		if [ ! -d $T/events/raw_syscalls ]; then
			error "no $T/events/raw_syscalls: no system call counts"
		else
			for s in $up; do
				# the same script as the script server's
				[ "$s" = script-interp ] && continue
				count_syscalls "$s"
			done
		fi
	fi
	for s in $up; do
		stop "$s" "$w"
	done
done
progress "done after $(( $(date +%s) - start_s ))s"
exit $rc
