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
  gint64 timeout_us;
  gint64 (*last_activity)(gpointer);
  void (*dead)(gpointer);
  gboolean (*probe)(gpointer);
  gpointer data;
  guint timer;
  gint64 probed_at; /* when the outstanding probe went out; 0: none */
};

static gboolean ping_tick(gpointer data);

/* One timer, set for exactly when something is due: the next probe, or the probe's deadline. */
static void
schedule(XmppPing *ping, gint64 delay_us)
{
  if (ping->timer != 0)
    ping->host->timeout_remove(ping->host->data, ping->timer);
  guint ms = (guint)CLAMP((delay_us + 999) / 1000, 1, G_MAXINT32);
  ping->timer = ping->host->timeout_add(ping->host->data, ms, ping_tick, ping);
}

static void
ping_done(const XmppStanza *reply, const GError *error, gpointer user_data)
{
  /* Nothing to do: any byte received proves the link alive, and the tick decides. */
}

static void
probe(XmppPing *ping)
{
  ping->probed_at = xmpp_host_now(ping->host);
  if (ping->probe == NULL || !ping->probe(ping->data)) {
    XmppNode *iq = xmpp_stanza_new_iq("get", NULL, NULL);
    xmpp_node_new_child(iq, XMPP_NS_PING, "ping");
    xmpp_router_send_iq(ping->router, ping, iq, (guint)(ping->timeout_us / 1000), ping_done, ping,
                        NULL);
  }
  schedule(ping, ping->timeout_us);
}

static gboolean
ping_tick(gpointer data)
{
  XmppPing *ping = data;
  ping->timer = 0;
  gint64 now = xmpp_host_now(ping->host);
  gint64 last = ping->last_activity(ping->data);
  if (ping->probed_at != 0) {
    if (last < ping->probed_at) {
      if (now - ping->probed_at >= ping->timeout_us) {
        xmpp_host_log(ping->host, XMPP_LOG_WARNING,
                      "keepalive unanswered for %" G_GINT64_FORMAT " s: the connection is dead",
                      (now - ping->probed_at) / G_USEC_PER_SEC);
        ping->dead(ping->data); /* may free us: nothing after this */
        return G_SOURCE_REMOVE;
      }
      schedule(ping, ping->probed_at + ping->timeout_us - now);
      return G_SOURCE_REMOVE;
    }
    ping->probed_at = 0; /* answered (or anything else came) */
  }
  gint64 silent = now - last;
  if (silent < ping->interval_us)
    schedule(ping, ping->interval_us - silent);
  else
    probe(ping);
  return G_SOURCE_REMOVE;
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
  ping->timeout_us = (gint64)timeout_s * G_USEC_PER_SEC;
  ping->last_activity = last_activity;
  ping->dead = dead;
  ping->data = data;
  schedule(ping, ping->interval_us);
  return ping;
}

void
xmpp_ping_set_probe(XmppPing *ping, gboolean (*probe_func)(gpointer data))
{
  g_return_if_fail(ping != NULL);
  ping->probe = probe_func;
}

void
xmpp_ping_probe_now(XmppPing *ping)
{
  g_return_if_fail(ping != NULL);
  if (ping->probed_at == 0)
    probe(ping);
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
