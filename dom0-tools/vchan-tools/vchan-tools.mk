# xenvchan-echo (dom0-tools/vchan-tools/): a libvchan peer for the Linux control
# domain's /bin (dom0_tool of dom0-tools/tools/tools.mk, included before this),
# with libxenstore (dom0-tools/libs/store) compiled in.
#   $(BUILD)/tools/dom0/xenvchan-echo
$(eval $(call dom0_tool,xenvchan-echo,dom0-tools/vchan-tools/xenvchan-echo.c \
	$(TLIBS_DIR)/store/core.c $(TLIBS_DIR)/store/linux.c))
DOM0_TOOLS += $(DOM0_TOOLS_OUT)/xenvchan-echo
