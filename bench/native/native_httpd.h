/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The web server's request path, natively: native_httpd.c runs
 * httpd.bpf.o with the real interpreter and ops over keep-alive GETs,
 * records the run's system calls and replays it without them.
 */
#ifndef _NATIVE_HTTPD_H
#define _NATIVE_HTTPD_H

#include <stddef.h>
#include <stdint.h>

struct script_insn;
struct script_prog;
struct script_run_ctx;
struct script_log;

typedef int (*httpd_run_fn)(const struct script_prog *prog,
			    struct script_run_ctx *ctx);
typedef int (*httpd_verify_fn)(const struct script_insn *insns,
			       unsigned int len, struct script_log *log,
			       unsigned int *err_pc);

/* native_httpd.c */
int httpd_setup(const char *objpath, httpd_verify_fn verify);
int httpd_add_case(httpd_run_fn fn, unsigned int conns, unsigned int rounds,
		   unsigned int records, double *real_ns);
double httpd_sample(int id, httpd_run_fn fn, const struct script_prog *p,
		    unsigned long long reps, unsigned long long *elapsed);
struct script_prog *httpd_prog_copy(void);
double httpd_layer_ns(int id);
void httpd_counts(int id, httpd_run_fn fn, double *insns, double *ops,
		  double *nrs);
unsigned long long httpd_requests(int id);

/* native_httpd_obj.c: httpd_worker() of the object at @path */
int httpd_object(const char *path, const struct script_insn **insns,
		 size_t *cnt, char *err, size_t err_size);

#endif /* _NATIVE_HTTPD_H */
