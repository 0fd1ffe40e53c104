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

{
	echo "dir /dev 0755 0 0"
	echo "nod /dev/console 0600 0 0 c 5 1"
	for d in bin sbin proc sys tmp root srv selftests selftests/script; do
		echo "dir /$d 0755 0 0"
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
	# Dynamic executables for the tests (the HTTP/2 ones run curl), each
	# with the shared libraries and loader ldd names, at their own paths.
	for bin in /usr/bin/curl /usr/bin/nghttp /usr/bin/h2load; do
		[ -x "$bin" ] || continue
		echo "$bin"
		ldd "$bin" 2>/dev/null |
			sed -n 's/.*=> \(\/[^ ]*\) .*/\1/p; s/^[[:space:]]*\(\/[^ ]*\) .*/\1/p'
	done | sort -u > "$out/initramfs.bins"
	# Their directories, each once, parents first; then the files
	while read -r f; do
		d=$(dirname "$f")
		while [ "$d" != / ]; do
			echo "$d"
			d=$(dirname "$d")
		done
	done < "$out/initramfs.bins" | sort -u | grep -v -x -e /bin -e /sbin |
		while read -r d; do
			echo "dir $d 0755 0 0"
		done
	while read -r f; do
		echo "file $f $(readlink -f "$f") 0755 0 0"
	done < "$out/initramfs.bins"
} > "$list"

"$gen" "$list" | gzip -1 > "$initrd.tmp"
mv "$initrd.tmp" "$initrd"
