/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Tests of presence.c: parsing (RFC 6121 §4.7), the best-resource rules, the resource table and
 * its limits (T52), idle times (XEP-0319, XEP-0256, T49), our own presence and invisibility. */
#include "fake-host.h"
#include "im/presence.h"
#include "parse-helper.h"
#include "router/namespaces.h"
#include "router/stanza-error.h"
#include "xml/writer.h"

#define NOW 1700000000 /* a fixed "now" for the pure parser */

static XmppPresenceInfo *
parse(const char *xml, const char *lang)
{
  g_autoptr(XmppNode) node = test_parse_element(xml);
  return xmpp_presence_info_parse(node, lang, NOW);
}

static void
test_parse_types(void)
{
  const struct {
    const char *xml;
    XmppPresenceType type;
  } cases[] = {
      {"<presence from='a@x.test/r'/>", XMPP_PRESENCE_AVAILABLE},
      {"<presence from='a@x.test/r' type='unavailable'/>", XMPP_PRESENCE_UNAVAILABLE},
      {"<presence from='a@x.test' type='subscribe'/>", XMPP_PRESENCE_SUBSCRIBE},
      {"<presence from='a@x.test' type='subscribed'/>", XMPP_PRESENCE_SUBSCRIBED},
      {"<presence from='a@x.test' type='unsubscribe'/>", XMPP_PRESENCE_UNSUBSCRIBE},
      {"<presence from='a@x.test' type='unsubscribed'/>", XMPP_PRESENCE_UNSUBSCRIBED},
      {"<presence from='a@x.test' type='probe'/>", XMPP_PRESENCE_PROBE},
      {"<presence from='a@x.test' type='error'/>", XMPP_PRESENCE_ERROR},
      {"<presence from='a@x.test' type='invisible'/>", XMPP_PRESENCE_INVALID},
      {"<presence from='a@x.test' type=''/>", XMPP_PRESENCE_INVALID},
  };
  for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
    g_autoptr(XmppPresenceInfo) info = parse(cases[i].xml, NULL);
    g_assert_cmpint(info->type, ==, cases[i].type);
    g_assert_nonnull(info->from);
  }
  /* A from that is not a JID is dropped, the rest still parses. */
  g_autoptr(XmppPresenceInfo) bad =
      parse("<presence from='@bad'><show>away</show></presence>", NULL);
  g_assert_null(bad->from);
  g_assert_cmpint(bad->show, ==, XMPP_SHOW_AWAY);
}

static void
test_parse_show(void)
{
  const struct {
    const char *show;
    XmppPresenceShow want;
  } cases[] = {{"chat", XMPP_SHOW_CHAT},     {"away", XMPP_SHOW_AWAY}, {"xa", XMPP_SHOW_XA},
               {"dnd", XMPP_SHOW_DND},       {" dnd ", XMPP_SHOW_DND}, {"DND", XMPP_SHOW_NONE},
               {"sleeping", XMPP_SHOW_NONE}, {"", XMPP_SHOW_NONE}};
  for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
    g_autofree char *xml =
        g_strdup_printf("<presence from='a@x.test/r'><show>%s</show></presence>", cases[i].show);
    g_autoptr(XmppPresenceInfo) info = parse(xml, NULL);
    g_assert_cmpint(info->show, ==, cases[i].want);
  }
  g_autoptr(XmppPresenceInfo) none = parse("<presence from='a@x.test/r'/>", NULL);
  g_assert_cmpint(none->show, ==, XMPP_SHOW_NONE);
}

static void
test_parse_priority(void)
{
  const struct {
    const char *text;
    int want;
  } cases[] = {{"5", 5},       {"-5", -5},   {" 7 ", 7},     {"127", 127},
               {"-128", -128}, {"128", 127}, {"-129", -128}, {"99999", 127},
               {"abc", 0},     {"", 0},      {"1.5", 0},     {"99999999999999999999999", 0}};
  for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
    g_autofree char *xml = g_strdup_printf(
        "<presence from='a@x.test/r'><priority>%s</priority></presence>", cases[i].text);
    g_autoptr(XmppPresenceInfo) info = parse(xml, NULL);
    g_assert_cmpint(info->priority, ==, cases[i].want);
  }
  g_autoptr(XmppPresenceInfo) none = parse("<presence from='a@x.test/r'/>", NULL);
  g_assert_cmpint(none->priority, ==, 0);
}

