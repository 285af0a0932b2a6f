/* SPDX-License-Identifier: GPL-2.0-or-later */
/* XmppClosure: callback, user data and destroy notify in one allocation. */
#include "router/closure.h"

void
xmpp_closure_init(XmppClosure *closure, gpointer callback, gpointer user_data,
                  GDestroyNotify destroy)
{
  closure->callback = callback;
  closure->user_data = user_data;
  closure->destroy = destroy;
}

void
xmpp_closure_clear(XmppClosure *closure)
{
  GDestroyNotify destroy = closure->destroy;
  closure->destroy = NULL;
  if (destroy != NULL)
    destroy(closure->user_data);
  closure->callback = closure->user_data = NULL;
}

XmppClosure *
xmpp_closure_new(gpointer callback, gpointer user_data, GDestroyNotify destroy)
{
  XmppClosure *closure = g_new0(XmppClosure, 1);
  xmpp_closure_init(closure, callback, user_data, destroy);
  return closure;
}

void
xmpp_closure_free(gpointer data)
{
  XmppClosure *closure = data;
  if (closure == NULL)
    return;
  xmpp_closure_clear(closure);
  g_free(closure);
}
