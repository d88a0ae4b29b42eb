/*
 * xenstored core: the request handlers, one per xs_wire message type
 * (docs/misc/xenstore.txt in Xen; behaviour as Xen 4.17's xenstored).
 *
 * Payload rules: a one-argument request is exactly one NUL-terminated
 * string; a multi-argument one is its strings, each NUL-terminated, nothing
 * after the last; XS_WRITE is "path\0" then the raw value.  Anything else is
 * EINVAL.  Paths: absolute ("/..."), relative to /local/domain/<domid>/, or
 * special ("@..."; watches and permissions only); characters [A-Za-z0-9-/_@],
 * no "//", no trailing "/", at most XENSTORE_ABS_PATH_MAX (relative input at
 * most XENSTORE_REL_PATH_MAX).
 *
 * Permissions (Xen): the first entry gives the owner and what everybody else
 * may do; later entries override for one domain; letters n, r, w, b.  The
 * owner, a domain acting for its XS_SET_TARGET target, and privileged
 * connections may do everything.  A request on a node one may not see gets
 * EACCES unless the nearest existing ancestor grants the same access (then
 * the real error), as Xen's errno_from_parents.  New nodes inherit their
 * parent's permissions, owned by the creating domain when unprivileged.
 *
 * Locking: none (single-threaded core).
 */
#include <string.h>
#include "xs_conn.h"

#define XS_PATH_BUF (XENSTORE_ABS_PATH_MAX + 1)

typedef int xs_handler(struct xs_conn *c, struct xs_view *v, const struct xsd_sockmsg *h, char *p,
		       uint32_t len);

static const char xs_ok[] = "OK";

static void ack(struct xs_conn *c, const struct xsd_sockmsg *h)
{
	xs_reply(c, h, h->type, xs_ok, sizeof(xs_ok));
}

/* ---- payload and path helpers ---- */

/* Splits p into exactly n NUL-terminated strings (n = 0: any count, returned). */
static int split(char *p, uint32_t len, const char **vec, uint32_t n)
{
	uint32_t count = 0, off = 0;

	if (!len || p[len - 1] != '\0')
		return -EINVAL;
	while (off < len) {
		if (n && count == n)
			return -EINVAL;
		if (vec)
			vec[count] = p + off;
		count++;
		off += (uint32_t)strlen(p + off) + 1;
	}
	if (n && count != n)
		return -EINVAL;
	return (int)count;
}

static const char *onearg(char *p, uint32_t len)
{
	const char *v;

	return split(p, len, &v, 1) == 1 ? v : NULL;
}

static bool valid_chars(const char *s)
{
	for (; *s; s++) {
		char ch = *s;

		if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		      (ch >= '0' && ch <= '9') || ch == '-' || ch == '/' || ch == '_' || ch == '@'))
			return false;
	}
	return true;
}

static void conn_prefix(struct xs_conn *c)
{
	if (c->prefix[0])
		return;
	memcpy(c->prefix, "/local/domain/", 14);
	xs_fmt_u64(c->prefix + 14, c->domid);
}

/* Canonical path of in into out (XS_PATH_BUF bytes). */
static int canon(struct xs_conn *c, const char *in, char *out, bool special, bool *relative)
{
	size_t l = strlen(in);

	if (relative)
		*relative = false;
	if (in[0] == '@') {
		if (!special || l > XENSTORE_REL_PATH_MAX || !valid_chars(in))
			return -EINVAL;
		memcpy(out, in, l + 1);
		return 0;
	}
	if (in[0] == '/') {
		if (l > XENSTORE_ABS_PATH_MAX)
			return -EINVAL;
		memcpy(out, in, l + 1);
	} else {
		size_t pl;

		if (!l || l > XENSTORE_REL_PATH_MAX)
			return -EINVAL;
		conn_prefix(c);
		pl = strlen(c->prefix);
		if (pl + 1 + l > XENSTORE_ABS_PATH_MAX)
			return -EINVAL;
		memcpy(out, c->prefix, pl);
		out[pl] = '/';
		memcpy(out + pl + 1, in, l + 1);
		if (relative)
			*relative = true;
		l += pl + 1;
	}
	if (strstr(out, "//") || (l > 1 && out[l - 1] == '/') || !valid_chars(out))
		return -EINVAL;
	return 0;
}

/* Parent path of a canonical path other than "/" into buf. */
static void parent_path(const char *path, char *buf)
{
	const char *slash = strrchr(path, '/');

	if (slash == path) {
		strcpy(buf, "/");
		return;
	}
	memcpy(buf, path, (size_t)(slash - path));
	buf[slash - path] = '\0';
}

