/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Tests for xml/datetime.c: the XEP-0082 Date, DateTime and Time profiles and the XEP-0091
 * legacy form, strictly. Every rejection has a positive twin that differs only in the fault, so
 * that a test cannot pass because the parser refuses everything. */
#include <string.h>

#include "xml/datetime.h"

#define APOLLO 1031699305 /* 2002-09-10T23:08:25Z */

/* ---- DateTime ---- */

static const struct {
  const char *text;
  gint64 unix_s;
  int tzo_s;
} valid_datetimes[] = {
    {"1970-01-01T00:00:00Z", 0, 0},
    {"2002-09-10T23:08:25Z", APOLLO, 0},
    {"2002-09-10T23:08:25.1Z", APOLLO, 0},
    {"2002-09-10T23:08:25.123Z", APOLLO, 0},
    {"2002-09-10T23:08:25.123456Z", APOLLO, 0},
    {"2002-09-10T23:08:25.123456789Z", APOLLO, 0}, /* XMPP_DATETIME_MAX_FRACTION_DIGITS */
    /* local = UTC + offset: 23:08 at -07:00 is 06:08 UTC the next day */
    {"2002-09-10T23:08:25-07:00", APOLLO + 7 * 3600, -7 * 3600},
    {"2002-09-10T23:08:25+02:30", APOLLO - 9000, 9000},
    {"2002-09-10T23:08:25+00:00", APOLLO, 0},
    {"2002-09-10T23:08:25-00:00", APOLLO, 0},
    {"2002-09-10T23:08:25+14:00", APOLLO - 14 * 3600, 14 * 3600},
    {"2002-09-10T23:08:25-14:00", APOLLO + 14 * 3600, -14 * 3600},
    {"1969-07-20T21:56:15-05:00", -14159025, -5 * 3600}, /* XEP-0082's own example */
    {"1969-07-21T02:56:15Z", -14159025, 0},
    {"0001-01-01T00:00:00Z", G_GINT64_CONSTANT(-62135596800), 0},
    {"9999-12-31T23:59:59Z", G_GINT64_CONSTANT(253402300799), 0},
    {"2000-02-29T12:00:00Z", 951825600, 0}, /* divisible by 400: leap */
    {"2024-02-29T00:00:00Z", 1709164800, 0},
    {"2002-09-10T00:00:00Z", APOLLO - (23 * 3600 + 8 * 60 + 25), 0},
    {"2002-09-10T23:59:59Z", APOLLO + (51 * 60 + 34), 0},
};

