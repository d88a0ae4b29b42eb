# xenconsoled and xenconsole (dom0-tools/xenconsoled/, README.md there): static
# programs for the Linux control domain's /bin (dom0_tool of
# dom0-tools/tools/tools.mk, included before this), over the tool libraries'
# Linux backends and libxenstore (dom0-tools/libs/store, compiled in).
#   $(BUILD)/tools/dom0/xenconsoled, $(BUILD)/tools/dom0/xenconsole
# cons_ring.c and cons_text.c are portable: host unit tests in
# tests/unit/test_xenconsoled.c.
XCONS_DIR := dom0-tools/xenconsoled
$(eval $(call dom0_tool,xenconsoled,$(XCONS_DIR)/xenconsoled.c $(XCONS_DIR)/cons_ring.c \
	$(XCONS_DIR)/cons_text.c $(TLIBS_DIR)/store/core.c $(TLIBS_DIR)/store/linux.c))
$(eval $(call dom0_tool,xenconsole,$(XCONS_DIR)/xenconsole.c $(XCONS_DIR)/cons_text.c))
DOM0_TOOLS += $(DOM0_TOOLS_OUT)/xenconsoled $(DOM0_TOOLS_OUT)/xenconsole

.PHONY: xenconsoled
xenconsoled: $(DOM0_TOOLS_OUT)/xenconsoled $(DOM0_TOOLS_OUT)/xenconsole
