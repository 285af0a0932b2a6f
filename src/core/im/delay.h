/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Delayed delivery: XEP-0203 <delay/> and legacy XEP-0091 jabber:x:delay, strict timestamps. */
#pragma once

#include "xml/node.h"
#include "im/namespaces.h"

G_BEGIN_DECLS

/* Clamping window (T49): a stamp is kept within [1970-01-01T00:00:00Z, now + this]. The slack
 * absorbs clock skew between the sender and us. */
#define XMPP_DELAY_MAX_FUTURE_S (24 * 3600)

typedef struct _XmppDelay {
  gint64 stamp;    /* seconds since the Unix epoch (UTC), already clamped */
  gboolean legacy; /* from XEP-0091 */
  char *from;      /* who delayed it (may be NULL) */
  char *reason;    /* the element's text (may be NULL) */
} XmppDelay;

/* XEP-0082 DateTime: CCYY-MM-DDThh:mm:ss[.sss](Z|(+|-)hh:mm), strictly: xmpp_datetime_parse()
 * (xml/datetime.h says what it refuses). The result is not clamped. */
gboolean xmpp_delay_parse_stamp(const char *stamp, gint64 *unix_s);
/* XEP-0091 legacy format CCYYMMDDThh:mm:ss (UTC), strictly: xmpp_datetime_parse_legacy().
 * Not clamped. */
gboolean xmpp_delay_parse_legacy_stamp(const char *stamp, gint64 *unix_s);
/* Keeps stamp within [0, now_s + XMPP_DELAY_MAX_FUTURE_S]. */
gint64 xmpp_delay_clamp(gint64 stamp, gint64 now_s);

/* The delay of a message or presence: XEP-0203 wins over XEP-0091 when both are present
 * (XEP-0091 §1 says so). NULL when there is none or its stamp is invalid. */
XmppDelay *xmpp_delay_parse(const XmppNode *stanza, gint64 now_s);
void xmpp_delay_free(XmppDelay *delay);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(XmppDelay, xmpp_delay_free)

G_END_DECLS
