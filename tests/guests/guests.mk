# Test guests (tests/guests/) and the boot bundles of their test plans.
#   $(BUILD)/guests/pvh/plans/NAME.bundle   from tests/guests/pvh/plans/NAME.json (file names
#                                           relative to $(BUILD)): the PVH guest
#                                           $(GUEST_PVH) (unikernel/apps/pvh, built by
#                                           unikernel/build.mk) in the PVH test scenarios
# (tests/guests/hlt is built by dom0-tools/build.mk for the default bundle.)

.PHONY: guests
all: guests

PVH_PLANS := $(wildcard tests/guests/pvh/plans/*.json)
PVH_BUNDLES := $(patsubst tests/guests/pvh/plans/%.json,$(PVH_GUEST_OUT)/plans/%.bundle,$(PVH_PLANS))
guests: $(PVH_BUNDLES)

$(PVH_BUNDLES): $(PVH_GUEST_OUT)/plans/%.bundle: tests/guests/pvh/plans/%.json $(MKBOOT) $(GUEST_PVH) \
		$(GUEST_HLT)
	@mkdir -p $(dir $@)
	$(Q)$(MKBOOT) $< --base $(BUILD) -o $@

# The unikernel's own test kernel (uk/test.h), booted by the uk-selftest plan.
$(eval $(call uk_app,uk-selftest,tests/guests/uk-selftest/selftest.c))
$(PVH_GUEST_OUT)/plans/uk-selftest.bundle: $(BUILD)/guests/uk-selftest.elf

# The xenstore-domain scenario (tests/integration/xenstore-domain.sh): the store domain
# $(XSU_ELF) (dom0-tools/xenstored/xenstored.mk) and the xenbus peers of
# tests/guests/xenstore/peer.c, bundled from tests/guests/xenstore/plans/NAME.json into
# $(BUILD)/guests/xenstore/plans/NAME.bundle.
$(eval $(call uk_app,xs-peer,tests/guests/xenstore/peer.c))
XS_GUEST_PLANS := $(wildcard tests/guests/xenstore/plans/*.json)
XS_GUEST_BUNDLES := $(patsubst tests/guests/xenstore/plans/%.json,$(BUILD)/guests/xenstore/plans/%.bundle,$(XS_GUEST_PLANS))
guests: $(XS_GUEST_BUNDLES)

$(BUILD)/guests/xenstore/plans/%.bundle: tests/guests/xenstore/plans/%.json $(MKBOOT) $(XSU_ELF) \
		$(BUILD)/guests/xs-peer.elf
	@mkdir -p $(dir $@)
	$(Q)$(MKBOOT) $< --base $(BUILD) -o $@