/* Each invalid DateTime and its valid twin. */
static const struct {
  const char *bad;
  const char *good;
} datetime_twins[] = {
    {"", "2002-09-10T23:08:25Z"},
    {"garbage", "2002-09-10T23:08:25Z"},
    /* The TZD is mandatory in DateTime. */
    {"2002-09-10T23:08:25", "2002-09-10T23:08:25Z"},
    {"2002-09-10T23:08:25.123", "2002-09-10T23:08:25.123Z"},
    {"2002-09-10", "2002-09-10T00:00:00Z"},
    /* Years: exactly four digits, 0001..9999. */
    {"0000-01-01T00:00:00Z", "0001-01-01T00:00:00Z"},
    {"10000-01-01T00:00:00Z", "9999-01-01T00:00:00Z"},
    {"-0001-01-01T00:00:00Z", "0001-01-01T00:00:00Z"},
    {"+2002-09-10T23:08:25Z", "2002-09-10T23:08:25Z"},
    {"02-09-10T23:08:25Z", "2002-09-10T23:08:25Z"},
    /* Months and days. */
    {"2002-00-10T23:08:25Z", "2002-01-10T23:08:25Z"},
    {"2002-13-10T23:08:25Z", "2002-12-10T23:08:25Z"},
    {"2002-9-10T23:08:25Z", "2002-09-10T23:08:25Z"},
    {"2002-09-00T23:08:25Z", "2002-09-01T23:08:25Z"},
    {"2002-09-31T23:08:25Z", "2002-09-30T23:08:25Z"},
    {"2002-02-30T23:08:25Z", "2002-02-28T23:08:25Z"},
    {"2001-02-29T00:00:00Z", "2004-02-29T00:00:00Z"},
    {"1900-02-29T00:00:00Z", "2000-02-29T00:00:00Z"}, /* divisible by 100, not 400 */
    /* Hours, minutes, seconds: 24:00:00 and leap seconds are not in XEP-0082 §2. */
    {"2002-09-10T24:00:00Z", "2002-09-10T23:00:00Z"},
    {"2002-09-10T23:60:00Z", "2002-09-10T23:59:00Z"},
    {"2002-09-10T23:08:60Z", "2002-09-10T23:08:59Z"},
    {"2016-12-31T23:59:60Z", "2016-12-31T23:59:59Z"},
    {"2002-09-10T23:08:61Z", "2002-09-10T23:08:01Z"},
    {"2002-09-10T23:08Z", "2002-09-10T23:08:00Z"},
    {"2002-09-10T3:08:25Z", "2002-09-10T03:08:25Z"},
    /* Fractions: a dot and 1..9 digits, never a comma. */
    {"2002-09-10T23:08:25.Z", "2002-09-10T23:08:25.0Z"},
    {"2002-09-10T23:08:25.1234567890Z", "2002-09-10T23:08:25.123456789Z"},
    {"2002-09-10T23:08:25,5Z", "2002-09-10T23:08:25.5Z"},
    {"2002-09-10T23:08:25.5.5Z", "2002-09-10T23:08:25.55Z"},
    /* TZD: Z or ±hh:mm within ±14:00. */
    {"2002-09-10T23:08:25z", "2002-09-10T23:08:25Z"},
    {"2002-09-10T23:08:25ZZ", "2002-09-10T23:08:25Z"},
    {"2002-09-10T23:08:25+0700", "2002-09-10T23:08:25+07:00"},
    {"2002-09-10T23:08:25+07", "2002-09-10T23:08:25+07:00"},
    {"2002-09-10T23:08:25+7:00", "2002-09-10T23:08:25+07:00"},
    {"2002-09-10T23:08:25+14:01", "2002-09-10T23:08:25+14:00"},
    {"2002-09-10T23:08:25-15:00", "2002-09-10T23:08:25-12:00"},
    {"2002-09-10T23:08:25+05:60", "2002-09-10T23:08:25+05:59"},
    {"2002-09-10T23:08:25+99:99", "2002-09-10T23:08:25+09:30"},
    {"2002-09-10T23:08:25 Z", "2002-09-10T23:08:25Z"},
    /* Separators, other ISO 8601 forms GLib would take, and junk around. */
    {"2002-09-10t23:08:25Z", "2002-09-10T23:08:25Z"},
    {"2002-09-10 23:08:25Z", "2002-09-10T23:08:25Z"},
    {"20020910T230825Z", "2002-09-10T23:08:25Z"},
    {"2002-W37-2T23:08:25Z", "2002-09-10T23:08:25Z"},
    {"2002-253T23:08:25Z", "2002-09-10T23:08:25Z"},
    {"2002/09/10T23:08:25Z", "2002-09-10T23:08:25Z"},
    {"2002-09-10T23.08.25Z", "2002-09-10T23:08:25Z"},
    {" 2002-09-10T23:08:25Z", "2002-09-10T23:08:25Z"},
    {"2002-09-10T23:08:25Z ", "2002-09-10T23:08:25Z"},
    {"2002-09-10T23:08:25Z\n", "2002-09-10T23:08:25Z"},
    {"2002-09-10T23:08:25Zjunk", "2002-09-10T23:08:25Z"},
    /* Non-ASCII digits (fullwidth, Arabic-Indic) are not digits here. */
    {"\xef\xbc\x92\xef\xbc\x90\xef\xbc\x90\xef\xbc\x92-09-10T23:08:25Z", "2002-09-10T23:08:25Z"},
    {"2002-09-10T23:08:2\xd9\xa5Z", "2002-09-10T23:08:25Z"},
};

static void
test_datetime_valid(void)
{
  for (gsize i = 0; i < G_N_ELEMENTS(valid_datetimes); i++) {
    gint64 t = 42;
    int tzo = 42;
    g_test_message("%s", valid_datetimes[i].text);
    g_assert_true(xmpp_datetime_parse(valid_datetimes[i].text, -1, &t, &tzo));
    g_assert_cmpint(t, ==, valid_datetimes[i].unix_s);
    g_assert_cmpint(tzo, ==, valid_datetimes[i].tzo_s);
    /* The same with an explicit length, and with the outputs not wanted. */
    g_assert_true(xmpp_datetime_parse(valid_datetimes[i].text,
                                      (gssize)strlen(valid_datetimes[i].text), &t, NULL));
    g_assert_cmpint(t, ==, valid_datetimes[i].unix_s);
    g_assert_true(xmpp_datetime_parse(valid_datetimes[i].text, -1, NULL, NULL));
  }
}

