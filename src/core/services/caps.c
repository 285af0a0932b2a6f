/* SPDX-License-Identifier: GPL-2.0-or-later */
/* XmppCaps: XEP-0115 entity capabilities: our <c/>, and learning peers' features with
 * verification before caching (T47) in bounded tables. */
#include "services/caps.h"

#include <string.h>

#include "router/namespaces.h"
#include "xml/parser.h"
#include "xml/writer.h"
#include "services/namespaces.h"

#define CACHE_NS "urn:lyre:caps-cache:0" /* our own file format, one <entry/> per ver */

typedef struct _JidCaps JidCaps;

struct _XmppCaps {
  XmppRouter *router;
  const XmppHost *host;
  XmppDisco *disco;
  XmppPresence *presence;
  guint handler;
  char *own_ver;
  guint own_generation;
  GHashTable *cache;    /* ver -> XmppDiscoInfo* (verified) */
  GQueue cache_order;   /* ver (borrowed from cache keys), oldest first */
  GHashTable *inflight; /* ver -> NULL */
  GHashTable *jids;     /* full JID -> JidCaps* */
  guint n_unverified;   /* JidCaps holding an answer of their own */
  gsize cache_bytes;    /* info_bytes() of every cached answer */
  void (*learnt)(gpointer, const char *, const XmppDiscoInfo *, gboolean);
  gpointer learnt_data;
};

struct _JidCaps {
  XmppCaps *caps;
  char *ver;
  XmppDiscoInfo *info; /* only when answered by this JID and not verified */
};

/* ---- our caps ---- */

const char *
xmpp_caps_get_own_ver(XmppCaps *caps)
{
  guint generation = xmpp_disco_get_generation(caps->disco);
  if (caps->own_ver == NULL || generation != caps->own_generation) {
    g_autoptr(XmppDiscoInfo) info = xmpp_disco_dup_own_info(caps->disco);
    g_free(caps->own_ver);
    caps->own_ver = xmpp_caps_compute_ver(info);
    caps->own_generation = generation;
    g_autofree char *node = g_strdup_printf("%s#%s", XMPP_CAPS_NODE, caps->own_ver);
    xmpp_disco_set_caps_node(caps->disco, node);
  }
  return caps->own_ver;
}

XmppNode *
xmpp_caps_build_element(XmppCaps *caps)
{
  XmppNode *c = xmpp_node_new(XMPP_NS_CAPS, "c");
  xmpp_node_set_attr(c, "hash", XMPP_CAPS_HASH);
  xmpp_node_set_attr(c, "node", XMPP_CAPS_NODE);
  xmpp_node_set_attr(c, "ver", xmpp_caps_get_own_ver(caps));
  return c;
}

static XmppNode *
build_extension(gpointer data)
{
  return xmpp_caps_build_element(data);
}

/* ---- peers' caps ---- */

static void
jid_caps_set_info(JidCaps *jc, const XmppDiscoInfo *info)
{
  if (jc->info != NULL)
    jc->caps->n_unverified--;
  g_clear_pointer(&jc->info, xmpp_disco_info_free);
  if (info != NULL) {
    jc->info = xmpp_disco_info_copy(info);
    jc->caps->n_unverified++;
  }
}

static void
jid_caps_free(gpointer data)
{
  JidCaps *jc = data;
  jid_caps_set_info(jc, NULL);
  g_free(jc->ver);
  g_free(jc);
}

/* What an answer costs to keep, roughly (strings and forms as text): the budgets count this. */
static gsize
info_bytes(const XmppDiscoInfo *info)
{
  gsize n = sizeof *info;
  for (guint i = 0; i < info->features->len; i++)
    n += strlen(info->features->pdata[i]) + 1 + sizeof(gpointer);
  for (guint i = 0; i < info->identities->len; i++) {
    const XmppDiscoIdentity *id = info->identities->pdata[i];
    n += sizeof *id + strlen(id->category) + strlen(id->type) + (id->lang ? strlen(id->lang) : 0) +
         (id->name ? strlen(id->name) : 0) + 4;
  }
  for (guint i = 0; i < info->forms->len; i++) {
    g_autofree char *text = xmpp_xml_node_to_string(info->forms->pdata[i]);
    n += strlen(text) * 2; /* a tree costs more than its text */
  }
  return n;
}

