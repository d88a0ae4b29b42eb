# libvchan's data path and set-up (libvchan/io.c, init.c) over
# fake grant, event and store backends: tests/unit/test_vchan.c. The ring
# buffers are malloc'd at their exact size, so ASan sees any access outside.
VCHAN_UNIT_SRCS := libvchan/io.c libvchan/init.c dom0-tools/libs/gnttab/core.c
UNIT_TOOL_SRCS += $(VCHAN_UNIT_SRCS)
VCHAN_UNIT_FLAGS := -Idom0-tools/libs/include -Ilibvchan/include -Idom0-tools/libs -Ilibvchan
$(foreach f,$(VCHAN_UNIT_SRCS) tests/unit/test_vchan.c,$(eval UNIT_FLAGS_$(subst /,_,$(f)) := $(VCHAN_UNIT_FLAGS)))