static void
test_parse_status_lang(void)
{
  const char *xml = "<presence from='a@x.test/r' xml:lang='en'>"
                    "<status xml:lang='de'>Weg</status><status>Away</status>"
                    "<status xml:lang='fr'>Absent</status></presence>";
  g_autoptr(XmppPresenceInfo) fr = parse(xml, "fr");
  g_assert_cmpstr(fr->status, ==, "Absent");
  g_autoptr(XmppPresenceInfo) fr_be = parse(xml, "fr-BE"); /* same primary subtag */
  g_assert_cmpstr(fr_be->status, ==, "Absent");
  g_autoptr(XmppPresenceInfo) en = parse(xml, "en"); /* the stanza default is English */
  g_assert_cmpstr(en->status, ==, "Away");
  g_autoptr(XmppPresenceInfo) ja = parse(xml, "ja"); /* no match: the default */
  g_assert_cmpstr(ja->status, ==, "Away");
  g_autoptr(XmppPresenceInfo) none = parse(xml, NULL);
  g_assert_cmpstr(none->status, ==, "Away");
  /* Every status has a language and none matches: the first. */
  g_autoptr(XmppPresenceInfo) first =
      parse("<presence from='a@x.test/r'><status xml:lang='de'>Weg</status>"
            "<status xml:lang='fr'>Absent</status></presence>",
            "ja");
  g_assert_cmpstr(first->status, ==, "Weg");
  /* Blank status: none. */
  g_autoptr(XmppPresenceInfo) blank =
      parse("<presence from='a@x.test/r'><status>  </status></presence>", NULL);
  g_assert_null(blank->status);
}

static void
test_parse_status_capped(void)
{
  GString *xml = g_string_new("<presence from='a@x.test/r'><status>");
  for (int i = 0; i < XMPP_PRESENCE_MAX_STATUS; i++)
    g_string_append(xml, "\xc3\xa9"); /* two bytes each */
  g_string_append(xml, "</status></presence>");
  g_autoptr(XmppPresenceInfo) info = parse(xml->str, NULL);
  g_string_free(xml, TRUE);
  g_assert_cmpuint(strlen(info->status), <=, XMPP_PRESENCE_MAX_STATUS);
  g_assert_cmpuint(strlen(info->status), >=, XMPP_PRESENCE_MAX_STATUS - 1);
  g_assert_true(g_utf8_validate(info->status, -1, NULL));
  /* Twin: a short status is kept whole. */
  g_autoptr(XmppPresenceInfo) small =
      parse("<presence from='a@x.test/r'><status>\xc3\xa9t\xc3\xa9</status></presence>", NULL);
  g_assert_cmpstr(small->status, ==, "\xc3\xa9t\xc3\xa9");
}

static void
test_parse_idle(void)
{
  /* XEP-0319. */
  g_autoptr(XmppPresenceInfo) a = parse("<presence from='a@x.test/r'><idle xmlns='urn:xmpp:idle:1'"
                                        " since='2023-11-14T22:00:00Z'/></presence>",
                                        NULL);
  g_assert_cmpint(a->idle_since, ==, 1700000000 - 13 * 60 - 20);
  g_autoptr(XmppPresenceInfo) tz = parse("<presence from='a@x.test/r'><idle xmlns='urn:xmpp:idle:1'"
                                         " since='2023-11-14T23:00:00+01:00'/></presence>",
                                         NULL);
  g_assert_cmpint(tz->idle_since, ==, a->idle_since);
  /* XEP-0256 in presence. */
  g_autoptr(XmppPresenceInfo) b = parse(
      "<presence from='a@x.test/r'><query xmlns='jabber:iq:last' seconds='600'/></presence>", NULL);
  g_assert_cmpint(b->idle_since, ==, NOW - 600);
  /* XEP-0319 wins when both are present. */
  g_autoptr(XmppPresenceInfo) c =
      parse("<presence from='a@x.test/r'><query xmlns='jabber:iq:last' seconds='5'/>"
            "<idle xmlns='urn:xmpp:idle:1' since='2023-11-14T22:00:00Z'/></presence>",
            NULL);
  g_assert_cmpint(c->idle_since, ==, a->idle_since);
  /* Not idle. */
  g_autoptr(XmppPresenceInfo) d = parse("<presence from='a@x.test/r'/>", NULL);
  g_assert_cmpint(d->idle_since, ==, 0);
  g_autoptr(XmppPresenceInfo) e = parse(
      "<presence from='a@x.test/r'><query xmlns='jabber:iq:last' seconds='0'/></presence>", NULL);
  g_assert_cmpint(e->idle_since, ==, 0);
}

