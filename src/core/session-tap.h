/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What an XML console needs from the core: a tap that sees every element the session receives
 * and sends, with secrets taken out first (passwords, SASL payloads); the tap's text, indented;
 * and what the user types, checked before it may be sent.
 *
 * The tap only ever sees redacted copies: a glue that shows them cannot leak what this file
 * knows to be secret (xmpp_tap_redact says what that is). Raw XML typed by the user goes out
 * with xmpp_session_send() once xmpp_tap_parse_input() accepted it. */
#pragma once

#include "session.h"

G_BEGIN_DECLS

typedef enum {
  XMPP_TAP_IN,  /* received from the server */
  XMPP_TAP_OUT, /* written to the server */
} XmppTapDirection;

/* element: a redacted copy (borrowed for the call) of a depth-1 element: stanzas, and the
 * sign-in's and stream management's elements too; stream headers are not elements and are not
 * shown. Runs inside the session's calls: it must not call the session, except to set the tap
 * (to NULL: no more calls after this one). */
typedef void (*XmppSessionTap)(gpointer data, XmppTapDirection direction, const XmppNode *element);

/* Starts (tap non-NULL) or stops (NULL) the session's tap. One at a time: a new one replaces
 * the old. Costs nothing while there is none. */
void xmpp_session_set_tap(XmppSession *session, XmppSessionTap tap, gpointer data);

/* What replaces a secret's text. */
#define XMPP_TAP_HIDDEN "[hidden]"

/* A copy of element with every secret's text replaced by XMPP_TAP_HIDDEN (an empty one stays
 * empty): SASL <auth/>, <response/>, <challenge/>, <success/> (and SASL2's payloads); XEP-0077
 * and XEP-0078 passwords (a password change too); MUC room passwords; the values of XEP-0004
 * fields that are text-private or whose var names a password or secret; XEP-0363 upload
 * headers that authorise; XEP-0484 tokens. Pure. */
XmppNode *xmpp_tap_redact(const XmppNode *element);

/* element (an element, not text) as indented XML, one element a line, two spaces a level; an
 * element without child elements stays on one line with its text. Namespaces as on the wire
 * inside a jabber:client stream. No trailing newline. Pure. */
char *xmpp_tap_format(const XmppNode *element);

/* At most this many stanzas in one input. */
#define XMPP_TAP_MAX_INPUT_STANZAS 16

typedef enum {
  XMPP_TAP_INPUT_OK,
  XMPP_TAP_INPUT_EMPTY,           /* nothing but whitespace */
  XMPP_TAP_INPUT_NOT_WELL_FORMED, /* *detail: what is wrong (the parser's words) */
  XMPP_TAP_INPUT_NOT_A_STANZA,    /* *detail: the element's name; only message, presence and
                                   * iq of jabber:client may be sent (never <stream:stream/>,
                                   * SASL or stream management: the session owns those) */
  XMPP_TAP_INPUT_TOO_MANY,        /* more than XMPP_TAP_MAX_INPUT_STANZAS */
} XmppTapInput;

/* Parses what the user typed: one or more stanzas, as they would be written inside a
 * jabber:client stream (no xmlns needed on them), with only whitespace around and between
 * them. OK: *stanzas holds them (XmppNode*, owned by the array); anything else: *stanzas is
 * NULL and *detail (may be NULL; free it) says why, for the user. Checked with the core's own
 * parser and its limits; never sends anything. */
XmppTapInput xmpp_tap_parse_input(const char *text, GPtrArray **stanzas, char **detail);

G_END_DECLS
