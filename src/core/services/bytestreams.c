/* SPDX-License-Identifier: GPL-2.0-or-later */
/* XmppBytestreams (bytestreams.h): XEP-0065's host lists, answers, proxy queries and
 * activation. */
#include "services/bytestreams.h"

#include <string.h>

#include "jid/jid.h"
#include "router/stanza-error.h"
#include "router/stanza.h"

#define MAX_SID  128 /* bytes of a stream id we take (as SI's) */
#define MAX_HOST 255 /* bytes of a host name (a DNS name's limit) */

typedef struct {
  guint handle;
  char *peer; /* full JID, normalised */
  char *sid;
  XmppBytestreamsOffered offered;
  gpointer data;
  XmppStanza *request; /* the hosts came: kept for the answer */
} Wait;

struct _XmppBytestreams {
  XmppRouter *router;
  const XmppHost *host;
  const XmppServerItems *server_items;
  guint handler;
  GPtrArray *waits; /* Wait*, owned */
  guint next_handle;
};

XmppStreamhost *
xmpp_streamhost_new(const char *jid, const char *host, guint16 port)
{
  XmppStreamhost *h = g_new0(XmppStreamhost, 1);
  h->jid = g_strdup(jid);
  h->host = g_strdup(host);
  h->port = port;
  return h;
}

void
xmpp_streamhost_free(XmppStreamhost *host)
{
  if (host == NULL)
    return;
  g_free(host->jid);
  g_free(host->host);
  g_free(host);
}

static void
wait_free(gpointer data)
{
  Wait *w = data;
  g_free(w->peer);
  g_free(w->sid);
  if (w->request != NULL)
    xmpp_stanza_free(w->request);
  g_free(w);
}

static void
refuse(XmppBytestreams *bs, const XmppStanza *stanza, XmppStanzaErrorCondition condition)
{
  XmppNode *e = xmpp_stanza_error_new_reply(stanza, condition);
  xmpp_router_send(bs->router, e);
  xmpp_node_free(e);
}

/* <streamhost jid host port/> as §5.3.1 has it: NULL when a part is missing or malformed (a
 * zeroconf host has no address: not taken). */
static XmppStreamhost *
parse_host(const XmppNode *node)
{
  const char *jid = xmpp_node_get_attr(node, "jid");
  const char *host = xmpp_node_get_attr(node, "host");
  const char *port = xmpp_node_get_attr(node, "port");
  guint64 number = 0;
  g_autoptr(XmppJid) parsed = jid != NULL ? xmpp_jid_parse(jid, NULL) : NULL;
  if (parsed == NULL || host == NULL || *host == '\0' || strlen(host) > MAX_HOST || port == NULL ||
      !g_ascii_string_to_unsigned(port, 10, 1, 65535, &number, NULL))
    return NULL;
  for (const char *c = host; *c != '\0'; c++)
    if (!g_ascii_isgraph(*c))
      return NULL; /* an address or a DNS name: nothing else goes to the resolver */
  return xmpp_streamhost_new(xmpp_jid_get_full(parsed), host, (guint16)number);
}

static Wait *
find_wait(XmppBytestreams *bs, const char *peer, const char *sid)
{
  for (guint i = 0; i < bs->waits->len; i++) {
    Wait *w = bs->waits->pdata[i];
    if (strcmp(w->peer, peer) == 0 && strcmp(w->sid, sid) == 0)
      return w;
  }
  return NULL;
}

static Wait *
wait_by_handle(XmppBytestreams *bs, guint handle)
{
  for (guint i = 0; handle != 0 && i < bs->waits->len; i++) {
    Wait *w = bs->waits->pdata[i];
    if (w->handle == handle)
      return w;
  }
  return NULL;
}

