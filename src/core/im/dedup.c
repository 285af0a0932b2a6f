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

static void
remember(XmppDedup *d, char *key)
{
  if (g_hash_table_contains(d->keys, key)) {
    g_free(key);
    return;
  }
  while (g_queue_get_length(&d->order) >= d->max_keys) {
    char *old = g_queue_pop_head(&d->order);
    g_hash_table_remove(d->keys, old);
    g_free(old);
  }
  g_queue_push_tail(&d->order, key);
  g_hash_table_add(d->keys, key);
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
    g_autofree char *sum =
        g_compute_checksum_for_string(G_CHECKSUM_SHA256, m->body != NULL ? m->body : "", -1);
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
