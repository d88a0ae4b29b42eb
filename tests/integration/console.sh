#!/bin/bash
# The hypervisor's console (common/console_backend.c) with serial INPUT:
# QEMU's serial line is a pair of FIFOs (-chardev pipe), so the script types
# into it and reads the log as it grows. Each key is sent only once the line
# it waits for is in the log, so the run is deterministic.
#  - the default switch key: Ctrl-] three times moves the input focus from
#    the hypervisor to d1, d2 (domid order), then back; 'h' with the
#    hypervisor focused lists the consoles;
#  - conswitch=t: Ctrl-t switches, Ctrl-] three times no longer does.
#  - a control domain (plan hello-ctl: d0 control, d1 guest) has the input at
#    boot, as Xen's dom0 has the serial line; Ctrl-] three times goes on to
#    d1, the hypervisor, then d0 again; conswitch=]x keeps the hypervisor.
# The boot domains are the PVH test guest's (unikernel/apps/pvh, plans hello-two
# and hello-ctl): they shut down, but keep their consoles until destroyed.
here=$(cd "$(dirname "$0")" && pwd)
cd "${here%/tests/*}" && . tests/integration/lib.sh

BUNDLE=$BUILD/guests/pvh/plans/hello-two.bundle
PANIC_RE='\] Panic:'

if [ ! -f "$HV_BIN" ] || [ ! -f "$BUNDLE" ]; then
	echo "FAIL: console-prerequisites (no $HV_BIN or $BUNDLE: run make BUILD=$BUILD all)"
	exit 0
fi

qpid= catpid= fifo_dir=
stop_qemu() {
	exec 3>&- 2>/dev/null
	[ -n "$qpid" ] && kill -TERM "$qpid" 2>/dev/null && wait "$qpid" 2>/dev/null
	[ -n "$catpid" ] && kill -TERM "$catpid" 2>/dev/null && wait "$catpid" 2>/dev/null
	[ -n "$fifo_dir" ] && rm -rf "$fifo_dir"
	qpid= catpid= fifo_dir=
}
trap stop_qemu EXIT

# start NAME CMDLINE [BUNDLE]: boot in the background with the serial line on FIFOs; fd 3 types.
start() {
	log=$LOGDIR/$1.log
	: >"$log"
	fifo_dir=$(mktemp -d)
	mkfifo "$fifo_dir/ser.in" "$fifo_dir/ser.out"
	"$QEMU" -machine pc -cpu qemu64,+svm,+npt,+rdrand \
		-display none -monitor none -nic none -no-reboot \
		-device isa-debug-exit,iobase=0xf4,iosize=0x04 \
		-chardev "pipe,id=ser,path=$fifo_dir/ser" -serial chardev:ser -smp 2 -m 256M \
		-kernel "$HV_BIN" -append "$2" -initrd "${3:-$BUNDLE}" </dev/null >"$log.qemu" 2>&1 &
	qpid=$!
	cat "$fifo_dir/ser.out" >"$log" &
	catpid=$!
	exec 3>"$fifo_dir/ser.in"
	status=0
}

# wait_for REGEX [SECONDS]: 0 once the log matches; 1 on timeout, a panic or QEMU's exit.
wait_for() {
	local re=$1 tmo=${2:-60} i
	for ((i = 0; i < tmo * 10; i++)); do
		has "$re" && return 0
		has "$PANIC_RE" && return 1
		kill -0 "$qpid" 2>/dev/null || { wait "$qpid"; status=$?; return 1; }
		sleep 0.1
	done
	return 1
}

# key BYTES REGEX NAME: type BYTES, then expect REGEX (reported as NAME); returns its status.
key() {
	printf "$1" >&3
	wait_for "$2" 20
	local ok=$?
	report "$3" $ok "no line matching [$2] after typing"
	return $ok
}

start console-default "loglvl=info"
if wait_for 'd2: shut down|d1: shut down' 90 && wait_for 'Boot complete' 5; then
	wait_for 'd1: shut down' 30 && wait_for 'd2: shut down' 30
	report console-boot 0
	key '\x1d\x1d\x1d' "\*\*\* console input: d1 'pvh-a' \*\*\*" console-switch-to-d1 &&
		key '\x1d\x1d\x1d' "\*\*\* console input: d2 'pvh-b' \*\*\*" console-switch-to-d2 &&
		key '\x1d\x1d\x1d' '\*\*\* console input: hypervisor \(Ctrl-\] three times' \
			console-switch-back-to-hypervisor &&
		key 'h' "^.*  d2 'pvh-b'" console-hypervisor-help
else
	report console-boot 1 "the boot domains did not run"
fi
stop_qemu

start console-conswitch "loglvl=info conswitch=t"
if wait_for 'Console: input to the control domain once it attaches; Ctrl-t three times switches' 60 &&
	wait_for 'd1: shut down' 60; then
	# Ctrl-] is an ordinary key now; then Ctrl-t switches.
	printf '\x1d\x1d\x1d' >&3
	key '\x14\x14\x14' "\*\*\* console input: d1 'pvh-a' \*\*\*" console-conswitch-t
	if grep -q "console input: d2" "$log"; then
		report console-conswitch-old-key-ignored 1 "Ctrl-] still switched"
	else
		report console-conswitch-old-key-ignored 0
	fi
else
	report console-conswitch-t 1 "conswitch=t not taken"
fi
stop_qemu

CTL_BUNDLE=$BUILD/guests/pvh/plans/hello-ctl.bundle
start console-control "loglvl=info" "$CTL_BUNDLE"
if wait_for 'd0: shut down' 90 && wait_for 'd1: shut down' 30; then
	wait_for "\*\*\* console input: d0 'pvh-c' \*\*\*" 1
	report console-control-domain-focused-at-boot $? "d0 did not get the input at boot"
	key '\x1d\x1d\x1d' "\*\*\* console input: d1 'pvh-b' \*\*\*" console-control-then-d1 &&
		key '\x1d\x1d\x1d' '\*\*\* console input: hypervisor \(Ctrl-\] three times' \
			console-control-then-hypervisor &&
		{
			printf '\x1d\x1d\x1d' >&3
			for i in $(seq 50); do
				[ "$(grep -c "console input: d0 'pvh-c'" "$log")" -ge 2 ] && break
				sleep 0.1
			done
			[ "$(grep -c "console input: d0 'pvh-c'" "$log")" -ge 2 ]
			report console-control-again-after-hypervisor $? "the focus did not come back to d0"
		}
else
	report console-control-domain-focused-at-boot 1 "the boot domains did not run"
fi
stop_qemu

start console-control-x "loglvl=info conswitch=]x" "$CTL_BUNDLE"
if wait_for 'Console: input to the hypervisor; Ctrl-\] three times switches' 60 &&
	wait_for 'd0: shut down' 60; then
	! grep -q "console input: d0" "$log"
	report console-conswitch-x-keeps-the-hypervisor $? "d0 took the input despite conswitch=]x"
else
	report console-conswitch-x-keeps-the-hypervisor 1 "no boot with conswitch=]x"
fi
stop_qemu
