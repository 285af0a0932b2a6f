/* SPDX-License-Identifier: GPL-2.0-or-later */
/* XmppPresence internals shared by presence.c (contacts, the object) and presence-own.c. */
#pragma once

#include "im/presence.h"
#include "im/namespaces.h"

G_BEGIN_DECLS

struct _XmppPresence {
  XmppRouter *router;
  const XmppHost *host;
  XmppRoster *roster;
  XmppPresenceEvents events;
  gpointer events_data;
  char *lang;
  guint handler;
  GHashTable *contacts;   /* bare -> XmppPresenceContact* */
  GHashTable *pending_in; /* bare -> message (subscription requests waiting for the user) */
  GHashTable *approved;   /* bare -> NULL: pre-approved or approved this session */
  guint64 serial;
  gboolean pre_approval;
  XmppInvisibleMechanism mechanism;
  gboolean discovering;
  gboolean server_invisible; /* the server hides us (XEP-0186 or the privacy list active) */
  gboolean privacy_list_set;
  gboolean have_own;
  XmppOwnPresence own;              /* last own presence sent; own.status owned */
  XmppNode *(*extension)(gpointer); /* xmpp_presence_set_own_extension */
  gpointer extension_data;
  struct {
    XmppNode *(*build)(gpointer);
    gpointer data;
  } extras[XMPP_PRESENCE_MAX_OWN_EXTENSIONS]; /* xmpp_presence_add_own_extension; build NULL: free
                                               */
};

G_END_DECLS
