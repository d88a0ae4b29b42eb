# Shared helpers for integration scenarios (sourced). Each scenario boots
# the hypervisor in QEMU, reads the serial log and reports every case as a
# line "PASS: name" or "FAIL: name"; scripts/run-tests.sh counts them. A case
# whose prerequisite make test cannot provide is "SKIP (needs ...)" (skip_case).

: "${BUILD:=build}"
: "${QEMU:=qemu-system-x86_64}"
HV_BIN=$BUILD/tessera.bin
HV_ELF=$BUILD/tessera.elf
# The test build, with the self-tests (make hypervisor-test; tessera/selftest.h): a scenario
# that names a self-test on the command line boots it (use_test_build); the others boot the
# default build, which has none.
HV_TEST_BIN=$BUILD/tessera-test.bin
HV_TEST_ELF=$BUILD/tessera-test.elf
QEMU_MONITOR=$BUILD/tools/qemu-monitor
LOGDIR=$BUILD/integration
mkdir -p "$LOGDIR"

# QEMU exit statuses from isa-debug-exit (code*2+1); see hypervisor/include/tessera/arch.h.
EXIT_SUCCESS=33
EXIT_PANIC=35
EXIT_FAILURE=37
EXIT_TIMEOUT=124
# Ours: QEMU ended by itself with 0 under -no-reboot, i.e. the machine reset or powered off.
EXIT_RESET=200

# use_test_build NAME: boot the test build from here on ($HV_BIN, $HV_ELF); without it, prints
# "FAIL: NAME (...)" naming the make target that builds it and returns 1.
use_test_build() {
	if [ ! -f "$HV_TEST_BIN" ] || [ ! -f "$HV_TEST_ELF" ]; then
		echo "FAIL: $1 (no $HV_TEST_BIN: make BUILD=$BUILD hypervisor-test builds it)"
		return 1
	fi
	HV_BIN=$HV_TEST_BIN
	HV_ELF=$HV_TEST_ELF
}

# qemu_args NAME SMP MEM CMDLINE: the QEMU arguments every run shares, into $QEMU_ARGS (for
# $log): the monitor on a socket beside the log (dump_cpus), named threads, -d cpu_reset.
qemu_args() {
	QEMU_ARGS=(-machine pc -cpu "${QEMU_CPU:-qemu64,+svm,+npt,+rdrand}"
		-display none -monitor "unix:$log.mon,server=on,wait=off" -name "$1,debug-threads=on"
		-nic none -no-reboot -d cpu_reset -D "$log.reset"
		-device isa-debug-exit,iobase=0xf4,iosize=0x04
		-serial "file:$log" -smp "$2" -m "$3" -kernel "$HV_BIN" -append "$4")
}

# boot NAME SMP MEM CMDLINE [BUNDLE] [TIMEOUT_S] [EXTRA QEMU ARGS...]
# Boots, leaves the serial log in $LOGDIR/NAME.log, sets $status and $log.
boot() {
	local name=$1 smp=$2 mem=$3 cmdline=$4 bundle=${5:-} tmo=${6:-60}
	shift 6 2>/dev/null || shift $#
	log=$LOGDIR/$name.log
	local initrd=() pid i
	[ -n "$bundle" ] && initrd=(-initrd "$bundle")
	rm -f "$log.cpus" "$log.reset" "$log.tlb"
	qemu_args "$name" "$smp" "$mem" "$cmdline"
	"$QEMU" "${QEMU_ARGS[@]}" "${initrd[@]}" "$@" </dev/null >"$log.qemu" 2>&1 &
	pid=$!
	for ((i = 0; i < tmo * 10; i++)); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	if kill -0 "$pid" 2>/dev/null; then
		dump_cpus "$pid"
		kill -TERM "$pid" 2>/dev/null
		wait "$pid"
		status=$EXIT_TIMEOUT
	else
		wait "$pid"
		status=$?
	fi
	rm -f "$log.mon"
}

