#!/bin/bash
# boot.sh check|run KERNEL INITRD LOG TIMEOUT
#   check: boot under QEMU (TCG), run the tests, parse the console log and
#          exit non-zero on any failure, kernel splat or timeout.
#   run:   boot to an interactive shell on the serial console.
set -u
mode=$1
kernel=$2
initrd=$3
log=$4
timeout=$5
top=$(cd "$(dirname "$0")/.." && pwd)

# KVM is not used: nested guests hang here; TCG always works.
qemu=(qemu-system-x86_64 -machine pc,accel=tcg -cpu max -smp 2 -m 1G
      -no-reboot -kernel "$kernel" -initrd "$initrd"
      -device e1000,netdev=net0)
# SCRIPT_APPEND: more kernel parameters, such as make check's TESTS.
append="console=ttyS0 panic=-1 oops=panic scripttimeout=300 ${SCRIPT_APPEND:-}"

mkdir -p "$(dirname "$log")"
if [ "$mode" = run ]; then
	# The host's PORT reaches the guest's web server on port 80.  The
	# serial console is on stdio with signals on: Ctrl-C ends QEMU.
	port=${PORT:-8080}
	echo "Booting; the site will be at http://localhost:$port/"
	echo "'exit' in the shell or Ctrl-C ends QEMU."
	"${qemu[@]}" -display none -monitor none \
		-chardev stdio,id=con,signal=on -serial chardev:con \
		-netdev "user,id=net0,hostfwd=tcp::$port-:80" \
		-append "$append quiet scriptmode=shell scriptport=$port" 2>&1 |
		tee "$log"
	exit "${PIPESTATUS[0]}"
fi

echo "  BOOT    QEMU TCG, timeout ${timeout}s (console: $log)"
start=$(date +%s)
timeout -k 10 "$timeout" "${qemu[@]}" -nographic -netdev user,id=net0 \
	-append "$append" </dev/null \
	>"$log" 2>&1
rc=$?
secs=$(( $(date +%s) - start ))
echo "  DONE    QEMU exit $rc after ${secs}s"
awk -v qemu_rc="$rc" -f "$top/harness/parse.awk" "$log"