/* Oldest out, by count and by bytes (T47). FALSE when the answer alone is too big to keep. */
static gboolean
cache_insert(XmppCaps *caps, const char *ver, const XmppDiscoInfo *info)
{
  if (g_hash_table_contains(caps->cache, ver))
    return TRUE;
  gsize bytes = info_bytes(info);
  if (bytes > XMPP_CAPS_MAX_ENTRY_BYTES)
    return FALSE;
  while (g_hash_table_size(caps->cache) >= XMPP_CAPS_MAX_CACHE ||
         (caps->cache_bytes + bytes > XMPP_CAPS_MAX_CACHE_BYTES && caps->cache_order.length > 0)) {
    char *oldest = g_queue_pop_head(&caps->cache_order);
    caps->cache_bytes -= info_bytes(g_hash_table_lookup(caps->cache, oldest));
    g_hash_table_remove(caps->cache, oldest);
  }
  char *key = g_strdup(ver);
  g_hash_table_insert(caps->cache, key, xmpp_disco_info_copy(info));
  g_queue_push_tail(&caps->cache_order, key);
  caps->cache_bytes += bytes;
  return TRUE;
}

const XmppDiscoInfo *
xmpp_caps_lookup(const XmppCaps *caps, const char *ver)
{
  return ver != NULL ? g_hash_table_lookup(caps->cache, ver) : NULL;
}

const XmppDiscoInfo *
xmpp_caps_get_jid_info(const XmppCaps *caps, const char *full_jid)
{
  const JidCaps *jc = full_jid != NULL ? g_hash_table_lookup(caps->jids, full_jid) : NULL;
  if (jc == NULL)
    return NULL;
  return jc->info != NULL ? jc->info : xmpp_caps_lookup(caps, jc->ver);
}

static void
notify_learnt(XmppCaps *caps, const char *jid, const XmppDiscoInfo *info, gboolean verified)
{
  xmpp_host_log(caps->host, XMPP_LOG_INFO, "caps: %s has %u features (%s)", jid,
                info->features->len, verified ? "verified" : "unverified, kept for it only");
  if (caps->learnt != NULL)
    caps->learnt(caps->learnt_data, jid, info, verified);
}

typedef struct {
  XmppCaps *caps;
  char *jid;
  char *ver;
} CapsQuery;

static void
caps_query_free(gpointer data)
{
  CapsQuery *q = data;
  g_hash_table_remove(q->caps->inflight, q->ver);
  g_free(q->jid);
  g_free(q->ver);
  g_free(q);
}

/* §5.4: the answer hashes to the ver it was announced with: everyone with that ver has these
 * features. Otherwise (T47: poisoning) it only tells what this one JID says about itself. */
static void
on_caps_info(const XmppDiscoInfo *info, const GError *error, gpointer data)
{
  CapsQuery *q = data;
  XmppCaps *caps = q->caps;
  if (error != NULL) {
    xmpp_host_log(caps->host, XMPP_LOG_DEBUG, "caps: %s: %s", q->jid, error->message);
    return;
  }
  g_autofree char *ver = xmpp_caps_compute_ver(info);
  JidCaps *jc = g_hash_table_lookup(caps->jids, q->jid);
  if (g_strcmp0(ver, q->ver) == 0) {
    if (cache_insert(caps, q->ver, info)) {
      if (jc != NULL && g_strcmp0(jc->ver, q->ver) == 0)
        jid_caps_set_info(jc, NULL); /* the cache has it now */
      notify_learnt(caps, q->jid, info, TRUE);
      return;
    }
    xmpp_host_log(caps->host, XMPP_LOG_INFO, "caps: %s: answer too big to cache", q->jid);
  }
  xmpp_host_log(caps->host, XMPP_LOG_WARNING,
                "caps: %s announced ver %s but its features hash "
                "to %s: not cached",
                q->jid, q->ver, ver ? ver : "(invalid)");
  /* T47: only a few JIDs may hold answers of their own, each of bounded size. */
  if (jc != NULL && g_strcmp0(jc->ver, q->ver) == 0 &&
      info_bytes(info) <= XMPP_CAPS_MAX_ENTRY_BYTES &&
      (jc->info != NULL || caps->n_unverified < XMPP_CAPS_MAX_UNVERIFIED)) {
    jid_caps_set_info(jc, info);
    notify_learnt(caps, q->jid, info, FALSE);
  }
}

