# The tool libraries (dom0-tools/libs/, README.md there), included after
# unikernel/build.mk. Each library is a core plus one backend per environment:
#   $(BUILD)/tools/libs/libxenctrl.a, libxenevtchn.a, libxenforeignmemory.a,
#   libxengnttab.a (with gntshr), libxenvchan.a, libxenstore.a,
#   libtessera_pvh_build.a     host build with the Linux backends (*_linux.c /
#                              linux.c): compiled and archived here; they run
#                              only in a Linux domain (/dev/xen/*)
#   $(UK_OUT)/tools-libs/libtools_uk.a
#                              all of them with the unikernel backends, for
#                              unikernel control domains (uk_tools_app below)
# libxenvchan's sources are in libvchan/ (libvchan/build.mk, included after this,
# adds them to libxenvchan.a and libtools_uk.a).
# The builder compiles the hypervisor's portable ELF parser, PVH planner and
# ACPI table builder into itself (hypervisor/shared/elf.c, pvh_plan.c, acpi_build.c).

TLIBS_DIR := dom0-tools/libs
TLIBS_OUT := $(BUILD)/tools/libs
TLIBS_INC := -I$(TLIBS_DIR)/include -Ilibvchan/include -Ihypervisor/include -Ihypervisor/shared/include

TLIBS_CTRL_CORE := $(TLIBS_DIR)/ctrl/xc_core.c $(TLIBS_DIR)/ctrl/xc_domain.c $(TLIBS_DIR)/ctrl/xc_misc.c \
	$(TLIBS_DIR)/ctrl/xc_host.c
TLIBS_EVTCHN_CORE := $(TLIBS_DIR)/evtchn/core.c
TLIBS_FMEM_CORE := $(TLIBS_DIR)/foreignmemory/core.c
TLIBS_GNTTAB_CORE := $(TLIBS_DIR)/gnttab/core.c
TLIBS_STORE_CORE := $(TLIBS_DIR)/store/core.c
TLIBS_BUILD_SRCS := $(TLIBS_DIR)/builder/pvh_build.c \
	$(TLIBS_DIR)/builder/pvh_guest_mem.c hypervisor/shared/elf.c hypervisor/shared/pvh_plan.c \
	hypervisor/shared/acpi_build.c

# ---- host (Linux backends) ----
TLIBS_HOST_CFLAGS := $(TOOLS_CFLAGS) $(TLIBS_INC)
TLIBS_HOST_LIBS := $(TLIBS_OUT)/libxenctrl.a $(TLIBS_OUT)/libxenevtchn.a \
	$(TLIBS_OUT)/libxenforeignmemory.a $(TLIBS_OUT)/libtessera_pvh_build.a \
	$(TLIBS_OUT)/libxengnttab.a $(TLIBS_OUT)/libxenvchan.a $(TLIBS_OUT)/libxenstore.a

$(TLIBS_OUT)/obj/%.o: %.c | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	$(Q)$(HOSTCC) $(TLIBS_HOST_CFLAGS) -c $< -o $@

tlibs_host_objs = $(patsubst %.c,$(TLIBS_OUT)/obj/%.o,$(1))
$(TLIBS_OUT)/libxenctrl.a: $(call tlibs_host_objs,$(TLIBS_CTRL_CORE) $(TLIBS_DIR)/ctrl/xc_linux.c)
$(TLIBS_OUT)/libxenevtchn.a: $(call tlibs_host_objs,$(TLIBS_EVTCHN_CORE) $(TLIBS_DIR)/evtchn/linux.c)
$(TLIBS_OUT)/libxenforeignmemory.a: $(call tlibs_host_objs,$(TLIBS_FMEM_CORE) $(TLIBS_DIR)/foreignmemory/linux.c)
$(TLIBS_OUT)/libtessera_pvh_build.a: $(call tlibs_host_objs,$(TLIBS_BUILD_SRCS))
$(TLIBS_OUT)/libxengnttab.a: $(call tlibs_host_objs,$(TLIBS_GNTTAB_CORE) $(TLIBS_DIR)/gnttab/linux.c)
$(TLIBS_OUT)/libxenstore.a: $(call tlibs_host_objs,$(TLIBS_STORE_CORE) $(TLIBS_DIR)/store/linux.c)
$(TLIBS_HOST_LIBS):
	@rm -f $@
	$(Q)$(AR) rcs $@ $^
	@echo "  AR      $@"

