#!/bin/bash
# make test-guests: boots each conformance plan (tests/guests/conf/plans,
# bundles in $BUILD/guests/conf/plans) on Tessera in QEMU and reports one
# "PASS: guest-NAME (...)" or "FAIL: guest-NAME (why)" per plan, with the
# number of checks its kernels reported; the last line is the total,
# "guests: N checks from M test kernel runs".
#
# A plan passes when every domain listed for it below prints the verdict
# asked for (the unikernel's "Test result: ..." line), every extra line
# appears, and the
# hypervisor neither panics nor crashes a domain it should not. Domains
# do not end QEMU: it runs in the background and is stopped (by its own
# process id) once the log holds every expected line, or at the timeout.
#
# Usage: run.sh [NAME...]   (default: every plan in the table)
# Environment: BUILD, QEMU, GUESTS_TIMEOUT (seconds per plan, 60).
here=$(cd "$(dirname "$0")" && pwd)
cd "${here%/tests/*}" && . tests/integration/lib.sh

PLANS=$BUILD/guests/conf/plans
TMO=${GUESTS_TIMEOUT:-60}
PANIC_RE='\] Panic:'

# PLAN  SMP  VERDICTS (DOMAIN-NAME=WORD,...)  EXTRA REGEX (or -)
# The dying plan's granter never gives a verdict: it is destroyed by the mapper.
# The cpu plan: RDPMC is #GP on Tessera (the kernel takes #UD too, for Xen 4.17 under QEMU).
TABLE="
version    1 conf-version=SUCCESS                     -
elf32      1 conf-elf32=SUCCESS                       -
console    1 conf-console=SUCCESS                     -
memory     1 conf-memory=SUCCESS                      -
evtchn     1 conf-evtchn=SUCCESS                      -
fifo       1 conf-fifo=SUCCESS                        -
gnttab     1 conf-gnttab=SUCCESS                      -
vcpu       1 conf-vcpu=SUCCESS                        -
hvm        1 conf-hvm=SUCCESS                         -
badptr     1 conf-badptr=SUCCESS                      -
cpu        1 conf-cpu=SUCCESS                         rdpmc\(0\):.vector.13
privilege  1 conf-privilege=SUCCESS                   -
pingpong   2 conf-server=SUCCESS,conf-client=SUCCESS  -
grants     2 conf-provider=SUCCESS,conf-consumer=SUCCESS -
dying      2 conf-mapper=SUCCESS                      d1:.destroyed
"

total_checks=0
kernels=0

# line_re NAME: how that domain's lines start in the log: "] (NAME) " from its port 0xE9
# or console ring, "] (dN) " from console_io (the unikernel's default on Tessera), N and
# the roles read from the boot bundle listing ("  NAME: domid N, roles R, ..."); a control
# domain's console_io text is printed raw, at the start of a line.
line_re() {
	local entry id
	entry=$(grep -Eo -- "  $1: domid [0-9]+, roles [a-z+]+" "$log" | head -n 1)
	id=$(echo "$entry" | sed -nE 's/.*domid ([0-9]+),.*/\1/p')
	case $entry in
	*roles*control*) echo "(^|\\] \\($1\\) )" ;;
	*) echo "\\] \\(($1${id:+|d$id})\\) " ;;
	esac
}
# verdict_re NAME: that domain's verdict line.
verdict_re() { echo "$(line_re "$1")Test result: (SUCCESS|FAILURE|SKIP|ERROR)"; }

run_plan() {
	local name=$1 smp=$2 verdicts=$3 extra=$4 bundle=$PLANS/$1.bundle
	local pid i v d want got all why checks n line
	log=$LOGDIR/guest-$name.log
	if [ ! -f "$bundle" ]; then
		echo "FAIL: guest-$name (no $bundle: run make BUILD=$BUILD all)"
		return
	fi
	: >"$log"
	timeout "$TMO" "$QEMU" -machine pc -cpu qemu64,+svm,+npt,+rdrand \
		-display none -monitor none -nic none -no-reboot \
		-device isa-debug-exit,iobase=0xf4,iosize=0x04 \
		-serial "file:$log" -smp "$smp" -m 256M \
		-kernel "$HV_BIN" -append "loglvl=info" -initrd "$bundle" </dev/null >"$log.qemu" 2>&1 &
	pid=$!
	status=
	for ((i = 0; i < TMO * 10; i++)); do
		sleep 0.1
		if ! kill -0 "$pid" 2>/dev/null; then
			wait "$pid"
			status=$?
			break
		fi
		has "$PANIC_RE" && break
		all=1
		for v in ${verdicts//,/ }; do
			has "$(verdict_re "${v%%=*}")" || { all=0; break; }
		done
		[ "$extra" != - ] && ! has "$extra" && all=0
		[ $all -eq 1 ] && break
	done
	if [ -z "$status" ]; then
		sleep 0.3 # the shutdown lines that follow the verdicts
		kill -TERM "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
		status=0
	fi
	why=
	checks=0
	for v in ${verdicts//,/ }; do
		d=${v%%=*}
		want=${v#*=}
		got=$(grep -Eo -- "$(verdict_re "$d")" "$log" | head -n 1 | awk '{print $NF}')
		line=$(grep -Eo -- "$(line_re "$d")tests: [0-9]+ run: .*; [0-9]+ checks" "$log" | head -n 1)
		n=$(echo "$line" | grep -Eo '[0-9]+ checks' | awk '{print $1}')
		checks=$((checks + ${n:-0}))
		kernels=$((kernels + 1))
		[ "$got" = "$want" ] || why="${why:+$why; }$d: ${got:-no verdict}, expected $want"
	done
	has "$PANIC_RE" && why="the hypervisor panicked${why:+; $why}"
	[ "$extra" != - ] && ! has "$extra" && why="${why:+$why; }no line matching [$extra]"
	[ -z "$why" ] && [ "$status" -ne 0 ] && why="QEMU ended by itself: $(why_status)"
	total_checks=$((total_checks + checks))
	if [ -z "$why" ]; then
		echo "PASS: guest-$name ($checks checks)"
	else
		report "guest-$name" 1 "$why"
		grep -E -- "\] \((conf-[a-z]+|d[0-9]+)\) test [a-z_0-9]+: (FAIL|ERROR)" "$log" | head -n 20 |
			sed 's/^/    /'
	fi
}

if [ ! -f "$HV_BIN" ]; then
	echo "FAIL: guest-prerequisites (no $HV_BIN: run make BUILD=$BUILD all)"
	exit 0
fi
while read -r name smp verdicts extra; do
	[ -z "$name" ] && continue
	if [ $# -gt 0 ]; then
		case " $* " in *" $name "*) ;; *) continue ;; esac
	fi
	run_plan "$name" "$smp" "$verdicts" "$extra"
done <<<"$TABLE"
echo "guests: $total_checks checks from $kernels test kernel runs"
