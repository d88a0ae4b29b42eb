# The toolstack: libtxl (dom0-tools/libtxl, the library doing the work) and xl
# (dom0-tools/xl, the CLI), README.md there. Included after dom0-tools/tools/tools.mk.
#   $(BUILD)/tools/libs/libtxl.a   the library (host objects, Linux backends)
#   $(BUILD)/tools/dom0/xen-init-dom0  names Domain-0 and Xenstore in the store (run once at boot)
#   $(BUILD)/tools/dom0/xl         static xl for the Linux control domain's initramfs
#                                  (joins DOM0_TOOLS); it runs on the host too, where it
#                                  stops at opening /dev/xen/privcmd
#   $(BUILD)/xenstored/libxs-check-ours
#                                  dom0-tools/xenstored/test/libxs_check.c built with our
#                                  libxenstore (tests/integration/xenstored.sh runs both)
# The unit tests build the library's portable files themselves (tests/unit/unit.mk).

TXL_DIR := dom0-tools/libtxl
TXL_SRCS := $(TXL_DIR)/cfg_parse.c $(TXL_DIR)/cfg_domain.c $(TXL_DIR)/create.c \
	$(TXL_DIR)/domain.c $(TXL_DIR)/format.c $(TXL_DIR)/json.c $(TXL_DIR)/monitor.c \
	$(TXL_DIR)/boot_names.c $(TXL_DIR)/backend_xen.c
TXL_LIB := $(TLIBS_OUT)/libtxl.a
XL_SRCS := dom0-tools/xl/xl.c dom0-tools/xl/xl_create.c dom0-tools/xl/xl_domain.c \
	dom0-tools/xl/xl_host.c
XL_OBJS := $(call tlibs_host_objs,$(XL_SRCS))
XL_BIN := $(DOM0_TOOLS_OUT)/xl
# Debian's static yajl is libyajl_s.a.
XL_YAJL_STATIC := -l:libyajl_s.a

$(call tlibs_host_objs,$(TXL_SRCS) $(XL_SRCS)): TLIBS_HOST_CFLAGS += -I$(TXL_DIR)

$(TXL_LIB): $(call tlibs_host_objs,$(TXL_SRCS))
	@rm -f $@
	$(Q)$(AR) rcs $@ $^
	@echo "  AR      $@"

$(XL_BIN): $(XL_OBJS) $(TXL_LIB) $(TLIBS_HOST_LIBS)
	@mkdir -p $(dir $@)
	$(Q)$(HOSTCC) -static -o $@ $(XL_OBJS) -Wl,--start-group $(TXL_LIB) $(TLIBS_HOST_LIBS) \
		-Wl,--end-group $(XL_YAJL_STATIC)
	@echo "  LD      $@"

DOM0_TOOLS += $(XL_BIN)

# xen-init-dom0: names the boot-time domains (Domain-0, Xenstore), as Xen's helper of that name.
INIT_DOM0_OBJS := $(call tlibs_host_objs,dom0-tools/xl/xen_init_dom0.c)
INIT_DOM0_BIN := $(DOM0_TOOLS_OUT)/xen-init-dom0
$(INIT_DOM0_OBJS): TLIBS_HOST_CFLAGS += -I$(TXL_DIR)
$(INIT_DOM0_BIN): $(INIT_DOM0_OBJS) $(TXL_LIB) $(TLIBS_HOST_LIBS)
	@mkdir -p $(dir $@)
	$(Q)$(HOSTCC) -static -o $@ $(INIT_DOM0_OBJS) -Wl,--start-group $(TXL_LIB) \
		$(TLIBS_HOST_LIBS) -Wl,--end-group $(XL_YAJL_STATIC)
	@echo "  LD      $@"
DOM0_TOOLS += $(INIT_DOM0_BIN)

# The xenstored check program with our libxenstore instead of Debian's.
XSD_CHECK_OURS := $(XSD_OUT)/libxs-check-ours
$(XSD_CHECK_OURS): dom0-tools/xenstored/test/libxs_check.c $(TLIBS_OUT)/libxenstore.a | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	$(Q)$(HOSTCC) -std=gnu11 -O1 -g -Wall -Wextra -Werror $(TLIBS_INC) -o $@ $< \
		$(TLIBS_OUT)/libxenstore.a

.PHONY: xl
xl: $(XL_BIN) $(INIT_DOM0_BIN)
tools: $(XL_BIN) $(INIT_DOM0_BIN) $(XSD_CHECK_OURS)

-include $(patsubst %.o,%.d,$(call tlibs_host_objs,$(TXL_SRCS) $(XL_SRCS) dom0-tools/xl/xen_init_dom0.c))
