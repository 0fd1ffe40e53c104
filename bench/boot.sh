#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# bench/boot.sh KERNEL INITRD LOG TIMEOUT: the one QEMU boot (TCG) of
# make bench, with scriptmode=bench: /init runs bench/run.sh and powers
# off.  The whole console goes to LOG; the terminal sees its
# BENCH-PROGRESS and BENCH-ERROR lines as they come.  Exits non-zero when
# QEMU fails or times out, or the run never printed BENCH-END.
#
# BENCH_MEM (default 1G) and BENCH_QEMU_ARGS (more QEMU arguments) let a
# benchmark that needs them have more memory or devices; BENCH_APPEND adds
# kernel parameters (make bench-profile: benchlist=profile).
set -u
kernel=$1
initrd=$2
log=$3
timeout=$4

qemu=(qemu-system-x86_64 -machine pc,accel=tcg -cpu max -smp 2
      -m "${BENCH_MEM:-1G}" -nographic -no-reboot -kernel "$kernel"
      -initrd "$initrd" -netdev user,id=net0 -device e1000,netdev=net0)
# No "quiet": a kernel warning must reach the console, where
# bench/report.py looks for splats.
# tsc=reliable: under TCG on a busy host the clocksource watchdog may find
# the TSC unstable and switch to the HPET, whose every read exits to QEMU:
# the rest of the boot then runs about 2x slower, a mode that took every
# server's requests/s up and down by 2x between runs of one boot.
append="console=ttyS0 panic=-1 oops=panic tsc=reliable scriptmode=bench ${BENCH_APPEND:-}"

mkdir -p "$(dirname "$log")"
echo "  BENCH   QEMU TCG, timeout ${timeout}s (console: $log)"
start=$(date +%s)
printf 'BENCH-HOST {"loadavg_before":"%s"}\n' \
	"$(cut -d' ' -f1-3 /proc/loadavg)" > "$log"
# shellcheck disable=SC2086
timeout -k 10 "$timeout" "${qemu[@]}" ${BENCH_QEMU_ARGS:-} \
	-append "$append" </dev/null 2>&1 |
	tee -a "$log" |
	sed -un 's/\r$//; s/^BENCH-PROGRESS /  BENCH   /p; s/^BENCH-ERROR /  ERROR   /p'
rc=${PIPESTATUS[0]}
secs=$(( $(date +%s) - start ))
printf 'BENCH-HOST {"loadavg_after":"%s","boot_seconds":%d,"qemu_rc":%d}\n' \
	"$(cut -d' ' -f1-3 /proc/loadavg)" "$secs" "$rc" >> "$log"
echo "  DONE    QEMU exit $rc after ${secs}s"
if [ "$rc" -ne 0 ]; then
	echo "bench: QEMU $([ "$rc" -eq 124 ] && echo "timed out" || echo "exited with status $rc")" >&2
	exit 1
fi
if ! grep -q '^BENCH-END' "$log"; then
	echo "bench: the guest never finished the run (see $log)" >&2
	exit 1
fi
