#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# http-initramfs.sh [-b] [-S SCRIPT_BUILD] OUTDIR
#
# Stages in OUTDIR what the HTTP benchmark needs in the bench guest, each
# file at its path in the guest (OUTDIR/usr/bin/wrk is the guest's
# /usr/bin/wrk), and writes beside it OUTDIR.list, the same tree as
# gen_init_cpio lines ("file /usr/bin/wrk OUTDIR/usr/bin/wrk 0755 0 0"):
#
#   /usr/bin/wrk, /usr/sbin/nginx     Debian's, dynamic, with every shared
#                                     library ldd lists at its path and
#                                     the dynamic loader
#   /etc/passwd, group, nsswitch.conf root and nobody, for nginx's "user"
#   /etc/nginx/mime.types             the only file nginx.conf includes
#   /var/lib/nginx, /var/log/nginx    (nginx.conf moves its temp paths to
#                                     /tmp; these are there all the same)
#   /srv/bench/{1k,64k,1m}.bin        the docroot: 1 KiB, 64 KiB, 1 MiB of
#                                     deterministic bytes
#
# With -b, also what make bench puts in /bench through bench/http.mk and
# bench/servers/initramfs.extra, for a boot without make bench:
#
#   /bench/http_bench.sh, /bench/http-nginx.conf (the template)
#   /bench/epoll_httpd, uring_httpd, http_client (built here, static)
#   /bench/httpd, /bench/httpd.bpf.o  the script(2) server, when
#                                     SCRIPT_BUILD has them
#
# SCRIPT_BUILD is the OUTPUT directory of tools/lib/script's Makefile
# (default: build/lib/ of this tree, the top Makefile's LIBOUT).  Needs the
# host packages wrk, nginx-light and liburing-dev (harness/deps.sh).
# Everything it says goes to stderr.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
script_build=$top/build/lib
build=
usage() {
	echo "usage: $0 [-b] [-S SCRIPT_BUILD] OUTDIR" >&2
	exit 2
}
while getopts bS: o; do
	case $o in
	b) build=1 ;;
	S) script_build=$OPTARG ;;
	*) usage ;;
	esac
done
shift $((OPTIND - 1))
[ $# -eq 1 ] || usage
out=$(mkdir -p "$1" && cd "$1" && pwd)
list=$out.list

for b in /usr/bin/wrk /usr/sbin/nginx; do
	[ -x $b ] || { echo "http-initramfs: $b missing (harness/deps.sh)" >&2; exit 1; }
done

# A binary and what it loads, at the same paths in the guest.  ldd gives
# the paths the loader will look at ("libc.so.6 => /lib/x86_64-linux-gnu/
# libc.so.6"); with /lib a symlink on a merged-/usr host the file is
# copied to the path ldd printed, which the guest's loader searches.
stage_bin() {
	local bin=$1 lib
	install -D -m 0755 "$bin" "$out$bin"
	ldd "$bin" | awk '$2 == "=>" && $3 ~ /^\// { print $3 }
			  $1 ~ /^\// { print $1 }' | while read -r lib; do
		[ -e "$out$lib" ] && continue
		install -D -m 0755 "$(readlink -f "$lib")" "$out$lib"
	done
}
stage_bin /usr/bin/wrk
stage_bin /usr/sbin/nginx

mkdir -p "$out/etc/nginx" "$out/var/lib/nginx" "$out/var/log/nginx" \
	 "$out/srv/bench"
cat > "$out/etc/passwd" <<'EOF'
root:x:0:0:root:/root:/bin/sh
nobody:x:65534:65534:nobody:/nonexistent:/bin/false
EOF
cat > "$out/etc/group" <<'EOF'
root:x:0:
nogroup:x:65534:
EOF
printf 'passwd: files\ngroup: files\nhosts: files\n' > "$out/etc/nsswitch.conf"
install -m 0644 /etc/nginx/mime.types "$out/etc/nginx/mime.types"

# The docroot: the same bytes on every build (a counter, not randomness).
gen() {
	awk -v n="$2" 'BEGIN {
		line = ""; for (i = 0; i < 63; i++) line = line sprintf("%c", 33 + (i * 7) % 94)
		for (done = 0; done + 64 <= n; done += 64) print line
		if (n > done) printf "%s", substr(line "\n", 1, n - done)
	}' > "$1"
	[ "$(stat -c %s "$1")" -eq "$2" ]
}
gen "$out/srv/bench/1k.bin" 1024
gen "$out/srv/bench/64k.bin" 65536
gen "$out/srv/bench/1m.bin" 1048576

if [ -n "$build" ]; then
	mkdir -p "$out/bench"
	make -s -C "$top/bench/servers" OUTPUT="$out/bench/" >&2
	install -m 0755 "$top/bench/http_bench.sh" "$out/bench/http_bench.sh"
	install -m 0644 "$top/bench/servers/nginx.conf" \
		"$out/bench/http-nginx.conf"
	if [ -x "$script_build/httpd" ] &&
	   [ -f "$script_build/httpd.bpf.o" ]; then
		install -m 0755 "$script_build/httpd" "$out/bench/httpd"
		install -m 0644 "$script_build/httpd.bpf.o" \
			"$out/bench/httpd.bpf.o"
	else
		echo "http-initramfs: no $script_build/httpd{,.bpf.o}: no script(2) server" >&2
	fi
fi

# The gen_init_cpio list of the tree
(cd "$out" && find . -mindepth 1 | sort) | while read -r f; do
	f=${f#./}
	if [ -L "$out/$f" ]; then
		echo "slink /$f $(readlink "$out/$f") 0777 0 0"
	elif [ -d "$out/$f" ]; then
		echo "dir /$f 0755 0 0"
	else
		m=0644
		[ -x "$out/$f" ] && m=0755
		echo "file /$f $out/$f $m 0 0"
	fi
done > "$list"
echo "http-initramfs: $out ($(du -sh "$out" | cut -f1)), list $list" >&2
