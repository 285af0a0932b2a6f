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

/* RFC 6120 §8.3.2: what the sender should do about it. */
typedef enum {
  XMPP_STANZA_ERROR_TYPE_CANCEL,   /* do not retry: the error cannot be remedied */
  XMPP_STANZA_ERROR_TYPE_CONTINUE, /* proceed: only a warning */
  XMPP_STANZA_ERROR_TYPE_MODIFY,   /* retry after changing the data sent */
  XMPP_STANZA_ERROR_TYPE_AUTH,     /* retry after providing credentials */
  XMPP_STANZA_ERROR_TYPE_WAIT,     /* retry after waiting: a temporary error */
} XmppStanzaErrorType;

#define XMPP_STANZA_ERROR_MAX_TEXT     1024 /* bytes of <text> kept from a received error */
#define XMPP_STANZA_ERROR_MAX_APP_NAME 512  /* longer application condition names are dropped */

/* A received stanza error, parsed once (by the router for IQ replies, by the message and
 * presence modules for theirs). Everything in it came from the network: the strings are valid
 * UTF-8 and capped, but only the glue decides how to show them (purple-errors.c). */
typedef struct _XmppStanzaErrorInfo {
  XmppStanzaErrorCondition condition; /* UNDEFINED_CONDITION when none or unknown */
  XmppStanzaErrorType type;           /* the type attribute; the condition's default when it is
                                         absent or unknown */
  char *text;     /* the first <text/>: capped to XMPP_STANZA_ERROR_MAX_TEXT at a character
                     boundary, valid UTF-8, surrounding blanks removed; NULL when none or empty */
  char *by;       /* the 'by' attribute (RFC 6120 §8.3.2), normalised; NULL when absent or not
                     a valid JID */
  char *app_ns;   /* the application-specific condition (§8.3.4): the first child element of */
  char *app_name; /* <error/> in another namespace; both NULL when there is none */
} XmppStanzaErrorInfo;

const char *xmpp_stanza_error_condition_name(XmppStanzaErrorCondition condition);
/* Unknown names give UNDEFINED_CONDITION. */
XmppStanzaErrorCondition xmpp_stanza_error_condition_from_name(const char *name);
/* The default error type of a condition (RFC 6120 §8.3.3): "cancel", "modify", "auth", "wait". */
const char *xmpp_stanza_error_default_type(XmppStanzaErrorCondition condition);
/* "cancel", "continue", "modify", "auth", "wait". */
const char *xmpp_stanza_error_type_name(XmppStanzaErrorType type);
/* FALSE (and *type untouched) for NULL or an unknown name. */
gboolean xmpp_stanza_error_type_from_name(const char *name, XmppStanzaErrorType *type);

/* The <error/> of a stanza of type error (message, presence or IQ). Never fails: a stanza
 * without one, or with junk in it, gives UNDEFINED_CONDITION and no text. */
XmppStanzaErrorInfo *xmpp_stanza_error_info_parse(const XmppNode *stanza);
XmppStanzaErrorInfo *xmpp_stanza_error_info_copy(const XmppStanzaErrorInfo *info);
void xmpp_stanza_error_info_free(XmppStanzaErrorInfo *info);

/* Stanza errors travel as GErrors (every callback of the core takes one), and XMPP_STANZA_ERROR
 * is an extended GError domain: a GError made from a received error carries its
 * XmppStanzaErrorInfo, copied with the GError and freed with it.
 *
 * A GError in XMPP_STANZA_ERROR for info: code = condition, message "condition (text)" for
 * logs; it carries a copy of info. */
GError *xmpp_stanza_error_info_to_gerror(const XmppStanzaErrorInfo *info);
/* The info a GError carries (borrowed, lives as long as the GError). NULL when error is NULL,
 * in another domain, or an XMPP_STANZA_ERROR the core made itself about an answer it could not
 * use (a malformed result, a vCard too large...): no stanza error came. */
const XmppStanzaErrorInfo *xmpp_stanza_error_info_from_gerror(const GError *error);
/* The GError of an error stanza: xmpp_stanza_error_info_to_gerror(parse(stanza)). */
GError *xmpp_stanza_error_from_stanza(const XmppStanza *stanza);
/* The error reply to a received stanza: swaps to/from, keeps the id, adds the error element.
 * The original payload is NOT echoed back (RFC 6120 §8.3.1 allows it; we never do, T54). */
XmppNode *xmpp_stanza_error_new_reply(const XmppStanza *stanza, XmppStanzaErrorCondition condition);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(XmppStanzaErrorInfo, xmpp_stanza_error_info_free)

G_END_DECLS
