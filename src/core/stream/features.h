/* SPDX-License-Identifier: GPL-2.0-or-later */
/* XmppStreamFeatures: the model of a <stream:features/> element (RFC 6120 §4.3.2). */
#pragma once

#include "xml/node.h"

G_BEGIN_DECLS

#define XMPP_FEATURES_MAX_MECHANISMS 32 /* more are ignored */

typedef struct _XmppStreamFeatures {
  gboolean starttls;
  gboolean starttls_required;
  char **mechanisms; /* NULL-terminated, never NULL (maybe empty); names upper-case checked */
  guint cb_types;    /* XmppChannelBinding bits advertised (XEP-0440) */
  gboolean bind;
  gboolean session;          /* RFC 3921 session establishment offered... */
  gboolean session_optional; /* ...and marked <optional/> (RFC 6121 errata / draft) */
  gboolean legacy_auth;      /* XEP-0078 <auth xmlns='http://jabber.org/features/iq-auth'/> */
  gboolean sm;               /* XEP-0198 urn:xmpp:sm:3 */
  gboolean csi;              /* XEP-0352 */
  gboolean roster_ver;       /* RFC 6121 §2.6 */
  gboolean pre_approval;     /* RFC 6121 §3.4 */
  gboolean register_;        /* XEP-0077 in-band registration */
} XmppStreamFeatures;

/* Never fails: unknown children are ignored, bad mechanism names dropped. */
XmppStreamFeatures *xmpp_stream_features_parse(const XmppNode *features);
void xmpp_stream_features_free(XmppStreamFeatures *features);
gboolean xmpp_stream_features_has_mechanism(const XmppStreamFeatures *features, const char *name);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(XmppStreamFeatures, xmpp_stream_features_free)

G_END_DECLS
