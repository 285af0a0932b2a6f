/* SPDX-License-Identifier: GPL-2.0-or-later */
/* XEP-0199 ping: responder and keepalive. */
#include "services/ping.h"

#include "router/namespaces.h"
#include "router/stanza-error.h"
#include "services/namespaces.h"

struct _XmppPing {
  XmppRouter *router;
  const XmppHost *host;
  gint64 interval_us;
  guint timeout_ms;
  gint64 (*last_activity)(gpointer);
  void (*dead)(gpointer);
  gpointer data;
  guint timer;
  gboolean outstanding;
};

static void
ping_done(const XmppStanza *reply, const GError *error, gpointer user_data)
{
  XmppPing *ping = user_data; /* whole: xmpp_ping_free cancels our request first */
  ping->outstanding = FALSE;
  /* Any answer, even an error such as service-unavailable, proves the link is alive. Only the
   * lack of an answer is fatal; a closing session is not our business. */
  if (g_error_matches(error, XMPP_IQ_ERROR, XMPP_IQ_ERROR_TIMEOUT)) {
    xmpp_host_log(ping->host, XMPP_LOG_WARNING, "keepalive ping unanswered: connection is dead");
    ping->dead(ping->data);
  }
}

static gboolean
ping_tick(gpointer data)
{
  XmppPing *ping = data;
  if (ping->outstanding)
    return G_SOURCE_CONTINUE;
  gint64 silent = xmpp_host_now(ping->host) - ping->last_activity(ping->data);
  if (silent < ping->interval_us)
    return G_SOURCE_CONTINUE;
  XmppNode *iq = xmpp_stanza_new_iq("get", NULL, NULL);
  xmpp_node_new_child(iq, XMPP_NS_PING, "ping");
  ping->outstanding = TRUE;
  xmpp_router_send_iq(ping->router, ping, iq, ping->timeout_ms, ping_done, ping, NULL);
  return G_SOURCE_CONTINUE;
}

XmppPing *
xmpp_ping_new(XmppRouter *router, const XmppHost *host, guint interval_s, guint timeout_s,
              gint64 (*last_activity)(gpointer data), void (*dead)(gpointer data), gpointer data)
{
  g_return_val_if_fail(router != NULL && host != NULL && last_activity && dead, NULL);
  XmppPing *ping = g_new0(XmppPing, 1);
  ping->router = router;
  ping->host = host;
  ping->interval_us = (gint64)interval_s * G_USEC_PER_SEC;
  ping->timeout_ms = timeout_s * 1000;
  ping->last_activity = last_activity;
  ping->dead = dead;
  ping->data = data;
  ping->timer = host->timeout_add(host->data, XMPP_PING_CHECK_S * 1000, ping_tick, ping);
  return ping;
}

void
xmpp_ping_free(XmppPing *ping)
{
  if (ping == NULL)
    return;
  xmpp_router_cancel_owner(ping->router, ping); /* ping_done: CANCELLED, nothing to do */
  if (ping->timer != 0)
    ping->host->timeout_remove(ping->host->data, ping->timer);
  g_free(ping);
}

static XmppHandlerResult
answer_ping(XmppStanza *stanza, gpointer user_data)
{
  XmppRouter *router = user_data;
  if (g_strcmp0(stanza->type, "get") != 0)
    return XMPP_HANDLER_PASS;
  XmppNode *result = xmpp_stanza_new_iq_result(stanza);
  xmpp_router_send(router, result);
  xmpp_node_free(result);
  return XMPP_HANDLER_CONSUMED;
}

guint
xmpp_ping_add_responder(XmppRouter *router)
{
  return xmpp_router_add_owner(router, XMPP_STANZA_IQ, XMPP_NS_PING, "ping", answer_ping, router,
                               NULL);
}
