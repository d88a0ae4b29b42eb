/*
 * xenstored core: node requests (READ, WRITE, MKDIR, RM, DIRECTORY,
 * DIRECTORY_PART, GET_PERMS, SET_PERMS) and Xen's permission semantics.
 */
#include "unit.h"
#include "xs_client.h"

UNIT_SUITE(xs_nodes);

UNIT_TEST(xs_nodes, write_then_read_returns_value_and_echoes_req_id)
{
	struct xs_store *s = xsc_store(NULL);
	struct xsc a;

	xsc_open(&a, s, 0);
	CU_ASSERT_EQUAL(xsc_write(&a, 0, "/vm/1/name", "guest"), XS_WRITE);
	EXPECT_OK(&a, XS_WRITE);
	CU_ASSERT_EQUAL(a.last.h.req_id, a.req);
	CU_ASSERT_EQUAL(xsc_call(&a, XS_READ, 0, 1, "/vm/1/name"), XS_READ);
	CU_ASSERT_EQUAL(a.last.h.len, 5);
	CU_ASSERT_NSTRING_EQUAL(a.last.d, "guest", 5);
	/* Parents were created empty. */
	CU_ASSERT_EQUAL(xsc_call(&a, XS_READ, 0, 1, "/vm/1"), XS_READ);
	CU_ASSERT_EQUAL(a.last.h.len, 0);
	/* An empty value and a binary value. */
	CU_ASSERT_EQUAL(xsc_raw(&a, XS_WRITE, 0, "/bin\0a\0b", 8), XS_WRITE);
	CU_ASSERT_EQUAL(xsc_call(&a, XS_READ, 0, 1, "/bin"), XS_READ);
	CU_ASSERT_EQUAL(a.last.h.len, 3);
	CU_ASSERT_EQUAL(memcmp(a.last.d, "a\0b", 3), 0);
	xsc_done(s);
}

UNIT_TEST(xs_nodes, read_of_missing_node_is_enoent)
{
	struct xs_store *s = xsc_store(NULL);
	struct xsc a;

	xsc_open(&a, s, 0);
	CU_ASSERT_EQUAL(xsc_call(&a, XS_READ, 0, 1, "/nope"), XS_ERROR);
	EXPECT_ERR(&a, "ENOENT");
	CU_ASSERT_EQUAL(a.last.h.len, 7);
	xsc_done(s);
}

UNIT_TEST(xs_nodes, bad_paths_and_payloads_are_einval)
{
	struct xs_store *s = xsc_store(NULL);
	struct xsc a;
	static const char *const bad[] = {"/a//b", "/a/", "/a b", "/a\xff", "@x", ""};

	xsc_open(&a, s, 0);
	for (unsigned int i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		CU_ASSERT_EQUAL(xsc_call(&a, XS_READ, 0, 1, bad[i]), XS_ERROR);
		EXPECT_ERR(&a, "EINVAL");
	}
	/* One argument means exactly one NUL-terminated string. */
	CU_ASSERT_EQUAL(xsc_raw(&a, XS_READ, 0, "/a", 2), XS_ERROR);
	EXPECT_ERR(&a, "EINVAL");
	CU_ASSERT_EQUAL(xsc_raw(&a, XS_READ, 0, "/a\0/b\0", 6), XS_ERROR);
	EXPECT_ERR(&a, "EINVAL");
	CU_ASSERT_EQUAL(xsc_raw(&a, XS_READ, 0, "", 0), XS_ERROR);
	EXPECT_ERR(&a, "EINVAL");
	/* A write without the NUL after its path. */
	CU_ASSERT_EQUAL(xsc_raw(&a, XS_WRITE, 0, "/a", 2), XS_ERROR);
	EXPECT_ERR(&a, "EINVAL");
	/* Too long: an absolute path over XENSTORE_ABS_PATH_MAX. */
	{
		char p[XENSTORE_ABS_PATH_MAX + 3];

		memset(p, 'a', sizeof(p) - 1);
		p[0] = '/';
		p[sizeof(p) - 1] = '\0';
		CU_ASSERT_EQUAL(xsc_call(&a, XS_READ, 0, 1, p), XS_ERROR);
		EXPECT_ERR(&a, "EINVAL");
	}
	xsc_done(s);
}