/* T49: absurd timestamps are clamped or ignored, never crash. */
static void
test_parse_idle_T49_absurd(void)
{
  const struct {
    const char *since;
    gint64 want;
  } cases[] = {
      {"9999-12-31T23:59:59Z", NOW},    /* future: now */
      {"2038-01-19T03:14:08Z", NOW},    /* future, past 32-bit time_t */
      {"1969-12-31T23:59:59Z", 0},      /* before the epoch: ignored */
      {"-0001-01-01T00:00:00Z", 0},     /* garbage year */
      {"2023-11-14T22:00:00+99:99", 0}, /* impossible offset */
      /* XEP-0319 wants a XEP-0082 DateTime: no missing time zone, no other ISO 8601 form. */
      {"2023-11-14T22:00:00", 0},
      {"2023-W46-2T22:00:00Z", 0},
      {"20231114T220000Z", 0},
      {"2023-11-14 22:00:00Z", 0},
      {"2023-11-14T22:00:00+01", 0},
      {"2023-11-14T21:59:60Z", 0},
      {"2023-11-14T22:00:00.1234567890123Z", 0},
      /* Their positive twins. */
      {"2023-11-14T22:00:00Z", 1700000000 - 13 * 60 - 20},
      {"2023-11-14T23:00:00+01:00", 1700000000 - 13 * 60 - 20},
      {"2023-11-14T22:00:00.123456789Z", 1700000000 - 13 * 60 - 20},
      {"2023-11-14T21:59:59Z", 1700000000 - 13 * 60 - 21},
      {"yesterday", 0},
      {"", 0},
  };
  for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
    g_autofree char *xml = g_strdup_printf(
        "<presence from='a@x.test/r'><idle xmlns='urn:xmpp:idle:1' since='%s'/></presence>",
        cases[i].since);
    g_autoptr(XmppPresenceInfo) info = parse(xml, NULL);
    g_assert_cmpint(info->idle_since, ==, cases[i].want);
  }
  const struct {
    const char *seconds;
    gint64 want;
  } secs[] = {{"99999999999999999999999", 0},
              {"18446744073709551615", 1},
              {"-5", 0},
              {"abc", 0},
              {"1700000000", 1},
              {"60", NOW - 60}};
  for (gsize i = 0; i < G_N_ELEMENTS(secs); i++) {
    g_autofree char *xml = g_strdup_printf(
        "<presence from='a@x.test/r'><query xmlns='jabber:iq:last' seconds='%s'/></presence>",
        secs[i].seconds);
    g_autoptr(XmppPresenceInfo) info = parse(xml, NULL);
    g_assert_cmpint(info->idle_since, ==, secs[i].want);
  }
}

static void
test_parse_error_and_muc(void)
{
  g_autoptr(XmppPresenceInfo) err =
      parse("<presence from='a@x.test' type='error'><error type='cancel'>"
            "<remote-server-not-found xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error>"
            "</presence>",
            NULL);
  g_assert_cmpint(err->type, ==, XMPP_PRESENCE_ERROR);
  g_assert_nonnull(err->error);
  g_assert_cmpint(err->error->code, ==, XMPP_STANZA_ERROR_REMOTE_SERVER_NOT_FOUND);
  g_autoptr(XmppPresenceInfo) muc =
      parse("<presence from='room@muc.x.test/nick'><x xmlns='http://jabber.org/protocol/muc#user'/>"
            "</presence>",
            NULL);
  g_assert_true(muc->muc);
  g_autoptr(XmppPresenceInfo) plain = parse("<presence from='room@muc.x.test/nick'/>", NULL);
  g_assert_false(plain->muc);
  g_autoptr(XmppPresenceInfo) extras =
      parse("<presence from='a@x.test/r'><nick xmlns='http://jabber.org/protocol/nick'>Al</nick>"
            "<c xmlns='http://jabber.org/protocol/caps' node='http://x.test/c' ver='v' "
            "hash='sha-1'/></presence>",
            NULL);
  g_assert_cmpstr(extras->nick, ==, "Al");
  g_assert_cmpstr(extras->caps_node, ==, "http://x.test/c");
  /* Not a presence at all. */
  g_autoptr(XmppPresenceInfo) msg = parse("<message from='a@x.test/r'/>", NULL);
  g_assert_cmpint(msg->type, ==, XMPP_PRESENCE_INVALID);
}

/* ---- the table, through the router ------------------------------------------------------- */

typedef struct {
  FakeHost *fake;
  XmppRouter *router;
  XmppPresence *presence;
  GPtrArray *sent;
  guint changed;
  char *last_bare;
  guint last_n_resources;
  GPtrArray *mechanisms;
} Fixture;

