/* SPDX-License-Identifier: GPL-2.0-or-later */
/* XEP-0082 date and time profiles (Date, DateTime, Time), parsed strictly, and the legacy
 * XEP-0091 "CCYYMMDDThh:mm:ss" form. The one parser every stamp goes through (delays, idle
 * times, entity time): nothing here knows XMPP, so it sits at the bottom with the XML layer.
 *
 * Strict means exactly the lexical forms of XEP-0082 §3 with the ranges of its §2 table:
 *   - four-digit years 0001..9999 (no sign, no fifth digit: XEP-0082 says CCYY);
 *   - months 01..12, days that exist in that month (leap years included);
 *   - hh 00..23, mm 00..59, ss 00..59: no leap second (XEP-0082 §2 says "00 through 59") and no
 *     24:00:00;
 *   - fractions: '.' and 1..XMPP_DATETIME_MAX_FRACTION_DIGITS digits, ignored (§3.2 allows it);
 *   - TZD: "Z" or "+hh:mm" / "-hh:mm" within ±14:00 (the XML Schema range XEP-0082 defers to);
 *     mandatory in DateTime, optional in Time;
 *   - nothing before or after: no spaces, no lower-case 't' or 'z', no comma fractions, no
 *     basic (separator-less) or week/ordinal forms, no embedded NUL when a length is given.
 * Every function leaves its outputs untouched when it returns FALSE. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Fraction digits accepted (nanoseconds). XEP-0082 allows any number, but no clock needs more,
 * and a bound keeps a hostile 1000-digit stamp from being walked. */
#define XMPP_DATETIME_MAX_FRACTION_DIGITS 9
#define XMPP_DATETIME_MAX_OFFSET_S        (14 * 3600)

/* In every parser, len is the length of text in bytes, or -1 when it is NUL-terminated. A NUL
 * inside len bytes is junk. text NULL gives FALSE. */

/* DateTime: CCYY-MM-DDThh:mm:ss[.sss]TZD. *unix_s: seconds since the Unix epoch (UTC);
 * tzo_s (optional): the offset from UTC it was written with, in seconds (0 for "Z"). */
gboolean xmpp_datetime_parse(const char *text, gssize len, gint64 *unix_s, int *tzo_s);
/* Date: CCYY-MM-DD (also XEP-0054's BDAY). Outputs optional. */
gboolean xmpp_datetime_parse_date(const char *text, gssize len, int *year, int *month, int *day);
/* Time: hh:mm:ss[.sss][TZD]. *seconds: seconds after midnight as written; *has_tzd: whether a
 * TZD was given; *tzo_s its offset (0 without one). Outputs optional. */
gboolean xmpp_datetime_parse_time(const char *text, gssize len, int *seconds, gboolean *has_tzd,
                                  int *tzo_s);
/* A TZD on its own ("Z", "-06:00"): XEP-0202's <tzo/>. */
gboolean xmpp_datetime_parse_tzd(const char *text, gssize len, int *tzo_s);
/* XEP-0091 / XEP-0082 §4 legacy form CCYYMMDDThh:mm:ss, always UTC, no fraction, no TZD (old
 * servers' offline messages). Same ranges as above. */
gboolean xmpp_datetime_parse_legacy(const char *text, gssize len, gint64 *unix_s);

/* "CCYY-MM-DDThh:mm:ssZ" for a Unix time (what we send: XEP-0202 <utc/>, XEP-0319 since);
 * NULL outside years 0001..9999. */
char *xmpp_datetime_format(gint64 unix_s);

G_END_DECLS