void
xmpp_caps_handle_presence(XmppCaps *caps, const XmppNode *presence)
{
  const char *from = xmpp_node_get_attr(presence, "from");
  g_autoptr(XmppJid) jid = from != NULL ? xmpp_jid_parse(from, NULL) : NULL;
  if (jid == NULL || xmpp_jid_is_bare(jid))
    return;
  const char *full = xmpp_jid_get_full(jid);
  const char *type = xmpp_node_get_attr(presence, "type");
  const XmppNode *c = xmpp_node_get_child(presence, XMPP_NS_CAPS, "c");
  if (type != NULL || c == NULL) {
    /* Gone (or an error, or a subscription stanza): forget unless it is a plain update
     * without caps, which keeps what we knew (§6.3: clients may omit it). */
    if (g_strcmp0(type, "unavailable") == 0 || g_strcmp0(type, "error") == 0)
      g_hash_table_remove(caps->jids, full);
    return;
  }
  const char *ver = xmpp_node_get_attr(c, "ver");
  const char *node = xmpp_node_get_attr(c, "node");
  /* §5.4 and §8.1: only hashes we can verify; the legacy format (no hash) is ignored. */
  if (g_strcmp0(xmpp_node_get_attr(c, "hash"), XMPP_CAPS_HASH) != 0 || ver == NULL ||
      node == NULL || *ver == '\0' || strlen(ver) > 64 || strlen(node) > XMPP_DISCO_MAX_STRING)
    return;
  JidCaps *jc = g_hash_table_lookup(caps->jids, full);
  if (jc != NULL && g_strcmp0(jc->ver, ver) == 0)
    return; /* nothing new */
  if (jc == NULL) {
    if (g_hash_table_size(caps->jids) >= XMPP_CAPS_MAX_JIDS) {
      /* Full (a flood): make room rather than refuse, so real peers are still learnt. */
      GHashTableIter iter;
      g_hash_table_iter_init(&iter, caps->jids);
      if (g_hash_table_iter_next(&iter, NULL, NULL))
        g_hash_table_iter_remove(&iter);
    }
    jc = g_new0(JidCaps, 1);
    jc->caps = caps;
    g_hash_table_insert(caps->jids, g_strdup(full), jc);
  }
  g_free(jc->ver);
  jc->ver = g_strdup(ver);
  jid_caps_set_info(jc, NULL);
  const XmppDiscoInfo *known = xmpp_caps_lookup(caps, ver);
  if (known != NULL) {
    notify_learnt(caps, full, known, TRUE);
    return;
  }
  /* T47: one query per ver at a time, and few at once; the rest are learnt at a later presence. */
  if (g_hash_table_contains(caps->inflight, ver) ||
      g_hash_table_size(caps->inflight) >= XMPP_CAPS_MAX_INFLIGHT)
    return;
  g_hash_table_add(caps->inflight, g_strdup(ver));
  CapsQuery *q = g_new0(CapsQuery, 1);
  q->caps = caps;
  q->jid = g_strdup(full);
  q->ver = g_strdup(ver);
  g_autofree char *node_ver = g_strdup_printf("%s#%s", node, ver);
  xmpp_disco_query_info(caps->disco, full, node_ver, on_caps_info, q, caps_query_free);
}

static void
on_presence(const XmppStanza *stanza, gpointer data)
{
  XmppCaps *caps = data;
  const XmppJid *me = xmpp_router_get_own_jid(caps->router);
  /* Our own presence reflected by the server tells nothing new. */
  if (stanza->from != NULL &&
      (me == NULL || !xmpp_jid_equal(stanza->from, me, XMPP_JID_MATCH_FULL)))
    xmpp_caps_handle_presence(caps, stanza->node);
}

/* ---- the object ---- */