static const char *base_name(const char *path)
{
	return strrchr(path, '/') + 1;
}

/* What may c do on the nearest existing ancestor of path?  (Xen's ask_parents.) */
static int errno_from_parents(struct xs_conn *c, struct xs_view *v, const char *path, int err,
			      uint32_t perm)
{
	char *buf;
	const struct xs_node *n = NULL;
	int rc = 0;

	if (err == -ENOMEM || path[0] == '@')
		return err;
	buf = xs_alloc(c->s, strlen(path) + 2);
	if (!buf)
		return -ENOMEM;
	strcpy(buf, path);
	while (!n && strcmp(buf, "/")) {
		char *slash = strrchr(buf, '/');

		if (slash == buf)
			slash[1] = '\0';
		else
			*slash = '\0';
		rc = xs_view_get(v, buf, &n);
		if (rc)
			break;
	}
	xs_free(c->s, buf);
	if (rc)
		return rc;
	if (n && (xs_perm_for(c, n) & perm))
		return err;
	return -EACCES;
}

/* The node at path if c has perm on it; else -ENOENT/-EACCES as Xen's get_node. */
static int get_chk(struct xs_conn *c, struct xs_view *v, const char *path, uint32_t perm,
		   const struct xs_node **out)
{
	const struct xs_node *n;
	int rc = xs_view_get(v, path, &n);

	if (rc)
		return rc;
	if (n && (xs_perm_for(c, n) & perm) == perm) {
		*out = n;
		return 0;
	}
	return errno_from_parents(c, v, path, n ? -EACCES : -ENOENT, perm);
}

/* A copy of n with the child name added (add) or removed (del). */
static struct xs_node *with_child(struct xs_store *s, const struct xs_node *n, const char *add,
				  const char *del)
{
	uint32_t alen = add ? (uint32_t)strlen(add) + 1 : 0;
	char *buf = xs_alloc(s, n->clen + alen + 1);
	uint32_t len = 0;
	struct xs_node *nn;

	if (!buf)
		return NULL;
	for (uint32_t off = 0; off < n->clen;) {
		const char *name = n->children + off;
		uint32_t l = (uint32_t)strlen(name) + 1;

		if (!del || strcmp(name, del)) {
			memcpy(buf + len, name, l);
			len += l;
		}
		off += l;
	}
	if (add) {
		memcpy(buf + len, add, alen);
		len += alen;
	}
	nn = xs_node_build(s, xs_node_path(n), n->value, n->vlen, n->perms, n->nperms, buf, len);
	xs_free(s, buf);
	return nn;
}

/* The domain whose memory quota a request of c is checked against (NULL: privileged). */
static struct xs_dom *requester(const struct xs_conn *c)
{
	return c->priv ? NULL : c->dom;
}

static int node_quota(struct xs_conn *c, struct xs_view *v)
{
	int64_t count = c->dom->nodes + (v->tx ? v->tx->node_delta : 0);

	if (!c->priv && count >= (int64_t)c->s->q.nodes_per_domain)
		return -ENOSPC;
	return 0;
}

/* Creates path (and its missing parents, with empty values), as Xen's create_node. */
static int create_rec(struct xs_conn *c, struct xs_view *v, const char *path, const void *val,
		      uint32_t vlen)
{
	struct xs_store *s = c->s;
	char *parent = xs_alloc(s, strlen(path) + 2);
	const struct xs_node *pn;
	struct xs_node *n = NULL, *np = NULL;
	int rc;

	if (!parent)
		return -ENOMEM;
	parent_path(path, parent);
	rc = xs_view_get(v, parent, &pn);
	if (rc)
		goto out;
	if (!pn) {
		rc = create_rec(c, v, parent, NULL, 0);
		if (rc)
			goto out;
		rc = xs_view_get(v, parent, &pn);
		if (rc)
			goto out;
		if (!pn) {
			rc = -ENOENT;
			goto out;
		}
	}
	rc = node_quota(c, v);
	if (rc)
		goto out;
	n = xs_node_build(s, path, val, vlen, pn->perms, pn->nperms, NULL, 0);
	np = with_child(s, pn, base_name(path), NULL);
	if (!n || !np) {
		rc = -ENOMEM;
		goto out;
	}
	if (!c->priv)
		n->perms[0].id = c->domid;
	/* Both nodes at most (in a transaction it holds a copy of the parent): checked first, so
	 * the two changes below are made together. */
	rc = xs_mem_room(s, requester(c), (int64_t)(xs_node_mem(n) + xs_node_mem(np)));
	if (rc)
		goto out;
	rc = xs_view_set(v, path, n);
	n = NULL;
	if (rc)
		goto out;
	rc = xs_view_set(v, parent, np);
	np = NULL;
out:
	xs_node_put(s, n);
	xs_node_put(s, np);
	xs_free(s, parent);
	return rc;
}

