# The xenstore domain (xenstored_uk.c; its ring transport, xenstored_uk_ring.c), included after
# unikernel/build.mk: the core built for the unikernel, linked as the unikernel
# application $(BUILD)/guests/xenstored.elf (unikernel/build.mk's rules with private flags).
# The core's <errno.h>, <string.h> and <xxhash.h> come from uk-include/; XXH3 itself is
# xs_uk_xxhash.c over Debian's header (the same hash as the host builds).
XSU_OUT := $(UK_OUT)/xenstored
XSU_ELF := $(BUILD)/guests/xenstored.elf
XSU_XXH_INC := $(XSU_OUT)/xxhash-include
XSU_OBJS := $(patsubst %.c,$(XSU_OUT)/%.o,$(XS_CORE_SRCS) dom0-tools/xenstored/xenstored_uk.c \
	dom0-tools/xenstored/xenstored_uk_ring.c)
XSU_XXH_OBJ := $(XSU_OUT)/xs_uk_xxhash.o

$(XSU_XXH_INC)/xxhash.h: | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	$(Q)ln -sf /usr/include/xxhash.h $@

$(XSU_OBJS): $(XSU_OUT)/%.o: %.c dom0-tools/xenstored/xenstored.mk | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(UK_CFLAGS) -Wno-unused-parameter -isystem dom0-tools/xenstored/uk-include \
		-Idom0-tools/xenstored -c $< -o $@

$(XSU_XXH_OBJ): dom0-tools/xenstored/xs_uk_xxhash.c $(XSU_XXH_INC)/xxhash.h | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(UK_CFLAGS) -isystem $(XSU_XXH_INC) -isystem hypervisor/shared/xxhash-compat \
		-c $< -o $@

$(XSU_ELF): $(XSU_OBJS) $(XSU_XXH_OBJ) $(UK_HEAD) $(UK_LIB) $(UK_LDS)
	@mkdir -p $(dir $@)
	$(Q)$(LD) $(UK_LDFLAGS) -o $@ $(UK_HEAD) $(XSU_OBJS) $(XSU_XXH_OBJ) $(UK_LIB)
	@echo "  LD      $@"
guests: $(XSU_ELF)

-include $(XSU_OBJS:.o=.d) $(XSU_XXH_OBJ:.o=.d)
