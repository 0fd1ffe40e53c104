/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The in-kernel entry points of the system calls the ops make (the ksys_
 * and __sys_ helpers of patches 0006 to 0012, and the kernel's own).  In
 * the native build each is native_sys.c's: the host's system call of the
 * same name, or, in a replay, the result and the bytes a recording of it
 * gave (see native_sys.c).
 */
#ifndef _SHIM_LINUX_SYSCALLS_H
#define _SHIM_LINUX_SYSCALLS_H

#include <linux/kernel.h>

typedef int clockid_t;
struct __kernel_timespec;
struct iovec;
struct open_how;
struct stat;
struct statx;
struct pollfd;
struct sockaddr;


ssize_t ksys_read(unsigned int fd, char __user *buf, size_t count);
ssize_t ksys_write(unsigned int fd, const char __user *buf, size_t count);
ssize_t ksys_pread64(unsigned int fd, char __user *buf, size_t count,
		     loff_t pos);
ssize_t ksys_pwrite64(unsigned int fd, const char __user *buf,
		      size_t count, loff_t pos);
ssize_t ksys_readv(unsigned long fd, const struct iovec __user *vec,
		   unsigned long vlen);
ssize_t ksys_writev(unsigned long fd, const struct iovec __user *vec,
		    unsigned long vlen);
long ksys_openat(int dfd, const char __user *filename, int flags,
		 umode_t mode);
long ksys_openat2(int dfd, const char __user *filename,
		  struct open_how __user *how, size_t usize);
int ksys_close(unsigned int fd);
off_t ksys_lseek(unsigned int fd, off_t offset, unsigned int whence);
int ksys_newfstat(unsigned int fd, struct stat __user *statbuf);
int ksys_statx(int dfd, const char __user *filename, unsigned int flags,
	       unsigned int mask, struct statx __user *buffer);
ssize_t ksys_sendfile(int out_fd, int in_fd, loff_t *ppos, size_t count);
ssize_t ksys_sendfile64(int out_fd, int in_fd, loff_t __user *offset,
			size_t count);
ssize_t ksys_splice(int fd_in, loff_t __user *off_in, int fd_out,
		    loff_t __user *off_out, size_t len, unsigned int flags);
ssize_t ksys_copy_file_range(int fd_in, loff_t __user *off_in, int fd_out,
			     loff_t __user *off_out, size_t len,
			     unsigned int flags);

int __sys_socket(int family, int type, int protocol);
int __sys_bind(int fd, struct sockaddr __user *umyaddr, int addrlen);
int __sys_listen(int fd, int backlog);
int __sys_accept4(int fd, struct sockaddr __user *upeer_sockaddr,
		  int __user *upeer_addrlen, int flags);
int __sys_connect(int fd, struct sockaddr __user *uservaddr, int addrlen);
int __sys_sendto(int fd, void __user *buff, size_t len, unsigned int flags,
		 struct sockaddr __user *addr, int addr_len);
int __sys_recvfrom(int fd, void __user *ubuf, size_t size, unsigned int flags,
		   struct sockaddr __user *addr, int __user *addr_len);
int __sys_shutdown(int fd, int how);
int __sys_setsockopt(int fd, int level, int optname, char __user *optval,
		     int optlen);
int __sys_getsockopt(int fd, int level, int optname, char __user *optval,
		     int __user *optlen);

int ksys_poll(struct pollfd __user *ufds, unsigned int nfds, int timeout_msecs);
int ksys_ppoll(struct pollfd __user *ufds, unsigned int nfds,
	       struct __kernel_timespec __user *tsp,
	       const void __user *sigmask, size_t sigsetsize);

long ksys_clock_gettime(clockid_t which_clock,
			struct __kernel_timespec __user *tp);
long ksys_nanosleep(struct __kernel_timespec __user *rqtp,
		    struct __kernel_timespec __user *rmtp);

/*
 * SYSCALL_DEFINE3(): the body, __do_sys_<name>(), as an ordinary function
 * that the benchmark calls; the entry that reaches it in the kernel
 * (do_syscall_64(), the sys_call_table, the __x64_sys_ wrapper) is what
 * the host's enosys_raw measures.
 */
#define SYSCALL_DEFINE3(name, t1, a1, t2, a2, t3, a3)			\
	long __do_sys_##name(t1 a1, t2 a2, t3 a3);			\
	long __do_sys_##name(t1 a1, t2 a2, t3 a3)

#endif /* _SHIM_LINUX_SYSCALLS_H */
