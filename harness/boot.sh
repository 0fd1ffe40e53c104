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

# KVM is not used: nested guests hang here; TCG always works.  The NIC
# is virtio-net: under load from the host the emulated e1000 missed
# frames by the million (rx_missed_errors) and TCP stalled for seconds
# on retransmissions.
qemu=(qemu-system-x86_64 -machine pc,accel=tcg -cpu max -smp 2 -m 1G
      -no-reboot -kernel "$kernel" -initrd "$initrd"
      -device virtio-net-pci,netdev=net0)
# SCRIPT_APPEND: more kernel parameters, such as make check's TESTS.
append="console=ttyS0 panic=-1 oops=panic scripttimeout=300 ${SCRIPT_APPEND:-}"

mkdir -p "$(dirname "$log")"
if [ "$mode" = run ]; then
	# The host's PORT reaches the guest's web server on port 80, and
	# TLS_PORT its TLS port, 443.  The serial console is on stdio with
	# signals on: Ctrl-C ends QEMU.
	port=${PORT:-8080}
	tls_port=${TLS_PORT:-8443}
	# The network is passt's, not QEMU's user networking (slirp): slirp
	# listens for the forwarded port with a backlog of 1, so that a
	# burst of connections gets SYN cookies and may lose its first
	# bytes.  passt listens with a real backlog and gives the guest
	# slirp's addresses (10.0.2.15, gateway 10.0.2.2); it ends when
	# QEMU closes its socket (-1), and at the latest when this does.
	sock=/tmp/script-passt-$$.socket
	passt -f -q -1 -4 -a 10.0.2.15 -n 24 -g 10.0.2.2 \
		-t "$port:80" -t "$tls_port:443" -s "$sock" \
		</dev/null >"$(dirname "$log")/passt.log" 2>&1 &
	passt=$!
	trap 'kill "$passt" 2>/dev/null; rm -f "$sock"' EXIT
	for _ in $(seq 50); do
		[ -S "$sock" ] && break
		kill -0 "$passt" 2>/dev/null || break
		sleep 0.1
	done
	if [ ! -S "$sock" ]; then
		echo "passt did not start (port $port or $tls_port in use?):" >&2
		cat "$(dirname "$log")/passt.log" >&2
		exit 1
	fi
	echo "Booting; the site will be at http://localhost:$port/"
	echo "and https://localhost:$tls_port/ (self-signed: curl -k, or"
	echo "--cacert ${TLS_CERT:-build/tls/httpd.crt})."
	echo "'exit' in the shell or Ctrl-C ends QEMU."
	"${qemu[@]}" -display none -monitor none \
		-chardev stdio,id=con,signal=on -serial chardev:con \
		-netdev "stream,id=net0,server=off,addr.type=unix,addr.path=$sock" \
		-append "$append quiet scriptmode=shell scriptport=$port \
			 scripttlsport=$tls_port" 2>&1 |
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
