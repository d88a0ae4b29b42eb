# The vchan scenario (tests/integration/vchan.sh): echo.c, linked with the tool
# libraries' unikernel backends (libvchan, xengnttab/gntshr, xenevtchn), as a
# server and a client beside the xenstore domain.
#   $(BUILD)/guests/vchan-echo.elf
#   $(BUILD)/guests/vchan/plans/NAME.bundle   from tests/guests/vchan/plans/NAME.json
$(eval $(call uk_tools_app,vchan-echo,tests/guests/vchan/echo.c))

VCHAN_PLANS := $(wildcard tests/guests/vchan/plans/*.json)
VCHAN_BUNDLES := $(patsubst tests/guests/vchan/plans/%.json,$(BUILD)/guests/vchan/plans/%.bundle,$(VCHAN_PLANS))
guests: $(VCHAN_BUNDLES)

$(BUILD)/guests/vchan/plans/%.bundle: tests/guests/vchan/plans/%.json $(MKBOOT) $(XSU_ELF) \
		$(BUILD)/guests/vchan-echo.elf
	@mkdir -p $(dir $@)
	$(Q)$(MKBOOT) $< --base $(BUILD) -o $@

# tests/linux/dom0/plans/dom0-vchan.json (the second part of tests/integration/vchan.sh)
# boots this guest beside the Linux control domain: build it before make dom0's bundles.
dom0: $(BUILD)/guests/vchan-echo.elf
$(BUILD)/linux/dom0/plans/dom0-vchan.bundle: $(BUILD)/guests/vchan-echo.elf
