# SPDX-License-Identifier: GPL-2.0
#
# make bench-profile: where the time of a 1 KiB request goes.  One boot of
# the normal kernel with benchlist=profile runs bench/profile/profile.sh
# alone: wrk (1 KiB, 32 connections) against the script(2) server and the
# epoll server in turn, each pinned to CPU 1 as bench/http_bench.sh pins
# them, under "perf record -e cpu-clock -a -g" (Debian's linux-perf,
# staged into the initramfs only for this target).  bench/profile/
# profile.py decodes the folded stacks from the console, maps offsets in
# script_run to the functions inlined there (an -g build of interp.o with
# the kernel's own flags), classifies every sample and writes, beside
# bench/results.md: bench/profile.md, bench/profile-script.folded,
# bench/profile-epoll.folded and bench/profile-{script,epoll}.svg.
#
#   make bench-profile          the boot and the report (about 5 minutes)
#   make bench-profile-report   the report again from the last boot's log
#
# tsc=reliable: under TCG the clocksource watchdog now and then takes the
# host's preemption of a vCPU for TSC skew, marks the TSC unstable and
# moves the kernel to the HPET, whose every read is an emulated MMIO
# access: each of TCP's timestamps then costs microseconds and the whole
# boot runs in a "slow mode" (a profile of it is one of the HPET).
#
# The boot holds the kernel build lock ($(LOCK)): no kernel build of
# another checkout competes with the guest for the host's CPUs meanwhile
# (the samples stand for the guest's time only when its CPUs run).
#
# PROFILE_ENV="PROFILE_ROUNDS=3 PROFILE_SERVERS=script,epoll,epoll-spin" passes
# settings of profile.sh to the guest (as kernel parameters).
PROFILE_OUT	:= $(BUILD)/bench-profile
PROFILE_INITRD	:= $(PROFILE_OUT)/initramfs.cpio.gz
PROFILE_LOG	:= $(PROFILE_OUT)/console.log
PROFILE_IOBJ	:= $(PROFILE_OUT)/interp-g.o
PROFILE_TIMEOUT	?= 1200
PROFILE_ENV	?=

.PHONY: bench-profile bench-profile-report bench-profile-initramfs \
	bench-profile-iobj

# kernel/script/interp.o again, with -g: the same code (gcc's -g does not
# change it; profile.py checks that script_run has the same size), and
# the line table that tells which inlined function an offset lies in.
# Compiled every time (seconds): it must match the kernel as built now.
bench-profile-iobj: kernel
	@mkdir -p $(PROFILE_OUT)
	@cmd=$$(sed -n 's/^savedcmd_kernel\/script\/interp.o := //p' \
		$(OBJ)/kernel/script/.interp.o.cmd | \
		sed -e 's/ *; *\.\/tools\/objtool.*$$//' \
		    -e 's| -Wp,-MMD,[^ ]*||' \
		    -e 's| -c -o kernel/script/interp.o | -g -c -o $(PROFILE_IOBJ) |'); \
	cd $(OBJ) && eval "$$cmd"

bench-profile-initramfs: bench-progs
	@BENCH_PROFILE=1 $(TOP)/bench/initramfs.sh $(TREE) $(PROFILE_OUT) \
		$(PROFILE_INITRD) $(BENCH_PROGS)

PROFILE_REPORT	= python3 $(TOP)/bench/profile/profile.py --log $(PROFILE_LOG) \
		  --outdir $(TOP)/bench --vmlinux $(OBJ)/vmlinux \
		  --interp-obj $(PROFILE_IOBJ) --code $(PROFILE_OUT)/code

# A quiet host first: up to PROFILE_WAIT seconds (600) until no other
# QEMU runs and the load average is below 1, so that the guest's CPUs get
# the host's (the report shows how many samples are missing otherwise).
PROFILE_WAIT	?= 600

bench-profile: bench-profile-initramfs bench-profile-iobj
	@for i in $$(seq 0 5 $(PROFILE_WAIT)); do \
		q=$$(pgrep -c '^qemu-system' || true); \
		l=$$(cut -d' ' -f1 /proc/loadavg); \
		[ "$$q" -eq 0 ] && awk -v l="$$l" 'BEGIN { exit !(l < 1) }' && break; \
		[ "$$i" -gt 0 ] || echo "  WAIT    for a quiet host: $$q QEMU, load $$l"; \
		[ "$$i" -lt $(PROFILE_WAIT) ] || echo "  WAIT    gave up: $$q QEMU, load $$l"; \
		sleep 5; \
	done
	@{ git -C $(TOP) log -1 --format='%h (%s)' -- kernel include patches; \
	   git -C $(TOP) diff --quiet HEAD -- kernel include patches tools || \
		echo "with changes not committed"; } | tr '\n' ' ' \
		> $(PROFILE_OUT)/code
	@rc=0; BENCH_MEM="$(BENCH_MEM)" BENCH_QEMU_ARGS="$(BENCH_QEMU_ARGS)" \
		BENCH_APPEND="benchlist=profile tsc=reliable $(PROFILE_ENV)" \
		flock $(LOCK) $(TOP)/bench/boot.sh $(KERNEL) $(PROFILE_INITRD) $(PROFILE_LOG) \
		$(PROFILE_TIMEOUT) || rc=$$?; \
	$(PROFILE_REPORT) || rc=1; \
	exit $$rc

bench-profile-report: bench-profile-iobj
	@$(PROFILE_REPORT)
