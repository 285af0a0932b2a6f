/* SPDX-License-Identifier: GPL-2.0-or-later */
/* XmppMam: catching up from our own message archive (XEP-0313, urn:xmpp:mam:2, paged with
 * XEP-0059 RSM): what arrived or was sent while this client was away, oldest first, into the
 * conversations through the messages module (shown once: im/dedup.c). A <result/> counts only
 * from our own archive (no from, or our bare JID exactly) in answer to the query id of our own
 * query in progress (catalogue T40). */
#pragma once

#include "im/message.h"
#include "services/namespaces.h"

G_BEGIN_DECLS

#define XMPP_MAM_PAGE_SIZE 100 /* messages asked for per page */
/* A catch-up after the archive id we kept stops after this many, wherever it is (the rest
 * comes at the next one, which starts where this one stopped). */
#define XMPP_MAM_MAX_MESSAGES 20000
/* First use (no archive id kept yet): only this far back and at most this many, never the
 * whole archive. */
#define XMPP_MAM_FIRST_WINDOW_S     (2 * 24 * 3600)
#define XMPP_MAM_FIRST_MAX_MESSAGES 2000

typedef struct _XmppMamEvents {
  /* A page was applied and the next is asked for: fetched so far (a long catch-up). Optional. */
  void (*progress)(gpointer data, guint fetched);
  /* The catch-up ended: complete when the archive had nothing more, else it stopped at the
   * limit or on error (error set: the server refused, timed out, or the session ended).
   * last_id: the newest archive id applied (keep it for the next catch-up), or NULL. */
  void (*done)(gpointer data, guint fetched, gboolean complete, const char *last_id,
               const GError *error);
} XmppMamEvents;

typedef struct _XmppMam XmppMam;

XmppMam *xmpp_mam_new(XmppRouter *router, const XmppHost *host, XmppMessages *messages);
void xmpp_mam_free(XmppMam *mam);
void xmpp_mam_set_events(XmppMam *mam, const XmppMamEvents *events, gpointer data);

/* Starts a catch-up from our archive: everything after archive id after_id, or, without one,
 * since start_s (Unix seconds). At most max_messages (0: XMPP_MAM_MAX_MESSAGES). FALSE when one
 * is already running or we are not bound. If the archive no longer has after_id, the catch-up
 * starts over from start_s. */
gboolean xmpp_mam_catch_up(XmppMam *mam, const char *after_id, gint64 start_s, guint max_messages);
gboolean xmpp_mam_is_running(const XmppMam *mam);

/* Pure, for tests: the query IQ (set, to our own archive) for one page. */
XmppNode *xmpp_mam_build_query(const char *queryid, const char *after_id, gint64 start_s,
                               guint max);

G_END_DECLS
