#!/bin/sh
# config-check.sh CONFIG FRAGMENT...: fail when the merged CONFIG lost an
# option a fragment asks for (Kconfig drops an option silently when a
# dependency is missing).
set -eu
config=$1
shift
bad=0
for frag in "$@"; do
	for opt in $(sed -n 's/^\(CONFIG_[A-Z0-9_]*\)=y$/\1/p' "$frag"); do
		if ! grep -qx "$opt=y" "$config"; then
			echo "config: $opt=y from $(basename "$frag") is not set" >&2
			bad=1
		fi
	done
	for opt in $(sed -n 's/^# \(CONFIG_[A-Z0-9_]*\) is not set$/\1/p' "$frag"); do
		if grep -qx "$opt=y" "$config"; then
			echo "config: $opt from $(basename "$frag") is still set" >&2
			bad=1
		fi
	done
done
exit $bad