static XmppHandlerResult
on_query(XmppStanza *stanza, gpointer user_data)
{
  XmppBytestreams *bs = user_data;
  if (g_strcmp0(stanza->type, "set") != 0)
    return XMPP_HANDLER_PASS; /* a proxy's query: we are none */
  const XmppNode *query = xmpp_stanza_get_payload(stanza);
  const char *sid = xmpp_node_get_attr(query, "sid");
  const char *mode = xmpp_node_get_attr(query, "mode");
  Wait *w = stanza->from != NULL && sid != NULL && strlen(sid) <= MAX_SID
                ? find_wait(bs, xmpp_jid_get_full(stanza->from), sid)
                : NULL;
  /* §5.3.1: a stream we did not agree to, a second list, or UDP: not-acceptable. */
  if (w == NULL || w->request != NULL || (mode != NULL && strcmp(mode, "tcp") != 0)) {
    refuse(bs, stanza, XMPP_STANZA_ERROR_NOT_ACCEPTABLE);
    return XMPP_HANDLER_CONSUMED;
  }
  g_autoptr(GPtrArray) hosts = g_ptr_array_new_with_free_func((GDestroyNotify)xmpp_streamhost_free);
  for (const XmppNode *n = xmpp_node_get_child(query, XMPP_NS_BYTESTREAMS, "streamhost");
       n != NULL && hosts->len < XMPP_BYTESTREAMS_MAX_HOSTS;
       n = xmpp_node_next_child(query, n, XMPP_NS_BYTESTREAMS, "streamhost")) {
    XmppStreamhost *h = parse_host(n);
    if (h != NULL)
      g_ptr_array_add(hosts, h);
  }
  w->request = xmpp_stanza_new(xmpp_node_copy(stanza->node));
  w->offered(w->data, hosts);
  return XMPP_HANDLER_CONSUMED;
}

guint
xmpp_bytestreams_expect(XmppBytestreams *bs, const char *peer, const char *sid,
                        XmppBytestreamsOffered offered, gpointer data)
{
  g_return_val_if_fail(bs != NULL && sid != NULL && offered != NULL, 0);
  g_autoptr(XmppJid) jid = peer != NULL ? xmpp_jid_parse(peer, NULL) : NULL;
  if (jid == NULL || bs->waits->len >= XMPP_BYTESTREAMS_MAX_WAITS ||
      find_wait(bs, xmpp_jid_get_full(jid), sid) != NULL)
    return 0;
  Wait *w = g_new0(Wait, 1);
  w->handle = ++bs->next_handle;
  w->peer = g_strdup(xmpp_jid_get_full(jid));
  w->sid = g_strdup(sid);
  w->offered = offered;
  w->data = data;
  g_ptr_array_add(bs->waits, w);
  return w->handle;
}

void
xmpp_bytestreams_answer(XmppBytestreams *bs, guint handle, const char *used)
{
  g_return_if_fail(bs != NULL);
  Wait *w = wait_by_handle(bs, handle);
  if (w == NULL || w->request == NULL)
    return;
  if (used == NULL) {
    refuse(bs, w->request, XMPP_STANZA_ERROR_ITEM_NOT_FOUND); /* §5.3.2: none reached */
  } else {
    XmppNode *result = xmpp_stanza_new_iq_result(w->request);
    XmppNode *query = xmpp_node_new_child(result, XMPP_NS_BYTESTREAMS, "query");
    xmpp_node_set_attr(query, "sid", w->sid);
    xmpp_node_set_attr(xmpp_node_new_child(query, XMPP_NS_BYTESTREAMS, "streamhost-used"), "jid",
                       used);
    xmpp_router_send(bs->router, result);
    xmpp_node_free(result);
  }
  g_ptr_array_remove(bs->waits, w);
}

void
xmpp_bytestreams_forget(XmppBytestreams *bs, guint handle)
{
  g_return_if_fail(bs != NULL);
  Wait *w = wait_by_handle(bs, handle);
  if (w == NULL)
    return;
  if (w->request != NULL)
    refuse(bs, w->request, XMPP_STANZA_ERROR_NOT_ACCEPTABLE);
  g_ptr_array_remove(bs->waits, w);
}

/* ---- sending -------------------------------------------------------------------------------- */

typedef struct {
  GPtrArray *hosts; /* XmppStreamhost*: what we listed */
  XmppBytestreamsUsed used;
  XmppBytestreamsFound found;
  XmppBytestreamsActivated activated;
  gpointer data;
  GDestroyNotify destroy;
} Asked;

