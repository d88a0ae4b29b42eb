# Control-domain programs (dom0-tools/tools/), built with the host gcc as static binaries
# linked with the tool libraries' Linux backends (dom0-tools/libs/libs.mk), for the Linux
# control domain's initramfs (dom0-tools/dom0/). Included after libs.mk.
#   $(BUILD)/tools/dom0/NAME     one static binary per program
# DOM0_TOOLS lists the binaries the control domain's initramfs carries in /bin; another
# program (xl) adds itself with  $(eval $(call dom0_tool,xl,SOURCES))  and
# DOM0_TOOLS += $(DOM0_TOOLS_OUT)/xl  in a makefile included before dom0-tools/dom0/dom0.mk
# (whose initramfs rule lists $(DOM0_TOOLS) as prerequisites when it is read).

DOM0_TOOLS_OUT := $(BUILD)/tools/dom0
DOM0_TOOLS := $(DOM0_TOOLS_OUT)/xen-smoke

# dom0_tool NAME SOURCES: a static control-domain program linked with the libraries.
define dom0_tool
$(1)_D0_OBJS := $$(patsubst %.c,$(TLIBS_OUT)/obj/%.o,$(2))
$(DOM0_TOOLS_OUT)/$(1): $$($(1)_D0_OBJS) $(TLIBS_HOST_LIBS)
	@mkdir -p $$(dir $$@)
	$$(Q)$$(HOSTCC) -static -o $$@ $$($(1)_D0_OBJS) -Wl,--start-group $(TLIBS_HOST_LIBS) -Wl,--end-group
	@echo "  LD      $$@"
-include $$($(1)_D0_OBJS:.o=.d)
endef

$(eval $(call dom0_tool,xen-smoke,dom0-tools/tools/xen-smoke.c))

.PHONY: dom0-tools
tools: dom0-tools
dom0-tools: $(DOM0_TOOLS)
