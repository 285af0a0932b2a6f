/* SPDX-License-Identifier: GPL-2.0-or-later */
/* XmppSm: XEP-0198 bookkeeping. Counts wrap at 2^32 (§4: "h ... MUST be 2^32 - 1 ... then
 * wrap to 0"), so every comparison is made on differences modulo 2^32. */
#include "sm.h"

/* Not G_DEFINE_QUARK: clang-format spaces its unquoted name ("xmpp - ... - quark"). */
GQuark
xmpp_sm_error_quark(void)
{
  return g_quark_from_static_string("xmpp-sm-error-quark");
}

struct _XmppSm {
  gboolean counting; /* <enable/> sent */
  gboolean enabled;  /* <enabled/> received */
  char *resume_id;
  guint max_s;
  guint32 handled; /* inbound stanzas handled */
  guint32 sent;    /* outbound stanzas sent */
  guint32 acked;   /* the server's last h */
  GQueue unacked;  /* XmppNode*, oldest first: stanzas acked+1 .. sent */
};

XmppSm *
xmpp_sm_new(void)
{
  XmppSm *sm = g_new0(XmppSm, 1);
  g_queue_init(&sm->unacked);
  return sm;
}

void
xmpp_sm_reset(XmppSm *sm)
{
  g_return_if_fail(sm != NULL);
  g_queue_clear_full(&sm->unacked, (GDestroyNotify)xmpp_node_free);
  g_clear_pointer(&sm->resume_id, g_free);
  sm->counting = sm->enabled = FALSE;
  sm->max_s = 0;
  sm->handled = sm->sent = sm->acked = 0;
}

void
xmpp_sm_free(XmppSm *sm)
{
  if (sm == NULL)
    return;
  xmpp_sm_reset(sm);
  g_free(sm);
}

void
xmpp_sm_enable_sent(XmppSm *sm)
{
  g_return_if_fail(sm != NULL);
  xmpp_sm_reset(sm);
  sm->counting = TRUE;
}

void
xmpp_sm_enabled(XmppSm *sm, const char *id, guint max_s)
{
  g_return_if_fail(sm != NULL && sm->counting);
  sm->enabled = TRUE;
  sm->handled = 0;
  g_free(sm->resume_id);
  sm->resume_id = id != NULL && *id != '\0' ? g_strdup(id) : NULL;
  sm->max_s = max_s;
}

gboolean
xmpp_sm_is_counting(const XmppSm *sm)
{
  return sm != NULL && sm->counting;
}

gboolean
xmpp_sm_is_enabled(const XmppSm *sm)
{
  return sm != NULL && sm->enabled;
}

const char *
xmpp_sm_get_resume_id(const XmppSm *sm)
{
  return sm != NULL && sm->enabled ? sm->resume_id : NULL;
}

guint
xmpp_sm_get_max(const XmppSm *sm)
{
  return sm != NULL ? sm->max_s : 0;
}

gboolean
xmpp_sm_sent(XmppSm *sm, const XmppNode *stanza, GError **error)
{
  g_return_val_if_fail(sm != NULL && sm->counting && stanza != NULL, FALSE);
  return xmpp_sm_sent_take(sm, xmpp_node_copy(stanza), error);
}

gboolean
xmpp_sm_sent_take(XmppSm *sm, XmppNode *stanza, GError **error)
{
  g_return_val_if_fail(sm != NULL && sm->counting && stanza != NULL, FALSE);
  sm->sent++;
  g_queue_push_tail(&sm->unacked, stanza);
  if (sm->unacked.length > XMPP_SM_MAX_UNACKED) {
    g_set_error(error, XMPP_SM_ERROR, XMPP_SM_ERROR_TOO_MANY_UNACKED,
                "the server has not acknowledged %u stanzas", sm->unacked.length);
    return FALSE;
  }
  return TRUE;
}

void
xmpp_sm_handled(XmppSm *sm)
{
  g_return_if_fail(sm != NULL);
  if (sm->enabled)
    sm->handled++;
}

guint32
xmpp_sm_get_handled(const XmppSm *sm)
{
  return sm != NULL ? sm->handled : 0;
}

guint32
xmpp_sm_get_sent(const XmppSm *sm)
{
  return sm != NULL ? sm->sent : 0;
}

gboolean
xmpp_sm_ack(XmppSm *sm, guint32 h, GError **error)
{
  g_return_val_if_fail(sm != NULL, FALSE);
  /* Both differences are taken modulo 2^32: the new stanzas h acknowledges, and those we still
   * hold. An h that goes back looks like a huge number of new ones, so it fails too. */
  guint32 newly = h - sm->acked;
  guint32 outstanding = sm->sent - sm->acked;
  if (newly > outstanding || outstanding != (guint32)sm->unacked.length) {
    g_set_error(error, XMPP_SM_ERROR, XMPP_SM_ERROR_HANDLED_COUNT_TOO_HIGH,
                "the server acknowledged %" G_GUINT32_FORMAT " stanzas, we sent %" G_GUINT32_FORMAT
                " (%" G_GUINT32_FORMAT " acknowledged before)",
                h, sm->sent, sm->acked);
    return FALSE;
  }
  for (guint32 i = 0; i < newly; i++)
    xmpp_node_free(g_queue_pop_head(&sm->unacked));
  sm->acked = h;
  return TRUE;
}

guint
xmpp_sm_n_unacked(const XmppSm *sm)
{
  return sm != NULL ? sm->unacked.length : 0;
}

const XmppNode *
xmpp_sm_peek_unacked(const XmppSm *sm, guint index)
{
  g_return_val_if_fail(sm != NULL, NULL);
  return g_queue_peek_nth((GQueue *)&sm->unacked, index);
}

GPtrArray *
xmpp_sm_take_unacked(XmppSm *sm)
{
  g_return_val_if_fail(sm != NULL, NULL);
  GPtrArray *out = g_ptr_array_new_full(sm->unacked.length, (GDestroyNotify)xmpp_node_free);
  XmppNode *node;
  while ((node = g_queue_pop_head(&sm->unacked)) != NULL)
    g_ptr_array_add(out, node);
  sm->acked = sm->sent; /* nothing is held any more */
  return out;
}

void
xmpp_sm_set_counts_for_tests(XmppSm *sm, guint32 start)
{
  g_return_if_fail(sm != NULL && sm->unacked.length == 0);
  sm->handled = sm->sent = sm->acked = start;
}

gboolean
xmpp_sm_parse_h(const XmppNode *element, guint32 *h)
{
  g_return_val_if_fail(element != NULL && h != NULL, FALSE);
  const char *value = xmpp_node_get_attr(element, "h");
  guint64 parsed = 0;
  if (value == NULL || !g_ascii_isdigit(value[0]) ||
      !g_ascii_string_to_unsigned(value, 10, 0, G_MAXUINT32, &parsed, NULL))
    return FALSE;
  *h = (guint32)parsed;
  return TRUE;
}