static void
asked_free(gpointer data)
{
  Asked *a = data;
  if (a->destroy != NULL)
    a->destroy(a->data);
  if (a->hosts != NULL)
    g_ptr_array_unref(a->hosts);
  g_free(a);
}

static Asked *
asked_new(gpointer data, GDestroyNotify destroy)
{
  Asked *a = g_new0(Asked, 1);
  a->data = data;
  a->destroy = destroy;
  return a;
}

static const XmppNode *
answer_query(const XmppStanza *reply)
{
  const XmppNode *query = xmpp_stanza_get_payload(reply);
  return query != NULL && g_strcmp0(query->ns, XMPP_NS_BYTESTREAMS) == 0 &&
                 g_strcmp0(query->name, "query") == 0
             ? query
             : NULL;
}

static void
on_used(const XmppStanza *reply, const GError *error, gpointer data)
{
  Asked *a = data;
  if (error != NULL) {
    a->used(a->data, NULL, error);
    return;
  }
  const XmppNode *query = answer_query(reply);
  const XmppNode *node =
      query != NULL ? xmpp_node_get_child(query, XMPP_NS_BYTESTREAMS, "streamhost-used") : NULL;
  const char *jid = node != NULL ? xmpp_node_get_attr(node, "jid") : NULL;
  g_autoptr(XmppJid) parsed = jid != NULL ? xmpp_jid_parse(jid, NULL) : NULL;
  /* §5.3.3: only a host we listed (the receiver cannot send us elsewhere). */
  for (guint i = 0; parsed != NULL && i < a->hosts->len; i++) {
    const XmppStreamhost *h = a->hosts->pdata[i];
    if (strcmp(h->jid, xmpp_jid_get_full(parsed)) == 0) {
      a->used(a->data, h, NULL);
      return;
    }
  }
  g_autoptr(GError) e = g_error_new(XMPP_STANZA_ERROR, XMPP_STANZA_ERROR_BAD_REQUEST,
                                    "the receiver used a streamhost we did not offer");
  a->used(a->data, NULL, e);
}

gboolean
xmpp_bytestreams_offer(XmppBytestreams *bs, const char *peer, const char *sid,
                       const GPtrArray *hosts, XmppBytestreamsUsed used, gpointer data,
                       GDestroyNotify destroy)
{
  g_return_val_if_fail(bs != NULL && sid != NULL && hosts != NULL && used != NULL, FALSE);
  g_autoptr(XmppJid) jid = peer != NULL ? xmpp_jid_parse(peer, NULL) : NULL;
  if (jid == NULL || xmpp_jid_get_resource(jid) == NULL || hosts->len == 0)
    return FALSE;
  Asked *a = asked_new(data, destroy);
  a->used = used;
  a->hosts = g_ptr_array_new_with_free_func((GDestroyNotify)xmpp_streamhost_free);
  XmppNode *iq = xmpp_stanza_new_iq("set", xmpp_jid_get_full(jid), NULL);
  XmppNode *query = xmpp_node_new_child(iq, XMPP_NS_BYTESTREAMS, "query");
  xmpp_node_set_attr(query, "sid", sid);
  xmpp_node_set_attr(query, "mode", "tcp");
  for (guint i = 0; i < hosts->len; i++) {
    const XmppStreamhost *h = hosts->pdata[i];
    g_autoptr(XmppJid) host_jid = xmpp_jid_parse(h->jid, NULL);
    if (host_jid == NULL)
      continue;
    XmppNode *node = xmpp_node_new_child(query, XMPP_NS_BYTESTREAMS, "streamhost");
    xmpp_node_set_attr(node, "jid", xmpp_jid_get_full(host_jid));
    xmpp_node_set_attr(node, "host", h->host);
    g_autofree char *port = g_strdup_printf("%u", h->port);
    xmpp_node_set_attr(node, "port", port);
    g_ptr_array_add(a->hosts, xmpp_streamhost_new(xmpp_jid_get_full(host_jid), h->host, h->port));
  }
  /* The receiver tries each host (seconds each) before it answers. */
  xmpp_router_send_iq(bs->router, bs, iq, 2 * 60 * 1000, on_used, a, asked_free);
  return TRUE;
}