static void fire_change(struct xs_conn *c, struct xs_view *v, const char *path)
{
	const struct xs_node *n;

	/* In a transaction, events fire at commit. */
	if (!v->tx && !xs_view_get(v, path, &n) && n)
		xs_fire_change(c->s, path, n);
}

/*
 * The one-path requests' common start: the payload's one argument, canonical
 * in path (XS_PATH_BUF bytes; special: "@..." allowed), and the node there if
 * c has perm on it.  -EINVAL for a bad argument, else as get_chk.
 */
static int node_arg(struct xs_conn *c, struct xs_view *v, char *p, uint32_t len, bool special,
		    uint32_t perm, char *path, const struct xs_node **n)
{
	const char *arg = onearg(p, len);

	if (!arg || canon(c, arg, path, special, NULL))
		return -EINVAL;
	return get_chk(c, v, path, perm, n);
}

/* ---- node requests ---- */

static int op_read(struct xs_conn *c, struct xs_view *v, const struct xsd_sockmsg *h, char *p,
		   uint32_t len)
{
	char path[XS_PATH_BUF];
	const struct xs_node *n;
	int rc = node_arg(c, v, p, len, false, XS_PERM_READ, path, &n);

	if (rc)
		return rc;
	xs_reply(c, h, XS_READ, n->value, n->vlen);
	return 0;
}

/*
 * Replaces old (the node at path) by nn (NULL: -ENOMEM) if the requester's memory quota has
 * room for the growth (in a transaction, for all of nn: the transaction holds it).
 */
static int set_checked(struct xs_conn *c, struct xs_view *v, const char *path,
		       const struct xs_node *old, struct xs_node *nn)
{
	int64_t delta;
	int rc;

	if (!nn)
		return -ENOMEM;
	delta = (int64_t)xs_node_mem(nn) - (v->tx ? 0 : (int64_t)xs_node_mem(old));
	rc = xs_mem_room(c->s, requester(c), delta);
	if (rc) {
		xs_node_put(c->s, nn);
		return rc;
	}
	return xs_view_set(v, path, nn);
}

static int do_write(struct xs_conn *c, struct xs_view *v, const char *path, const void *val,
		    uint32_t vlen)
{
	const struct xs_node *n;
	struct xs_node *nn;
	int rc;

	if (!c->priv && vlen > c->s->q.entry_size)
		return -ENOSPC;
	rc = get_chk(c, v, path, XS_PERM_WRITE, &n);
	if (rc == -ENOENT)
		return create_rec(c, v, path, val, vlen);
	if (rc)
		return rc;
	nn = xs_node_build(c->s, path, val, vlen, n->perms, n->nperms, n->children, n->clen);
	return set_checked(c, v, path, n, nn);
}

static int op_write(struct xs_conn *c, struct xs_view *v, const struct xsd_sockmsg *h, char *p,
		    uint32_t len)
{
	char path[XS_PATH_BUF];
	const char *nul = memchr(p, '\0', len);
	uint32_t off;
	int rc;

	if (!nul || canon(c, p, path, false, NULL))
		return -EINVAL;
	off = (uint32_t)(nul - p) + 1;
	rc = do_write(c, v, path, p + off, len - off);
	if (rc)
		return rc;
	fire_change(c, v, path);
	ack(c, h);
	return 0;
}

static int op_mkdir(struct xs_conn *c, struct xs_view *v, const struct xsd_sockmsg *h, char *p,
		    uint32_t len)
{
	char path[XS_PATH_BUF];
	const struct xs_node *n;
	int rc = node_arg(c, v, p, len, false, XS_PERM_WRITE, path, &n);

	if (rc == -ENOENT) {
		rc = create_rec(c, v, path, NULL, 0);
		if (!rc)
			fire_change(c, v, path);
	}
	if (rc)
		return rc;
	ack(c, h);
	return 0;
}

