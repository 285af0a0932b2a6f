/* SPDX-License-Identifier: GPL-2.0-or-later */
/* XmppDedup: the messages seen lately, so that one message reaching us on two paths (the live
 * stream, a carbon, offline storage, a resumed stream, the archive) is shown and logged once.
 * A message is known by every key it has: its archive id (a trusted XEP-0359 stanza-id or a
 * XEP-0313 result id), else its sender's origin-id, else its id, each with the counterpart
 * (and for a bare id, the body too: old clients reuse ids). Bounded by count, oldest forgotten
 * first. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define XMPP_DEDUP_MAX_KEYS 4096

typedef struct _XmppDedup XmppDedup;

XmppDedup *xmpp_dedup_new(guint max_keys);
void xmpp_dedup_free(XmppDedup *dedup);

/* One message as the dedup sees it; every field may be NULL. */
typedef struct _XmppDedupMessage {
  const char *stanza_id;   /* our archive's id for it (trusted only) */
  const char *origin_id;   /* the sender's XEP-0359 origin-id */
  const char *id;          /* the stanza's id */
  const char *counterpart; /* the other party's bare JID (sender, or recipient of ours) */
  const char *body;        /* the text, for bare-id keys */
} XmppDedupMessage;

/* TRUE when one of the message's keys was seen (the message is a duplicate); otherwise its
 * keys are remembered and FALSE is returned. A message with no key at all is never a
 * duplicate. */
gboolean xmpp_dedup_check(XmppDedup *dedup, const XmppDedupMessage *message);
guint xmpp_dedup_n_keys(const XmppDedup *dedup);

G_END_DECLS
