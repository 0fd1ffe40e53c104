#!/bin/sh
# cross.sh TREE OUT [ARCH...]: compile kernel/script/ of the patched TREE
# for each 32-bit ARCH (default: all of i386 arm riscv32 mips powerpc),
# tinyconfig with harness/cross.config, with W=1 and sparse (not for
# riscv32, whose -march Debian's sparse does not parse), objects in
# OUT/obj-ARCH.  An architecture whose cross compiler is not installed is
# skipped (Debian: gcc-arm-linux-gnueabihf, gcc-riscv64-linux-gnu,
# gcc-mips-linux-gnu, gcc-powerpc-linux-gnu; i386 uses the host's gcc).
# Fails on any warning or error; the last lines say what each gave.
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
tree=$1
out=$2
shift 2
archs=${*:-i386 arm riscv32 mips powerpc}
lock=/tmp/script-kbuild.lock
summary=
failed=0
noise='^builtin:1:9: warning: preprocessor token __ATOMIC_[A-Z_]* redefined$'

for a in $archs; do
	extra=
	check=C=2
	case $a in
	i386)		karch=i386; cross= ;;
	arm)		karch=arm; cross=arm-linux-gnueabihf- ;;
	riscv32)	karch=riscv; cross=riscv64-linux-gnu-
			extra="CONFIG_NONPORTABLE=y CONFIG_ARCH_RV32I=y"
			# Debian's sparse 0.6.4 refuses rv32's -march
			# (..._zicsr_zifencei): W=1 only.
			check= ;;
	mips)		karch=mips; cross=mips-linux-gnu- ;;
	powerpc)	karch=powerpc; cross=powerpc-linux-gnu- ;;
	*)		echo "cross: unknown architecture $a" >&2; exit 2 ;;
	esac
	if ! command -v "${cross}gcc" >/dev/null; then
		summary="$summary  $a: skipped, no ${cross}gcc\n"
		continue
	fi
	obj=$out/obj-$a
	log=$obj/build.log
	mkdir -p "$obj"
	kmake="make -s -C $tree O=$obj ARCH=$karch CROSS_COMPILE=$cross -j$(nproc)"
	frag=$obj/cross.config
	cp "$top/harness/cross.config" "$frag"
	for c in $extra; do
		echo "$c" >> "$frag"
	done
	echo "  CROSS   $a (log: $log)"
	# One kernel build at a time on this machine: the lock for each
	# architecture's configuration and build.
	flock $lock sh -c "
		$kmake tinyconfig &&
		$tree/scripts/kconfig/merge_config.sh -m -O $obj $obj/.config $frag &&
		$kmake olddefconfig &&
		$top/harness/config-check.sh $obj/.config $frag &&
		$kmake prepare &&
		$kmake W=1 $check kernel/script/
	" >"$log" 2>&1 || echo "cross: make failed" >>"$log"
	# sparse on mips: the compiler's predefined macros, which
	# arch/mips/Makefile hands sparse, redefine sparse's own __ATOMIC_*
	# in every file; nothing of kernel/script.
	grep -vE "$noise" "$log" >"$log.problems" || true
	n=$(grep -cE 'warning:|error:|make failed|^config: ' "$log.problems" || true)
	if [ "$n" -eq 0 ]; then
		summary="$summary  $a: clean (W=1${check:+, sparse})\n"
	else
		grep -E 'warning:|error:|make failed|^config: ' "$log.problems" | head -20
		summary="$summary  $a: $n problems\n"
		failed=1
	fi
done
printf "$summary"
exit $failed
