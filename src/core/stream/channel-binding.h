/* SPDX-License-Identifier: GPL-2.0-or-later */
/* TLS channel binding types (RFC 5929, RFC 9266): what the TLS layer can give and what SCRAM
 * -PLUS binds to. Owned by the TLS layer; SASL includes it, never the other way round. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum {
  XMPP_CB_NONE = 0,
  XMPP_CB_TLS_UNIQUE = 1 << 0,
  XMPP_CB_TLS_SERVER_END_POINT = 1 << 1,
  XMPP_CB_TLS_EXPORTER = 1 << 2,
} XmppChannelBinding;

/* The IANA name ("tls-unique", ...), or NULL for XMPP_CB_NONE or a combination of bits. */
static inline const char *
xmpp_channel_binding_name(XmppChannelBinding type)
{
  switch (type) {
    case XMPP_CB_TLS_UNIQUE:
      return "tls-unique"; /* RFC 5929 §3 */
    case XMPP_CB_TLS_SERVER_END_POINT:
      return "tls-server-end-point"; /* RFC 5929 §4 */
    case XMPP_CB_TLS_EXPORTER:
      return "tls-exporter"; /* RFC 9266 */
    case XMPP_CB_NONE:
    default:
      return NULL;
  }
}

G_END_DECLS
