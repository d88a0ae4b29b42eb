# The Linux test plans: bundles of the Linux guest and control-domain images
# (dom0-tools/linux/linux.mk, dom0-tools/dom0/dom0.mk; included before this), made by make linux
# and make dom0 beside the product plans' bundles and with the same prerequisites.
#   $(BUILD)/linux/plans/NAME.bundle        from tests/linux/plans/NAME.json
#                                           (tests/integration/linux.sh)
#   $(BUILD)/linux/dom0/plans/NAME.bundle   from tests/linux/dom0/plans/NAME.json
#                                           (tests/integration/dom0.sh, xl-dom0.sh, vchan.sh)

LINUX_TEST_PLANS := $(wildcard tests/linux/plans/*.json)
LINUX_TEST_BUNDLES := $(patsubst tests/linux/plans/%.json,$(LINUX_OUT)/plans/%.bundle,$(LINUX_TEST_PLANS))
linux-bundles: $(LINUX_TEST_BUNDLES)
$(LINUX_TEST_BUNDLES): $(LINUX_OUT)/plans/%.bundle: tests/linux/plans/%.json $(LINUX_BUNDLE_DEPS)
	@mkdir -p $(dir $@)
	$(Q)$(MKBOOT) $< --base $(BUILD) -o $@

DOM0_TEST_PLANS := $(wildcard tests/linux/dom0/plans/*.json)
DOM0_TEST_BUNDLES := $(patsubst tests/linux/dom0/plans/%.json,$(DOM0_OUT)/plans/%.bundle,$(DOM0_TEST_PLANS))
dom0-bundles: $(DOM0_TEST_BUNDLES)
$(DOM0_TEST_BUNDLES): $(DOM0_OUT)/plans/%.bundle: tests/linux/dom0/plans/%.json $(DOM0_BUNDLE_DEPS)
	@mkdir -p $(dir $@)
	$(Q)$(MKBOOT) $< --base $(BUILD) -o $@

# tests/integration/dom0.sh boots $(DOM0_OUT)/plans/dom0-test.bundle.
test test-integration: dom0
