/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Tests for im/delay.c: XEP-0082 / XEP-0091 stamps, clamping (T49) and <delay/> parsing. */
#include "im/delay.h"
#include "parse-helper.h"

#define NOW 1790000000 /* 2026-09-21: a fixed "now" for clamping */

static gint64
stamp_of(const char *s)
{
  gint64 t = G_MININT64;
  g_assert_true(xmpp_delay_parse_stamp(s, &t));
  return t;
}

static void
test_stamp_valid(void)
{
  g_assert_cmpint(stamp_of("1970-01-01T00:00:00Z"), ==, 0);
  g_assert_cmpint(stamp_of("2002-09-10T23:08:25Z"), ==, 1031699305);
  g_assert_cmpint(stamp_of("2002-09-10T23:08:25.123Z"), ==, 1031699305);
  g_assert_cmpint(stamp_of("2002-09-10T23:08:25.123456789Z"), ==, 1031699305);
  /* local = UTC + offset: 23:08 at -07:00 is 06:08 UTC the next day */
  g_assert_cmpint(stamp_of("2002-09-10T23:08:25-07:00"), ==, 1031699305 + 7 * 3600);
  g_assert_cmpint(stamp_of("2002-09-10T23:08:25+02:30"), ==, 1031699305 - 9000);
  g_assert_cmpint(stamp_of("2000-02-29T00:00:00Z"), ==, 951782400); /* leap year */
  g_assert_cmpint(stamp_of("2016-12-31T23:59:59Z"), ==, 1483228799);
}

static void
test_stamp_invalid(void)
{
  static const char *const bad[] = {
      "",
      "garbage",
      "2002-09-10",
      "2002-09-10T23:08:25",
      "2002-09-10 23:08:25Z",
      "02-09-10T23:08:25Z",
      "12002-09-10T23:08:25Z",
      "2002-9-10T23:08:25Z",
      "2002-13-10T23:08:25Z",
      "2002-00-10T23:08:25Z",
      "2002-02-30T23:08:25Z",
      "2001-02-29T00:00:00Z",
      "2002-09-10T24:00:00Z",
      "2002-09-10T23:60:00Z",
      "2002-09-10T23:08:61Z",
      "2016-12-31T23:59:60Z", /* XEP-0082 §2: ss is 00 through 59, no leap second */
      "2002-09-10T23:08:25.Z",
      "2002-09-10T23:08:25ZZ",
      "2002-09-10T23:08:25+0700",
      "2002-09-10T23:08:25+7:00",
      "0000-01-01T00:00:00Z",
      "2002-09-10T23:08:25Z ",
      " 2002-09-10T23:08:25Z",
      "２００２-09-10T23:08:25Z",
  };
  for (gsize i = 0; i < G_N_ELEMENTS(bad); i++) {
    gint64 t = 42;
    g_assert_false(xmpp_delay_parse_stamp(bad[i], &t));
    g_assert_cmpint(t, ==, 42);
  }
  g_assert_false(xmpp_delay_parse_stamp(NULL, NULL));
}

static void
test_legacy(void)
{
  gint64 t = 0;
  g_assert_true(xmpp_delay_parse_legacy_stamp("20020910T23:08:25", &t));
  g_assert_cmpint(t, ==, 1031699305);
  g_assert_false(xmpp_delay_parse_legacy_stamp("20020910T23:08:25Z", &t));
  g_assert_false(xmpp_delay_parse_legacy_stamp("2002-09-10T23:08:25Z", &t));
  g_assert_false(xmpp_delay_parse_legacy_stamp("20021310T23:08:25", &t));
  g_assert_false(xmpp_delay_parse_legacy_stamp("2002091OT23:08:25", &t));
}

