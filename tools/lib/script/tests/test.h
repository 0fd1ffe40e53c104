/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A tiny harness for libscript's host tests, with TAP-like output:
 *
 *	static void test_foo(void)
 *	{
 *		CHECK_EQ_INT(foo(1), 2);
 *		CHECK(bar(), "bar failed for %s", "x");
 *	}
 *
 *	int main(void)
 *	{
 *		RUN_TEST(test_foo);
 *		return test_main_result();
 *	}
 *
 * prints "ok 1 - test_foo", or "not ok 1 - test_foo" after a "# file:line:
 * ..." line for each failed check, and at the end the plan "1..N" and a
 * summary.  A failed check records the failure and the test goes on.
 * Include this header from one file per test program only.
 */
#ifndef __SCRIPT_TEST_H
#define __SCRIPT_TEST_H

#include <stdio.h>
#include <string.h>

static int test_nr;		/* tests run */
static int test_failed;		/* tests with a failed check */
static int test_checks;		/* checks made */
static int test_check_failures;	/* checks that failed */
static int test_cur_failures;	/* checks that failed in the current test */

/* Records a failed check at @file:@line; the message follows on stdout. */
static inline void test_fail_at(const char *file, int line)
{
	test_check_failures++;
	test_cur_failures++;
	printf("# %s:%d: ", file, line);
}

/**
 * CHECK() - check that @cond holds, else record a failure and print the
 *	printf-style message after the condition's text
 * @cond: the condition
 * @fmt: a format, then its arguments
 */
#define CHECK(cond, fmt, ...)						\
	do {								\
		test_checks++;						\
		if (!(cond)) {						\
			test_fail_at(__FILE__, __LINE__);		\
			printf("%s: " fmt "\n", #cond, ##__VA_ARGS__);	\
		}							\
	} while (0)

/**
 * CHECK_EQ_INT() - check that two integer expressions are equal
 * @a: the value found
 * @b: the value expected
 */
#define CHECK_EQ_INT(a, b)						\
	do {								\
		long long __a = (long long)(a), __b = (long long)(b);	\
									\
		CHECK(__a == __b, "%s is %lld (%#llx), expected %lld (%#llx)", \
		      #a, __a, (unsigned long long)__a, __b,		\
		      (unsigned long long)__b);				\
	} while (0)

/**
 * CHECK_EQ_STR() - check that two strings are equal; NULL is a value
 * @a: the string found
 * @b: the string expected
 */
#define CHECK_EQ_STR(a, b)						\
	do {								\
		const char *__a = (a), *__b = (b);			\
									\
		CHECK(__a == __b || (__a && __b && !strcmp(__a, __b)),	\
		      "%s is \"%s\", expected \"%s\"", #a,		\
		      __a ? __a : "(null)", __b ? __b : "(null)");	\
	} while (0)

/* Prints a diagnostic line that is not a failure. */
#define TEST_NOTE(fmt, ...)	printf("# " fmt "\n", ##__VA_ARGS__)

/**
 * RUN_TEST() - run the test function @fn, void (void), and print its
 *	result line
 * @fn: the function
 */
#define RUN_TEST(fn)							\
	do {								\
		test_cur_failures = 0;					\
		fn();							\
		test_nr++;						\
		if (test_cur_failures)					\
			test_failed++;					\
		printf("%s %d - %s\n",					\
		       test_cur_failures ? "not ok" : "ok", test_nr, #fn); \
		fflush(stdout);						\
	} while (0)

/* Prints the plan and a summary: the exit status, 1 on any failure. */
static inline int test_main_result(void)
{
	printf("1..%d\n", test_nr);
	printf("# %d tests, %d failed; %d checks, %d failed\n", test_nr,
	       test_failed, test_checks, test_check_failures);
	return test_check_failures ? 1 : 0;
}

#endif /* __SCRIPT_TEST_H */