/* path/name (path of length pl, "/" for the root) in a fresh xs_alloc'd string, or NULL. */
static char *child_path(struct xs_store *s, const char *path, size_t pl, const char *name,
			size_t nl)
{
	char *child = xs_alloc(s, pl + nl + 2);

	if (child) {
		memcpy(child, path, pl);
		child[pl == 1 ? 0 : pl] = '/';
		memcpy(child + (pl == 1 ? 1 : pl + 1), name, nl + 1);
	}
	return child;
}

/*
 * Records every node of the subtree at path in the transaction before anything changes, so
 * that the trans_nodes quota (or ENOMEM) cannot stop del_tree halfway and leave a parent
 * listing a deleted child.
 */
static int touch_tree(struct xs_store *s, struct xs_view *v, const char *path,
		      const struct xs_node *n)
{
	size_t pl = strlen(path);
	int rc = 0;

	for (uint32_t off = 0; off < n->clen && !rc;) {
		const char *name = n->children + off;
		size_t nl = strlen(name);
		char *child = child_path(s, path, pl, name, nl);
		const struct xs_node *cn;

		if (!child)
			return -ENOMEM;
		rc = xs_view_get(v, child, &cn);
		if (!rc && cn)
			rc = touch_tree(s, v, child, cn);
		xs_free(s, child);
		off += (uint32_t)nl + 1;
	}
	return rc;
}

/* Deletes path and everything below it (no permission checks below, as Xen). */
static int del_tree(struct xs_store *s, struct xs_view *v, const char *path,
		    const struct xs_node *n)
{
	size_t pl = strlen(path);
	int rc;

	for (uint32_t off = 0; off < n->clen;) {
		const char *name = n->children + off;
		size_t nl = strlen(name);
		char *child = child_path(s, path, pl, name, nl);
		const struct xs_node *cn;

		if (!child)
			return -ENOMEM;
		rc = xs_view_get(v, child, &cn);
		if (!rc && cn)
			rc = del_tree(s, v, child, cn);
		xs_free(s, child);
		if (rc)
			return rc;
		off += (uint32_t)nl + 1;
	}
	return xs_view_set(v, path, NULL);
}

static int op_rm(struct xs_conn *c, struct xs_view *v, const struct xsd_sockmsg *h, char *p,
		 uint32_t len)
{
	char path[XS_PATH_BUF], parent[XS_PATH_BUF];
	const struct xs_node *n, *pn;
	struct xs_node *held, *np;
	int rc = node_arg(c, v, p, len, false, XS_PERM_WRITE, path, &n);

	if (rc == -ENOENT && strcmp(path, "/")) {
		/* Removing what is not there is fine if the parent is (Xen's do_rm). */
		parent_path(path, parent);
		rc = xs_view_get(v, parent, &pn);
		if (!rc && !pn)
			rc = -ENOENT;
		if (!rc)
			ack(c, h);
		return rc;
	}
	if (rc)
		return rc;
	if (!strcmp(path, "/"))
		return -EINVAL;
	parent_path(path, parent);
	rc = xs_view_get(v, parent, &pn);
	if (rc)
		return rc;
	np = pn ? with_child(c->s, pn, NULL, base_name(path)) : NULL;
	if (pn && !np)
		return -ENOMEM;
	/* A transaction holds its copy of the parent; outside one the store shrinks. */
	rc = v->tx && np ? xs_mem_room(c->s, requester(c), (int64_t)xs_node_mem(np)) : 0;
	if (rc) {
		xs_node_put(c->s, np);
		return rc;
	}
	held = (struct xs_node *)n;
	held->refs++;
	rc = v->tx ? touch_tree(c->s, v, path, n) : 0;
	if (!rc)
		rc = del_tree(c->s, v, path, n);
	if (!rc && np) {
		rc = xs_view_set(v, parent, np);
		np = NULL;
	}
	if (!rc && !v->tx)
		xs_fire_rm(c->s, path, held);
	xs_node_put(c->s, np);
	xs_node_put(c->s, held);
	if (!rc)
		ack(c, h);
	return rc;
}

static int op_directory(struct xs_conn *c, struct xs_view *v, const struct xsd_sockmsg *h, char *p,
			uint32_t len)
{
	char path[XS_PATH_BUF];
	const struct xs_node *n;
	int rc = node_arg(c, v, p, len, false, XS_PERM_READ, path, &n);

	if (rc)
		return rc;
	if (n->clen > XENSTORE_PAYLOAD_MAX)
		return -E2BIG; /* the client must use XS_DIRECTORY_PART */
	xs_reply(c, h, XS_DIRECTORY, n->children, n->clen);
	return 0;
}

