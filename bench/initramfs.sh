#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# bench/initramfs.sh TREE OUT INITRD [PROG...]: the initramfs of make bench,
# packed by the kernel's own gen_init_cpio: busybox, harness/init as /init,
# bench/run.sh and each PROG in /bench, the benchmark lists bench/*.list and
# bench/*/*.list in /bench, and what the hooks add.
#
# Hooks: bench/initramfs.extra and then each bench/*/initramfs.extra, if
# present, are sourced (bash) with these functions at hand:
#
#   bench_dir DIR             a directory, with its parents
#   bench_file SRC DST [MODE] a file (MODE: 0755 when SRC is executable,
#                             else 0644), with its parent directories
#   bench_bin PATH [DST]      an executable at DST (default PATH) and the
#                             shared libraries and loader it needs (ldd),
#                             each at its own path
#   bench_tree SRC DST        a directory tree: SRC's files under DST
#   bench_slink DST TARGET    a symbolic link
#
# $top is the checkout, $out the bench build directory.  Each path is
# added once, whoever asks for it first.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
tree=$1
out=$2
initrd=$3
shift 3
gen=$out/gen_init_cpio
list=$out/initramfs.list
declare -A seen=()

if [ ! -x "$gen" ] || [ "$tree/usr/gen_init_cpio.c" -nt "$gen" ]; then
	mkdir -p "$out"
	cc -O2 -o "$gen" "$tree/usr/gen_init_cpio.c"
fi

bench_dir() {
	local d=${1%/}

	[ -n "$d" ] && [ "$d" != / ] || return 0
	[ -z "${seen[$d]:-}" ] || return 0
	bench_dir "$(dirname "$d")"
	seen[$d]=1
	echo "dir $d 0755 0 0"
}

bench_file() {
	local src=$1 dst=$2 mode=${3:-}

	[ -f "$src" ] || { echo "bench/initramfs.sh: no file $src" >&2; exit 1; }
	[ -z "${seen[$dst]:-}" ] || return 0
	if [ -z "$mode" ]; then
		mode=0644
		[ -x "$src" ] && mode=0755
	fi
	bench_dir "$(dirname "$dst")"
	seen[$dst]=1
	echo "file $dst $(readlink -f "$src") $mode 0 0"
}

bench_slink() {
	[ -z "${seen[$1]:-}" ] || return 0
	bench_dir "$(dirname "$1")"
	seen[$1]=1
	echo "slink $1 $2 0777 0 0"
}

bench_bin() {
	local path=$1 dst=${2:-$1} lib

	bench_file "$path" "$dst" 0755
	# "libc.so.6 => /lib/.../libc.so.6 (0x..)" and "/lib64/ld-...so.2 (0x..)"
	for lib in $(ldd "$path" 2>/dev/null |
		     sed -n 's/.*=> \(\/[^ ]*\) .*/\1/p; s/^[[:space:]]*\(\/[^ ]*\) .*/\1/p'); do
		bench_file "$lib" "$lib" 0755
	done
}

bench_tree() {
	local src=${1%/} dst=${2%/} f

	bench_dir "$dst"
	while read -r f; do
		f=${f#./}
		if [ -L "$src/$f" ] && [ ! -e "$src/$f" ]; then
			continue
		elif [ -d "$src/$f" ]; then
			bench_dir "$dst/$f"
		else
			bench_file "$src/$f" "$dst/$f"
		fi
	done < <(cd "$src" && find . -mindepth 1 | sort)
}

{
	echo "nod /dev/console 0600 0 0 c 5 1"
	seen[/dev/console]=1
	for d in /dev /bin /sbin /proc /sys /tmp /root /srv /bench; do
		bench_dir "$d"
	done
	bench_file "$(command -v busybox || echo /bin/busybox)" /bin/busybox 0755
	bench_slink /bin/sh busybox
	bench_file "$top/harness/init" /init 0755
	bench_file "$top/bench/run.sh" /bench/run.sh 0755
	for f in "$@"; do
		bench_file "$f" "/bench/$(basename "$f")"
	done
	for f in "$top"/bench/*.list "$top"/bench/*/*.list; do
		[ -f "$f" ] && bench_file "$f" "/bench/$(basename "$f")" 0644
	done
	for f in "$top"/bench/initramfs.extra "$top"/bench/*/initramfs.extra; do
		if [ -f "$f" ]; then
			# shellcheck source=/dev/null
			. "$f"
		fi
	done
} > "$list"

"$gen" "$list" | gzip -1 > "$initrd.tmp"
mv "$initrd.tmp" "$initrd"