UNIT_TEST(xs_nodes, mkdir_creates_and_is_ok_on_existing_node)
{
	struct xs_store *s = xsc_store(NULL);
	struct xsc a;

	xsc_open(&a, s, 0);
	CU_ASSERT_EQUAL(xsc_call(&a, XS_MKDIR, 0, 1, "/d/e"), XS_MKDIR);
	xsc_write(&a, 0, "/d/e", "keep");
	CU_ASSERT_EQUAL(xsc_call(&a, XS_MKDIR, 0, 1, "/d/e"), XS_MKDIR);
	EXPECT_OK(&a, XS_MKDIR);
	xsc_call(&a, XS_READ, 0, 1, "/d/e");
	CU_ASSERT_NSTRING_EQUAL(a.last.d, "keep", 4);
	xsc_done(s);
}

UNIT_TEST(xs_nodes, rm_is_recursive_and_tolerates_missing_leaf)
{
	struct xs_store *s = xsc_store(NULL);
	struct xs_stats st;
	struct xsc a;

	xsc_open(&a, s, 0);
	xs_store_stats(s, &st);
	uint64_t base = st.nodes;

	xsc_write(&a, 0, "/t/a/b/c", "1");
	xsc_write(&a, 0, "/t/a/d", "2");
	xsc_write(&a, 0, "/t/x", "3");
	CU_ASSERT_EQUAL(xsc_call(&a, XS_RM, 0, 1, "/t/a"), XS_RM);
	EXPECT_OK(&a, XS_RM);
	CU_ASSERT_EQUAL(xsc_call(&a, XS_READ, 0, 1, "/t/a/b/c"), XS_ERROR);
	xsc_call(&a, XS_DIRECTORY, 0, 1, "/t");
	CU_ASSERT_EQUAL(a.last.h.len, 2);
	CU_ASSERT_STRING_EQUAL(a.last.d, "x");
	xs_store_stats(s, &st);
	CU_ASSERT_EQUAL(st.nodes, base + 2);
	/* Missing node with an existing parent: OK; missing parent: ENOENT. */
	CU_ASSERT_EQUAL(xsc_call(&a, XS_RM, 0, 1, "/t/gone"), XS_RM);
	CU_ASSERT_EQUAL(xsc_call(&a, XS_RM, 0, 1, "/nothere/gone"), XS_ERROR);
	EXPECT_ERR(&a, "ENOENT");
	CU_ASSERT_EQUAL(xsc_call(&a, XS_RM, 0, 1, "/"), XS_ERROR);
	EXPECT_ERR(&a, "EINVAL");
	xsc_done(s);
}

UNIT_TEST(xs_nodes, directory_lists_children_in_creation_order)
{
	struct xs_store *s = xsc_store(NULL);
	struct xsc a;

	xsc_open(&a, s, 0);
	xsc_write(&a, 0, "/p/one", "");
	xsc_write(&a, 0, "/p/two", "");
	xsc_write(&a, 0, "/p/one", "again");
	CU_ASSERT_EQUAL(xsc_call(&a, XS_DIRECTORY, 0, 1, "/p"), XS_DIRECTORY);
	CU_ASSERT_EQUAL(a.last.h.len, 8);
	CU_ASSERT_EQUAL(memcmp(a.last.d, "one\0two\0", 8), 0);
	CU_ASSERT_EQUAL(xsc_call(&a, XS_DIRECTORY, 0, 1, "/p/one"), XS_DIRECTORY);
	CU_ASSERT_EQUAL(a.last.h.len, 0);
	CU_ASSERT_EQUAL(xsc_call(&a, XS_DIRECTORY, 0, 1, "/q"), XS_ERROR);
	EXPECT_ERR(&a, "ENOENT");
	xsc_done(s);
}