/* Xen's send_directory_part: "<gencnt>\0" then whole names from offset; a final "\0" at the end. */
static int op_directory_part(struct xs_conn *c, struct xs_view *v, const struct xsd_sockmsg *h,
			     char *p, uint32_t len)
{
	char path[XS_PATH_BUF], data[XENSTORE_PAYLOAD_MAX];
	const char *vec[2];
	const struct xs_node *n;
	uint64_t off;
	uint32_t glen, out = 0, maxlen;
	int rc;

	if (split(p, len, vec, 2) != 2 || canon(c, vec[0], path, false, NULL) ||
	    !xs_parse_u64(vec[1], UINT32_MAX, &off))
		return -EINVAL;
	rc = get_chk(c, v, path, XS_PERM_READ, &n);
	if (rc)
		return rc;
	glen = (uint32_t)xs_fmt_u64(data, n->gen) + 1;
	maxlen = XENSTORE_PAYLOAD_MAX - glen - 1;
	if (off < n->clen) {
		const char *child = n->children + off;

		while (off + out < n->clen) {
			uint32_t l = (uint32_t)strlen(child) + 1;

			if (out + l > maxlen)
				break;
			out += l;
			child += l;
		}
		memcpy(data + glen, n->children + off, out);
	} else {
		off = n->clen;
	}
	if (off + out == n->clen)
		data[glen + out++] = '\0';
	xs_reply(c, h, XS_DIRECTORY_PART, data, glen + out);
	return 0;
}

static int parse_perm(const char *str, struct xs_perm *out)
{
	uint64_t id;

	switch (str[0]) {
	case 'n':
		out->perms = XS_PERM_NONE;
		break;
	case 'r':
		out->perms = XS_PERM_READ;
		break;
	case 'w':
		out->perms = XS_PERM_WRITE;
		break;
	case 'b':
		out->perms = XS_PERM_READ | XS_PERM_WRITE;
		break;
	default:
		return -EINVAL;
	}
	if (!xs_parse_u64(str + 1, 0xffff, &id))
		return -EINVAL;
	out->id = (uint32_t)id;
	return 0;
}

static uint32_t fmt_perm(char *buf, const struct xs_perm *pm)
{
	static const char letters[] = "nrwb";

	buf[0] = letters[pm->perms & 3];
	return (uint32_t)xs_fmt_u64(buf + 1, pm->id) + 2;
}

static int op_get_perms(struct xs_conn *c, struct xs_view *v, const struct xsd_sockmsg *h, char *p,
			uint32_t len)
{
	char path[XS_PATH_BUF], data[XENSTORE_PAYLOAD_MAX + 16];
	const struct xs_node *n;
	uint32_t out = 0;
	int rc = node_arg(c, v, p, len, true, XS_PERM_READ, path, &n);

	if (rc)
		return rc;
	for (uint32_t i = 0; i < n->nperms && out <= XENSTORE_PAYLOAD_MAX; i++)
		out += fmt_perm(data + out, &n->perms[i]);
	if (out > XENSTORE_PAYLOAD_MAX)
		return -E2BIG;
	xs_reply(c, h, XS_GET_PERMS, data, out);
	return 0;
}

static int set_perms(struct xs_conn *c, struct xs_view *v, const char *path,
		     const struct xs_perm *perms, uint32_t np)
{
	const struct xs_node *n;
	struct xs_node *nn;
	int rc;

	if (!c->priv && np * sizeof(struct xs_perm) > c->s->q.entry_size)
		return -ENOSPC;
	rc = get_chk(c, v, path, XS_PERM_WRITE | XS_PERM_OWNER, &n);
	if (rc)
		return rc;
	/* Unprivileged domains may not give their nodes away (Xen's do_set_perms). */
	if (!c->priv && perms[0].id != n->perms[0].id)
		return -EPERM;
	nn = xs_node_build(c->s, path, n->value, n->vlen, perms, np, n->children, n->clen);
	return set_checked(c, v, path, n, nn);
}

