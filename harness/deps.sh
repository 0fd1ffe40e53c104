#!/bin/sh
# Installs the Debian packages the build, the tests and QEMU need; does
# nothing when all of them are present.
set -eu

pkgs="make gcc libc6-dev flex bison bc libelf-dev libssl-dev cpio gzip
xz-utils openssl rsync util-linux perl linux-source-6.12 qemu-system-x86
ipxe-qemu passt busybox-static ccache sparse clang llvm liburing-dev
clang-19 llvm-19 curl nghttp2-client wrk nginx-light gnuplot-nox"

missing=
for p in $pkgs; do
	if ! dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null |
	     grep -q ' installed$'; then
		missing="$missing $p"
	fi
done
[ -z "$missing" ] && exit 0

sudo=
[ "$(id -u)" -eq 0 ] || sudo=sudo
echo "deps: installing$missing"
$sudo apt-get update -q
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q \
	--no-install-recommends $missing
