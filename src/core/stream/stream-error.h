/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Stream errors (RFC 6120 §4.9): conditions, parsing a received <stream:error/>, and the
 * element we send before closing a stream we refuse. */
#pragma once

#include "xml/node.h"

G_BEGIN_DECLS

#define XMPP_STREAM_ERROR (xmpp_stream_error_quark())
GQuark xmpp_stream_error_quark(void);

/* RFC 6120 §4.9.3, in the RFC's order. */
typedef enum {
  XMPP_STREAM_ERROR_BAD_FORMAT,
  XMPP_STREAM_ERROR_BAD_NAMESPACE_PREFIX,
  XMPP_STREAM_ERROR_CONFLICT,
  XMPP_STREAM_ERROR_CONNECTION_TIMEOUT,
  XMPP_STREAM_ERROR_HOST_GONE,
  XMPP_STREAM_ERROR_HOST_UNKNOWN,
  XMPP_STREAM_ERROR_IMPROPER_ADDRESSING,
  XMPP_STREAM_ERROR_INTERNAL_SERVER_ERROR,
  XMPP_STREAM_ERROR_INVALID_FROM,
  XMPP_STREAM_ERROR_INVALID_NAMESPACE,
  XMPP_STREAM_ERROR_INVALID_XML,
  XMPP_STREAM_ERROR_NOT_AUTHORIZED,
  XMPP_STREAM_ERROR_NOT_WELL_FORMED,
  XMPP_STREAM_ERROR_POLICY_VIOLATION,
  XMPP_STREAM_ERROR_REMOTE_CONNECTION_FAILED,
  XMPP_STREAM_ERROR_RESET,
  XMPP_STREAM_ERROR_RESOURCE_CONSTRAINT,
  XMPP_STREAM_ERROR_RESTRICTED_XML,
  XMPP_STREAM_ERROR_SEE_OTHER_HOST,
  XMPP_STREAM_ERROR_SYSTEM_SHUTDOWN,
  XMPP_STREAM_ERROR_UNDEFINED_CONDITION,
  XMPP_STREAM_ERROR_UNSUPPORTED_ENCODING,
  XMPP_STREAM_ERROR_UNSUPPORTED_FEATURE,
  XMPP_STREAM_ERROR_UNSUPPORTED_STANZA_TYPE,
  XMPP_STREAM_ERROR_UNSUPPORTED_VERSION,
} XmppStreamErrorCondition;

#define XMPP_STREAM_ERROR_MAX_TEXT 1024 /* bytes of <text/> kept (T12) */

typedef struct _XmppStreamErrorInfo {
  XmppStreamErrorCondition condition;
  char *text;           /* capped to XMPP_STREAM_ERROR_MAX_TEXT, valid UTF-8; NULL if none */
  char *see_other_host; /* the new host[:port] for SEE_OTHER_HOST; NULL otherwise */
} XmppStreamErrorInfo;

const char *xmpp_stream_error_condition_name(XmppStreamErrorCondition condition);
/* Unknown names give UNDEFINED_CONDITION. */
XmppStreamErrorCondition xmpp_stream_error_condition_from_name(const char *name);

/* Parses a received <stream:error/>. Never fails: junk gives UNDEFINED_CONDITION. */
XmppStreamErrorInfo *xmpp_stream_error_info_parse(const XmppNode *error);
void xmpp_stream_error_info_free(XmppStreamErrorInfo *info);
/* A GError in XMPP_STREAM_ERROR for the info ("condition: text"). */
GError *xmpp_stream_error_info_to_gerror(const XmppStreamErrorInfo *info);

/* The <stream:error><condition/></stream:error> element we send. */
XmppNode *xmpp_stream_error_new(XmppStreamErrorCondition condition);
/* The stream error condition for an XMPP_XML_ERROR code (parser failures). */
XmppStreamErrorCondition xmpp_stream_error_from_xml_error(int xml_error_code);

/* Splits "host", "host:port", "[v6]:port" (see-other-host). FALSE on junk. */
gboolean xmpp_stream_error_split_host(const char *value, char **host, guint *port);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(XmppStreamErrorInfo, xmpp_stream_error_info_free)

G_END_DECLS
