# SPDX-License-Identifier: GPL-2.0
#
# The HTTP benchmark of make bench (bench/http_bench.sh, run from
# bench/http.list): its guest programs, included by the top Makefile.
# wrk, nginx, their libraries and the docroot come through
# bench/servers/initramfs.extra (bench/http-initramfs.sh).

HTTP_SERVERS_MAKE = $(MAKE) -s -C $(TOP)/bench/servers OUTPUT=$(BENCH_OUT)/

BENCH_PROGS	+= $(BENCH_OUT)/epoll_httpd $(BENCH_OUT)/uring_httpd \
		   $(BENCH_OUT)/http_client $(LIBOUT)httpd $(LIBOUT)httpd.bpf.o

$(BENCH_OUT)/epoll_httpd $(BENCH_OUT)/uring_httpd $(BENCH_OUT)/http_client: \
		$(wildcard $(TOP)/bench/servers/*.[ch]) \
		$(TOP)/bench/servers/Makefile
	@mkdir -p $(BENCH_OUT)
	@$(HTTP_SERVERS_MAKE) $@

# The script(2) server: built by the library's make (BENCH_DEPS has lib).
$(LIBOUT)httpd $(LIBOUT)httpd.bpf.o: | lib

# http_bench.sh takes about 7 minutes of the guest's time: the boot's
# limit grows by its own limit in bench/http.list.
BENCH_TIMEOUT	:= $(shell echo $$(( $(BENCH_TIMEOUT) + 540 )))
