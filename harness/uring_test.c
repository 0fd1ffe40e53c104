// SPDX-License-Identifier: GPL-2.0
/*
 * The guest's io_uring and the static liburing from Debian's liburing-dev
 * work together: what later benchmarks compare script(2) against.
 */
#include <liburing.h>
#include <string.h>
#include <unistd.h>

#include "kselftest_harness.h"

TEST(nop)
{
	struct io_uring_sqe *sqe;
	struct io_uring_cqe *cqe;
	struct io_uring ring;

	ASSERT_EQ(0, io_uring_queue_init(4, &ring, 0));
	sqe = io_uring_get_sqe(&ring);
	io_uring_prep_nop(sqe);
	io_uring_sqe_set_data64(sqe, 42);
	ASSERT_EQ(1, io_uring_submit(&ring));
	ASSERT_EQ(0, io_uring_wait_cqe(&ring, &cqe));
	EXPECT_EQ(0, cqe->res);
	EXPECT_EQ(42, cqe->user_data);
	io_uring_cqe_seen(&ring, cqe);
	io_uring_queue_exit(&ring);
}

TEST(read_matches_read2)
{
	static const char msg[] = "script(2) baseline";
	char buf[64] = "";
	struct io_uring ring;
	struct io_uring_cqe *cqe;
	int p[2];

	ASSERT_EQ(0, pipe(p));
	ASSERT_EQ(sizeof(msg), write(p[1], msg, sizeof(msg)));
	ASSERT_EQ(0, io_uring_queue_init(4, &ring, 0));
	io_uring_prep_read(io_uring_get_sqe(&ring), p[0], buf, sizeof(buf), 0);
	ASSERT_EQ(1, io_uring_submit(&ring));
	ASSERT_EQ(0, io_uring_wait_cqe(&ring, &cqe));
	EXPECT_EQ(sizeof(msg), cqe->res);
	EXPECT_STREQ(msg, buf);
	io_uring_cqe_seen(&ring, cqe);
	io_uring_queue_exit(&ring);
	close(p[0]);
	close(p[1]);
}

TEST_HARNESS_MAIN
