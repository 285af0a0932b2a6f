/* SPDX-License-Identifier: GPL-2.0-or-later */
/* XmppPresence: our own presence (RFC 6121 §4.2, §4.6, §4.7): building and sending it,
 * invisibility by the server's mechanism (XEP-0186, XEP-0126, legacy), directed presence. */
#include "im/presence-private.h"

#include "router/namespaces.h"
#include "xml/datetime.h"
#include "im/namespaces.h"

#define PRIVACY_LIST "lyre-invisible"

XmppNode *
xmpp_presence_build_own(const XmppOwnPresence *own, const char *to)
{
  XmppNode *node = xmpp_node_new(XMPP_NS_JABBER_CLIENT, "presence");
  if (to != NULL)
    xmpp_node_set_attr(node, "to", to);
  if (own->invisible) {
    /* The legacy fallback (RFC 6121 §4.5.1): unavailable, and nothing about us in it. */
    xmpp_node_set_attr(node, "type", "unavailable");
    return node;
  }
  const char *show = xmpp_presence_show_name(own->show);
  if (show != NULL)
    xmpp_node_new_text_child(node, NULL, "show", show);
  if (own->status != NULL && *own->status != '\0')
    xmpp_node_new_text_child(node, NULL, "status", own->status);
  char prio[8];
  g_snprintf(prio, sizeof prio, "%d",
             CLAMP(own->priority, XMPP_PRESENCE_PRIORITY_MIN, XMPP_PRESENCE_PRIORITY_MAX));
  xmpp_node_new_text_child(node, NULL, "priority", prio);
  if (own->idle_since > 0) {
    char *since = xmpp_datetime_format(own->idle_since);
    if (since != NULL) {
      XmppNode *idle = xmpp_node_new_child(node, XMPP_NS_IDLE, "idle");
      xmpp_node_set_attr(idle, "since", since);
      g_free(since);
    }
  }
  return node;
}

const char *
xmpp_presence_invisible_mechanism_name(XmppInvisibleMechanism mechanism)
{
  switch (mechanism) {
    case XMPP_INVISIBLE_XEP0186:
      return "XEP-0186";
    case XMPP_INVISIBLE_PRIVACY:
      return "XEP-0016";
    case XMPP_INVISIBLE_LEGACY:
      return "unavailable presence";
    default:
      return "unknown";
  }
}

static void send_own_now(XmppPresence *p);

void
xmpp_presence_set_own_extension(XmppPresence *p, XmppNode *(*build)(gpointer), gpointer data)
{
  p->extension = build;
  p->extension_data = data;
}

gboolean
xmpp_presence_add_own_extension(XmppPresence *p, XmppNode *(*build)(gpointer), gpointer data)
{
  g_return_val_if_fail(p != NULL && build != NULL, FALSE);
  for (guint i = 0; i < XMPP_PRESENCE_MAX_OWN_EXTENSIONS; i++) {
    if (p->extras[i].build == build && p->extras[i].data == data)
      return TRUE;
  }
  for (guint i = 0; i < XMPP_PRESENCE_MAX_OWN_EXTENSIONS; i++) {
    if (p->extras[i].build == NULL) {
      p->extras[i].build = build;
      p->extras[i].data = data;
      return TRUE;
    }
  }
  return FALSE;
}

void
xmpp_presence_remove_own_extension(XmppPresence *p, XmppNode *(*build)(gpointer), gpointer data)
{
  g_return_if_fail(p != NULL);
  for (guint i = 0; i < XMPP_PRESENCE_MAX_OWN_EXTENSIONS; i++) {
    if (p->extras[i].build == build && p->extras[i].data == data)
      p->extras[i].build = NULL;
  }
}

/* Our presence plus the extensions (caps first) when it says we are available. */
static XmppNode *
build_own_full(XmppPresence *p, const XmppOwnPresence *own, const char *to)
{
  XmppNode *node = xmpp_presence_build_own(own, to);
  if (own->invisible)
    return node;
  XmppNode *extra = p->extension ? p->extension(p->extension_data) : NULL;
  if (extra != NULL)
    xmpp_node_add_child(node, extra);
  for (guint i = 0; i < XMPP_PRESENCE_MAX_OWN_EXTENSIONS; i++) {
    extra = p->extras[i].build ? p->extras[i].build(p->extras[i].data) : NULL;
    if (extra != NULL)
      xmpp_node_add_child(node, extra);
  }
  return node;
}

