#!/bin/sh
# initramfs.sh TREE OUT INITRD: busybox, /init and the selftests, packed by
# the kernel's own gen_init_cpio (no root needed for /dev/console).
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
tree=$1
out=$2
initrd=$3
gen=$out/gen_init_cpio
list=$out/initramfs.list

if [ ! -x "$gen" ] || [ "$tree/usr/gen_init_cpio.c" -nt "$gen" ]; then
	cc -O2 -o "$gen" "$tree/usr/gen_init_cpio.c"
fi

# Directories listed so far, and dir_once DIR: DIR and its parents, once.
dirs=" / "
dir_once() {
	case "$dirs" in *" $1 "*) return 0 ;; esac
	dir_once "$(dirname "$1")"
	dirs="$dirs$1 "
	echo "dir $1 0755 0 0"
}

# dyn_bin PATH: a dynamic executable of the host, at its own path, with
# the shared libraries and the loader ldd names, each at its own path.
dyn_bin() {
	for f in "$1" $(ldd "$1" 2>/dev/null |
		 sed -n 's/.*=> \(\/[^ ]*\) .*/\1/p; s/^[[:space:]]*\(\/[^ ]*\) .*/\1/p'); do
		dir_once "$(dirname "$f")"
		echo "file $f $(readlink -f "$f") 0755 0 0"
	done
}

{
	echo "dir /dev 0755 0 0"
	echo "nod /dev/console 0600 0 0 c 5 1"
	for d in bin sbin proc sys tmp root srv selftests selftests/script; do
		dir_once "/$d"
	done
	echo "file /bin/busybox $(command -v busybox || echo /bin/busybox) 0755 0 0"
	echo "slink /bin/sh busybox 0777 0 0"
	echo "file /init $top/harness/init 0755 0 0"
	for f in "$out"/selftests/*; do
		[ -f "$f" ] || continue
		mode=0644
		[ -x "$f" ] && mode=0755
		echo "file /selftests/script/$(basename "$f") $f $mode 0 0"
	done
	# Real clients for the tests, each with its shared libraries: curl
	# (httpd_tls_test, and httpd_test's HTTP/2 cases), nghttp and h2load
	# (HTTP/2); a test skips a client that is not there.
	for bin in curl nghttp h2load; do
		if command -v "$bin" >/dev/null; then
			dyn_bin "$(command -v "$bin")"
		fi
	done
	# The static web server's site, for make run.
	site=$top/tools/lib/script/examples/httpd/site
	echo "dir /srv/www 0755 0 0"
	(cd "$site" && find . -mindepth 1 | sort) | while read -r f; do
		f=${f#./}
		if [ -d "$site/$f" ]; then
			echo "dir /srv/www/$f 0755 0 0"
		else
			echo "file /srv/www/$f $site/$f 0644 0 0"
		fi
	done
	# Its 1 MiB file is made here rather than kept in git (nor sent in the
	# series): the same bytes everywhere, from perl's own drand48 with a
	# fixed seed; site/files/SHA256SUMS has their digest.
	big=$out/script-1MiB.bin
	if [ ! -s "$big" ]; then
		perl -e 'srand(20261207);
			 print pack("C*", map { int rand 256 } 1..1048576)' > "$big.tmp"
		mv "$big.tmp" "$big"
	fi
	echo "file /srv/www/files/script-1MiB.bin $big 0644 0 0"
} > "$list"

"$gen" "$list" | gzip -1 > "$initrd.tmp"
mv "$initrd.tmp" "$initrd"
