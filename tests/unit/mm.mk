# Memory management: the buddy allocator and xmalloc, over the fake machine in tests/unit/fake/fake_mm.c.
UNIT_HV_SRCS += hypervisor/common/page_alloc.c hypervisor/common/xmalloc.c
