# SPDX-License-Identifier: GPL-2.0
#
# script(2): build Linux 6.12 from Debian's linux-source-6.12 with this
# series applied, boot it under QEMU (TCG) and run the tests.
#
#   make check           build, boot, run KUnit and the kselftests
#   make check DEBUG=1   the same on a KASAN/UBSAN/lockdep/kmemleak kernel
#   make run             boot to an interactive shell on the serial console
#   make lint            checkpatch --strict over the series and its tests,
#                        W=1 and sparse over kernel/script
#   make kcheck          compile kernel/script with W=1 and sparse only
#   make clean           remove build/ (the pristine source cache stays)
#
# The pristine source is extracted once into $(CACHE); the build tree,
# objects, initramfs and logs live under $(BUILD), which git ignores.

SHELL		:= /bin/bash
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

KFILES		:= $(wildcard kernel/script/*.[ch]) include/uapi/linux/script.h \
		   $(wildcard tools/testing/selftests/script/*.[ch]) \
		   harness/uring_test.c

.PHONY: all deps tree config kernel kcheck lint selftests initramfs check run clean

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

# checkpatch exits non-zero on a CHECK too: --strict clean means none.
lint: kcheck
	@$(TREE)/scripts/checkpatch.pl --no-tree --strict --terse -f $(KFILES) \
		| tee $(OBJ)/checkpatch.log
	@cd $(TREE) && ./scripts/checkpatch.pl --strict --terse $(TOP)/patches/*.patch \
		| tee -a $(OBJ)/checkpatch.log

selftests: kernel
	@mkdir -p $(OUT)/selftests
	@$(MAKE) -s -C $(TREE)/tools/testing/selftests/script \
		OUTPUT=$(OUT)/selftests \
		KHDR_INCLUDES="-isystem $(OBJ)/usr/include"
	@gcc -static -O2 -Wall -isystem $(OBJ)/usr/include \
		-I$(TREE)/tools/testing/selftests $(TOP)/harness/uring_test.c \
		-o $(OUT)/selftests/uring_test -luring

initramfs: selftests
	@$(TOP)/harness/initramfs.sh $(TREE) $(OUT) $(INITRD)

check: kernel initramfs
	@$(TOP)/harness/boot.sh check $(KERNEL) $(INITRD) $(LOG) $(TIMEOUT)

run: kernel initramfs
	@$(TOP)/harness/boot.sh run $(KERNEL) $(INITRD) $(OUT)/run.log 0

clean:
	rm -rf $(BUILD)
