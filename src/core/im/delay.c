/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Delayed delivery (XEP-0203, legacy XEP-0091) with strict XEP-0082 timestamp parsing. A bad
 * stamp is ignored and an absurd one clamped: Pidgin crashed on negative times (CVE-2013-6477,
 * T49), so nothing here ever hands an out-of-range value on. */
#include "im/delay.h"

#include <string.h>

#define MAX_OFFSET_HOURS 14 /* real UTC offsets span -12:00..+14:00 */

/* Reads exactly n ASCII digits at *p; advances. */
static gboolean
read_digits(const char **p, guint n, int *out)
{
  int v = 0;
  for (guint i = 0; i < n; i++) {
    char c = (*p)[i];
    if (c < '0' || c > '9')
      return FALSE;
    v = v * 10 + (c - '0');
  }
  *p += n;
  *out = v;
  return TRUE;
}

static gboolean
expect_char(const char **p, char c)
{
  if (**p != c)
    return FALSE;
  (*p)++;
  return TRUE;
}

/* Seconds since the epoch for a UTC date and time, or FALSE if the date does not exist. */
static gboolean
utc_to_unix(int year, int month, int day, int hour, int minute, int second, gint64 *out)
{
  if (year < 1 || month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 60)
    return FALSE;
  if (day > g_date_get_days_in_month((GDateMonth)month, (GDateYear)year))
    return FALSE;
  if (second == 60)
    second = 59; /* a leap second (XEP-0082 §4 allows ss=60): GDateTime does not */
  GDateTime *dt = g_date_time_new_utc(year, month, day, hour, minute, second);
  if (dt == NULL)
    return FALSE;
  *out = g_date_time_to_unix(dt);
  g_date_time_unref(dt);
  return TRUE;
}

gboolean
xmpp_delay_parse_stamp(const char *stamp, gint64 *unix_s)
{
  if (stamp == NULL || strlen(stamp) > XMPP_DELAY_MAX_STAMP_BYTES)
    return FALSE;
  const char *p = stamp;
  int year, month, day, hour, minute, second;
  /* XEP-0082 §3.2: four-digit year; a sign or a fifth digit is not part of the profile. */
  if (!read_digits(&p, 4, &year) || !expect_char(&p, '-') || !read_digits(&p, 2, &month) ||
      !expect_char(&p, '-') || !read_digits(&p, 2, &day) || !expect_char(&p, 'T') ||
      !read_digits(&p, 2, &hour) || !expect_char(&p, ':') || !read_digits(&p, 2, &minute) ||
      !expect_char(&p, ':') || !read_digits(&p, 2, &second))
    return FALSE;
  if (*p == '.') {
    /* Fractions of a second: at least one digit; their value does not matter to us. */
    p++;
    if (!g_ascii_isdigit(*p))
      return FALSE;
    while (g_ascii_isdigit(*p))
      p++;
  }
  gint64 offset = 0;
  if (*p == 'Z') {
    p++;
  } else if (*p == '+' || *p == '-') {
    int sign = *p == '-' ? -1 : 1, oh, om;
    p++;
    if (!read_digits(&p, 2, &oh) || !expect_char(&p, ':') || !read_digits(&p, 2, &om))
      return FALSE;
    if (oh > MAX_OFFSET_HOURS || om > 59)
      return FALSE;
    offset = sign * ((gint64)oh * 3600 + om * 60);
  } else {
    return FALSE; /* the time zone is mandatory in the DateTime profile */
  }
  if (*p != '\0')
    return FALSE;
  gint64 t;
  if (!utc_to_unix(year, month, day, hour, minute, second, &t))
    return FALSE;
  *unix_s = t - offset; /* local = UTC + offset */
  return TRUE;
}

gboolean
xmpp_delay_parse_legacy_stamp(const char *stamp, gint64 *unix_s)
{
  if (stamp == NULL || strlen(stamp) != 17)
    return FALSE;
  const char *p = stamp;
  int year, month, day, hour, minute, second;
  if (!read_digits(&p, 4, &year) || !read_digits(&p, 2, &month) || !read_digits(&p, 2, &day) ||
      !expect_char(&p, 'T') || !read_digits(&p, 2, &hour) || !expect_char(&p, ':') ||
      !read_digits(&p, 2, &minute) || !expect_char(&p, ':') || !read_digits(&p, 2, &second))
    return FALSE;
  return utc_to_unix(year, month, day, hour, minute, second, unix_s);
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
