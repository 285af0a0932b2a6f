/* SPDX-License-Identifier: GPL-2.0-or-later */
/* libFuzzer target for XmppJid (T62): parse -> serialise -> parse must be idempotent, and the
 * ASCII fast path must agree with the general path (jid-private.h). */
#include "jid/jid-private.h"
#include "jid/jid.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const guint8 *data, size_t size);

static void
check_same(const XmppJid *a, const XmppJid *b)
{
  if (!b || !xmpp_jid_equal(a, b, XMPP_JID_MATCH_FULL) ||
      !xmpp_jid_equal(a, b, XMPP_JID_MATCH_BARE) ||
      strcmp(xmpp_jid_get_full(a), xmpp_jid_get_full(b)) != 0 ||
      strcmp(xmpp_jid_get_bare(a), xmpp_jid_get_bare(b)) != 0 ||
      g_strcmp0(xmpp_jid_get_local(a), xmpp_jid_get_local(b)) != 0 ||
      strcmp(xmpp_jid_get_domain(a), xmpp_jid_get_domain(b)) != 0 ||
      g_strcmp0(xmpp_jid_get_resource(a), xmpp_jid_get_resource(b)) != 0 ||
      xmpp_jid_hash(a) != xmpp_jid_hash(b))
    abort();
}

int
LLVMFuzzerTestOneInput(const guint8 *data, size_t size)
{
  char *str = g_strndup((const char *)data, size); /* stops at an embedded NUL */
  GError *error = NULL;
  XmppJid *a = xmpp_jid_parse(str, &error);
  GError *slow_error = NULL;
  XmppJid *slow = xmpp_jid_parse_slow(str, &slow_error);

  /* same result or the same error code on both paths */
  if ((a == NULL) != (slow == NULL) ||
      (a && strcmp(xmpp_jid_get_full(a), xmpp_jid_get_full(slow))) ||
      (!a && (!error || !slow_error || error->code != slow_error->code)))
    abort();
  if (slow)
    check_same(a, slow);
  xmpp_jid_free(slow);
  g_clear_error(&slow_error);
  if (!a) {
    /* every rejection says why, in the JID domain */
    if (!error || error->domain != XMPP_JID_ERROR || xmpp_jid_normalize(str) != NULL)
      abort();
    g_error_free(error);
  } else {
    char *norm = xmpp_jid_normalize(str);
    XmppJid *b = xmpp_jid_parse(xmpp_jid_get_full(a), NULL);
    XmppJid *c =
        xmpp_jid_new(xmpp_jid_get_local(a), xmpp_jid_get_domain(a), xmpp_jid_get_resource(a), NULL);
    XmppJid *bare = xmpp_jid_parse(xmpp_jid_get_bare(a), NULL);
    XmppJid *dup_bare = xmpp_jid_dup_bare(a);

    if (error || g_strcmp0(norm, xmpp_jid_get_full(a)) != 0 ||
        strlen(xmpp_jid_get_domain(a)) > XMPP_JID_MAX_PART_BYTES ||
        (xmpp_jid_get_local(a) && strlen(xmpp_jid_get_local(a)) > XMPP_JID_MAX_PART_BYTES) ||
        (xmpp_jid_get_resource(a) && strlen(xmpp_jid_get_resource(a)) > XMPP_JID_MAX_PART_BYTES))
      abort();
    check_same(a, b);
    check_same(a, c);
    check_same(dup_bare, bare);
    if (!xmpp_jid_equal(a, bare, XMPP_JID_MATCH_BARE))
      abort();
    g_free(norm);
    xmpp_jid_free(b);
    xmpp_jid_free(c);
    xmpp_jid_free(bare);
    xmpp_jid_free(dup_bare);
    xmpp_jid_free(a);
  }
  g_free(str);
  return 0;
}
