/* SPDX-License-Identifier: GPL-2.0-or-later */
/* purple-errors.c's words for requests that failed: stanza errors (RFC 6120 §8.3) and requests
 * that got no answer (XMPP_IQ_ERROR). Every glue file that tells the user a request failed
 * gets its text here, never from a GError's message. (Connection errors: purple-glue.h,
 * xmpp_purple_error_from_gerror.) */
#pragma once

#include <glib.h>

#include "router/stanza-error.h"

G_BEGIN_DECLS

/* What failed, where a condition means something more precise than in general. */
typedef enum {
  XMPP_PURPLE_ERROR_REQUEST,      /* a request to our server or a contact (the general case) */
  XMPP_PURPLE_ERROR_MESSAGE,      /* a message we sent bounced (RFC 6121 §8.5) */
  XMPP_PURPLE_ERROR_REGISTRATION, /* creating an account (XEP-0077 §3.1: conflict = name taken) */
} XmppPurpleErrorContext;

/* A received stanza error in words: the condition translated, then the server's own text
 * (sanitised: xmpp_purple_error_sanitize), then "Try again later." when its type is wait.
 * Plain text (escape it for purple markup). Never NULL; free with g_free. */
char *xmpp_purple_stanza_error_info_text(const XmppStanzaErrorInfo *info,
                                         XmppPurpleErrorContext context);
/* Any error a request can end with: a stanza error (with its info: as above; without, one the
 * core made about an answer it could not use), no answer (XMPP_IQ_ERROR: timeout, connection
 * closed, too many requests, no random numbers), or another domain (as the connection errors
 * say it). NULL gives "Unknown error". Never NULL; free with g_free. */
char *xmpp_purple_stanza_error_text(const GError *error, XmppPurpleErrorContext context);

G_END_DECLS