static void
on_proxy(const XmppStanza *reply, const GError *error, gpointer data)
{
  Asked *a = data;
  if (error != NULL) {
    a->found(a->data, NULL, error);
    return;
  }
  const XmppNode *query = answer_query(reply);
  const XmppNode *node =
      query != NULL ? xmpp_node_get_child(query, XMPP_NS_BYTESTREAMS, "streamhost") : NULL;
  g_autoptr(XmppStreamhost) h = node != NULL ? parse_host(node) : NULL;
  if (h == NULL) {
    g_autoptr(GError) e =
        g_error_new(XMPP_STANZA_ERROR, XMPP_STANZA_ERROR_BAD_REQUEST, "the proxy gave no address");
    a->found(a->data, NULL, e);
    return;
  }
  a->found(a->data, h, NULL);
}

void
xmpp_bytestreams_ask_proxy(XmppBytestreams *bs, const char *proxy, XmppBytestreamsFound found,
                           gpointer data, GDestroyNotify destroy)
{
  g_return_if_fail(bs != NULL && proxy != NULL && found != NULL);
  Asked *a = asked_new(data, destroy);
  a->found = found;
  XmppNode *iq = xmpp_stanza_new_iq("get", proxy, NULL);
  xmpp_node_new_child(iq, XMPP_NS_BYTESTREAMS, "query");
  xmpp_router_send_iq(bs->router, bs, iq, 0, on_proxy, a, asked_free);
}

static void
on_activated(const XmppStanza *reply, const GError *error, gpointer data)
{
  Asked *a = data;
  (void)reply;
  a->activated(a->data, error);
}

void
xmpp_bytestreams_activate(XmppBytestreams *bs, const char *proxy, const char *sid,
                          const char *target, XmppBytestreamsActivated activated, gpointer data,
                          GDestroyNotify destroy)
{
  g_return_if_fail(bs != NULL && proxy != NULL && sid != NULL && target != NULL);
  Asked *a = asked_new(data, destroy);
  a->activated = activated;
  XmppNode *iq = xmpp_stanza_new_iq("set", proxy, NULL);
  XmppNode *query = xmpp_node_new_child(iq, XMPP_NS_BYTESTREAMS, "query");
  xmpp_node_set_attr(query, "sid", sid);
  xmpp_node_new_text_child(query, XMPP_NS_BYTESTREAMS, "activate", target);
  xmpp_router_send_iq(bs->router, bs, iq, 0, on_activated, a, asked_free);
}

static gboolean
is_proxy(const XmppDiscoInfo *info)
{
  return xmpp_disco_info_has_feature(info, XMPP_NS_BYTESTREAMS);
}

const char *
xmpp_bytestreams_server_proxy(const XmppBytestreams *bs)
{
  return bs->server_items != NULL ? xmpp_server_items_find(bs->server_items, is_proxy, NULL) : NULL;
}

guint
xmpp_bytestreams_n_waits(const XmppBytestreams *bs)
{
  return bs->waits->len;
}

XmppBytestreams *
xmpp_bytestreams_new(XmppRouter *router, const XmppHost *host, XmppDisco *disco,
                     const XmppServerItems *server_items)
{
  XmppBytestreams *bs = g_new0(XmppBytestreams, 1);
  bs->router = router;
  bs->host = host;
  bs->server_items = server_items;
  bs->waits = g_ptr_array_new_with_free_func(wait_free);
  bs->handler = xmpp_router_add_owner(router, XMPP_STANZA_IQ, XMPP_NS_BYTESTREAMS, "query",
                                      on_query, bs, NULL);
  xmpp_disco_add_feature(disco, XMPP_NS_BYTESTREAMS); /* §4 */
  return bs;
}

void
xmpp_bytestreams_free(XmppBytestreams *bs)
{
  if (bs == NULL)
    return;
  xmpp_router_cancel_owner(bs->router, bs);
  xmpp_router_remove_handler(bs->router, bs->handler);
  g_ptr_array_unref(bs->waits);
  g_free(bs);
}