static void
capture_send(gpointer data, const XmppNode *node)
{
  Fixture *f = data;
  g_ptr_array_add(f->sent, xmpp_xml_node_to_string(node));
}

static void
on_changed(gpointer data, const XmppPresenceContact *c)
{
  Fixture *f = data;
  f->changed++;
  g_free(f->last_bare);
  f->last_bare = g_strdup(c->bare);
  f->last_n_resources = c->resources->len;
}

static void
on_mechanism(gpointer data, XmppInvisibleMechanism m)
{
  Fixture *f = data;
  g_ptr_array_add(f->mechanisms, GINT_TO_POINTER(m));
}

static void
setup(Fixture *f, gconstpointer data)
{
  f->fake = fake_host_new();
  f->sent = g_ptr_array_new_with_free_func(g_free);
  f->mechanisms = g_ptr_array_new();
  f->router = xmpp_router_new(&f->fake->host, capture_send, f);
  g_autoptr(XmppJid) me = xmpp_jid_parse("juliet@example.test/balcony", NULL);
  xmpp_router_set_own_jid(f->router, me);
  f->presence = xmpp_presence_new(f->router, &f->fake->host, NULL);
  XmppPresenceEvents ev = {.contact_changed = on_changed, .invisible_mechanism = on_mechanism};
  xmpp_presence_set_events(f->presence, &ev, f);
}

static void
teardown(Fixture *f, gconstpointer data)
{
  xmpp_presence_free(f->presence);
  xmpp_router_free(f->router);
  g_ptr_array_free(f->sent, TRUE);
  g_ptr_array_free(f->mechanisms, TRUE);
  fake_host_free(f->fake);
  g_free(f->last_bare);
}

static void
feed(Fixture *f, const char *xml)
{
  xmpp_router_dispatch(f->router, test_parse_element(xml));
}

static const XmppPresenceResource *
best(Fixture *f, const char *bare)
{
  return xmpp_presence_contact_get_best(xmpp_presence_get_contact(f->presence, bare));
}

static void
test_best_priority(Fixture *f, gconstpointer data)
{
  feed(f, "<presence from='romeo@example.test/low'><priority>1</priority></presence>");
  feed(f, "<presence from='romeo@example.test/high'><show>xa</show><priority>5</priority>"
          "<status>far</status></presence>");
  feed(f, "<presence from='romeo@example.test/newer'><show>chat</show><priority>2</priority>"
          "</presence>");
  g_assert_cmpuint(f->changed, ==, 3);
  g_assert_cmpstr(f->last_bare, ==, "romeo@example.test");
  g_assert_cmpuint(f->last_n_resources, ==, 3);
  const XmppPresenceResource *r = best(f, "romeo@example.test");
  g_assert_cmpstr(r->resource, ==, "high"); /* priority beats availability and recency */
  g_assert_cmpstr(r->status, ==, "far");
  /* The best one leaves: the next priority. */
  feed(f, "<presence from='romeo@example.test/high' type='unavailable'/>");
  g_assert_cmpstr(best(f, "romeo@example.test")->resource, ==, "newer");
}

static void
test_best_show_then_recent(Fixture *f, gconstpointer data)
{
  feed(f, "<presence from='romeo@example.test/a'><show>dnd</show></presence>");
  feed(f, "<presence from='romeo@example.test/b'><show>away</show></presence>");
  g_assert_cmpstr(best(f, "romeo@example.test")->resource, ==, "b"); /* away > dnd */
  feed(f, "<presence from='romeo@example.test/c'><show>xa</show></presence>");
  g_assert_cmpstr(best(f, "romeo@example.test")->resource, ==, "b"); /* away > xa */
  feed(f, "<presence from='romeo@example.test/d'/>");
  g_assert_cmpstr(best(f, "romeo@example.test")->resource, ==, "d"); /* available > away */
  feed(f, "<presence from='romeo@example.test/e'><show>chat</show></presence>");
  g_assert_cmpstr(best(f, "romeo@example.test")->resource, ==, "e"); /* chat > available */
  /* Same priority and show: the most recent wins. */
  feed(f, "<presence from='romeo@example.test/f'><show>chat</show></presence>");
  g_assert_cmpstr(best(f, "romeo@example.test")->resource, ==, "f");
  feed(f, "<presence from='romeo@example.test/e'><show>chat</show></presence>");
  g_assert_cmpstr(best(f, "romeo@example.test")->resource, ==, "e");
}