static int op_set_perms(struct xs_conn *c, struct xs_view *v, const struct xsd_sockmsg *h, char *p,
			uint32_t len)
{
	char path[XS_PATH_BUF];
	struct xs_perm *perms;
	const char *s;
	int n, rc;
	uint32_t np = 0, outlen = 0;

	n = split(p, len, NULL, 0);
	if (n < 2 || canon(c, p, path, true, NULL))
		return -EINVAL;
	perms = xs_alloc(c->s, (size_t)(n - 1) * sizeof(*perms));
	if (!perms)
		return -ENOMEM;
	for (s = p + strlen(p) + 1; np < (uint32_t)n - 1; s += strlen(s) + 1) {
		char tmp[8];

		rc = parse_perm(s, &perms[np]);
		if (rc)
			goto out;
		outlen += fmt_perm(tmp, &perms[np]);
		np++;
	}
	/* GET_PERMS must be able to answer. */
	rc = outlen > XENSTORE_PAYLOAD_MAX ? -E2BIG : set_perms(c, v, path, perms, np);
	if (!rc) {
		fire_change(c, v, path);
		ack(c, h);
	}
out:
	xs_free(c->s, perms);
	return rc;
}

/* ---- watches ---- */

static int op_watch(struct xs_conn *c, struct xs_view *v, const struct xsd_sockmsg *h, char *p,
		    uint32_t len)
{
	char path[XS_PATH_BUF];
	const char *vec[2];
	struct xs_watch *w;
	bool rel;
	size_t pl, tl;

	if (split(p, len, vec, 2) != 2 || canon(c, vec[0], path, true, &rel))
		return -EINVAL;
	for (w = c->watches; w; w = w->next)
		if (!strcmp(w->path, path) && !strcmp(w->token, vec[1]))
			return -EEXIST;
	if (!c->priv && c->dom->watches >= c->s->q.watches_per_domain)
		return -E2BIG;
	pl = strlen(path) + 1;
	tl = strlen(vec[1]) + 1;
	if (xs_mem_room(c->s, requester(c), (int64_t)(sizeof(*w) + pl + tl)))
		return -ENOMEM;
	w = xs_alloc(c->s, sizeof(*w) + pl + tl);
	if (!w)
		return -ENOMEM;
	w->relative = rel;
	w->path = (char *)(w + 1);
	w->token = w->path + pl;
	memcpy(w->path, path, pl);
	memcpy(w->token, vec[1], tl);
	c->dom->mem += xs_watch_mem(w->path, w->token);
	w->next = c->watches;
	c->watches = w;
	c->dom->watches++;
	ack(c, h);
	/* Xen fires once up front: clients read the current state from the event. */
	xs_watch_initial(c, w);
	return 0;
}

static int op_unwatch(struct xs_conn *c, struct xs_view *v, const struct xsd_sockmsg *h, char *p,
		      uint32_t len)
{
	char path[XS_PATH_BUF];
	const char *vec[2];
	struct xs_watch **pp;

	if (split(p, len, vec, 2) != 2 || canon(c, vec[0], path, true, NULL))
		return -EINVAL;
	for (pp = &c->watches; *pp; pp = &(*pp)->next) {
		struct xs_watch *w = *pp;

		if (!strcmp(w->path, path) && !strcmp(w->token, vec[1])) {
			*pp = w->next;
			c->dom->mem -= xs_watch_mem(w->path, w->token);
			xs_free(c->s, w);
			if (c->dom->watches)
				c->dom->watches--;
			ack(c, h);
			return 0;
		}
	}
	return -ENOENT;
}

static int op_reset_watches(struct xs_conn *c, struct xs_view *v, const struct xsd_sockmsg *h,
			    char *p, uint32_t len)
{
	xs_conn_reset(c);
	ack(c, h);
	return 0;
}

/* ---- transactions ---- */

static struct xs_tx *find_tx(struct xs_conn *c, uint32_t id)
{
	struct xs_tx *tx;

	for (tx = c->txs; tx; tx = tx->next)
		if (tx->id == id)
			return tx;
	return NULL;
}

static int op_tx_start(struct xs_conn *c, struct xs_view *v, const struct xsd_sockmsg *h, char *p,
		       uint32_t len)
{
	struct xs_store *s = c->s;
	struct xs_tx *tx;
	char buf[16];
	uint32_t l;

	if (h->tx_id)
		return -EBUSY;
	if (!c->priv && c->ntx >= s->q.transactions_per_conn)
		return -ENOSPC;
	tx = xs_alloc(s, sizeof(*tx));
	if (!tx)
		return -ENOMEM;
	memset(tx, 0, sizeof(*tx));
	if (xs_table_init(s, &tx->ents, 16)) {
		xs_free(s, tx);
		return -ENOMEM;
	}
	do
		tx->id = ++s->next_txid;
	while (!tx->id || find_tx(c, tx->id));
	tx->domid = c->domid;
	tx->dom = c->dom;
	tx->priv = c->priv;
	tx->next = c->txs;
	c->txs = tx;
	c->ntx++;
	l = (uint32_t)xs_fmt_u64(buf, tx->id) + 1;
	xs_reply(c, h, XS_TRANSACTION_START, buf, l);
	return 0;
}

