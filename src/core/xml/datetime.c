/* SPDX-License-Identifier: GPL-2.0-or-later */
/* XEP-0082 date and time profiles, strictly (see datetime.h for what "strictly" means). A bad
 * stamp is refused, never guessed at: Pidgin crashed on negative times (CVE-2013-6477, T49). */
#include "xml/datetime.h"

#include <string.h>

/* The longest text worth looking at: a DateTime with the longest fraction we accept and an
 * offset is 35 bytes. A NUL-terminated text is never scanned past this. */
#define MAX_SCAN 64

/* g_date_get_julian() of 1970-01-01 (day 1 is 0001-01-01). */
#define UNIX_EPOCH_JULIAN 719163

typedef struct {
  const char *p;
  const char *end;
} Cursor;

static gboolean
cursor_init(Cursor *c, const char *text, gssize len)
{
  if (text == NULL)
    return FALSE;
  c->p = text;
  c->end = text + (len < 0 ? strnlen(text, MAX_SCAN + 1) : (gsize)len);
  return TRUE;
}

/* Exactly n ASCII digits (a NUL or a non-ASCII digit is not one). */
static gboolean
read_digits(Cursor *c, guint n, int *out)
{
  if (c->end - c->p < (gssize)n)
    return FALSE;
  int v = 0;
  for (guint i = 0; i < n; i++) {
    char ch = c->p[i];
    if (ch < '0' || ch > '9')
      return FALSE;
    v = v * 10 + (ch - '0');
  }
  c->p += n;
  *out = v;
  return TRUE;
}

static gboolean
expect(Cursor *c, char ch)
{
  if (c->p >= c->end || *c->p != ch)
    return FALSE;
  c->p++;
  return TRUE;
}

static gboolean
at_end(const Cursor *c)
{
  return c->p == c->end;
}

/* CCYY-MM-DD, or CCYYMMDD (legacy): a date that exists, years 0001..9999. */
static gboolean
read_date(Cursor *c, gboolean separators, int *year, int *month, int *day)
{
  int y, m, d;
  if (!read_digits(c, 4, &y) || (separators && !expect(c, '-')) || !read_digits(c, 2, &m) ||
      (separators && !expect(c, '-')) || !read_digits(c, 2, &d))
    return FALSE;
  if (y < 1 || !g_date_valid_dmy((GDateDay)d, (GDateMonth)m, (GDateYear)y))
    return FALSE;
  *year = y;
  *month = m;
  *day = d;
  return TRUE;
}

/* hh:mm:ss[.sss]; fraction only when allowed. Seconds after midnight. */
static gboolean
read_time(Cursor *c, gboolean fraction, int *seconds)
{
  int h, m, s;
  if (!read_digits(c, 2, &h) || !expect(c, ':') || !read_digits(c, 2, &m) || !expect(c, ':') ||
      !read_digits(c, 2, &s))
    return FALSE;
  if (h > 23 || m > 59 || s > 59)
    return FALSE;
  if (fraction && c->p < c->end && *c->p == '.') {
    c->p++;
    guint n = 0;
    while (c->p < c->end && *c->p >= '0' && *c->p <= '9') {
      if (++n > XMPP_DATETIME_MAX_FRACTION_DIGITS)
        return FALSE;
      c->p++;
    }
    if (n == 0)
      return FALSE;
  }
  *seconds = h * 3600 + m * 60 + s;
  return TRUE;
}

/* Z or [+-]hh:mm within ±14:00. */
static gboolean
read_tzd(Cursor *c, int *tzo_s)
{
  if (expect(c, 'Z')) {
    *tzo_s = 0;
    return TRUE;
  }
  if (c->p >= c->end || (*c->p != '+' && *c->p != '-'))
    return FALSE;
  int sign = *c->p == '-' ? -1 : 1, h, m;
  c->p++;
  if (!read_digits(c, 2, &h) || !expect(c, ':') || !read_digits(c, 2, &m))
    return FALSE;
  if (m > 59 || h * 3600 + m * 60 > XMPP_DATETIME_MAX_OFFSET_S)
    return FALSE;
  *tzo_s = sign * (h * 3600 + m * 60);
  return TRUE;
}