static void
test_datetime_invalid_twins(void)
{
  for (gsize i = 0; i < G_N_ELEMENTS(datetime_twins); i++) {
    gint64 t = 42;
    int tzo = 42;
    g_test_message("bad '%s', twin '%s'", datetime_twins[i].bad, datetime_twins[i].good);
    g_assert_false(xmpp_datetime_parse(datetime_twins[i].bad, -1, &t, &tzo));
    g_assert_cmpint(t, ==, 42); /* untouched on failure */
    g_assert_cmpint(tzo, ==, 42);
    g_assert_true(xmpp_datetime_parse(datetime_twins[i].good, -1, &t, &tzo));
  }
  g_assert_false(xmpp_datetime_parse(NULL, -1, NULL, NULL));
}

/* T49: a long fraction is refused without being walked, and so is a long tail. */
static void
test_datetime_T49_long(void)
{
  GString *s = g_string_new("2002-09-10T23:08:25.");
  for (int i = 0; i < 100000; i++)
    g_string_append_c(s, '9');
  g_string_append_c(s, 'Z');
  g_assert_false(xmpp_datetime_parse(s->str, -1, NULL, NULL));
  g_assert_false(xmpp_datetime_parse(s->str, (gssize)s->len, NULL, NULL));
  g_string_free(s, TRUE);
  s = g_string_new("2002-09-10T23:08:25Z");
  for (int i = 0; i < 100000; i++)
    g_string_append_c(s, ' ');
  g_assert_false(xmpp_datetime_parse(s->str, -1, NULL, NULL));
  /* Twin: the same stamp, the length stopping before the tail. */
  g_assert_true(xmpp_datetime_parse(s->str, 20, NULL, NULL));
  g_string_free(s, TRUE);
}

/* A NUL inside the given length is junk, wherever it is; the twin stops before it. */
static void
test_datetime_embedded_nul(void)
{
  static const char stamp[] = "2002-09-10T23:08:25Z\0junk";
  gint64 t = 0;
  g_assert_false(xmpp_datetime_parse(stamp, sizeof stamp - 1, &t, NULL));
  g_assert_false(xmpp_datetime_parse(stamp, 21, &t, NULL));
  g_assert_true(xmpp_datetime_parse(stamp, 20, &t, NULL));
  g_assert_cmpint(t, ==, APOLLO);
  g_assert_true(xmpp_datetime_parse(stamp, -1, &t, NULL)); /* NUL-terminated: the NUL ends it */
  static const char inside[] = "2002-09-10T23:0\0:25Z";
  g_assert_false(xmpp_datetime_parse(inside, sizeof inside - 1, NULL, NULL));
  /* A length that cuts a valid stamp short. */
  g_assert_false(xmpp_datetime_parse("2002-09-10T23:08:25Z", 19, NULL, NULL));
  g_assert_false(xmpp_datetime_parse("2002-09-10T23:08:25Z", 0, NULL, NULL));
}

/* ---- Date ---- */

static void
test_date(void)
{
  int y = 0, m = 0, d = 0;
  g_assert_true(xmpp_datetime_parse_date("1776-07-04", -1, &y, &m, &d)); /* XEP-0082's example */
  g_assert_cmpint(y, ==, 1776);
  g_assert_cmpint(m, ==, 7);
  g_assert_cmpint(d, ==, 4);
  g_assert_true(xmpp_datetime_parse_date("1582-07-31", -1, NULL, NULL, NULL));
  static const struct {
    const char *bad, *good;
  } twins[] = {
      {"", "2002-09-10"},
      {"0000-01-01", "0001-01-01"},
      {"10000-01-01", "9999-01-01"},
      {"-0001-01-01", "0001-01-01"},
      {"2002-13-01", "2002-12-01"},
      {"2002-00-01", "2002-01-01"},
      {"2002-04-31", "2002-04-30"},
      {"2001-02-29", "2004-02-29"},
      {"2002-9-10", "2002-09-10"},
      {"20020910", "2002-09-10"},
      {"2002-09-10T00:00:00Z", "2002-09-10"},
      {"2002-09-10Z", "2002-09-10"},
      {"2002-09-10 ", "2002-09-10"},
      {"1990-05-12\n", "1990-05-12"},
      {"12/05/1990", "1990-05-12"},
  };
  for (gsize i = 0; i < G_N_ELEMENTS(twins); i++) {
    y = 42;
    g_test_message("bad '%s', twin '%s'", twins[i].bad, twins[i].good);
    g_assert_false(xmpp_datetime_parse_date(twins[i].bad, -1, &y, &m, &d));
    g_assert_cmpint(y, ==, 42);
    g_assert_true(xmpp_datetime_parse_date(twins[i].good, -1, &y, &m, &d));
  }
  static const char nul[] = "2002-09-10\0";
  g_assert_false(xmpp_datetime_parse_date(nul, sizeof nul - 1, NULL, NULL, NULL));
  g_assert_true(xmpp_datetime_parse_date(nul, sizeof nul - 2, NULL, NULL, NULL));
  g_assert_false(xmpp_datetime_parse_date(NULL, -1, NULL, NULL, NULL));
}

