# Benchmarks (make bench; never part of make test): tests/bench/run.sh, docs/performance.md.
#   $(BUILD)/guests/bench.elf               the benchmark guest (tests/bench/bench.c)
#   $(BUILD)/bench/plans/NAME.bundle        from tests/bench/plans/NAME.json (two-domain
#                                           ping-pong, four-domain creation; Tessera only)
# The single-domain runs make their plans on the fly (tests/xen/lib.sh run_tessera), as make
# test-xen does, and boot the same image as Xen 4.17's PVH dom0.

$(eval $(call uk_app,bench,tests/bench/bench.c))

BENCH_PLANS := $(wildcard tests/bench/plans/*.json)
BENCH_BUNDLES := $(patsubst tests/bench/plans/%.json,$(BUILD)/bench/plans/%.bundle,$(BENCH_PLANS))

guests: $(BENCH_BUNDLES)

$(BUILD)/bench/plans/%.bundle: tests/bench/plans/%.json $(MKBOOT) $(BUILD)/guests/bench.elf
	@mkdir -p $(dir $@)
	$(Q)$(MKBOOT) $< --base $(BUILD) -o $@

.PHONY: bench bench-linux
bench: deps all linux $(XEN_REF_DIR)/xen-4.17-amd64
	$(Q)bash tests/bench/run.sh

# QEMU start to Linux's /init: natively, on Tessera, as Xen 4.17's PV dom0 (tests/bench/linux-boot.sh;
# make bench runs it too, unless BENCH_LINUX=0 or make linux could not fetch the kernel).
bench-linux: deps all linux $(XEN_REF_DIR)/xen-4.17-amd64
	$(Q)bash tests/bench/linux-boot.sh
