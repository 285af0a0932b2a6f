/* SPDX-License-Identifier: GPL-2.0-or-later */
/* XmppSearch: XEP-0055 user search. */
#pragma once

#include "services/disco.h"
#include "services/xdata.h"
#include "services/namespaces.h"

G_BEGIN_DECLS

#define XMPP_SEARCH_MAX_PROBES 20 /* server items asked for disco#info when looking for a JUD */

/* The search form (legacy fields or a data form, as one form), or NULL with error. */
XmppXdataForm *xmpp_search_parse_form(const XmppNode *iq, GError **error);
/* The results as a form of type result: reported columns and items. Legacy <item jid=...>
 * rows (XEP-0055 §2) get the columns jid, first, last, nick, email. NULL with error. */
XmppXdataForm *xmpp_search_parse_results(const XmppNode *iq, GError **error);
XmppNode *xmpp_search_build_get(const char *to);
XmppNode *xmpp_search_build_submit(const char *to, const XmppXdataForm *form);
/* Does a disco#info reply show a user directory (identity directory/user)? */
gboolean xmpp_search_info_is_directory(const XmppNode *iq);

typedef struct _XmppSearch XmppSearch;

typedef void (*XmppSearchFormCallback)(const XmppXdataForm *form, const GError *error,
                                       gpointer user_data);
/* jid NULL: no directory found. */
typedef void (*XmppSearchDiscoverCallback)(const char *jid, gpointer user_data);

XmppSearch *xmpp_search_new(XmppRouter *router, const XmppHost *host, XmppDisco *disco);
void xmpp_search_free(XmppSearch *search);

/* Looks for a JUD among our server's disco#items. The callback runs exactly once. */
void xmpp_search_discover(XmppSearch *search, XmppSearchDiscoverCallback cb, gpointer user_data,
                          GDestroyNotify destroy);
void xmpp_search_fetch_form(XmppSearch *search, const char *to, XmppSearchFormCallback cb,
                            gpointer user_data, GDestroyNotify destroy);
/* The results arrive as a form of type result. */
void xmpp_search_submit(XmppSearch *search, const char *to, const XmppXdataForm *form,
                        XmppSearchFormCallback cb, gpointer user_data, GDestroyNotify destroy);

G_END_DECLS
