# The toolstack scenario (tests/integration/toolstack.sh): a unikernel control domain
# (ctl.c, linked with the tool libraries' unikernel backends: dom0-tools/libs/libs.mk)
# builds the guest hello.c, handed to it as a boot module, five times over. The module is
# hello.c's kernel as an ELF32 file with machine x86-64 (objcopy's elf32-x86-64; issue 14
# item 9): the tools' builder takes it as Xen's does (the boot builder boots the ELF64 one
# everywhere else, the same parser).
#   $(BUILD)/guests/ts-ctl.elf, $(BUILD)/guests/ts-hello.elf
#   $(BUILD)/guests/toolstack/plans/NAME.bundle   from tests/guests/toolstack/plans/NAME.json
$(eval $(call uk_tools_app,ts-ctl,tests/guests/toolstack/ctl.c))
$(eval $(call uk_app,ts-hello,tests/guests/toolstack/hello.c))
$(BUILD)/guests/ts-hello-elf32.elf: $(BUILD)/guests/ts-hello.elf
	$(Q)objcopy -O elf32-x86-64 $< $@

TS_PLANS := $(wildcard tests/guests/toolstack/plans/*.json)
TS_BUNDLES := $(patsubst tests/guests/toolstack/plans/%.json,$(BUILD)/guests/toolstack/plans/%.bundle,$(TS_PLANS))
guests: $(TS_BUNDLES)

$(BUILD)/guests/toolstack/plans/%.bundle: tests/guests/toolstack/plans/%.json $(MKBOOT) $(XSU_ELF) \
		$(BUILD)/guests/ts-ctl.elf $(BUILD)/guests/ts-hello-elf32.elf
	@mkdir -p $(dir $@)
	$(Q)$(MKBOOT) $< --base $(BUILD) -o $@