/* T49: absurd stamps are clamped to [epoch, now + 1 day] or ignored; never a crash. */
static void
test_T49_delay_stamps(void)
{
  /* Clamped: far future, and the 32-bit overflow second. */
  static const struct {
    const char *stamp;
    gint64 expect;
  } clamped[] = {
      {"9999-12-31T23:59:59Z", NOW + XMPP_DELAY_MAX_FUTURE_S},
      {"2038-01-19T03:14:08Z", NOW + XMPP_DELAY_MAX_FUTURE_S},
      {"1969-12-31T23:59:59Z", 0},
      {"0001-01-01T00:00:00Z", 0},
      {"1970-01-01T00:30:00+14:00", 0},
  };
  for (gsize i = 0; i < G_N_ELEMENTS(clamped); i++) {
    char *xml = g_strdup_printf("<message><delay xmlns='urn:xmpp:delay' stamp='%s'/></message>",
                                clamped[i].stamp);
    g_autoptr(XmppNode) msg = test_parse_element(xml);
    g_autoptr(XmppDelay) delay = xmpp_delay_parse(msg, NOW);
    g_assert_nonnull(delay);
    g_assert_cmpint(delay->stamp, ==, clamped[i].expect);
    g_free(xml);
  }
  /* Ignored: negative years, impossible offsets, huge fractions, garbage. */
  GString *fraction = g_string_new("2002-09-10T23:08:25.");
  for (int i = 0; i < 1000; i++)
    g_string_append_c(fraction, '9');
  g_string_append_c(fraction, 'Z');
  const char *ignored[] = {"-0001-01-01T00:00:00Z",
                           "2002-09-10T23:08:25+99:99",
                           "2002-09-10T23:08:25+15:00",
                           fraction->str,
                           "garbage",
                           ""};
  for (gsize i = 0; i < G_N_ELEMENTS(ignored); i++) {
    char *xml = g_strdup_printf("<message><delay xmlns='urn:xmpp:delay' stamp='%s'/></message>",
                                ignored[i]);
    g_autoptr(XmppNode) msg = test_parse_element(xml);
    g_assert_null(xmpp_delay_parse(msg, NOW));
    g_free(xml);
  }
  g_string_free(fraction, TRUE);
  /* Positive twins: a real past stamp and a stamp within the skew window pass unchanged. */
  g_autoptr(XmppNode) ok = test_parse_element(
      "<message><delay xmlns='urn:xmpp:delay' stamp='2026-01-02T03:04:05.678Z'/></message>");
  g_autoptr(XmppDelay) d = xmpp_delay_parse(ok, NOW);
  g_assert_nonnull(d);
  g_assert_cmpint(d->stamp, ==, stamp_of("2026-01-02T03:04:05Z"));
  g_assert_cmpint(xmpp_delay_clamp(NOW + 3600, NOW), ==, NOW + 3600);
  g_assert_cmpint(xmpp_delay_clamp(NOW - 3600, NOW), ==, NOW - 3600);
}

static void
test_parse_element_forms(void)
{
  g_autoptr(XmppNode) both = test_parse_element(
      "<message><x xmlns='jabber:x:delay' stamp='20020910T23:08:25'/>"
      "<delay xmlns='urn:xmpp:delay' from='capulet.com' stamp='2002-09-10T23:08:26Z'>Offline "
      "Storage</delay></message>");
  g_autoptr(XmppDelay) d = xmpp_delay_parse(both, NOW);
  g_assert_nonnull(d);
  g_assert_false(d->legacy); /* XEP-0203 wins */
  g_assert_cmpint(d->stamp, ==, 1031699306);
  g_assert_cmpstr(d->from, ==, "capulet.com");
  g_assert_cmpstr(d->reason, ==, "Offline Storage");

  g_autoptr(XmppNode) legacy = test_parse_element(
      "<message><x xmlns='jabber:x:delay' stamp='20020910T23:08:25'/></message>");
  g_autoptr(XmppDelay) l = xmpp_delay_parse(legacy, NOW);
  g_assert_nonnull(l);
  g_assert_true(l->legacy);
  g_assert_cmpint(l->stamp, ==, 1031699305);
  g_assert_null(l->from);
  g_assert_null(l->reason);

  /* A bad XEP-0203 stamp falls back to a good legacy one. */
  g_autoptr(XmppNode) fallback =
      test_parse_element("<message><delay xmlns='urn:xmpp:delay' stamp='nonsense'/>"
                         "<x xmlns='jabber:x:delay' stamp='20020910T23:08:25'/></message>");
  g_autoptr(XmppDelay) f = xmpp_delay_parse(fallback, NOW);
  g_assert_nonnull(f);
  g_assert_true(f->legacy);

  g_autoptr(XmppNode) none = test_parse_element("<message><body>hi</body></message>");
  g_assert_null(xmpp_delay_parse(none, NOW));
  g_autoptr(XmppNode) nostamp =
      test_parse_element("<message><delay xmlns='urn:xmpp:delay'/></message>");
  g_assert_null(xmpp_delay_parse(nostamp, NOW));
  g_assert_null(xmpp_delay_parse(NULL, NOW));
  xmpp_delay_free(NULL);
}

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/delay/stamp/valid", test_stamp_valid);
  g_test_add_func("/delay/stamp/invalid", test_stamp_invalid);
  g_test_add_func("/delay/stamp/legacy", test_legacy);
  g_test_add_func("/delay/stamp/T49_delay_stamps", test_T49_delay_stamps);
  g_test_add_func("/delay/parse/forms", test_parse_element_forms);
  return g_test_run();
}