# thread_line /proc/PID/task/TID: "thread NAME state S ticks N" (user + system CPU ticks).
thread_line() {
	local name stat
	name=$(tr ' ' _ <"$1/comm" 2>/dev/null)
	stat=$(sed 's/.*) //' "$1/stat" 2>/dev/null) # the fields after comm, which may hold blanks
	echo "thread $name $(echo "$stat" | awk '{ print "state " $1 " ticks " $12 + $13 }')"
}

# dump_cpus PID: where each CPU of the running QEMU PID is ($log.mon), into $log.cpus:
# QEMU's registers and the hypervisor function of each RIP; and, as a monitor that does not
# answer means QEMU itself is stuck, the state and CPU ticks of each QEMU thread over one
# second. report() prints the lines that matter on a failure.
dump_cpus() {
	local pid=$1 t
	{
		if [ -x "$QEMU_MONITOR" ] && [ -S "$log.mon" ]; then
			"$QEMU_MONITOR" "$log.mon" "info status" "info registers -a" 2>&1
			# each CPU's page-table view (info tlb walks its CR3): beside, not in the report
			"$QEMU_MONITOR" "$log.mon" "cpu 0" "info tlb" "cpu 1" "info tlb" >"$log.tlb" 2>&1
		fi
		for round in 1 2; do
			for t in /proc/"$pid"/task/*; do
				thread_line "$t"
			done
			[ $round -eq 1 ] && sleep 1
		done
	} >"$log.cpus"
	grep -Eo '^RIP=[0-9a-f]+' "$log.cpus" | cut -d= -f2 | while read -r rip; do
		echo "RIP $rip: $(addr2line -f -e "$HV_ELF" "0x$rip" 2>/dev/null | paste -sd' ')"
	done >>"$log.cpus"
}

# boot_until NAME SMP MEM CMDLINE BUNDLE TIMEOUT_S STOP_RE REGEX...
# For runs whose domains do not end QEMU: boots in the background and stops
# QEMU (by its process id) once the log holds every REGEX, or a line matches
# STOP_RE (a guest's FAIL verdict; a hypervisor panic always stops), or at the
# timeout. Sets $log, and $status: 0 when we stopped it, else QEMU's own ($EXIT_RESET for
# its 0). A hypervisor triple fault pauses QEMU (-action shutdown=pause) instead of ending
# it, so the timeout's dump_cpus shows where the CPUs were.
#
# A run that shows the QEMU TCG fault signature (qemu_fault_signature) is kept as
# NAME.log.qemu-fault and run once more; a NOTE line says so. Any other failure is not.
boot_until() {
	boot_until_once "$@"
	qemu_fault_signature || return 0
	echo "NOTE: $1: $QEMU_FAULT (QEMU TCG fault, docs/testing.md);" \
		"first run kept in $log.qemu-fault; running it again"
	cp "$log" "$log.qemu-fault"
	boot_until_once "$@"
	! qemu_fault_signature || echo "NOTE: $1: the QEMU TCG fault again: $QEMU_FAULT"
}

# qemu_fault_signature: does $log show the fault we attribute to QEMU's TCG (not to the
# hypervisor or the guest)? An exception delivery that could not read the IDT, right around
# VMRUN, although the page tables map it: (1) a guest triple fault whose report has
# cr2 = IDT base + 0x80 (the #DF gate) and whose walk of cr2 through the guest's own tables
# ends at a present page; or (2) a triple fault of the hypervisor itself (QEMU paused) with
# a CPU at svm_vmrun's VMRUN. Sets $QEMU_FAULT to a one-line description.
qemu_fault_signature() {
	local report cr2 idt
	QEMU_FAULT=
	report=$(grep -a -A12 ': triple fault (rip' "$log" 2>/dev/null | head -n 40)
	cr2=$(echo "$report" | grep -Eo ' cr2 0x[0-9a-f]+' | head -n 1 | cut -d' ' -f3)
	idt=$(echo "$report" | grep -Eo ' idt 0x[0-9a-f]+/' | head -n 1 | cut -d' ' -f3 | tr -d /)
	if [ -n "$cr2" ] && [ -n "$idt" ] && [ $((cr2)) -eq $((idt + 0x80)) ] &&
		echo "$report" | grep -Eq "walk $cr2: page gfn"; then
		QEMU_FAULT="a guest triple fault reading its mapped IDT (cr2 $cr2)"
	elif grep -qs 'Triple fault' "$log.reset" && grep -qs '^RIP .*svm_vmrun' "$log.cpus"; then
		QEMU_FAULT="a hypervisor triple fault at VMRUN"
	fi
	[ -n "$QEMU_FAULT" ]
}

boot_until_once() {
	local name=$1 smp=$2 mem=$3 cmdline=$4 bundle=$5 tmo=$6 stop_re=$7 pid re all i
	shift 7
	log=$LOGDIR/$name.log
	: >"$log"
	rm -f "$log.cpus" "$log.reset" "$log.tlb"
	qemu_args "$name" "$smp" "$mem" "$cmdline"
	"$QEMU" "${QEMU_ARGS[@]}" -action shutdown=pause -initrd "$bundle" </dev/null >"$log.qemu" 2>&1 &
	pid=$!
	status=
	local deadline=$((SECONDS + tmo)) stopped=0
	while ((SECONDS < deadline)); do
		sleep 0.2
		if ! kill -0 "$pid" 2>/dev/null; then
			wait "$pid"
			status=$?
			[ $status -eq 0 ] && status=$EXIT_RESET
			rm -f "$log.mon"
			return
		fi
		grep -qs 'Triple fault' "$log.reset" && break # paused: dump_cpus below
		stopped=1
		has '\] Panic:' && break
		[ -n "$stop_re" ] && has "$stop_re" && break
		all=1
		for re in "$@"; do
			has "$re" || { all=0; break; }
		done
		[ $all -eq 1 ] && break
		stopped=0
	done
	[ $stopped -eq 1 ] || dump_cpus "$pid" # the timeout: a hang, say where the CPUs are
	sleep 0.5 # let a line that follows the last match (a shutdown, a crash) reach the log
	kill -TERM "$pid" 2>/dev/null
	wait "$pid"
	rm -f "$log.mon"
	status=0
}

# has PATTERN: the log contains an extended-regex match.
has() { grep -Eq -- "$1" "$log"; }

# report NAME CONDITION-STATUS [WHY]: prints PASS/FAIL; on failure, why and the log's tail.
report() {
	local name=$1 ok=$2 why=${3:-}
	if [ "$ok" -eq 0 ]; then
		echo "PASS: $name"
	else
		echo "FAIL: $name${why:+ ($why)}"
		echo "---- last lines of $log (QEMU status $status) ----"
		tail -n 25 "$log" 2>/dev/null | sed 's/^/    /'
		[ -s "$log.qemu" ] && sed 's/^/    qemu: /' "$log.qemu"
		[ -s "$log.cpus" ] && grep -E '^(VM status|RIP |CPU#|RIP=|CR0=|thread )' "$log.cpus" |
			sed 's/^/    cpus: /'
		grep -qs 'Triple fault' "$log.reset" &&
			echo "    reset: QEMU logged a triple fault of the hypervisor"
		[ "$status" = "$EXIT_RESET" ] && show_reset
		echo "----"
	fi
}

# check_line NAME REGEX WHY: one case of a run whose guests print their own verdicts: PASS
# when the log holds REGEX and the hypervisor did not panic; else FAIL with WHY.
check_line() {
	if has '\] Panic:'; then
		report "$1" 1 "the hypervisor panicked"
		return
	fi
	has "$2"
	report "$1" $? "$3"
}

# check_all NAME REGEX...: PASS when the log holds every REGEX, the hypervisor did not panic,
# no line matches $GUEST_FAIL_RE (a guest's FAIL verdict; if set), none matches $ABSENT_RE (if
# set), and QEMU ran until boot_until stopped it ($status 0); else FAIL with the first reason.
check_all() {
	local name=$1 re ok=0 why=
	shift
	if has '\] Panic:'; then
		ok=1 why="the hypervisor panicked"
	elif [ -n "${GUEST_FAIL_RE:-}" ] && has "$GUEST_FAIL_RE"; then
		ok=1 why="a guest failed: $(grep -Eo -- "$GUEST_FAIL_RE.*" "$log" | head -n 1)"
	elif [ "$status" -ne 0 ]; then
		ok=1 why="QEMU ended by itself: $(why_status)"
	else
		for re in "$@"; do
			has "$re" || { ok=1 why="no line matching [$re]"; break; }
		done
		if [ $ok -eq 0 ] && [ -n "${ABSENT_RE:-}" ] && has "$ABSENT_RE"; then
			ok=1 why="unexpected line matching [$ABSENT_RE]"
		fi
	fi
	report "$name" $ok "$why"
}

# show_reset: the CPU state QEMU logged when the machine reset ($log.reset, -d cpu_reset): the
# last reset of each CPU is the one that ended the run (the first ones are power-on).
show_reset() {
	local rip
	awk '/^CPU Reset/ { n++ } { blk[n] = blk[n] $0 "\n" } END { if (n > 0) printf "%s", blk[n] }' \
		"$log.reset" 2>/dev/null | grep -E '^(CPU Reset|RIP=|CR0=|EFER=)' | sed 's/^/    reset: /'
	rip=$(awk '/^CPU Reset/ { r = "" } /^RIP=/ { r = substr($1, 5) } END { print r }' \
		"$log.reset" 2>/dev/null)
	[ -n "$rip" ] &&
		echo "    reset: RIP $rip: $(addr2line -f -e "$HV_ELF" "0x$rip" 2>/dev/null | paste -sd' ')"
}

# why_status: a human reason for a non-success QEMU status.
why_status() {
	case $status in
	"$EXIT_SUCCESS") echo "ok" ;;
	"$EXIT_PANIC") echo "hypervisor panicked" ;;
	"$EXIT_FAILURE") echo "a self-test failed" ;;
	"$EXIT_TIMEOUT") echo "hung: no exit before the timeout" ;;
	"$EXIT_RESET") echo "the machine reset or powered off (a hypervisor triple fault?)" ;;
	*) echo "QEMU exited with status $status" ;;
	esac
}

# ---- Skips (docs/testing.md, "Verdict lines") ----
# A missing prerequisite is a FAIL, unless it is one make test cannot provide on this machine
# (make test builds and fetches everything else); then, and only then, the case is a skip in
# the one form scripts/run-tests.sh counts as skipped, naming what it needs:
#   SKIP (needs WHAT, which make test cannot provide): NAME (WHY)
# Any other line that starts with SKIP counts as a failure.

# skip_case NAME WHAT [WHY]: prints that line.
skip_case() {
	echo "SKIP (needs $2, which make test cannot provide): $1${3:+ ($3)}"
}

# need_linux_bundle BUNDLE CASE...: true when BUNDLE (a bundle holding Debian's Linux kernel,
# built by make linux or make dom0) exists. Otherwise it prints a verdict for each CASE and
# returns 1: a SKIP when make linux recorded that this machine cannot fetch the kernel
# ($BUILD/linux/unavailable, written by tests/linux/fetch-kernel.sh: no apt, no network), or
# else a FAIL: the kernel can be fetched, so the bundle is missing because make linux or
# make dom0 did not run or failed.
need_linux_bundle() {
	local bundle=$1 c why
	shift
	[ -f "$bundle" ] && return 0
	if [ -s "$BUILD/linux/unavailable" ] && [ ! -f "$BUILD/linux/vmlinux" ]; then
		why=$(head -n 1 "$BUILD/linux/unavailable")
		for c; do
			skip_case "$c" "Debian's Linux kernel" "make linux could not fetch it: $why"
		done
	else
		for c; do
			echo "FAIL: $c (no $bundle: make BUILD=$BUILD linux dom0 builds it)"
		done
	fi
	return 1
}