/* ---- Time ---- */

static void
test_time(void)
{
  int s = 0, tzo = 42;
  gboolean has_tzd = TRUE;
  g_assert_true(xmpp_datetime_parse_time("16:00:00", -1, &s, &has_tzd, &tzo)); /* tea */
  g_assert_cmpint(s, ==, 16 * 3600);
  g_assert_false(has_tzd);
  g_assert_cmpint(tzo, ==, 0);
  g_assert_true(xmpp_datetime_parse_time("23:59:59.999-05:30", -1, &s, &has_tzd, &tzo));
  g_assert_cmpint(s, ==, 86399);
  g_assert_true(has_tzd);
  g_assert_cmpint(tzo, ==, -(5 * 3600 + 30 * 60));
  g_assert_true(xmpp_datetime_parse_time("00:00:00Z", -1, &s, &has_tzd, &tzo));
  g_assert_cmpint(s, ==, 0);
  g_assert_true(has_tzd);
  static const struct {
    const char *bad, *good;
  } twins[] = {
      {"", "16:00:00"},
      {"24:00:00", "23:00:00"},
      {"16:60:00", "16:59:00"},
      {"23:59:60", "23:59:59"},
      {"16:00", "16:00:00"},
      {"1600:00", "16:00:00"},
      {"16:00:00.", "16:00:00.0"},
      {"16:00:00.0000000000", "16:00:00.000000000"},
      {"16:00:00z", "16:00:00Z"},
      {"16:00:00+15:00", "16:00:00+14:00"},
      {"16:00:00+0100", "16:00:00+01:00"},
      {"16:00:00 ", "16:00:00"},
      {"T16:00:00", "16:00:00"},
      {"2002-09-10T16:00:00Z", "16:00:00Z"},
  };
  for (gsize i = 0; i < G_N_ELEMENTS(twins); i++) {
    s = 42;
    g_test_message("bad '%s', twin '%s'", twins[i].bad, twins[i].good);
    g_assert_false(xmpp_datetime_parse_time(twins[i].bad, -1, &s, NULL, NULL));
    g_assert_cmpint(s, ==, 42);
    g_assert_true(xmpp_datetime_parse_time(twins[i].good, -1, &s, NULL, NULL));
  }
  static const char nul[] = "16:00:00\0Z";
  g_assert_false(xmpp_datetime_parse_time(nul, sizeof nul - 1, NULL, NULL, NULL));
  g_assert_true(xmpp_datetime_parse_time(nul, 8, NULL, NULL, NULL));
}

/* ---- TZD alone (XEP-0202 <tzo/>) ---- */

static void
test_tzd(void)
{
  int tzo = 42;
  g_assert_true(xmpp_datetime_parse_tzd("Z", -1, &tzo));
  g_assert_cmpint(tzo, ==, 0);
  g_assert_true(xmpp_datetime_parse_tzd("-06:00", -1, &tzo));
  g_assert_cmpint(tzo, ==, -6 * 3600);
  g_assert_true(xmpp_datetime_parse_tzd("+05:45", -1, &tzo));
  g_assert_cmpint(tzo, ==, 5 * 3600 + 45 * 60);
  static const struct {
    const char *bad, *good;
  } twins[] = {
      {"", "Z"},
      {"z", "Z"},
      {"UTC", "Z"},
      {"06:00", "+06:00"},
      {"+6:00", "+06:00"},
      {"+0600", "+06:00"},
      {"+14:30", "+14:00"},
      {"-99:99", "-09:59"},
      {"+06:00 ", "+06:00"},
      {"ZZ", "Z"},
  };
  for (gsize i = 0; i < G_N_ELEMENTS(twins); i++) {
    tzo = 42;
    g_test_message("bad '%s', twin '%s'", twins[i].bad, twins[i].good);
    g_assert_false(xmpp_datetime_parse_tzd(twins[i].bad, -1, &tzo));
    g_assert_cmpint(tzo, ==, 42);
    g_assert_true(xmpp_datetime_parse_tzd(twins[i].good, -1, &tzo));
  }
}

