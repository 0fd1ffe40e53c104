# SPDX-License-Identifier: GPL-2.0
#
# script(2): build Linux 6.12 from Debian's linux-source-6.12 with this
# series applied, boot it under QEMU (TCG) and run the tests.
#
#   make check           build, boot, run KUnit and the kselftests
#   make check DEBUG=1   the same on a KASAN/UBSAN/lockdep/kmemleak kernel
#   make check TESTS="deferred_test audit_test"  only those kselftests
#   make check JIT_SECONDS=60 JIT_SEED=7  jit_test's random programs
#                        for that long, from that seed (20 s, 90 with DEBUG=1)
#   make run [PORT=8080] [TLS_PORT=8443]
#                        boot with the static web server of tools/lib/script
#                        serving its site on http://localhost:PORT/ and
#                        https://localhost:TLS_PORT/ (kernel TLS, with a
#                        self-signed certificate made at build time), and
#                        an interactive shell on the serial console
#   make lint            checkpatch --strict over the series and its tests,
#                        W=1 and sparse over kernel/script
#   make kcheck          compile kernel/script with W=1 and sparse only
#   make cross           compile kernel/script with W=1 and sparse for each
#                        32-bit architecture with a cross compiler
#                        (i386 arm riscv32 mips powerpc; CROSS_ARCHS=...)
#   make bench           boot once and run every benchmark (bench/README.md)
#   make bench-profile   boot once and profile the script(2) and epoll web
#                        servers (1 KiB, 32 connections) with perf: where a
#                        request's time goes (bench/profile.md)
#   make series          the patch series a reviewer gets, with its cover
#                        letter, in build/series/ (series/split declares it)
#   make series-check    git am it onto the pristine source, checkpatch
#                        --strict and build each patch in turn, boot the
#                        last one and run the tests (about 2 h the first
#                        time on this machine: README.md)
#   make clean           remove build/ (the pristine source cache stays)
#
# The pristine source is extracted once into $(CACHE); the build tree,
# objects, initramfs and logs live under $(BUILD), which git ignores.

SHELL		:= /bin/bash
empty		:=
space		:= $(empty) $(empty)
comma		:= ,
.SHELLFLAGS	:= -eu -o pipefail -c
# Our command-line variables (DEBUG=1, ...) are not for kbuild.
MAKEOVERRIDES	:=

TOP		:= $(abspath .)
BUILD		?= $(TOP)/build
CACHE		?= $(HOME)/.cache/script-linux
TREE		:= $(BUILD)/linux
FLAVOUR		:= $(if $(filter 1,$(DEBUG)),debug,normal)
OBJ		:= $(BUILD)/obj-$(FLAVOUR)
OUT		:= $(BUILD)/$(FLAVOUR)
LOG		:= $(OUT)/console.log
LOCK		:= /tmp/script-kbuild.lock
JOBS		?= $(shell nproc)
CONFIGS		:= $(TOP)/harness/kernel.config \
		   $(if $(filter debug,$(FLAVOUR)),$(TOP)/harness/debug.config)
TIMEOUT		?= $(if $(filter debug,$(FLAVOUR)),1500,600)
KERNEL		:= $(OBJ)/arch/x86/boot/bzImage
INITRD		:= $(OUT)/initramfs.cpio.gz

# ccache: paths below the checkout are hashed relative to it, so that a
# fresh clone elsewhere on the machine hits what an earlier one compiled.
export CCACHE_BASEDIR := $(TOP)

# One kernel build at a time on this machine, whoever starts it.
KMAKE		= flock $(LOCK) $(MAKE) -s -C $(TREE) O=$(OBJ) ARCH=x86_64 \
		  CC="ccache gcc" HOSTCC="ccache gcc" -j$(JOBS)

# tools/lib/script: built on the host, static, and copied into the guest.
LIBOUT		:= $(BUILD)/lib/
LIBMAKE		= $(MAKE) -s -C $(TOP)/tools/lib/script OUTPUT=$(LIBOUT)
LIB_GUEST	:= scriptctl cat cat_builder copy copy_builder accept_filter httpd
PORT		?= 8080
TLS_PORT	?= 8443
# httpd's TLS certificate for make run and httpd_tls_test: self-signed
# (ECDSA P-256) for localhost, 127.0.0.1 and the guest's 10.0.2.15, made
# once per build directory with the host's openssl.
TLS_CERT	:= $(BUILD)/tls/httpd.crt
TLS_KEY		:= $(BUILD)/tls/httpd.key

