/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Stanza errors (RFC 6120 §8.3): conditions, parsing received errors, building error replies. */
#pragma once

#include "router/stanza.h"

G_BEGIN_DECLS

#define XMPP_STANZA_ERROR (xmpp_stanza_error_quark())
GQuark xmpp_stanza_error_quark(void);

/* RFC 6120 §8.3.3, in the RFC's order. */
typedef enum {
  XMPP_STANZA_ERROR_BAD_REQUEST,
  XMPP_STANZA_ERROR_CONFLICT,
  XMPP_STANZA_ERROR_FEATURE_NOT_IMPLEMENTED,
  XMPP_STANZA_ERROR_FORBIDDEN,
  XMPP_STANZA_ERROR_GONE,
  XMPP_STANZA_ERROR_INTERNAL_SERVER_ERROR,
  XMPP_STANZA_ERROR_ITEM_NOT_FOUND,
  XMPP_STANZA_ERROR_JID_MALFORMED,
  XMPP_STANZA_ERROR_NOT_ACCEPTABLE,
  XMPP_STANZA_ERROR_NOT_ALLOWED,
  XMPP_STANZA_ERROR_NOT_AUTHORIZED,
  XMPP_STANZA_ERROR_POLICY_VIOLATION,
  XMPP_STANZA_ERROR_RECIPIENT_UNAVAILABLE,
  XMPP_STANZA_ERROR_REDIRECT,
  XMPP_STANZA_ERROR_REGISTRATION_REQUIRED,
  XMPP_STANZA_ERROR_REMOTE_SERVER_NOT_FOUND,
  XMPP_STANZA_ERROR_REMOTE_SERVER_TIMEOUT,
  XMPP_STANZA_ERROR_RESOURCE_CONSTRAINT,
  XMPP_STANZA_ERROR_SERVICE_UNAVAILABLE,
  XMPP_STANZA_ERROR_SUBSCRIPTION_REQUIRED,
  XMPP_STANZA_ERROR_UNDEFINED_CONDITION,
  XMPP_STANZA_ERROR_UNEXPECTED_REQUEST,
} XmppStanzaErrorCondition;

#define XMPP_STANZA_ERROR_MAX_TEXT 1024 /* bytes of <text> kept from a received error */

const char *xmpp_stanza_error_condition_name(XmppStanzaErrorCondition condition);
/* Unknown names give UNDEFINED_CONDITION. */
XmppStanzaErrorCondition xmpp_stanza_error_condition_from_name(const char *name);
/* The default error type of a condition (RFC 6120 §8.3.3): "cancel", "modify", "auth", "wait". */
const char *xmpp_stanza_error_default_type(XmppStanzaErrorCondition condition);

/* A GError (XMPP_STANZA_ERROR) from an error stanza: condition and text (capped). */
GError *xmpp_stanza_error_from_stanza(const XmppStanza *stanza);
/* The error reply to a received stanza: swaps to/from, keeps the id, adds the error element.
 * The original payload is NOT echoed back (RFC 6120 §8.3.1 allows it; we never do, T54). */
XmppNode *xmpp_stanza_error_new_reply(const XmppStanza *stanza, XmppStanzaErrorCondition condition);

G_END_DECLS
