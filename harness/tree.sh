#!/bin/sh
# tree.sh CACHE TREE: make TREE a patched Linux 6.12 with this project's
# files in it.  Idempotent: the pristine source is extracted once per
# package version into CACHE, the tree is copied from it once, the patch
# series is re-applied only when it changed, and the overlay copies only
# changed files, so kbuild rebuilds only what an edit touched.
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
cache=$1
tree=$2
tarball=/usr/src/linux-source-6.12.tar.xz
pristine=$cache/linux-source-6.12
version=$(dpkg-query -W -f='${Version}' linux-source-6.12)

if [ "$(cat "$cache/version" 2>/dev/null)" != "$version" ]; then
	echo "tree: extracting linux-source-6.12 $version into $cache"
	rm -rf "$pristine" "$cache/version"
	mkdir -p "$cache"
	tar -C "$cache" -xf "$tarball"
	echo "$version" > "$cache/version"
fi

# Files a broken series had patched: the fresh copy of the source puts
# them back with times older than objects built from their patched text.
stale=$tree.stale

if [ "$(cat "$tree/.script-base" 2>/dev/null)" != "$version" ]; then
	echo "tree: copying the pristine source to $tree"
	rm -rf "$tree"
	mkdir -p "$(dirname "$tree")"
	cp -a "$pristine" "$tree.tmp"
	mv "$tree.tmp" "$tree"
	if [ -f "$stale" ]; then
		(cd "$tree" && xargs -r touch -c < "$stale")
		rm -f "$stale"
	fi
	echo "$version" > "$tree/.script-base"
fi

# A patch that does not apply leaves the tree half patched: copy it anew
# on the next run.
broken() {
	echo "$files" | tr ' ' '\n' >> "$stale"
	rm -rf "$tree/.script-base" "$tree/.script-series" "$tree/.script-patches"
	echo "tree: the patch series does not apply; fix it and run again" >&2
	exit 1
}

# A tree whose applied series cannot be reverted (one a tree of an older
# harness recorded, or a tree changed by hand) is copied anew, once.
recopy() {
	echo "$files" | tr ' ' '\n' >> "$stale"
	rm -rf "$tree/.script-base" "$tree/.script-series" "$tree/.script-patches"
	[ -z "${SCRIPT_TREE_RECOPY:-}" ] || broken
	echo "tree: the applied series does not revert; copying the source anew"
	rm -rf "$keep"
	SCRIPT_TREE_RECOPY=1 exec "$0" "$@"
}

# The patch series: reverse the applied one, apply the new one.
# Files the series leaves as they were keep their times, so that kbuild
# does not rebuild what includes them.
new=$tree/.script-series.new
cat "$top"/patches/*.patch > "$new"
if ! cmp -s "$new" "$tree/.script-series"; then
	keep=$(mktemp -d)
	trap 'rm -rf "$keep"' EXIT
	files=$(cat "$new" "$tree/.script-series" 2>/dev/null |
		sed -n 's|^+++ b/||p' | sort -u)
	for f in $files; do
		if [ -f "$tree/$f" ]; then
			mkdir -p "$keep/$(dirname "$f")"
			cp -p "$tree/$f" "$keep/$f"
		fi
	done
	# Last patch first: several patches may touch one file.
	if [ -f "$tree/.script-series" ]; then
		echo "tree: reverting the previous patch series"
		[ -d "$tree/.script-patches" ] || recopy "$@"
		for p in $(ls -r "$tree"/.script-patches/*.patch 2>/dev/null); do
			patch -d "$tree" -p1 -R -s -f --no-backup-if-mismatch \
				< "$p" >/dev/null || recopy "$@"
		done
		rm -rf "$tree/.script-series" "$tree/.script-patches"
	fi
	for p in "$top"/patches/*.patch; do
		echo "tree: applying $(basename "$p")"
		patch -d "$tree" -p1 -s -f --no-backup-if-mismatch < "$p" ||
			broken
	done
	mkdir -p "$tree/.script-patches"
	cp "$top"/patches/*.patch "$tree/.script-patches/"
	mv "$new" "$tree/.script-series"
	for f in $files; do
		if [ -f "$keep/$f" ] && cmp -s "$keep/$f" "$tree/$f"; then
			touch -r "$keep/$f" "$tree/$f"
		fi
	done
	rm -rf "$keep"
	trap - EXIT
else
	rm -f "$new"
fi

# The project's own files, in the tree's own paths.  Only files whose
# content changed are copied, and they get the time of the copy, not of
# the edit: an object or test binary built from the old copy after the
# edit (a build that was running meanwhile, or the other flavour's) must
# still count as stale.
sync="rsync -rl --checksum"
for d in kernel/script tools/lib/script tools/testing/selftests/script; do
	if [ -d "$top/$d" ]; then
		mkdir -p "$tree/$d"
		$sync --delete --exclude='*.o' "$top/$d/" "$tree/$d/"
	fi
done
mkdir -p "$tree/man"
$sync --delete "$top/man/" "$tree/man/"
for f in include/uapi/linux/script.h Documentation/userspace-api/script.rst; do
	if [ -f "$top/$f" ]; then
		$sync "$top/$f" "$tree/$f"
	fi
done
exit 0