static void
test_negative_priority_online(Fixture *f, gconstpointer data)
{
  feed(f, "<presence from='romeo@example.test/bot'><priority>-5</priority></presence>");
  const XmppPresenceResource *r = best(f, "romeo@example.test");
  g_assert_nonnull(r);
  g_assert_cmpint(r->priority, ==, -5);
  feed(f, "<presence from='romeo@example.test/phone'><show>away</show><priority>-1</priority>"
          "</presence>");
  g_assert_cmpstr(best(f, "romeo@example.test")->resource, ==, "phone");
}

static void
test_unavailable(Fixture *f, gconstpointer data)
{
  feed(f, "<presence from='romeo@example.test/a'/>");
  feed(f, "<presence from='romeo@example.test/b'/>");
  feed(f, "<presence from='romeo@example.test/a' type='unavailable'/>");
  g_assert_cmpuint(f->last_n_resources, ==, 1);
  feed(f, "<presence from='romeo@example.test/b' type='unavailable'><status>bye</status>"
          "</presence>");
  g_assert_cmpuint(f->changed, ==, 4);
  g_assert_cmpuint(f->last_n_resources, ==, 0);
  g_assert_null(xmpp_presence_get_contact(f->presence, "romeo@example.test")); /* forgotten */
  /* From the bare JID: every resource goes. */
  feed(f, "<presence from='romeo@example.test/a'/>");
  feed(f, "<presence from='romeo@example.test/b'/>");
  feed(f, "<presence from='romeo@example.test' type='unavailable'/>");
  g_assert_cmpuint(f->last_n_resources, ==, 0);
  g_assert_cmpuint(xmpp_presence_n_contacts(f->presence), ==, 0);
  /* From someone never seen: still reported offline, nothing kept. */
  feed(f, "<presence from='nobody@example.test/x' type='unavailable'/>");
  g_assert_cmpstr(f->last_bare, ==, "nobody@example.test");
  g_assert_cmpuint(xmpp_presence_n_contacts(f->presence), ==, 0);
}

static void
test_error_marks_contact(Fixture *f, gconstpointer data)
{
  feed(f, "<presence from='romeo@example.test/a'/>");
  feed(f, "<presence from='romeo@example.test' type='error'><error type='cancel'>"
          "<remote-server-not-found xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error>"
          "</presence>");
  const XmppPresenceContact *c = xmpp_presence_get_contact(f->presence, "romeo@example.test");
  g_assert_nonnull(c);
  g_assert_cmpuint(c->resources->len, ==, 0);
  g_assert_nonnull(c->error);
  /* The parsed error, for the glue's words. */
  g_assert_nonnull(c->error_info);
  g_assert_cmpint(c->error_info->condition, ==, XMPP_STANZA_ERROR_REMOTE_SERVER_NOT_FOUND);
  /* Twin: a later available presence clears the error. */
  feed(f, "<presence from='romeo@example.test/a'/>");
  c = xmpp_presence_get_contact(f->presence, "romeo@example.test");
  g_assert_null(c->error);
  g_assert_null(c->error_info);
  g_assert_cmpuint(c->resources->len, ==, 1);
}

static void
test_ignored(Fixture *f, gconstpointer data)
{
  feed(f, "<presence/>");                                          /* no from */
  feed(f, "<presence from='romeo@example.test/a' type='probe'/>"); /* §4.3: the server's */
  feed(f, "<presence from='romeo@example.test/a' type='bogus'/>"); /* unknown type */
  feed(f, "<presence from='room@muc.example.test/n'><x xmlns='http://jabber.org/protocol/muc#user'"
          "/></presence>");
  g_assert_cmpuint(f->changed, ==, 0);
  g_assert_cmpuint(xmpp_presence_n_contacts(f->presence), ==, 0);
  g_assert_cmpuint(f->sent->len, ==, 0);
}

static void
test_T52_resources_capped(Fixture *f, gconstpointer data)
{
  for (int i = 0; i < XMPP_PRESENCE_MAX_RESOURCES + 10; i++) {
    g_autofree char *xml = g_strdup_printf("<presence from='romeo@example.test/r%d'/>", i);
    feed(f, xml);
  }
  const XmppPresenceContact *c = xmpp_presence_get_contact(f->presence, "romeo@example.test");
  g_assert_cmpuint(c->resources->len, ==, XMPP_PRESENCE_MAX_RESOURCES);
  /* Twin: known resources still update, and a freed slot is reusable. */
  feed(f, "<presence from='romeo@example.test/r0'><priority>9</priority></presence>");
  g_assert_cmpstr(best(f, "romeo@example.test")->resource, ==, "r0");
  feed(f, "<presence from='romeo@example.test/r1' type='unavailable'/>");
  feed(f, "<presence from='romeo@example.test/new'/>");
  g_assert_nonnull(best(f, "romeo@example.test"));
  c = xmpp_presence_get_contact(f->presence, "romeo@example.test");
  g_assert_cmpuint(c->resources->len, ==, XMPP_PRESENCE_MAX_RESOURCES);
  gboolean found = FALSE;
  for (guint i = 0; i < c->resources->len; i++)
    found |= g_strcmp0(((XmppPresenceResource *)c->resources->pdata[i])->resource, "new") == 0;
  g_assert_true(found);
}