static void
send_visible_presence(XmppPresence *p)
{
  XmppOwnPresence visible = p->own;
  visible.invisible = FALSE;
  XmppNode *node = build_own_full(p, &visible, NULL);
  xmpp_router_send(p->router, node);
  xmpp_node_free(node);
}

static void
fall_back_to_legacy(XmppPresence *p, const char *why)
{
  if (p->mechanism == XMPP_INVISIBLE_LEGACY)
    return;
  xmpp_host_log(p->host, XMPP_LOG_WARNING, "presence: invisibility failed (%s), using %s", why,
                xmpp_presence_invisible_mechanism_name(XMPP_INVISIBLE_LEGACY));
  p->mechanism = XMPP_INVISIBLE_LEGACY;
  p->server_invisible = FALSE;
  if (p->events.invisible_mechanism)
    p->events.invisible_mechanism(p->events_data, p->mechanism);
  send_own_now(p);
}

/* The server hides us now (or shows us again): send the presence that goes with it. Our
 * presence is sent only after the server confirmed, so a failure never leaks it. */
static void
on_invisible_reply(const XmppStanza *reply, const GError *error, gpointer data)
{
  XmppPresence *p = data;
  if (xmpp_iq_error_is_ended(error))
    return;
  if (error != NULL) {
    fall_back_to_legacy(p, error->message);
    return;
  }
  if (p->have_own)
    send_visible_presence(p);
}

/* The list itself: a failure shows when it is activated (on_invisible_reply). */
static void
on_privacy_list_reply(const XmppStanza *reply, const GError *error, gpointer data)
{
  XmppPresence *p = data;
  if (error != NULL && !xmpp_iq_error_is_ended(error))
    xmpp_host_log(p->host, XMPP_LOG_WARNING, "presence: privacy list refused: %s", error->message);
}

static void
send_iq(XmppPresence *p, XmppNode *iq, XmppIqCallback cb)
{
  /* p stays whole while the request is pending: xmpp_presence_free cancels it first. */
  xmpp_router_send_iq(p->router, p, iq, 0, cb, p, NULL);
}

static XmppNode *
new_privacy_iq(void)
{
  XmppNode *iq = xmpp_stanza_new_iq("set", NULL, NULL);
  xmpp_node_new_child(iq, XMPP_NS_PRIVACY, "query");
  return iq;
}

/* XEP-0126 §3: a privacy list that blocks only outgoing presence. */
static void
send_privacy_invisible(XmppPresence *p, gboolean invisible)
{
  if (invisible && !p->privacy_list_set) {
    XmppNode *iq = new_privacy_iq();
    XmppNode *list = xmpp_node_new_child(xmpp_node_first_element(iq), NULL, "list");
    xmpp_node_set_attr(list, "name", PRIVACY_LIST);
    XmppNode *item = xmpp_node_new_child(list, NULL, "item");
    xmpp_node_set_attr(item, "action", "deny");
    xmpp_node_set_attr(item, "order", "1");
    xmpp_node_new_child(item, NULL, "presence-out");
    send_iq(p, iq, on_privacy_list_reply);
    p->privacy_list_set = TRUE;
    /* Contacts saw us online: say goodbye first, the list will block the next broadcast. */
    XmppNode *gone = xmpp_node_new(XMPP_NS_JABBER_CLIENT, "presence");
    xmpp_node_set_attr(gone, "type", "unavailable");
    xmpp_router_send(p->router, gone);
    xmpp_node_free(gone);
  }
  XmppNode *iq = new_privacy_iq();
  XmppNode *active = xmpp_node_new_child(xmpp_node_first_element(iq), NULL, "active");
  if (invisible)
    xmpp_node_set_attr(active, "name", PRIVACY_LIST);
  send_iq(p, iq, on_invisible_reply);
}