UNIT_TEST(xs_nodes, directory_part_pages_a_big_directory_with_a_generation)
{
	struct xs_store *s = xsc_store(NULL);
	char path[64], all[16384];
	size_t alen = 0, got = 0;
	char gen[32] = "";
	struct xsc a;

	xsc_open(&a, s, 0);
	for (int i = 0; i < 600; i++) {
		snprintf(path, sizeof(path), "/big/child-number-%04d", i);
		xsc_write(&a, 0, path, "");
		alen += strlen(path + 5) + 1;
	}
	/* Over XENSTORE_PAYLOAD_MAX: plain DIRECTORY refuses. */
	CU_ASSERT_EQUAL(xsc_call(&a, XS_DIRECTORY, 0, 1, "/big"), XS_ERROR);
	EXPECT_ERR(&a, "E2BIG");
	for (int pages = 0; pages < 10; pages++) {
		char off[16];
		size_t gl;

		snprintf(off, sizeof(off), "%zu", got);
		CU_ASSERT_EQUAL_FATAL(xsc_call(&a, XS_DIRECTORY_PART, 0, 2, "/big", off),
				      XS_DIRECTORY_PART);
		CU_ASSERT(a.last.h.len <= XENSTORE_PAYLOAD_MAX);
		gl = strlen(a.last.d) + 1;
		if (pages == 0)
			strcpy(gen, a.last.d);
		CU_ASSERT_STRING_EQUAL(a.last.d, gen);
		memcpy(all + got, a.last.d + gl, a.last.h.len - gl);
		got += a.last.h.len - gl;
		/* The last page ends with an empty string. */
		if (got >= 2 && all[got - 1] == '\0' && all[got - 2] == '\0') {
			got--;
			break;
		}
	}
	CU_ASSERT_EQUAL(got, alen);
	CU_ASSERT_EQUAL(memcmp(all, "child-number-0000", 18), 0);
	/* An offset at or past the end: just the generation and the empty string. */
	CU_ASSERT_EQUAL(xsc_call(&a, XS_DIRECTORY_PART, 0, 2, "/big", "99999"), XS_DIRECTORY_PART);
	CU_ASSERT_EQUAL(a.last.h.len, strlen(gen) + 2);
	/* A change gives a new generation. */
	xsc_write(&a, 0, "/big/new", "");
	xsc_call(&a, XS_DIRECTORY_PART, 0, 2, "/big", "0");
	CU_ASSERT_STRING_NOT_EQUAL(a.last.d, gen);
	CU_ASSERT_EQUAL(xsc_call(&a, XS_DIRECTORY_PART, 0, 2, "/big", "x1"), XS_ERROR);
	EXPECT_ERR(&a, "EINVAL");
	CU_ASSERT_EQUAL(xsc_call(&a, XS_DIRECTORY_PART, 0, 1, "/big"), XS_ERROR);
	EXPECT_ERR(&a, "EINVAL");
	xsc_done(s);
}

UNIT_TEST(xs_nodes, get_and_set_perms_round_trip)
{
	struct xs_store *s = xsc_store(NULL);
	struct xsc a;

	xsc_open(&a, s, 0);
	xsc_write(&a, 0, "/perm", "");
	CU_ASSERT_EQUAL(xsc_call(&a, XS_GET_PERMS, 0, 1, "/perm"), XS_GET_PERMS);
	CU_ASSERT_EQUAL(a.last.h.len, 3);
	CU_ASSERT_STRING_EQUAL(a.last.d, "n0");
	CU_ASSERT_EQUAL(xsc_call(&a, XS_SET_PERMS, 0, 4, "/perm", "r5", "b7", "w9"), XS_SET_PERMS);
	EXPECT_OK(&a, XS_SET_PERMS);
	xsc_call(&a, XS_GET_PERMS, 0, 1, "/perm");
	CU_ASSERT_EQUAL(a.last.h.len, 9);
	CU_ASSERT_EQUAL(memcmp(a.last.d, "r5\0b7\0w9\0", 9), 0);
	/* Bad letters, ids and missing perms. */
	CU_ASSERT_EQUAL(xsc_call(&a, XS_SET_PERMS, 0, 2, "/perm", "x1"), XS_ERROR);
	EXPECT_ERR(&a, "EINVAL");
	CU_ASSERT_EQUAL(xsc_call(&a, XS_SET_PERMS, 0, 2, "/perm", "r"), XS_ERROR);
	EXPECT_ERR(&a, "EINVAL");
	CU_ASSERT_EQUAL(xsc_call(&a, XS_SET_PERMS, 0, 2, "/perm", "r70000"), XS_ERROR);
	EXPECT_ERR(&a, "EINVAL");
	CU_ASSERT_EQUAL(xsc_call(&a, XS_SET_PERMS, 0, 1, "/perm"), XS_ERROR);
	EXPECT_ERR(&a, "EINVAL");
	CU_ASSERT_EQUAL(xsc_call(&a, XS_SET_PERMS, 0, 2, "/missing", "n0"), XS_ERROR);
	EXPECT_ERR(&a, "ENOENT");
	/* The special nodes have permissions too. */
	CU_ASSERT_EQUAL(xsc_call(&a, XS_GET_PERMS, 0, 1, "@releaseDomain"), XS_GET_PERMS);
	CU_ASSERT_STRING_EQUAL(a.last.d, "n0");
	xsc_done(s);
}

