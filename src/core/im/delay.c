/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Delayed delivery (XEP-0203, legacy XEP-0091); stamps go through the one strict XEP-0082
 * parser (xml/datetime.c). A bad stamp is ignored and an absurd one clamped: Pidgin crashed on
 * negative times (CVE-2013-6477, T49), so nothing here ever hands an out-of-range value on. */
#include "im/delay.h"

#include "xml/datetime.h"
#include "im/namespaces.h"

gboolean
xmpp_delay_parse_stamp(const char *stamp, gint64 *unix_s)
{
  return xmpp_datetime_parse(stamp, -1, unix_s, NULL);
}

gboolean
xmpp_delay_parse_legacy_stamp(const char *stamp, gint64 *unix_s)
{
  return xmpp_datetime_parse_legacy(stamp, -1, unix_s);
}

gint64
xmpp_delay_clamp(gint64 stamp, gint64 now_s)
{
  gint64 max = now_s + XMPP_DELAY_MAX_FUTURE_S;
  if (stamp > max)
    stamp = max;
  if (stamp < 0)
    stamp = 0;
  return stamp;
}

static char *
dup_nonempty(const char *s)
{
  return s != NULL && *s != '\0' ? g_strdup(s) : NULL;
}

XmppDelay *
xmpp_delay_parse(const XmppNode *stanza, gint64 now_s)
{
  if (stanza == NULL)
    return NULL;
  gint64 t;
  gboolean legacy = FALSE;
  XmppNode *el = xmpp_node_get_child(stanza, XMPP_NS_DELAY, "delay");
  if (el == NULL || !xmpp_delay_parse_stamp(xmpp_node_get_attr(el, "stamp"), &t)) {
    el = xmpp_node_get_child(stanza, XMPP_NS_DELAY_LEGACY, "x");
    if (el == NULL || !xmpp_delay_parse_legacy_stamp(xmpp_node_get_attr(el, "stamp"), &t))
      return NULL;
    legacy = TRUE;
  }
  XmppDelay *delay = g_new0(XmppDelay, 1);
  delay->stamp = xmpp_delay_clamp(t, now_s);
  delay->legacy = legacy;
  delay->from = dup_nonempty(xmpp_node_get_attr(el, "from"));
  char *reason = xmpp_node_dup_text(el);
  delay->reason = dup_nonempty(g_strstrip(reason));
  g_free(reason);
  return delay;
}

void
xmpp_delay_free(XmppDelay *delay)
{
  if (delay == NULL)
    return;
  g_free(delay->from);
  g_free(delay->reason);
  g_free(delay);
}