static int op_tx_end(struct xs_conn *c, struct xs_view *v, const struct xsd_sockmsg *h, char *p,
		     uint32_t len)
{
	const char *arg = onearg(p, len);
	struct xs_tx **pp, *tx = v->tx;
	int rc = 0;

	if (!tx)
		return -ENOENT;
	if (!arg || (strcmp(arg, "T") && strcmp(arg, "F")))
		return -EINVAL;
	for (pp = &c->txs; *pp != tx; pp = &(*pp)->next)
		;
	*pp = tx->next;
	c->ntx--;
	if (arg[0] == 'T')
		rc = xs_tx_commit(c->s, tx);
	xs_tx_free(c->s, tx);
	if (!rc)
		ack(c, h);
	return rc;
}

/* ---- domains ---- */

#define XS_DOMID_MAX 0x7fefu /* DOMID_FIRST_RESERVED - 1 */

static int parse_domid(const char *s, uint32_t *out)
{
	uint64_t v;

	if (!xs_parse_u64(s, XS_DOMID_MAX, &v))
		return -EINVAL;
	*out = (uint32_t)v;
	return 0;
}

/* The payload's one argument as a domid: -EINVAL if it is not one. */
static int domid_arg(char *p, uint32_t len, uint32_t *domid)
{
	const char *arg = onearg(p, len);

	return arg ? parse_domid(arg, domid) : -EINVAL;
}

static int op_introduce(struct xs_conn *c, struct xs_view *v, const struct xsd_sockmsg *h, char *p,
			uint32_t len)
{
	struct xs_store *s = c->s;
	const char *vec[3];
	uint64_t mfn, port;
	uint32_t domid;
	struct xs_dom *d;
	int rc;

	if (!c->priv)
		return -EACCES;
	if (split(p, len, vec, 3) != 3 || parse_domid(vec[0], &domid) ||
	    !xs_parse_u64(vec[1], UINT64_MAX, &mfn) || !xs_parse_u64(vec[2], UINT32_MAX, &port))
		return -EINVAL;
	d = xs_dom_get(s, domid, true);
	if (!d)
		return -ENOMEM;
	if (!d->introduced) {
		if (s->ops.introduce) {
			rc = s->ops.introduce(s->ops.ctx, s, domid, mfn, (uint32_t)port);
			if (rc)
				return rc;
		}
		d->introduced = true;
		xs_fire_special(s, "@introduceDomain");
	}
	ack(c, h);
	return 0;
}

static int op_release(struct xs_conn *c, struct xs_view *v, const struct xsd_sockmsg *h, char *p,
		      uint32_t len)
{
	uint32_t domid;
	int rc;

	if (!c->priv)
		return -EACCES;
	if (domid_arg(p, len, &domid))
		return -EINVAL;
	rc = xs_domain_release(c->s, domid);
	if (!rc)
		ack(c, h);
	return rc;
}

static int op_is_introduced(struct xs_conn *c, struct xs_view *v, const struct xsd_sockmsg *h,
			    char *p, uint32_t len)
{
	struct xs_dom *d;
	uint32_t domid;

	if (!c->priv)
		return -EACCES;
	if (domid_arg(p, len, &domid))
		return -EINVAL;
	d = xs_dom_get(c->s, domid, false);
	xs_reply(c, h, XS_IS_DOMAIN_INTRODUCED, d && d->introduced ? "T" : "F", 2);
	return 0;
}

static int op_get_domain_path(struct xs_conn *c, struct xs_view *v, const struct xsd_sockmsg *h,
			      char *p, uint32_t len)
{
	char buf[40] = "/local/domain/";
	uint32_t domid, l;

	if (domid_arg(p, len, &domid))
		return -EINVAL;
	l = 14 + (uint32_t)xs_fmt_u64(buf + 14, domid) + 1;
	xs_reply(c, h, XS_GET_DOMAIN_PATH, buf, l);
	return 0;
}

static int op_resume(struct xs_conn *c, struct xs_view *v, const struct xsd_sockmsg *h, char *p,
		     uint32_t len)
{
	struct xs_dom *d;
	uint32_t domid;

	if (!c->priv)
		return -EACCES;
	if (domid_arg(p, len, &domid))
		return -EINVAL;
	d = xs_dom_get(c->s, domid, false);
	if (!d || !d->introduced)
		return -ENOENT;
	ack(c, h);
	return 0;
}

