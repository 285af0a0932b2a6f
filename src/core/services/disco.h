/* SPDX-License-Identifier: GPL-2.0-or-later */
/* XmppDisco: XEP-0030 service discovery: our identity and feature registry (every module adds
 * the namespaces it really handles), answering disco#info/items, and querying others. */
#pragma once

#include "router/router.h"
#include "services/namespaces.h"

G_BEGIN_DECLS

/* Our identity (XEP-0030 §3.1, registry "client/pc"). */
#define XMPP_DISCO_CATEGORY "client"
#define XMPP_DISCO_TYPE     "pc"
#define XMPP_DISCO_NAME     "Lyre"

/* Hard limits on a received disco#info answer (T47, T52): beyond them the answer is rejected
 * whole (a cut list would hash to something else anyway). */
#define XMPP_DISCO_MAX_IDENTITIES 64
#define XMPP_DISCO_MAX_FEATURES   1024
#define XMPP_DISCO_MAX_FORMS      16
#define XMPP_DISCO_MAX_STRING     1024 /* bytes of one feature, identity field or node */

typedef struct _XmppDiscoIdentity {
  char *category;
  char *type;
  char *lang; /* xml:lang, NULL when absent */
  char *name; /* NULL when absent */
} XmppDiscoIdentity;

/* A disco#info answer (pure model, XEP-0030 §3.1). */
typedef struct _XmppDiscoInfo {
  char *node;            /* the node attribute, NULL when absent */
  GPtrArray *identities; /* XmppDiscoIdentity*, owned */
  GPtrArray *features;   /* char*, owned, in received order */
  GPtrArray *forms;      /* XmppNode* copies of XEP-0128 jabber:x:data extensions (raw) */
} XmppDiscoInfo;

XmppDiscoInfo *xmpp_disco_info_new(void);
void xmpp_disco_info_free(XmppDiscoInfo *info);
XmppDiscoInfo *xmpp_disco_info_copy(const XmppDiscoInfo *info);
/* Parses <query xmlns='...disco#info'/> (pure). NULL with XMPP_STANZA_ERROR BAD_REQUEST when it
 * is not a disco#info query, an identity lacks category/type, or a limit is exceeded. */
XmppDiscoInfo *xmpp_disco_info_parse(const XmppNode *query, GError **error);
gboolean xmpp_disco_info_has_feature(const XmppDiscoInfo *info, const char *feature);
/* The <query/> element for info (identities and features in the order they are in info). */
XmppNode *xmpp_disco_info_build(const XmppDiscoInfo *info);
void xmpp_disco_info_add_identity(XmppDiscoInfo *info, const char *category, const char *type,
                                  const char *lang, const char *name);

typedef struct _XmppDisco XmppDisco;

/* info: the answer (borrowed for the call) or NULL with error set. */
typedef void (*XmppDiscoInfoCallback)(const XmppDiscoInfo *info, const GError *error,
                                      gpointer user_data);

XmppDisco *xmpp_disco_new(XmppRouter *router, const XmppHost *host);
void xmpp_disco_free(XmppDisco *disco);
/* Registers a feature we support (copied; duplicates ignored). Modules call this at creation. */
void xmpp_disco_add_feature(XmppDisco *disco, const char *feature);
gboolean xmpp_disco_has_feature(const XmppDisco *disco, const char *feature);
/* Our own disco#info (identity and features sorted), transfer full. */
XmppDiscoInfo *xmpp_disco_dup_own_info(const XmppDisco *disco);
/* Grows each time the feature list changes (caps recomputes its hash then). */
guint xmpp_disco_get_generation(const XmppDisco *disco);
/* The node#ver of our caps (XEP-0115 §6.2): disco#info to it gets our answer too (copied). */
void xmpp_disco_set_caps_node(XmppDisco *disco, const char *node);

/* Asks jid (full, bare or domain) for its disco#info, at node (NULL: none). */
void xmpp_disco_query_info(XmppDisco *disco, const char *jid, const char *node,
                           XmppDiscoInfoCallback cb, gpointer user_data, GDestroyNotify destroy);

/* Queries our server (domain) and our account (bare JID) once READY. watch runs when both
 * answers (or errors) are in. */
void xmpp_disco_discover(XmppDisco *disco);
void xmpp_disco_set_watch(XmppDisco *disco, void (*discovered)(gpointer data), gpointer data);
/* What the server (our domain) and our account (PEP: XEP-0163 §4) offer; FALSE until known. */
gboolean xmpp_disco_server_has(const XmppDisco *disco, const char *feature);
gboolean xmpp_disco_account_has(const XmppDisco *disco, const char *feature);
const XmppDiscoInfo *xmpp_disco_get_server_info(const XmppDisco *disco);
const XmppDiscoInfo *xmpp_disco_get_account_info(const XmppDisco *disco);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(XmppDiscoInfo, xmpp_disco_info_free)

G_END_DECLS