static void
send_own_now(XmppPresence *p)
{
  gboolean invisible = p->own.invisible;
  if (p->mechanism == XMPP_INVISIBLE_XEP0186 || p->mechanism == XMPP_INVISIBLE_PRIVACY) {
    if (invisible != p->server_invisible) {
      p->server_invisible = invisible;
      if (p->mechanism == XMPP_INVISIBLE_XEP0186) {
        XmppNode *iq = xmpp_stanza_new_iq("set", NULL, NULL);
        xmpp_node_new_child(iq, XMPP_NS_INVISIBLE, invisible ? "invisible" : "visible");
        send_iq(p, iq, on_invisible_reply);
      } else {
        send_privacy_invisible(p, invisible);
      }
      return; /* presence follows the server's answer */
    }
    send_visible_presence(p);
    return;
  }
  XmppNode *node = build_own_full(p, &p->own, NULL);
  xmpp_router_send(p->router, node);
  xmpp_node_free(node);
}

void
xmpp_presence_resend_own(XmppPresence *p)
{
  g_return_if_fail(p != NULL);
  if (p->have_own && !p->own.invisible) /* hidden: extensions are not sent anyway */
    send_own_now(p);
}

void
xmpp_presence_send_own(XmppPresence *p, const XmppOwnPresence *own)
{
  g_return_if_fail(p != NULL && own != NULL);
  g_free((char *)p->own.status);
  p->own = *own;
  p->own.status = g_strdup(own->status);
  p->have_own = TRUE;
  if (p->mechanism == XMPP_INVISIBLE_UNKNOWN)
    xmpp_host_log(p->host, XMPP_LOG_DEBUG, "presence: invisibility mechanism not known yet");
  send_own_now(p);
}

gboolean
xmpp_presence_send_directed(XmppPresence *p, const char *jid, gboolean available)
{
  g_autoptr(XmppJid) to = jid != NULL ? xmpp_jid_parse(jid, NULL) : NULL;
  if (to == NULL)
    return FALSE;
  XmppOwnPresence own = p->have_own ? p->own : (XmppOwnPresence){.show = XMPP_SHOW_NONE};
  own.invisible = !available; /* build_own's invisible form is a bare unavailable presence */
  XmppNode *node = build_own_full(p, &own, xmpp_jid_get_full(to));
  xmpp_router_send(p->router, node);
  xmpp_node_free(node);
  return TRUE;
}

static void
on_disco_reply(const XmppStanza *reply, const GError *error, gpointer data)
{
  XmppPresence *p = data;
  if (xmpp_iq_error_is_ended(error))
    return;
  p->discovering = FALSE;
  XmppInvisibleMechanism m = XMPP_INVISIBLE_LEGACY;
  XmppNode *query = reply != NULL && error == NULL ? xmpp_stanza_get_payload(reply) : NULL;
  for (XmppNode *f = query ? xmpp_node_get_child(query, XMPP_NS_DISCO_INFO, "feature") : NULL;
       f != NULL; f = xmpp_node_next_child(query, f, XMPP_NS_DISCO_INFO, "feature")) {
    const char *var = xmpp_node_get_attr(f, "var");
    if (g_strcmp0(var, XMPP_NS_INVISIBLE) == 0)
      m = XMPP_INVISIBLE_XEP0186;
    else if (g_strcmp0(var, XMPP_NS_PRIVACY) == 0 && m == XMPP_INVISIBLE_LEGACY)
      m = XMPP_INVISIBLE_PRIVACY;
  }
  p->mechanism = m;
  xmpp_host_log(p->host, XMPP_LOG_INFO, "presence: invisibility by %s",
                xmpp_presence_invisible_mechanism_name(m));
  if (p->events.invisible_mechanism)
    p->events.invisible_mechanism(p->events_data, m);
  if (p->have_own && p->own.invisible && m != XMPP_INVISIBLE_LEGACY)
    send_own_now(p); /* we were hidden the legacy way: switch to the standard one */
}

void
xmpp_presence_discover(XmppPresence *p)
{
  const XmppJid *me = xmpp_router_get_own_jid(p->router);
  if (me == NULL || p->discovering)
    return;
  p->discovering = TRUE;
  XmppNode *iq = xmpp_stanza_new_iq("get", xmpp_jid_get_domain(me), NULL);
  xmpp_node_new_child(iq, XMPP_NS_DISCO_INFO, "query");
  send_iq(p, iq, on_disco_reply);
}

XmppInvisibleMechanism
xmpp_presence_get_invisible_mechanism(const XmppPresence *p)
{
  return p->mechanism;
}