UNIT_TEST(xs_nodes, permissions_follow_xen_owner_and_acl_rules)
{
	struct xs_store *s = xsc_store(NULL);
	struct xsc d0, d1, d2;

	xsc_open(&d0, s, 0);
	xsc_open(&d1, s, 1);
	xsc_open(&d2, s, 2);
	xsc_write(&d0, 0, "/local/domain/1", "");
	xsc_call(&d0, XS_SET_PERMS, 0, 2, "/local/domain/1", "n1");
	xsc_write(&d0, 0, "/secret", "s");
	/* Default n0: nobody but dom0 reads. */
	CU_ASSERT_EQUAL(xsc_call(&d1, XS_READ, 0, 1, "/secret"), XS_ERROR);
	EXPECT_ERR(&d1, "EACCES");
	/* An ACL entry grants domain 1 read only. */
	xsc_call(&d0, XS_SET_PERMS, 0, 3, "/secret", "n0", "r1");
	CU_ASSERT_EQUAL(xsc_call(&d1, XS_READ, 0, 1, "/secret"), XS_READ);
	CU_ASSERT_EQUAL(xsc_write(&d1, 0, "/secret", "x"), XS_ERROR);
	EXPECT_ERR(&d1, "EACCES");
	CU_ASSERT_EQUAL(xsc_call(&d2, XS_READ, 0, 1, "/secret"), XS_ERROR);
	EXPECT_ERR(&d2, "EACCES");
	/* The first entry's letter is everyone else's right. */
	xsc_call(&d0, XS_SET_PERMS, 0, 3, "/secret", "r0", "n1");
	CU_ASSERT_EQUAL(xsc_call(&d2, XS_READ, 0, 1, "/secret"), XS_READ);
	CU_ASSERT_EQUAL(xsc_call(&d1, XS_READ, 0, 1, "/secret"), XS_ERROR);
	/* Relative paths are under /local/domain/<id>; new nodes belong to their creator. */
	CU_ASSERT_EQUAL(xsc_write(&d1, 0, "data/x", "v"), XS_WRITE);
	CU_ASSERT_EQUAL(xsc_call(&d0, XS_GET_PERMS, 0, 1, "/local/domain/1/data/x"), XS_GET_PERMS);
	CU_ASSERT_STRING_EQUAL(d0.last.d, "n1");
	CU_ASSERT_EQUAL(xsc_call(&d1, XS_READ, 0, 1, "data/x"), XS_READ);
	/* Domain 2 cannot create under domain 1's directory, and learns nothing about it. */
	CU_ASSERT_EQUAL(xsc_write(&d2, 0, "/local/domain/1/evil", "v"), XS_ERROR);
	EXPECT_ERR(&d2, "EACCES");
	CU_ASSERT_EQUAL(xsc_call(&d2, XS_READ, 0, 1, "/local/domain/1/nothing"), XS_ERROR);
	EXPECT_ERR(&d2, "EACCES");
	/* ... but can read what is missing under a readable parent: ENOENT. */
	CU_ASSERT_EQUAL(xsc_call(&d1, XS_READ, 0, 1, "data/none"), XS_ERROR);
	EXPECT_ERR(&d1, "ENOENT");
	/* The owner may change permissions but not give the node away. */
	CU_ASSERT_EQUAL(xsc_call(&d1, XS_SET_PERMS, 0, 3, "data/x", "n1", "r2"), XS_SET_PERMS);
	CU_ASSERT_EQUAL(xsc_call(&d2, XS_READ, 0, 1, "/local/domain/1/data/x"), XS_READ);
	CU_ASSERT_EQUAL(xsc_call(&d1, XS_SET_PERMS, 0, 2, "data/x", "n2"), XS_ERROR);
	EXPECT_ERR(&d1, "EPERM");
	/* Write permission alone does not allow SET_PERMS. */
	xsc_call(&d0, XS_SET_PERMS, 0, 3, "/secret", "n0", "b2");
	CU_ASSERT_EQUAL(xsc_write(&d2, 0, "/secret", "w"), XS_WRITE);
	CU_ASSERT_EQUAL(xsc_call(&d2, XS_SET_PERMS, 0, 2, "/secret", "b0"), XS_ERROR);
	EXPECT_ERR(&d2, "EACCES");
	/* Removing needs write permission. */
	CU_ASSERT_EQUAL(xsc_call(&d1, XS_RM, 0, 1, "/secret"), XS_ERROR);
	EXPECT_ERR(&d1, "EACCES");
	CU_ASSERT_EQUAL(xsc_call(&d2, XS_RM, 0, 1, "/secret"), XS_RM);
	xsc_done(s);
}

