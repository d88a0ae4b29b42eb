# libvchan (libvchan/, README.md there): Xen's libxenvchan API over the tool libraries'
# grant and event-channel cores, plus its control-domain tool. Included after
# dom0-tools/build.mk, whose tool-library rules (dom0-tools/libs/libs.mk) and dom0_tool
# (dom0-tools/tools/tools.mk) it uses.
#   $(BUILD)/tools/libs/libxenvchan.a   the core with its store access over libxenstore
#                                       (xs_linux.c; its users link libxenstore, as with Xen's)
#   $(UK_OUT)/tools-libs/libtools_uk.a  gets the core with its store access over the
#                                       unikernel's xenbus client (xs_uk.c)
#   $(BUILD)/tools/dom0/xenvchan-echo   a libvchan peer for the Linux control domain's /bin
#                                       (tools/xenvchan-echo.c), with libxenstore compiled in

VCHAN_DIR := libvchan
VCHAN_CORE := $(VCHAN_DIR)/io.c $(VCHAN_DIR)/init.c $(VCHAN_DIR)/xs_parse.c
VCHAN_HOST_SRCS := $(VCHAN_CORE) $(VCHAN_DIR)/xs_linux.c
VCHAN_UK_OBJS := $(patsubst %.c,$(TLIBS_UK_OUT)/%.o,$(VCHAN_CORE) $(VCHAN_DIR)/xs_uk.c)

# ---- host (Linux backends): the archive rule is libs.mk's ----
$(TLIBS_OUT)/libxenvchan.a: $(call tlibs_host_objs,$(VCHAN_HOST_SRCS))

# ---- unikernel: the last members of libtools_uk.a ----
$(VCHAN_UK_OBJS): $(TLIBS_UK_OUT)/%.o: %.c | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(TLIBS_UK_CFLAGS) -c $< -o $@
$(TLIBS_UK_LIB): $(VCHAN_UK_OBJS)

-include $(VCHAN_UK_OBJS:.o=.d) $(patsubst %.o,%.d,$(call tlibs_host_objs,$(VCHAN_HOST_SRCS)))

# ---- the control domain's peer, in its initramfs's /bin ($(DOM0_TOOLS)) ----
$(eval $(call dom0_tool,xenvchan-echo,$(VCHAN_DIR)/tools/xenvchan-echo.c \
	$(TLIBS_DIR)/store/core.c $(TLIBS_DIR)/store/linux.c))
DOM0_TOOLS += $(DOM0_TOOLS_OUT)/xenvchan-echo
# dom0-tools/dom0/dom0.mk, read before this file, made $(DOM0_TOOLS) so far the prerequisites
# of make dom0 and of the initramfs (whose recipe reads the whole list when it runs): add it.
dom0 $(DOM0_INITRAMFS) $(DOM0_INITRAMFS_LINUX): $(DOM0_TOOLS_OUT)/xenvchan-echo
