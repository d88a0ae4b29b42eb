# xenconsoled's portable parts (dom0-tools/xenconsoled/cons_ring.c,
# cons_text.c): ring draining and input, log escaping, the detach key.
XCONS_UNIT_SRCS := dom0-tools/xenconsoled/cons_ring.c dom0-tools/xenconsoled/cons_text.c
UNIT_TOOL_SRCS += $(XCONS_UNIT_SRCS)
$(foreach f,$(XCONS_UNIT_SRCS) tests/unit/test_xenconsoled.c,$(eval UNIT_FLAGS_$(subst /,_,$(f)) := -Idom0-tools/xenconsoled))