static gint64
to_unix(int year, int month, int day, int seconds)
{
  GDate date;
  g_date_clear(&date, 1);
  g_date_set_dmy(&date, (GDateDay)day, (GDateMonth)month, (GDateYear)year);
  gint64 days = (gint64)g_date_get_julian(&date) - UNIX_EPOCH_JULIAN;
  return days * 86400 + seconds;
}

gboolean
xmpp_datetime_parse(const char *text, gssize len, gint64 *unix_s, int *tzo_s)
{
  Cursor c;
  int year, month, day, seconds, offset;
  if (!cursor_init(&c, text, len) || !read_date(&c, TRUE, &year, &month, &day) ||
      !expect(&c, 'T') || !read_time(&c, TRUE, &seconds) || !read_tzd(&c, &offset) || !at_end(&c))
    return FALSE;
  if (unix_s != NULL)
    *unix_s = to_unix(year, month, day, seconds) - offset; /* local = UTC + offset */
  if (tzo_s != NULL)
    *tzo_s = offset;
  return TRUE;
}

gboolean
xmpp_datetime_parse_date(const char *text, gssize len, int *year, int *month, int *day)
{
  Cursor c;
  int y, m, d;
  if (!cursor_init(&c, text, len) || !read_date(&c, TRUE, &y, &m, &d) || !at_end(&c))
    return FALSE;
  if (year != NULL)
    *year = y;
  if (month != NULL)
    *month = m;
  if (day != NULL)
    *day = d;
  return TRUE;
}

gboolean
xmpp_datetime_parse_time(const char *text, gssize len, int *seconds, gboolean *has_tzd, int *tzo_s)
{
  Cursor c;
  int s, offset = 0;
  if (!cursor_init(&c, text, len) || !read_time(&c, TRUE, &s))
    return FALSE;
  gboolean tzd = !at_end(&c);
  if (tzd && !read_tzd(&c, &offset))
    return FALSE;
  if (!at_end(&c))
    return FALSE;
  if (seconds != NULL)
    *seconds = s;
  if (has_tzd != NULL)
    *has_tzd = tzd;
  if (tzo_s != NULL)
    *tzo_s = offset;
  return TRUE;
}

gboolean
xmpp_datetime_parse_tzd(const char *text, gssize len, int *tzo_s)
{
  Cursor c;
  int offset;
  if (!cursor_init(&c, text, len) || !read_tzd(&c, &offset) || !at_end(&c))
    return FALSE;
  if (tzo_s != NULL)
    *tzo_s = offset;
  return TRUE;
}

gboolean
xmpp_datetime_parse_legacy(const char *text, gssize len, gint64 *unix_s)
{
  Cursor c;
  int year, month, day, seconds;
  if (!cursor_init(&c, text, len) || !read_date(&c, FALSE, &year, &month, &day) ||
      !expect(&c, 'T') || !read_time(&c, FALSE, &seconds) || !at_end(&c))
    return FALSE;
  if (unix_s != NULL)
    *unix_s = to_unix(year, month, day, seconds);
  return TRUE;
}

char *
xmpp_datetime_format(gint64 unix_s)
{
  GDateTime *dt = g_date_time_new_from_unix_utc(unix_s);
  if (dt == NULL)
    return NULL;
  char *text = NULL;
  int year = g_date_time_get_year(dt);
  /* By hand: g_date_time_format's %Y does not pad years before 1000 to four digits. */
  if (year >= 1 && year <= 9999)
    text = g_strdup_printf("%04d-%02d-%02dT%02d:%02d:%02dZ", year, g_date_time_get_month(dt),
                           g_date_time_get_day_of_month(dt), g_date_time_get_hour(dt),
                           g_date_time_get_minute(dt), g_date_time_get_second(dt));
  g_date_time_unref(dt);
  return text;
}
