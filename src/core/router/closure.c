/* SPDX-License-Identifier: GPL-2.0-or-later */
/* XmppClosure: callback, user data and destroy notify in one allocation. */
#include "router/closure.h"

XmppClosure *
xmpp_closure_new(gpointer callback, gpointer user_data, GDestroyNotify destroy)
{
  XmppClosure *closure = g_new0(XmppClosure, 1);
  closure->callback = callback;
  closure->user_data = user_data;
  closure->destroy = destroy;
  return closure;
}

void
xmpp_closure_free(gpointer data)
{
  XmppClosure *closure = data;
  if (closure == NULL)
    return;
  if (closure->destroy != NULL)
    closure->destroy(closure->user_data);
  g_free(closure);
}
