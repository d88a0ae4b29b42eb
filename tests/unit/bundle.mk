# The boot bundle: the portable parser, the hypervisor's XXH3, the boot glue,
# and mkboot's writer (which the tests use to make bundles); the host's
# libxxhash is the reference for XXH3.
UNIT_HV_SRCS += hypervisor/shared/bundle_parse.c hypervisor/common/xxhash.c \
	hypervisor/common/bootbundle.c dom0-tools/mkboot/bundle_write.c
UNIT_LDLIBS += -lxxhash
UNIT_FLAGS_tests_unit_test_bundle.c := -Idom0-tools/mkboot
