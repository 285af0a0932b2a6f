/* SPDX-License-Identifier: GPL-2.0-or-later */
/* XmppClosure: a caller's callback, its user data and their destroy notify, carried through an
 * IQ round trip by a module that turns the raw reply into its own model first. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _XmppClosure {
  gpointer callback; /* the module casts it back to its own callback type */
  gpointer user_data;
  GDestroyNotify destroy;
} XmppClosure;

XmppClosure *xmpp_closure_new(gpointer callback, gpointer user_data, GDestroyNotify destroy);
/* Runs destroy on the user data. A GDestroyNotify, for xmpp_router_send_iq. */
void xmpp_closure_free(gpointer closure);
/* For a closure inside a module's own request record: sets it. */
void xmpp_closure_init(XmppClosure *closure, gpointer callback, gpointer user_data,
                       GDestroyNotify destroy);
/* Runs destroy on the user data (once) and empties the closure; the record stays the caller's. */
void xmpp_closure_clear(XmppClosure *closure);

G_END_DECLS
