/* SPDX-License-Identifier: GPL-2.0-or-later */
/* XmppSm: the XEP-0198 stream management state of one session, as a pure model: the counts of
 * stanzas handled in both directions (modulo 2^32), the stanzas sent and not yet acknowledged
 * (what a resume re-sends), and the resumption id. The session decides when to send <enable/>,
 * <r/>, <a/> and <resume/>; this file only keeps the books and checks what the server says. */
#pragma once

#include "xml/node.h"

G_BEGIN_DECLS

/* Unacknowledged stanzas kept at most: a server that never acknowledges cannot make us keep
 * everything we send (the session treats more as a broken server). */
#define XMPP_SM_MAX_UNACKED 5000
/* Flow control: at most this many stanzas in flight (sent, not yet acknowledged); more wait in
 * the session, in order, until acknowledgements come, so that a burst (many lines pasted, a
 * bot) never outruns the server nor ends the session. At most XMPP_SM_MAX_WAITING wait; a
 * message beyond that is reported not sent (catalogue T71). */
#define XMPP_SM_WINDOW      500
#define XMPP_SM_MAX_WAITING 50000

#define XMPP_SM_ERROR (xmpp_sm_error_quark())
GQuark xmpp_sm_error_quark(void);
typedef enum {
  XMPP_SM_ERROR_HANDLED_COUNT_TOO_HIGH, /* h acknowledges stanzas we never sent (or goes back) */
  XMPP_SM_ERROR_TOO_MANY_UNACKED,       /* XMPP_SM_MAX_UNACKED sent and not acknowledged */
} XmppSmError;

typedef struct _XmppSm XmppSm;

XmppSm *xmpp_sm_new(void);
void xmpp_sm_free(XmppSm *sm);

/* Stream management is off again (not offered, refused, or a new session): counts and queue
 * cleared. */
void xmpp_sm_reset(XmppSm *sm);
/* We sent <enable/>: our outbound count starts at 0 (XEP-0198 §4). */
void xmpp_sm_enable_sent(XmppSm *sm);
/* The server's <enabled/>: the inbound count starts at 0. id: the resumption id when the
 * server allows resumption (NULL otherwise); max_s: how long it keeps the session (0: its
 * default, unknown). */
void xmpp_sm_enabled(XmppSm *sm, const char *id, guint max_s);

/* Outbound counting is on (from <enable/> until a reset). */
gboolean xmpp_sm_is_counting(const XmppSm *sm);
/* The server confirmed with <enabled/> (inbound counting on). */
gboolean xmpp_sm_is_enabled(const XmppSm *sm);
/* The resumption id, or NULL when the session cannot be resumed. */
const char *xmpp_sm_get_resume_id(const XmppSm *sm);
guint xmpp_sm_get_max(const XmppSm *sm);

/* A stanza (message, presence or iq) was sent, or queued while the link is down: counted and
 * a copy kept until acknowledged. FALSE with TOO_MANY_UNACKED when the queue is full (it is
 * still counted and kept). */
gboolean xmpp_sm_sent(XmppSm *sm, const XmppNode *stanza, GError **error);
/* The same, keeping the stanza itself (transfer full, also on FALSE): for one the caller
 * would free right after sending, which saves a copy. */
gboolean xmpp_sm_sent_take(XmppSm *sm, XmppNode *stanza, GError **error);
/* An inbound stanza was handled. */
void xmpp_sm_handled(XmppSm *sm);
/* How many inbound stanzas were handled (the h of our <a/> and <resume/>). */
guint32 xmpp_sm_get_handled(const XmppSm *sm);
/* How many stanzas were sent since <enable/> (modulo 2^32). */
guint32 xmpp_sm_get_sent(const XmppSm *sm);

/* The server's h (from <a/>, <resumed/> or <failed/>): the stanzas it counts are dropped from
 * the queue. An h beyond what we sent, or behind what it acknowledged before, is the server's
 * error: FALSE with HANDLED_COUNT_TOO_HIGH and nothing changes. */
gboolean xmpp_sm_ack(XmppSm *sm, guint32 h, GError **error);
guint xmpp_sm_n_unacked(const XmppSm *sm);
/* The unacknowledged stanzas, oldest first (borrowed; valid until the next call that changes
 * the queue). */
const XmppNode *xmpp_sm_peek_unacked(const XmppSm *sm, guint index);
/* Takes the unacknowledged stanzas (XmppNode*, owned by the array), oldest first; the queue is
 * empty afterwards (the counts stay). */
GPtrArray *xmpp_sm_take_unacked(XmppSm *sm);

/* Tests only: the counts as if `start` stanzas had passed both ways (wrap-around tests). */
void xmpp_sm_set_counts_for_tests(XmppSm *sm, guint32 start);

/* Parses the h attribute of <a/>, <resumed/> or <failed/>: an unsigned 32-bit decimal. */
gboolean xmpp_sm_parse_h(const XmppNode *element, guint32 *h);

G_END_DECLS