static void
test_T52_contacts_capped(Fixture *f, gconstpointer data)
{
  for (int i = 0; i < XMPP_PRESENCE_MAX_CONTACTS + 5; i++) {
    g_autoptr(XmppPresenceInfo) info = g_new0(XmppPresenceInfo, 1);
    g_autofree char *jid = g_strdup_printf("c%d@example.test/r", i);
    info->from = xmpp_jid_parse(jid, NULL);
    xmpp_presence_apply(f->presence, info);
  }
  g_assert_cmpuint(xmpp_presence_n_contacts(f->presence), ==, XMPP_PRESENCE_MAX_CONTACTS);
  g_assert_null(xmpp_presence_get_contact(f->presence, "c20000@example.test"));
  /* Twin: a contact already tracked still updates. */
  g_assert_nonnull(xmpp_presence_get_contact(f->presence, "c0@example.test"));
  feed(f, "<presence from='c0@example.test/r'><show>away</show></presence>");
  g_assert_cmpint(best(f, "c0@example.test")->show, ==, XMPP_SHOW_AWAY);
}

/* ---- our own presence ---------------------------------------------------------------------- */

static void
test_build_own(void)
{
  XmppOwnPresence own = {
      .show = XMPP_SHOW_AWAY, .status = "lunch", .priority = 300, .idle_since = 1700000000};
  g_autoptr(XmppNode) node = xmpp_presence_build_own(&own, NULL);
  g_autofree char *xml = xmpp_xml_node_to_string(node);
  g_assert_cmpstr(xml, ==,
                  "<presence><show>away</show><status>lunch</status><priority>127</priority>"
                  "<idle xmlns='urn:xmpp:idle:1' since='2023-11-14T22:13:20Z'/></presence>");
  XmppOwnPresence plain = {.show = XMPP_SHOW_NONE, .priority = -3};
  g_autoptr(XmppNode) p2 = xmpp_presence_build_own(&plain, "romeo@example.test");
  g_autofree char *xml2 = xmpp_xml_node_to_string(p2);
  g_assert_cmpstr(xml2, ==, "<presence to='romeo@example.test'><priority>-3</priority></presence>");
  XmppOwnPresence hidden = {.show = XMPP_SHOW_CHAT, .status = "secret", .invisible = TRUE};
  g_autoptr(XmppNode) p3 = xmpp_presence_build_own(&hidden, NULL);
  g_autofree char *xml3 = xmpp_xml_node_to_string(p3);
  g_assert_cmpstr(xml3, ==, "<presence type='unavailable'/>");
}

static const char *
last_sent(Fixture *f)
{
  g_assert_cmpuint(f->sent->len, >, 0);
  return f->sent->pdata[f->sent->len - 1];
}

/* Answers the IQ that was sent at index i (with an optional payload). */
static void
answer_iq(Fixture *f, guint i, const char *type, const char *payload)
{
  g_autoptr(XmppNode) iq = test_parse_element(f->sent->pdata[i]);
  g_autofree char *xml = g_strdup_printf("<iq type='%s' id='%s'>%s</iq>", type,
                                         xmpp_node_get_attr(iq, "id"), payload ? payload : "");
  feed(f, xml);
}

static void
discover(Fixture *f, const char *features)
{
  xmpp_presence_discover(f->presence);
  g_assert_cmpuint(f->sent->len, ==, 1);
  g_assert_nonnull(strstr(f->sent->pdata[0], "disco#info"));
  g_assert_nonnull(strstr(f->sent->pdata[0], "to='example.test'"));
  g_autofree char *q =
      g_strdup_printf("<query xmlns='http://jabber.org/protocol/disco#info'>%s</query>", features);
  /* The reply comes from the server (our domain). */
  g_autoptr(XmppNode) iq = test_parse_element(f->sent->pdata[0]);
  g_autofree char *xml = g_strdup_printf("<iq type='result' from='example.test' id='%s'>%s</iq>",
                                         xmpp_node_get_attr(iq, "id"), q);
  feed(f, xml);
  g_ptr_array_set_size(f->sent, 0);
}

