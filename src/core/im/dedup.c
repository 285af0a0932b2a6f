/* SPDX-License-Identifier: GPL-2.0-or-later */
/* XmppDedup: a bounded set of message keys, first in, first forgotten. */
#include "im/dedup.h"

struct _XmppDedup {
  guint max_keys;
  GHashTable *keys; /* char* (owned by order) -> itself */
  GQueue order;     /* char*, oldest first */
};

XmppDedup *
xmpp_dedup_new(guint max_keys)
{
  XmppDedup *d = g_new0(XmppDedup, 1);
  d->max_keys = MAX(max_keys, 1);
  d->keys = g_hash_table_new(g_str_hash, g_str_equal);
  g_queue_init(&d->order);
  return d;
}

void
xmpp_dedup_free(XmppDedup *d)
{
  if (d == NULL)
    return;
  g_hash_table_destroy(d->keys);
  g_queue_clear_full(&d->order, g_free);
  g_free(d);
}

/* key is not known yet (xmpp_dedup_check looked). */
static void
remember(XmppDedup *d, char *key)
{
  while (g_queue_get_length(&d->order) >= d->max_keys) {
    char *old = g_queue_pop_head(&d->order);
    g_hash_table_remove(d->keys, old);
    g_free(old);
  }
  g_queue_push_tail(&d->order, key);
  g_hash_table_add(d->keys, key);
}

/* FNV-1a (64 bits) of the body: an id reused by the same sender for another text is another
 * message. Only the sender's own messages share its key, so a collision could hide nothing
 * from anyone else; no cryptographic hash is needed (it cost a SHA-256 per received message). */
static guint64
body_hash(const char *body)
{
  guint64 h = G_GUINT64_CONSTANT(14695981039346656037);
  for (const guchar *p = (const guchar *)(body != NULL ? body : ""); *p != '\0'; p++)
    h = (h ^ *p) * G_GUINT64_CONSTANT(1099511628211);
  return h;
}

gboolean
xmpp_dedup_check(XmppDedup *d, const XmppDedupMessage *m)
{
  g_return_val_if_fail(d != NULL && m != NULL, FALSE);
  const char *peer = m->counterpart != NULL ? m->counterpart : "";
  char *keys[3] = {NULL, NULL, NULL};
  guint n = 0;
  /* Separators that cannot occur in a JID keep the parts apart. */
  if (m->stanza_id != NULL)
    keys[n++] = g_strconcat("s\x01", m->stanza_id, NULL);
  if (m->origin_id != NULL)
    keys[n++] = g_strconcat("o\x01", peer, "\x01", m->origin_id, NULL);
  else if (m->id != NULL) {
    char sum[17];
    guint64 h = body_hash(m->body);
    for (int i = 15; i >= 0; i--, h >>= 4)
      sum[i] = "0123456789abcdef"[h & 0xf];
    sum[16] = '\0';
    keys[n++] = g_strconcat("i\x01", peer, "\x01", m->id, "\x01", sum, NULL);
  }
  gboolean seen = FALSE;
  for (guint i = 0; i < n && !seen; i++)
    seen = g_hash_table_contains(d->keys, keys[i]);
  for (guint i = 0; i < n; i++) {
    if (seen)
      g_free(keys[i]);
    else
      remember(d, keys[i]);
  }
  return seen;
}

guint
xmpp_dedup_n_keys(const XmppDedup *d)
{
  return d != NULL ? g_hash_table_size(d->keys) : 0;
}