XmppCaps *
xmpp_caps_new(XmppRouter *router, const XmppHost *host, XmppDisco *disco, XmppPresence *presence)
{
  XmppCaps *caps = g_new0(XmppCaps, 1);
  caps->router = router;
  caps->host = host;
  caps->disco = disco;
  caps->presence = presence;
  caps->cache =
      g_hash_table_new_full(g_str_hash, g_str_equal, g_free, (GDestroyNotify)xmpp_disco_info_free);
  g_queue_init(&caps->cache_order);
  caps->inflight = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
  caps->jids = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, jid_caps_free);
  xmpp_disco_add_feature(disco, XMPP_NS_CAPS);
  caps->handler =
      xmpp_router_add_observer(router, XMPP_STANZA_PRESENCE, NULL, NULL, on_presence, caps, NULL);
  if (presence != NULL)
    xmpp_presence_set_own_extension(presence, build_extension, caps);
  return caps;
}

void
xmpp_caps_free(XmppCaps *caps)
{
  if (caps == NULL)
    return;
  if (caps->presence != NULL)
    xmpp_presence_set_own_extension(caps->presence, NULL, NULL);
  xmpp_router_remove_handler(caps->router, caps->handler);
  g_queue_clear(&caps->cache_order);
  g_hash_table_unref(caps->cache);
  g_hash_table_unref(caps->inflight);
  g_hash_table_unref(caps->jids);
  g_free(caps->own_ver);
  g_free(caps);
}

guint
xmpp_caps_n_cached(const XmppCaps *caps)
{
  return g_hash_table_size(caps->cache);
}

guint
xmpp_caps_n_inflight(const XmppCaps *caps)
{
  return g_hash_table_size(caps->inflight);
}

gsize
xmpp_caps_get_cache_bytes(const XmppCaps *caps)
{
  return caps->cache_bytes;
}

guint
xmpp_caps_n_jids(const XmppCaps *caps)
{
  return g_hash_table_size(caps->jids);
}

void
xmpp_caps_set_learnt(XmppCaps *caps,
                     void (*learnt)(gpointer, const char *, const XmppDiscoInfo *, gboolean),
                     gpointer data)
{
  caps->learnt = learnt;
  caps->learnt_data = data;
}

/* ---- the cache file ---- */

char *
xmpp_caps_cache_serialize(const XmppCaps *caps)
{
  GString *out = g_string_new("<stream:stream xmlns='" XMPP_NS_JABBER_CLIENT
                              "' xmlns:stream='" XMPP_NS_STREAM "' version='1.0'>\n");
  for (GList *l = caps->cache_order.head; l != NULL; l = l->next) {
    XmppNode *entry = xmpp_node_new(CACHE_NS, "entry");
    xmpp_node_set_attr(entry, "ver", l->data);
    xmpp_node_add_child(entry, xmpp_disco_info_build(g_hash_table_lookup(caps->cache, l->data)));
    xmpp_xml_write_node(out, entry, XMPP_NS_JABBER_CLIENT);
    g_string_append_c(out, '\n');
    xmpp_node_free(entry);
  }
  g_string_append(out, "</stream:stream>\n");
  return g_string_free(out, FALSE);
}

typedef struct {
  XmppCaps *caps;
  int loaded;
} LoadState;

/* A file entry counts only when it still hashes to its ver: a tampered file cannot poison. */
static void
on_cache_entry(gpointer data, XmppNode *entry)
{
  LoadState *st = data;
  const char *ver =
      xmpp_node_is(entry, CACHE_NS, "entry") ? xmpp_node_get_attr(entry, "ver") : NULL;
  g_autoptr(XmppDiscoInfo) info =
      ver != NULL ? xmpp_disco_info_parse(xmpp_node_first_element(entry), NULL) : NULL;
  g_autofree char *computed = info != NULL ? xmpp_caps_compute_ver(info) : NULL;
  if (computed != NULL && strcmp(computed, ver) == 0) {
    g_clear_pointer(&info->node, g_free);
    if (cache_insert(st->caps, ver, info))
      st->loaded++;
  }
  xmpp_node_free(entry);
}

int
xmpp_caps_cache_load(XmppCaps *caps, const char *data, gsize len)
{
  LoadState st = {caps, 0};
  XmppParserCallbacks callbacks = {.stanza = on_cache_entry};
  g_autoptr(XmppParser) parser = xmpp_parser_new(&callbacks, &st, NULL);
  g_autoptr(GError) error = NULL;
  if (!xmpp_parser_feed(parser, data, len, &error)) {
    xmpp_host_log(caps->host, XMPP_LOG_WARNING, "caps: cache file: %s", error->message);
    return st.loaded > 0 ? st.loaded : -1;
  }
  return st.loaded;
}