static void
test_invisible_legacy(Fixture *f, gconstpointer data)
{
  discover(f, "<feature var='urn:xmpp:ping'/>");
  g_assert_cmpint(xmpp_presence_get_invisible_mechanism(f->presence), ==, XMPP_INVISIBLE_LEGACY);
  g_assert_cmpuint(f->mechanisms->len, ==, 1);
  XmppOwnPresence own = {.show = XMPP_SHOW_NONE, .status = "s", .invisible = TRUE};
  xmpp_presence_send_own(f->presence, &own);
  g_assert_cmpuint(f->sent->len, ==, 1);
  g_assert_cmpstr(last_sent(f), ==, "<presence type='unavailable'/>");
  /* Twin: visible again. */
  own.invisible = FALSE;
  xmpp_presence_send_own(f->presence, &own);
  g_assert_cmpstr(last_sent(f), ==,
                  "<presence><status>s</status><priority>0</priority></presence>");
}

static void
test_invisible_xep0186(Fixture *f, gconstpointer data)
{
  /* Invisible before the server's features are known: the legacy way first. */
  XmppOwnPresence own = {.show = XMPP_SHOW_DND, .priority = 1, .invisible = TRUE};
  xmpp_presence_send_own(f->presence, &own);
  g_assert_cmpstr(last_sent(f), ==, "<presence type='unavailable'/>");
  g_ptr_array_set_size(f->sent, 0);
  xmpp_presence_discover(f->presence);
  g_autoptr(XmppNode) disco = test_parse_element(f->sent->pdata[0]);
  g_autofree char *reply = g_strdup_printf(
      "<iq type='result' from='example.test' id='%s'><query xmlns='http://jabber.org/protocol/"
      "disco#info'><feature var='urn:xmpp:invisible:0'/><feature var='jabber:iq:privacy'/>"
      "</query></iq>",
      xmpp_node_get_attr(disco, "id"));
  feed(f, reply);
  g_assert_cmpint(xmpp_presence_get_invisible_mechanism(f->presence), ==, XMPP_INVISIBLE_XEP0186);
  /* Switches to XEP-0186: the command, and no presence until the server confirmed. */
  g_assert_cmpuint(f->sent->len, ==, 2);
  g_assert_nonnull(strstr(last_sent(f), "<invisible xmlns='urn:xmpp:invisible:0'/>"));
  answer_iq(f, 1, "result", NULL);
  g_assert_cmpstr(last_sent(f), ==, "<presence><show>dnd</show><priority>1</priority></presence>");
  /* Visible again: <visible/>, then presence. */
  own.invisible = FALSE;
  guint n = f->sent->len;
  xmpp_presence_send_own(f->presence, &own);
  g_assert_cmpuint(f->sent->len, ==, n + 1);
  g_assert_nonnull(strstr(last_sent(f), "<visible xmlns='urn:xmpp:invisible:0'/>"));
  answer_iq(f, n, "result", NULL);
  g_assert_cmpuint(f->sent->len, ==, n + 2);
  g_assert_cmpstr(last_sent(f), ==, "<presence><show>dnd</show><priority>1</priority></presence>");
}

static void
test_invisible_xep0186_refused(Fixture *f, gconstpointer data)
{
  discover(f, "<feature var='urn:xmpp:invisible:0'/>");
  XmppOwnPresence own = {.show = XMPP_SHOW_NONE, .invisible = TRUE};
  xmpp_presence_send_own(f->presence, &own);
  g_assert_cmpuint(f->sent->len, ==, 1);
  answer_iq(f, 0, "error",
            "<error type='cancel'><not-allowed xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/>"
            "</error>");
  /* Never an available presence: the legacy fallback instead. */
  g_assert_cmpint(xmpp_presence_get_invisible_mechanism(f->presence), ==, XMPP_INVISIBLE_LEGACY);
  g_assert_cmpuint(f->sent->len, ==, 2);
  g_assert_cmpstr(last_sent(f), ==, "<presence type='unavailable'/>");
}

