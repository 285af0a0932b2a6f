/* SPDX-License-Identifier: GPL-2.0-or-later */
/* purple-http.c: HTTP for file transfers (libsoup), as the account's connection would go:
 * through purple's proxy for the account, trusting what the stream trusts (the system's
 * anchors and the account's CA file; a pinned certificate is the stream's alone). */
#pragma once

#include <libsoup/soup.h>
#include <purple.h>

G_BEGIN_DECLS

/* A session for the account's transfers (unref it when done). */
SoupSession *xmpp_purple_http_session(PurpleAccount *account);
/* A request to url (NULL when url is not one), trusting the account's anchors. The account
 * must outlive the request. */
SoupMessage *xmpp_purple_http_message(PurpleAccount *account, const char *method, const char *url);

/* What every transfer shares: the window told of its progress (done bytes) at most every
 * 100 ms, told: when it last was (the transfer's own clock, start at 0). */
void xmpp_purple_xfer_progress(PurpleXfer *xfer, goffset done, gint64 *told);
/* The file it receives into, written as <path>.part and moved to
 * path once whole (commit); freed before, the part is deleted and path keeps what it had. */
typedef struct _XmppPurpleIncoming XmppPurpleIncoming;
XmppPurpleIncoming *xmpp_purple_incoming_new(const char *path, GError **error);
gboolean xmpp_purple_incoming_write(XmppPurpleIncoming *in, const void *bytes, gsize len,
                                    GError **error);
gboolean xmpp_purple_incoming_commit(XmppPurpleIncoming *in, GError **error);
void xmpp_purple_incoming_free(XmppPurpleIncoming *in);

G_END_DECLS