.PHONY: tools-libs
tools: tools-libs
tools-libs: $(TLIBS_HOST_LIBS)

# ---- unikernel (uk backends) ----
TLIBS_UK_OUT := $(UK_OUT)/tools-libs
TLIBS_UK_LIB := $(TLIBS_UK_OUT)/libtools_uk.a
TLIBS_UK_SRCS := $(TLIBS_CTRL_CORE) $(TLIBS_DIR)/ctrl/xc_uk.c $(TLIBS_EVTCHN_CORE) \
	$(TLIBS_DIR)/evtchn/uk.c $(TLIBS_FMEM_CORE) $(TLIBS_DIR)/foreignmemory/uk.c \
	$(TLIBS_BUILD_SRCS) $(TLIBS_DIR)/uk_errno.c $(TLIBS_DIR)/uk_gfn_window.c \
	$(TLIBS_GNTTAB_CORE) $(TLIBS_DIR)/gnttab/uk.c
TLIBS_UK_OBJS := $(patsubst %.c,$(TLIBS_UK_OUT)/%.o,$(TLIBS_UK_SRCS))
TLIBS_UK_CFLAGS := $(UK_CFLAGS) -isystem $(TLIBS_DIR)/uk-include $(TLIBS_INC)

$(TLIBS_UK_OBJS): $(TLIBS_UK_OUT)/%.o: %.c | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(TLIBS_UK_CFLAGS) -c $< -o $@

$(TLIBS_UK_LIB): $(TLIBS_UK_OBJS)
	@rm -f $@
	$(Q)$(AR) rcs $@ $^
	@echo "  AR      $@"

# uk_tools_app NAME SOURCES: a unikernel control-domain program linked with the tool libraries.
define uk_tools_app
$(1)_TUK_OBJS := $$(patsubst %.c,$(UK_OUT)/app/$(1)/%.o,$(2))
$$($(1)_TUK_OBJS): $(UK_OUT)/app/$(1)/%.o: %.c | $(DEPS_STAMP)
	@mkdir -p $$(dir $$@)
	$$(Q)$$(CC) $$(TLIBS_UK_CFLAGS) -c $$< -o $$@
$(BUILD)/guests/$(1).elf: $$($(1)_TUK_OBJS) $(TLIBS_UK_LIB) $(UK_HEAD) $(UK_LIB) $(UK_LDS)
	@mkdir -p $$(dir $$@)
	$$(Q)$$(LD) $$(UK_LDFLAGS) -o $$@ $(UK_HEAD) $$($(1)_TUK_OBJS) $(TLIBS_UK_LIB) $(UK_LIB)
	@echo "  LD      $$@"
guests: $(BUILD)/guests/$(1).elf
-include $$($(1)_TUK_OBJS:.o=.d)
endef

TLIBS_HOST_ALL := $(call tlibs_host_objs,$(TLIBS_CTRL_CORE) $(TLIBS_DIR)/ctrl/xc_linux.c \
	$(TLIBS_EVTCHN_CORE) $(TLIBS_DIR)/evtchn/linux.c $(TLIBS_FMEM_CORE) \
	$(TLIBS_DIR)/foreignmemory/linux.c $(TLIBS_BUILD_SRCS) $(TLIBS_GNTTAB_CORE) \
	$(TLIBS_DIR)/gnttab/linux.c)
-include $(TLIBS_UK_OBJS:.o=.d) $(TLIBS_HOST_ALL:.o=.d)