static int op_set_target(struct xs_conn *c, struct xs_view *v, const struct xsd_sockmsg *h, char *p,
			 uint32_t len)
{
	const char *vec[2];
	uint32_t domid, target;
	struct xs_dom *d;

	if (!c->priv)
		return -EACCES;
	if (split(p, len, vec, 2) != 2 || parse_domid(vec[0], &domid) ||
	    parse_domid(vec[1], &target))
		return -EINVAL;
	d = xs_dom_get(c->s, domid, false);
	if (!d || !d->introduced)
		return -ENOENT;
	d->has_target = true;
	d->target = target;
	ack(c, h);
	return 0;
}

/* ---- dispatch ---- */

static const struct {
	xs_handler *fn;
	bool in_tx; /* may carry a transaction id */
} xs_handlers[XS_TYPE_COUNT] = {
    [XS_DIRECTORY] = {op_directory, true},
    [XS_READ] = {op_read, true},
    [XS_GET_PERMS] = {op_get_perms, true},
    [XS_WATCH] = {op_watch, false},
    [XS_UNWATCH] = {op_unwatch, false},
    [XS_TRANSACTION_START] = {op_tx_start, true},
    [XS_TRANSACTION_END] = {op_tx_end, true},
    [XS_INTRODUCE] = {op_introduce, false},
    [XS_RELEASE] = {op_release, false},
    [XS_GET_DOMAIN_PATH] = {op_get_domain_path, false},
    [XS_WRITE] = {op_write, true},
    [XS_MKDIR] = {op_mkdir, true},
    [XS_RM] = {op_rm, true},
    [XS_SET_PERMS] = {op_set_perms, true},
    [XS_IS_DOMAIN_INTRODUCED] = {op_is_introduced, false},
    [XS_RESUME] = {op_resume, false},
    [XS_SET_TARGET] = {op_set_target, false},
    [XS_RESET_WATCHES] = {op_reset_watches, false},
    [XS_DIRECTORY_PART] = {op_directory_part, true},
};

void xs_process(struct xs_conn *c, const struct xsd_sockmsg *h, const uint8_t *payload,
		uint32_t len)
{
	struct xs_view v = {c->s, NULL};
	char *p = (char *)payload;
	int rc;

	c->s->st.requests++;
	p[len] = '\0'; /* in_buf has room; handlers still check their own NULs */
	/* Unknown or client-illegal types (XS_CONTROL, XS_WATCH_EVENT, XS_ERROR): ENOSYS, as Xen.
	 */
	if (h->type >= XS_TYPE_COUNT || !xs_handlers[h->type].fn) {
		rc = -ENOSYS;
		goto out;
	}
	if (h->tx_id && h->type != XS_TRANSACTION_START) {
		if (!xs_handlers[h->type].in_tx) {
			rc = -EINVAL;
			goto out;
		}
		v.tx = find_tx(c, h->tx_id);
		if (!v.tx) {
			rc = -ENOENT;
			goto out;
		}
	}
	/* Events this request queues on privileged connections count against its domain. */
	c->s->cur_src = c->priv ? NULL : c->dom;
	rc = xs_handlers[h->type].fn(c, &v, h, p, len);
	c->s->cur_src = NULL;
out:
	if (rc)
		xs_reply_error(c, h, -rc);
}

int xs_tool_write(struct xs_conn *c, const char *path, const void *value, uint32_t vlen,
		  const struct xs_perm *perms, uint32_t nperms)
{
	struct xs_view v = {c->s, NULL};
	int rc;

	if (path[0] != '/' || strlen(path) > XENSTORE_ABS_PATH_MAX)
		return -EINVAL;
	{
		char buf[XS_PATH_BUF];

		if (canon(c, path, buf, false, NULL))
			return -EINVAL;
	}
	rc = do_write(c, &v, path, value, vlen);
	if (!rc && nperms)
		rc = set_perms(c, &v, path, perms, nperms);
	if (!rc)
		fire_change(c, &v, path);
	return rc;
}

int xs_store_write(struct xs_store *s, const char *path, const void *value, uint32_t vlen,
		   const char *perms, uint32_t nperms)
{
	struct xs_perm pm[16];

	if (nperms > 16)
		return -E2BIG;
	for (uint32_t i = 0; i < nperms; i++, perms += strlen(perms) + 1)
		if (parse_perm(perms, &pm[i]))
			return -EINVAL;
	return xs_tool_write(s->tool, path, value, vlen, pm, nperms);
}
