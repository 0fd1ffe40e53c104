#!/bin/bash
# series-check.sh BUILD TREE CONFIGS: check the series make series wrote
# and series.sh --apply applied in BUILD/series-tree, as a reviewer would:
#
#   - checkpatch.pl --strict on each patch, with the exceptions
#     SERIES_EXCEPT lists ("path:TYPE,TYPE ...", path a prefix) and the
#     userspace ignores SERIES_UIGNORE for tools/ files other than the
#     selftests; every new file must be covered by the MAINTAINERS entry
#     the last patch adds, instead of each patch touching MAINTAINERS;
#   - the pristine commit, then each patch in turn, built incrementally
#     (ccache) into BUILD/obj-series with CONFIGS over tinyconfig: any
#     error or warning fails (bisectability); and kernel/script with W=1
#     and sparse, once it exists, into BUILD/obj-series-w1.  A patch that
#     changes only what the kernel build does not read (Documentation/,
#     man/, tools/lib/script/, the selftests, MAINTAINERS) is not built.
#
# The last patch's kernel is BUILD/obj-series/arch/x86/boot/bzImage: the
# Makefile boots it with the tests.  Each make takes the kernel build lock.
set -eu -o pipefail

build=$(cd "$1" && pwd)
tree=$(cd "$2" && pwd)
shift 2
configs="$*"
am=$build/series-tree
out=$build/series
obj=$build/obj-series
objw=$build/obj-series-w1
log=$build/series-check.log
lock=/tmp/script-kbuild.lock
jobs=$(nproc)
kmake() {
	flock "$lock" make -s -C "$am" ARCH=x86_64 CC="ccache gcc" \
		HOSTCC="ccache gcc" -j"$jobs" "$@"
}
: > "$log"
fail=0
start=$(date +%s)

# ---- checkpatch, per patch
echo "  SERIES  checkpatch --strict, per patch"
maint=$(sed -n '/^SCRIPT SYSTEM CALL$/,/^$/s/^F:\t//p' "$tree/MAINTAINERS")
for p in "$out"/0*.patch; do
	case $p in */0000-*) continue ;; esac
	name=$(basename "$p")
	res=$(cd "$tree" && ./scripts/checkpatch.pl --strict --terse \
		--show-types --showfile --ignore FILE_PATH_CHANGES "$p" || true)
	bad=$(echo "$res" | { grep -E '^[^ ]+:[0-9]+: (ERROR|WARNING|CHECK):' || true; } |
		while IFS= read -r l; do
			file=${l%%:*}
			type=$(echo "$l" | sed -E 's/^[^ ]+: (ERROR|WARNING|CHECK):([A-Z_0-9]+):.*/\2/')
			ok=
			case $file in
			tools/testing/selftests/*) ;;
			tools/*)
				case ",$SERIES_UIGNORE," in *",$type,"*) ok=1 ;; esac ;;
			esac
			for e in ${SERIES_EXCEPT:-}; do
				case $file in "${e%%:*}"*)
					case ",${e#*:}," in *",$type,"*) ok=1 ;; esac ;;
				esac
			done
			[ -n "$ok" ] || echo "$l"
		done)
	# Lines checkpatch prints about the patch as a whole (no file)
	whole=$(echo "$res" | grep -E '^[^ :]+\.patch:[0-9]+: (ERROR|WARNING|CHECK):' || true)
	if [ -n "$bad$whole" ]; then
		echo "series-check: $name:" >&2
		echo "$bad$whole" | sed 's/^/    /' >&2
		fail=1
	fi
	for f in $(sed -n 's|^+++ b/||p' "$p"); do
		grep -q "^new file mode" <(sed -n "\|^diff --git a/$f b/$f\$|,/^+++/p" "$p") ||
			continue
		covered=
		for m in $maint; do
			case $f in "$m"*) covered=1 ;; esac
		done
		if [ -z "$covered" ]; then
			echo "series-check: $name adds $f, which MAINTAINERS's entry does not cover" >&2
			fail=1
		fi
	done
done
[ "$fail" = 0 ] || exit 1

# ---- each patch builds, with no warning
config() {
	mkdir -p "$obj"
	kmake O="$obj" tinyconfig >>"$log" 2>&1
	"$am"/scripts/kconfig/merge_config.sh -m -O "$obj" "$obj/.config" \
		$configs >>"$log" 2>&1
	kmake O="$obj" olddefconfig >>"$log" 2>&1
}
base=$(cat "$build/series-base")
commits=$(git -C "$am" rev-list --reverse "$base..am")
trap 'git -C "$am" checkout -q am' EXIT
n=$(echo "$commits" | wc -l)
i=0
for c in $base $commits; do
	subject=$(git -C "$am" log -1 --format=%s "$c")
	# A patch that changes no file the kernel build reads (the
	# documentation, man pages, the library, the selftests, MAINTAINERS)
	# cannot change what the last one built: not built again.
	if [ "$i" -gt 0 ] &&
	   ! git -C "$am" diff --name-only "$c~1" "$c" |
	     grep -qvE '^(Documentation/|man/|tools/lib/script/|tools/testing/selftests/|MAINTAINERS$)'; then
		printf '  BUILD   %2d/%d    -  %s (nothing the kernel build reads)\n' \
			"$i" "$n" "$subject"
		i=$((i + 1))
		continue
	fi
	git -C "$am" checkout -q "$c"
	t0=$(date +%s)
	config
	steplog=$build/series-step.log
	if ! kmake O="$obj" bzImage >"$steplog" 2>&1; then
		cat "$steplog" >>"$log"
		echo "series-check: patch $i ($subject) does not build:" >&2
		grep -E 'error|Error' "$steplog" | head -20 >&2
		exit 1
	fi
	cat "$steplog" >>"$log"
	if [ "$i" -gt 0 ] && grep -q 'warning:' "$steplog"; then
		echo "series-check: patch $i ($subject) builds with warnings:" >&2
		grep 'warning:' "$steplog" | head -20 >&2
		exit 1
	fi
	if [ -d "$am/kernel/script" ]; then
		mkdir -p "$objw"
		cp "$obj/.config" "$objw/.config"
		kmake O="$objw" olddefconfig >>"$log" 2>&1
		if ! kmake O="$objw" W=1 C=1 kernel/script/ >"$steplog" 2>&1 ||
		   grep -E -q 'warning:|error:' "$steplog"; then
			cat "$steplog" >>"$log"
			echo "series-check: patch $i ($subject): W=1 or sparse:" >&2
			grep -E 'warning:|error:' "$steplog" | head -20 >&2
			exit 1
		fi
		cat "$steplog" >>"$log"
	fi
	printf '  BUILD   %2d/%d %4ds  %s\n' "$i" "$n" $(($(date +%s) - t0)) "$subject"
	i=$((i + 1))
done
git -C "$am" checkout -q am
echo "  SERIES  $n patches build one by one, checkpatch --strict clean, in $(( ($(date +%s) - start) / 60 )) min"