/* ---- XEP-0091 legacy ---- */

static void
test_legacy(void)
{
  gint64 t = 0;
  g_assert_true(xmpp_datetime_parse_legacy("20020910T23:08:25", -1, &t));
  g_assert_cmpint(t, ==, APOLLO);
  g_assert_true(xmpp_datetime_parse_legacy("19700101T00:00:00", -1, &t));
  g_assert_cmpint(t, ==, 0);
  static const struct {
    const char *bad, *good;
  } twins[] = {
      {"", "20020910T23:08:25"},
      {"20020910T23:08:25Z", "20020910T23:08:25"},
      {"2002-09-10T23:08:25Z", "20020910T23:08:25"},
      {"20020910T23:08:25.123", "20020910T23:08:25"},
      {"20021310T23:08:25", "20021210T23:08:25"},
      {"20020231T23:08:25", "20020228T23:08:25"},
      {"00000101T00:00:00", "00010101T00:00:00"},
      {"2002091OT23:08:25", "20020910T23:08:25"},
      {"20020910T24:00:00", "20020910T23:00:00"},
      {"20020910T23:08:60", "20020910T23:08:59"},
      {"20020910T230825", "20020910T23:08:25"},
      {"20020910 23:08:25", "20020910T23:08:25"},
      {"20020910T23:08:25 ", "20020910T23:08:25"},
  };
  for (gsize i = 0; i < G_N_ELEMENTS(twins); i++) {
    t = 42;
    g_test_message("bad '%s', twin '%s'", twins[i].bad, twins[i].good);
    g_assert_false(xmpp_datetime_parse_legacy(twins[i].bad, -1, &t));
    g_assert_cmpint(t, ==, 42);
    g_assert_true(xmpp_datetime_parse_legacy(twins[i].good, -1, &t));
  }
  static const char nul[] = "20020910T23:08:25\0";
  g_assert_false(xmpp_datetime_parse_legacy(nul, sizeof nul - 1, NULL));
  g_assert_true(xmpp_datetime_parse_legacy(nul, sizeof nul - 2, NULL));
}

/* ---- formatting ---- */

static void
test_format(void)
{
  static const gint64 times[] = {0,
                                 APOLLO,
                                 -14159025,
                                 1709164800,
                                 G_GINT64_CONSTANT(-62135596800),
                                 G_GINT64_CONSTANT(253402300799)};
  static const char *const texts[] = {"1970-01-01T00:00:00Z", "2002-09-10T23:08:25Z",
                                      "1969-07-21T02:56:15Z", "2024-02-29T00:00:00Z",
                                      "0001-01-01T00:00:00Z", "9999-12-31T23:59:59Z"};
  for (gsize i = 0; i < G_N_ELEMENTS(times); i++) {
    g_autofree char *text = xmpp_datetime_format(times[i]);
    g_assert_cmpstr(text, ==, texts[i]);
    /* What we write, we read back. */
    gint64 back = 0;
    g_assert_true(xmpp_datetime_parse(text, -1, &back, NULL));
    g_assert_cmpint(back, ==, times[i]);
  }
  /* Year 999 is padded to four digits (g_date_time_format's %Y would not). */
  g_autofree char *early = xmpp_datetime_format(G_GINT64_CONSTANT(-30610310400));
  g_assert_cmpstr(early, ==, "0999-12-31T00:00:00Z");
  g_assert_null(xmpp_datetime_format(G_GINT64_CONSTANT(253402300800))); /* year 10000 */
  g_assert_null(xmpp_datetime_format(G_GINT64_CONSTANT(-62135596801))); /* year 0 */
  g_assert_null(xmpp_datetime_format(G_MAXINT64));
  g_assert_null(xmpp_datetime_format(G_MININT64));
}

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/datetime/datetime/valid", test_datetime_valid);
  g_test_add_func("/datetime/datetime/invalid_twins", test_datetime_invalid_twins);
  g_test_add_func("/datetime/datetime/T49_long", test_datetime_T49_long);
  g_test_add_func("/datetime/datetime/embedded_nul", test_datetime_embedded_nul);
  g_test_add_func("/datetime/date", test_date);
  g_test_add_func("/datetime/time", test_time);
  g_test_add_func("/datetime/tzd", test_tzd);
  g_test_add_func("/datetime/legacy", test_legacy);
  g_test_add_func("/datetime/format", test_format);
  return g_test_run();
}