KFILES		:= $(wildcard kernel/script/*.[ch]) include/uapi/linux/script.h \
		   $(wildcard tools/testing/selftests/script/*.[ch]) \
		   harness/uring_test.c
# Userspace code outside the selftests: the library, its tools, examples
# and tests, and the benchmarks.  Kernel-only helpers (BIT(), u32,
# __printf) do not exist there, so checkpatch's advice to use them is off.
UFILES		:= $(wildcard tools/lib/script/*.[ch] tools/lib/script/tests/*.[ch] \
			      tools/lib/script/examples/*.[ch] \
			      tools/lib/script/examples/httpd/*.[ch] \
			      bench/*.c bench/servers/*.[ch] bench/native/*.[ch])
UIGNORE		:= BIT_MACRO,PREFER_KERNEL_TYPES,PREFER_DEFINED_ATTRIBUTE_MACRO,ENOSYS
# Files that do on purpose what checkpatch warns of, and what they do:
# SCRIPT_LD_IMM64 expands to two initialisers, as BPF_LD_IMM64 in
# include/linux/filter.h; objdump.bpf.c keeps clang from folding the
# loads and stores it disassembles; examples_test.c skips on a kernel
# without script(2); httpd_tls.c calls OpenSSL, whose names are CamelCase
# (SSL_CTX_use_PrivateKey_file).
LINT_EXCEPT	:= tools/lib/script/script_insn.h:COMPLEX_MACRO,MACRO_ARG_REUSE \
		   tools/lib/script/examples/httpd/httpd_tls.c:CAMELCASE \
		   tools/lib/script/tests/objdump.bpf.c:VOLATILE \
		   tools/testing/selftests/script/examples_test.c:ENOSYS
LINT_EXCEPT_FILES := $(foreach e,$(LINT_EXCEPT),$(firstword $(subst :, ,$(e))))
# Patches likewise: 0005 fails an op that a seccomp filter traces with no
# tracer with -ENOSYS, as kernel/seccomp.c fails the real call.
PATCH_EXCEPT	:= 0005-seccomp-run-the-filters-for-a-system-call-made-on-a-task-s-behalf.patch:ENOSYS
PATCH_EXCEPT_FILES := $(foreach e,$(PATCH_EXCEPT),$(TOP)/patches/$(firstword $(subst :, ,$(e))))

.PHONY: all deps tree config kernel kcheck cross lint lib libtest selftests \
	initramfs check run clean series series-apply series-check

all: check

deps:
	@$(TOP)/harness/deps.sh

# Under the build lock: a build must not see the tree change under it.
tree: deps
	@flock $(LOCK) $(TOP)/harness/tree.sh $(CACHE) $(TREE)

# Regenerated only when a fragment or a Kconfig file changes.
config: tree
	@mkdir -p $(OBJ)
	@sum=$$(cat $(CONFIGS) $(TOP)/kernel/script/Kconfig $(TOP)/patches/*.patch | md5sum); \
	if [ "$$sum" != "$$(cat $(OBJ)/.script-config 2>/dev/null)" ]; then \
		echo "  CONFIG  tinyconfig + $(notdir $(CONFIGS))"; \
		$(KMAKE) tinyconfig >$(OBJ)/config.log 2>&1; \
		$(TREE)/scripts/kconfig/merge_config.sh -m -O $(OBJ) \
			$(OBJ)/.config $(CONFIGS) >>$(OBJ)/config.log 2>&1; \
		$(KMAKE) olddefconfig >>$(OBJ)/config.log 2>&1; \
		$(TOP)/harness/config-check.sh $(OBJ)/.config $(CONFIGS); \
		echo "$$sum" > $(OBJ)/.script-config; \
	fi

kernel: config
	@echo "  KERNEL  $(FLAVOUR) (log: $(OBJ)/build.log)"
	@$(KMAKE) bzImage >$(OBJ)/build.log 2>&1 || { tail -40 $(OBJ)/build.log; exit 1; }
	@$(KMAKE) headers_install >>$(OBJ)/build.log 2>&1

kcheck: config
	@$(KMAKE) W=1 C=2 kernel/script/ 2>&1 | tee $(OBJ)/kcheck.log
	@! grep -E 'warning:|error:' $(OBJ)/kcheck.log

# 32-bit architectures: tinyconfig with harness/cross.config, objects in
# $(BUILD)/cross/obj-ARCH; each make takes the kernel build lock.
CROSS_ARCHS	?= i386 arm riscv32 mips powerpc

cross: tree
	@$(TOP)/harness/cross.sh $(TREE) $(BUILD)/cross $(CROSS_ARCHS)

# checkpatch exits non-zero on a CHECK too: --strict clean means none.
lint: kcheck
	@$(TREE)/scripts/checkpatch.pl --no-tree --strict --terse \
		-f $(filter-out $(LINT_EXCEPT_FILES),$(KFILES)) \
		| tee $(OBJ)/checkpatch.log
	@$(TREE)/scripts/checkpatch.pl --no-tree --strict --terse \
		--ignore $(UIGNORE) -f $(filter-out $(LINT_EXCEPT_FILES),$(UFILES)) \
		| tee -a $(OBJ)/checkpatch.log
	@for e in $(LINT_EXCEPT); do \
		$(TREE)/scripts/checkpatch.pl --no-tree --strict --terse \
			--ignore $(UIGNORE),$${e#*:} -f $${e%%:*} || exit 1; \
	done | tee -a $(OBJ)/checkpatch.log
	@cd $(TREE) && ./scripts/checkpatch.pl --strict --terse \
		$(filter-out $(PATCH_EXCEPT_FILES),$(wildcard $(TOP)/patches/*.patch)) \
		| tee -a $(OBJ)/checkpatch.log
	@for e in $(PATCH_EXCEPT); do \
		(cd $(TREE) && ./scripts/checkpatch.pl --strict --terse \
			--ignore $${e#*:} $(TOP)/patches/$${e%%:*}) || exit 1; \
	done | tee -a $(OBJ)/checkpatch.log

lib: deps
	@echo "  LIB     tools/lib/script (in $(LIBOUT))"
	@$(LIBMAKE) all

# The library's host tests: builder, assembler, disassembler, ELF loader.
libtest: lib
	@echo "  TEST    tools/lib/script on the host (log: $(LIBOUT)test.log)"
	@$(LIBMAKE) test >$(LIBOUT)test.log 2>&1 || \
		{ grep -E '^(not ok|#.*fail|FAIL)' $(LIBOUT)test.log; \
		  tail -5 $(LIBOUT)test.log; echo "FAIL: tools/lib/script host tests"; exit 1; }
	@grep -E '^# [0-9]+ tests, ' $(LIBOUT)test.log | sed 's/^#/         /'

$(TLS_CERT):
	@mkdir -p $(dir $@)
	@echo "  CERT    $@ (self-signed)"
	@openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 \
		-nodes -days 3650 -subj /CN=localhost \
		-addext "subjectAltName=DNS:localhost,IP:127.0.0.1,IP:10.0.2.15" \
		-keyout $(TLS_KEY).tmp -out $@.tmp >$(dir $@)openssl.log 2>&1 || \
		{ cat $(dir $@)openssl.log; exit 1; }
	@mv $(TLS_KEY).tmp $(TLS_KEY)
	@mv $@.tmp $@

selftests: kernel lib $(TLS_CERT)
	@mkdir -p $(OUT)/selftests
	@$(MAKE) -s -C $(TREE)/tools/testing/selftests/script \
		OUTPUT=$(OUT)/selftests \
		KHDR_INCLUDES="-isystem $(OBJ)/usr/include"
	@gcc -static -O2 -Wall -isystem $(OBJ)/usr/include \
		-I$(TREE)/tools/testing/selftests $(TOP)/harness/uring_test.c \
		-o $(OUT)/selftests/uring_test -luring
	@cp $(addprefix $(LIBOUT),$(LIB_GUEST)) $(LIBOUT)*.bpf.o $(OUT)/selftests/
	@cp $(TLS_CERT) $(TLS_KEY) $(OUT)/selftests/

initramfs: selftests
	@$(TOP)/harness/initramfs.sh $(TREE) $(OUT) $(INITRD)

# jit_test's generator of random programs: a fixed seed, and a time
# bound in seconds (within the harness's 300 s for one test binary).
JIT_SEED	?= 0x5c219e7a11ce5eed
JIT_SECONDS	?= $(if $(filter debug,$(FLAVOUR)),90,20)

# TESTS="a_test b_test" runs only those; APPEND="VAR=value ..." adds
# kernel parameters, which reach the tests as environment variables.
check: libtest kernel initramfs series-apply
	@SCRIPT_APPEND="$(if $(TESTS),scripttests=$(subst $(space),$(comma),$(strip $(TESTS)))) \
		SCRIPT_JIT_SEED=$(JIT_SEED) SCRIPT_JIT_SECONDS=$(JIT_SECONDS) $(APPEND)" \
		$(TOP)/harness/boot.sh check $(KERNEL) $(INITRD) $(LOG) $(TIMEOUT)

# The series (harness/series.sh): make check only makes it and applies it
# with git am onto the pristine source, and compares the result with the
# tree it built; make series-check builds it patch by patch too.
SERIES_EXCEPT	:= $(LINT_EXCEPT) kernel/seccomp.c:ENOSYS

series: tree
	@$(TOP)/harness/series.sh $(CACHE) $(BUILD) $(TREE)

series-apply: tree
	@$(TOP)/harness/series.sh --apply $(CACHE) $(BUILD) $(TREE)

series-check: series-apply libtest initramfs
	@SERIES_UIGNORE="$(UIGNORE)" SERIES_EXCEPT="$(SERIES_EXCEPT)" \
		$(TOP)/harness/series-check.sh $(BUILD) $(TREE) $(CONFIGS)
	@SCRIPT_APPEND="SCRIPT_JIT_SEED=$(JIT_SEED) SCRIPT_JIT_SECONDS=$(JIT_SECONDS)" \
		$(TOP)/harness/boot.sh check $(BUILD)/obj-series/arch/x86/boot/bzImage \
		$(INITRD) $(BUILD)/series-console.log $(TIMEOUT)

run: kernel initramfs
	@PORT=$(PORT) TLS_PORT=$(TLS_PORT) TLS_CERT=$(TLS_CERT) \
		$(TOP)/harness/boot.sh run $(KERNEL) $(INITRD) $(OUT)/run.log 0

clean:
	rm -rf $(BUILD)

# make bench: one boot of the normal kernel runs every benchmark
# (bench/run.sh in the guest, scriptmode=bench); bench/report.py turns the
# console's BENCH-ROW lines into bench/results.json, bench/results.md and
# the plots bench/*.png, and prints the tables.
#
# Hooks for more benchmarks:
#   bench/*.mk, bench/*/*.mk  included here: add a guest program to
#                             BENCH_PROGS (a file under $(BENCH_OUT) with a
#                             rule of its own; it lands in /bench) and its
#                             prerequisites to BENCH_DEPS
#   bench/*.list, */*.list    "NAME LIMIT_SECONDS COMMAND" lines that
#                             bench/run.sh runs after its own list
#   bench/initramfs.extra,    sourced by bench/initramfs.sh, to add files
#   bench/*/initramfs.extra   (bench_bin, bench_file, bench_tree, ...)
#   bench/native-results.json rows from the host that report.py merges
#
# make bench-profile (bench/profile/profile.mk) boots the same initramfs
# with perf added and benchlist=profile: bench/profile/profile.sh alone.
BENCH_OUT	:= $(BUILD)/bench
BENCH_INITRD	:= $(BENCH_OUT)/initramfs.cpio.gz
BENCH_LOG	:= $(BENCH_OUT)/console.log
BENCH_TIMEOUT	?= 780
BENCH_CC	:= gcc -static -O2 -Wall -isystem $(OBJ)/usr/include
BENCH_PROGS	:= $(BENCH_OUT)/ops_bench
BENCH_DEPS	:= kernel lib
BENCH_MEM	?= 1G
BENCH_QEMU_ARGS	?=

-include $(wildcard $(TOP)/bench/*.mk $(TOP)/bench/*/*.mk)

ifneq ($(filter bench bench-%,$(MAKECMDGOALS)),)
ifeq ($(FLAVOUR),debug)
$(error make bench measures the normal kernel: drop DEBUG=1)
endif
endif

.PHONY: bench bench-progs bench-initramfs bench-report

$(BENCH_OUT)/ops_bench: $(TOP)/bench/ops_bench.c $(OBJ)/usr/include/linux/script.h
	@mkdir -p $(BENCH_OUT)
	@$(BENCH_CC) $< -o $@ -luring

# The kernel's headers come from its build: build it (if need be) first.
$(OBJ)/usr/include/linux/script.h: | kernel

bench-progs: $(BENCH_DEPS) $(BENCH_PROGS)

bench-initramfs: bench-progs
	@$(TOP)/bench/initramfs.sh $(TREE) $(BENCH_OUT) $(BENCH_INITRD) \
		$(BENCH_PROGS)

BENCH_REPORT	= python3 $(TOP)/bench/report.py --log $(BENCH_LOG) \
		  --outdir $(TOP)/bench --kconfig $(OBJ)/.config \
		  --harness-config $(TOP)/harness/kernel.config

# The report is written even when the run failed part way; make bench
# fails then all the same.
bench: bench-initramfs
	@echo "  NATIVE  bench/native: the interpreter and verifier on the host"
	@$(MAKE) -s -C $(TOP)/bench/native run >$(BENCH_OUT)/native.log 2>&1 || \
		{ tail -20 $(BENCH_OUT)/native.log; exit 1; }
	@rc=0; BENCH_MEM="$(BENCH_MEM)" BENCH_QEMU_ARGS="$(BENCH_QEMU_ARGS)" \
		$(TOP)/bench/boot.sh $(KERNEL) $(BENCH_INITRD) $(BENCH_LOG) \
		$(BENCH_TIMEOUT) || rc=$$?; \
	$(BENCH_REPORT) || rc=1; \
	exit $$rc

# Only the report, again, from the last run's console.
bench-report:
	@$(BENCH_REPORT)