UNIT_TEST(xs_nodes, set_target_lets_a_domain_act_for_its_target)
{
	struct xs_store *s = xsc_store(NULL);
	struct xsc d0, dm;

	xsc_open(&d0, s, 0);
	xsc_open(&dm, s, 3);
	xsc_write(&d0, 0, "/local/domain/4/device", "x");
	xsc_call(&d0, XS_SET_PERMS, 0, 2, "/local/domain/4/device", "n4");
	CU_ASSERT_EQUAL(xsc_call(&dm, XS_READ, 0, 1, "/local/domain/4/device"), XS_ERROR);
	/* Only introduced domains get a target. */
	CU_ASSERT_EQUAL(xsc_call(&d0, XS_SET_TARGET, 0, 2, "3", "4"), XS_ERROR);
	EXPECT_ERR(&d0, "ENOENT");
	xsc_call(&d0, XS_INTRODUCE, 0, 3, "3", "100", "5");
	CU_ASSERT_EQUAL(xsc_call(&d0, XS_SET_TARGET, 0, 2, "3", "4"), XS_SET_TARGET);
	CU_ASSERT_EQUAL(xsc_call(&dm, XS_READ, 0, 1, "/local/domain/4/device"), XS_READ);
	CU_ASSERT_EQUAL(xsc_call(&dm, XS_SET_TARGET, 0, 2, "3", "4"), XS_ERROR);
	EXPECT_ERR(&dm, "EACCES");
	CU_ASSERT_EQUAL(xsc_call(&d0, XS_SET_TARGET, 0, 1, "3"), XS_ERROR);
	EXPECT_ERR(&d0, "EINVAL");
	xsc_done(s);
}

UNIT_TEST(xs_nodes, store_write_api_sets_value_and_perms)
{
	struct xs_store *s = xsc_store(NULL);
	struct xsc d0;

	xsc_open(&d0, s, 0);
	CU_ASSERT_EQUAL(xs_store_write(s, "/local/domain/1/name", "g1", 2, "n1\0r0", 2), 0);
	xsc_call(&d0, XS_GET_PERMS, 0, 1, "/local/domain/1/name");
	CU_ASSERT_EQUAL(memcmp(d0.last.d, "n1\0r0\0", 6), 0);
	CU_ASSERT_EQUAL(xs_store_write(s, "rel", "", 0, NULL, 0), -EINVAL);
	CU_ASSERT_EQUAL(xs_store_write(s, "/x", "", 0, "q1", 1), -EINVAL);
	CU_ASSERT_STRING_EQUAL(xs_errname(ENOENT), "ENOENT");
	CU_ASSERT_STRING_EQUAL(xs_errname(-12345), "EINVAL");
	xsc_done(s);
}
