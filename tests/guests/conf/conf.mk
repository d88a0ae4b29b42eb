# The conformance test kernels (tests/guests/conf/, docs/conformance.md).
#   $(BUILD)/guests/conf-AREA.elf            one unikernel test kernel per area: AREA.c + conf.c
#   $(BUILD)/guests/conf/plans/NAME.bundle   from tests/guests/conf/plans/NAME.json
#   make test-guests                         boots every plan on Tessera (scripts/run-tests.sh
#                                            guests; also part of make test)
# The single-domain kernels are also listed for make test-xen (tests/guests/conf/xen.list).

CONF_AREAS := version console memory evtchn fifo gnttab vcpu hvm badptr privilege twodom cpu
CONF_OUT := $(BUILD)/guests/conf
CONF_KERNELS := $(patsubst %,$(BUILD)/guests/conf-%.elf,$(CONF_AREAS))

$(foreach a,$(CONF_AREAS),$(eval $(call uk_app,conf-$(a),tests/guests/conf/$(a).c tests/guests/conf/conf.c)))

# Item 9 of issue 14: the same kernel as an ELF32 file with machine x86-64 (objcopy's
# elf32-x86-64, what a kernel linked as i386 and then marked x86-64 looks like). Xen boots
# it as it boots the ELF64; so must the boot builder (plans/elf32.json) and the tools.
CONF_ELF32 := $(BUILD)/guests/conf-version-elf32.elf
CONF_KERNELS += $(CONF_ELF32)
$(CONF_ELF32): $(BUILD)/guests/conf-version.elf
	$(Q)objcopy -O elf32-x86-64 $< $@

CONF_PLANS := $(wildcard tests/guests/conf/plans/*.json)
CONF_BUNDLES := $(patsubst tests/guests/conf/plans/%.json,$(CONF_OUT)/plans/%.bundle,$(CONF_PLANS))

guests: $(CONF_BUNDLES)

$(CONF_OUT)/plans/%.bundle: tests/guests/conf/plans/%.json $(MKBOOT) $(CONF_KERNELS) $(GUEST_HLT)
	@mkdir -p $(dir $@)
	$(Q)$(MKBOOT) $< --base $(BUILD) -o $@

XEN_SINGLE_DOMAIN_LISTS += tests/guests/conf/xen.list
XEN_SINGLE_DOMAIN_DEPS += $(CONF_KERNELS)

.PHONY: test-guests
test-guests: deps all
	$(Q)scripts/run-tests.sh guests
