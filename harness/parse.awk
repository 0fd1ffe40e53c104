# parse.awk: read a QEMU console log of "make check" and decide.
#
# Counts KUnit test cases (KTAP at boot, four-space indent) and kselftest
# results (TAP after "SCRIPT-HARNESS: selftests begin"), names every
# failure, and counts as a failure too: a kernel splat line, a test binary
# that died or reported nothing, a run that never reached the end marker,
# and QEMU ending other than by the test system's own reboot.
# The tests of the second pass, under kernel.script_jit=2, are named
# jit2/NAME.  Prints the guest time of each pass, then "N passed, N
# failed, N skipped" last; exits 1 on any failure.

function fail(what) {
	failed++
	print "FAIL: " what
}

function result(name, line) {
	if (line ~ /# SKIP/) {
		skipped++
	} else if (line ~ /^not ok /) {
		fail(name)
	} else {
		passed++
	}
}

{
	sub(/\r$/, "")
	sub(/^\[ *[0-9]+\.[0-9]+\] /, "")
}

# A splat: its first line names it; a call trace with no such line
# before it (an RCU stall dump, say) counts once on its own.
/BUG:|WARNING:|Oops|KASAN|UBSAN|Kernel panic|kernel BUG at|general protection fault|unreferenced object|refcount_t:|list_add corruption|list_del corruption|rcu: INFO:|detected stalls|blocked for more than/ {
	fail("kernel: " $0)
	splat = 1
	next
}

/Call Trace:/ {
	if (!splat)
		fail("kernel: a call trace on the console")
	splat = 0
	next
}

/^#  RUN / { running = $3 }

/^SCRIPT-HARNESS: selftests begin/ { phase = "selftests"; next }
/^SCRIPT-HARNESS: selftests end/ { finished = 1; next }

/^SCRIPT-HARNESS: run / {
	test = $3
	running = ""
	results = 0
	bad = 0
	next
}

/^SCRIPT-HARNESS: exit / {
	rc = $4
	# The seconds the binary took, when the harness says
	if ($5 != "")
		secs[$3 ~ /^jit2\// ? "jit2" : "main"] += $5
	if (rc == 4 && !results) {
		skipped++
		print "SKIP: " $3
	} else if (rc != 0 && !bad) {
		fail($3 ": exited with status " rc \
		     (running != "" ? " during " running : ""))
	} else if (!results) {
		fail($3 ": reported no results")
	}
	test = ""
	next
}

# A parameterised case: each parameter counts on its own.
phase != "selftests" && /^        # Subtest: / {
	pcase = $3
	params = 0
	params_bad = 0
	next
}

phase != "selftests" && /^        (not )?ok [0-9]+ / {
	line = substr($0, 9)
	name = line
	sub(/^(not )?ok [0-9]+ /, "", name)
	sub(/ # .*/, "", name)
	params++
	if (line ~ /^not ok/)
		params_bad = suite_bad = 1
	result("kunit " suite "." pcase "(" name ")", line)
	kunit++
	next
}

phase != "selftests" && /^    (not )?ok [0-9]+ / {
	line = substr($0, 5)
	name = line
	sub(/^(not )?ok [0-9]+ /, "", name)
	sub(/ # .*/, "", name)
	if (line ~ /^not ok/)
		suite_bad = 1
	if (params) {
		# Counted by its parameters, unless it failed on its own.
		if (line ~ /^not ok/ && !params_bad)
			fail("kunit " suite "." name)
		params = 0
		next
	}
	result("kunit " suite "." name, line)
	kunit++
	next
}

phase != "selftests" && /^    # Subtest: / {
	suite = $3
	next
}

phase != "selftests" && /^(not )?ok [0-9]+ / {
	# A suite's own line: count it only when no case said why.
	if ($0 ~ /^not ok/ && !suite_bad)
		fail("kunit suite " $0)
	suite_bad = 0
	next
}

phase == "selftests" && test != "" && /^(not )?ok [0-9]+ / {
	name = $0
	sub(/^(not )?ok [0-9]+ /, "", name)
	sub(/ # .*/, "", name)
	results++
	if ($0 ~ /^not ok/)
		bad++
	result(test ": " name, $0)
	next
}

END {
	if (!kunit)
		fail("kunit: no KUnit results on the console")
	if (phase != "selftests")
		fail("harness: the selftests never started")
	else if (!finished)
		fail("harness: the run did not finish (hang, crash or timeout)")
	if (qemu_rc == 124 || qemu_rc == 137)
		fail("harness: QEMU timed out")
	else if (qemu_rc != 0)
		fail("harness: QEMU exited with status " qemu_rc)
	if ("main" in secs)
		printf "kselftests: %.0f s; under kernel.script_jit=2: %.0f s\n",
		       secs["main"], secs["jit2"]
	printf "%d passed, %d failed, %d skipped\n", passed, failed, skipped
	exit failed ? 1 : 0
}