static void
test_invisible_privacy(Fixture *f, gconstpointer data)
{
  discover(f, "<feature var='jabber:iq:privacy'/>");
  g_assert_cmpint(xmpp_presence_get_invisible_mechanism(f->presence), ==, XMPP_INVISIBLE_PRIVACY);
  XmppOwnPresence own = {.show = XMPP_SHOW_NONE, .invisible = TRUE};
  xmpp_presence_send_own(f->presence, &own);
  /* The list, unavailable to say goodbye, then the activation. */
  g_assert_cmpuint(f->sent->len, ==, 3);
  g_assert_nonnull(strstr(f->sent->pdata[0], "<list name='lyre-invisible'><item action='deny' "
                                             "order='1'><presence-out/></item></list>"));
  g_assert_cmpstr(f->sent->pdata[1], ==, "<presence type='unavailable'/>");
  g_assert_nonnull(strstr(f->sent->pdata[2], "<active name='lyre-invisible'/>"));
  answer_iq(f, 0, "result", NULL);
  answer_iq(f, 2, "result", NULL);
  g_assert_cmpuint(f->sent->len, ==, 4);
  g_assert_cmpstr(last_sent(f), ==, "<presence><priority>0</priority></presence>");
  /* Visible: decline the active list, then presence. */
  own.invisible = FALSE;
  xmpp_presence_send_own(f->presence, &own);
  g_assert_nonnull(strstr(last_sent(f), "<active/>"));
}

static void
test_free_with_pending_iq(Fixture *f, gconstpointer data)
{
  xmpp_presence_discover(f->presence);
  g_assert_cmpuint(xmpp_router_n_pending(f->router), ==, 1);
  /* The session frees the presence before the router: the callback must not touch it. */
  xmpp_presence_free(f->presence);
  f->presence = NULL;
  xmpp_router_fail_pending(f->router);
  g_assert_cmpuint(xmpp_router_n_pending(f->router), ==, 0);
}

static void
test_directed(Fixture *f, gconstpointer data)
{
  XmppOwnPresence own = {.show = XMPP_SHOW_AWAY, .status = "out", .priority = 2};
  xmpp_presence_send_own(f->presence, &own);
  /* §11: broadcast presence never carries a 'to'. */
  g_assert_null(strstr(last_sent(f), "to="));
  g_assert_true(xmpp_presence_send_directed(f->presence, "romeo@example.test", TRUE));
  g_assert_cmpstr(last_sent(f), ==,
                  "<presence to='romeo@example.test'><show>away</show><status>out</status>"
                  "<priority>2</priority></presence>");
  g_assert_true(xmpp_presence_send_directed(f->presence, "romeo@example.test/r", FALSE));
  g_assert_cmpstr(last_sent(f), ==, "<presence to='romeo@example.test/r' type='unavailable'/>");
  guint n = f->sent->len;
  g_assert_false(xmpp_presence_send_directed(f->presence, "@bad", TRUE));
  g_assert_cmpuint(f->sent->len, ==, n);
}

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/presence/parse/types", test_parse_types);
  g_test_add_func("/presence/parse/show", test_parse_show);
  g_test_add_func("/presence/parse/priority", test_parse_priority);
  g_test_add_func("/presence/parse/status_lang", test_parse_status_lang);
  g_test_add_func("/presence/parse/status_capped", test_parse_status_capped);
  g_test_add_func("/presence/parse/idle", test_parse_idle);
  g_test_add_func("/presence/parse/T49_idle_absurd", test_parse_idle_T49_absurd);
  g_test_add_func("/presence/parse/error_and_muc", test_parse_error_and_muc);
  g_test_add_func("/presence/own/build", test_build_own);
#define ADD(path, fn) g_test_add(path, Fixture, NULL, setup, fn, teardown)
  ADD("/presence/best/priority", test_best_priority);
  ADD("/presence/best/show_then_recent", test_best_show_then_recent);
  ADD("/presence/best/negative_priority_online", test_negative_priority_online);
  ADD("/presence/table/unavailable", test_unavailable);
  ADD("/presence/table/error_marks_contact", test_error_marks_contact);
  ADD("/presence/table/ignored", test_ignored);
  ADD("/presence/limits/T52_resources_capped", test_T52_resources_capped);
  ADD("/presence/limits/T52_contacts_capped", test_T52_contacts_capped);
  ADD("/presence/own/invisible_legacy", test_invisible_legacy);
  ADD("/presence/own/invisible_xep0186", test_invisible_xep0186);
  ADD("/presence/own/invisible_xep0186_refused", test_invisible_xep0186_refused);
  ADD("/presence/own/invisible_privacy", test_invisible_privacy);
  ADD("/presence/own/free_with_pending_iq", test_free_with_pending_iq);
  ADD("/presence/own/directed", test_directed);
  return g_test_run();
}
