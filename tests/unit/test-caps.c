/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Tests of caps.c: the XEP-0115 hash (§5.2 and §5.3 examples), our <c/> in presence, learning
 * peers' caps with verification (T47 poisoning), the bounds (T47 flood) and the cache file. */
#include <string.h>

#include "parse-helper.h"
#include "router-fixture.h"
#include "router/namespaces.h"
#include "services/caps.h"

#define SIMPLE_VER  "QgayPKawpkPSDYmwT/WM94uAlu0="
#define COMPLEX_VER "q07IKJEyjvHSyhy//CH0CxmKi8w="

/* XEP-0115 §5.2 */
#define SIMPLE_QUERY                                                                               \
  "<query xmlns='http://jabber.org/protocol/disco#info'>"                                          \
  "<identity category='client' name='Exodus 0.9.1' type='pc'/>"                                    \
  "<feature var='http://jabber.org/protocol/caps'/>"                                               \
  "<feature var='http://jabber.org/protocol/disco#info'/>"                                         \
  "<feature var='http://jabber.org/protocol/disco#items'/>"                                        \
  "<feature var='http://jabber.org/protocol/muc'/></query>"

/* XEP-0115 §5.3, features and fields shuffled to show that order does not matter. */
#define COMPLEX_QUERY                                                                              \
  "<query xmlns='http://jabber.org/protocol/disco#info'>"                                          \
  "<identity xml:lang='en' category='client' name='Psi 0.11' type='pc'/>"                          \
  "<identity xml:lang='el' category='client' name='\xce\xa8 0.11' type='pc'/>"                     \
  "<feature var='http://jabber.org/protocol/disco#info'/>"                                         \
  "<feature var='http://jabber.org/protocol/caps'/>"                                               \
  "<feature var='http://jabber.org/protocol/muc'/>"                                                \
  "<feature var='http://jabber.org/protocol/disco#items'/>"                                        \
  "<x xmlns='jabber:x:data' type='result'>"                                                        \
  "<field var='software'><value>Psi</value></field>"                                               \
  "<field var='FORM_TYPE' type='hidden'><value>urn:xmpp:dataforms:softwareinfo</value></field>"    \
  "<field var='ip_version'><value>ipv6</value><value>ipv4</value></field>"                         \
  "<field var='os'><value>Mac</value></field>"                                                     \
  "<field var='os_version'><value>10.5.1</value></field>"                                          \
  "<field var='software_version'><value>0.11</value></field>"                                      \
  "</x></query>"

static XmppDiscoInfo *
parse(const char *xml)
{
  g_autoptr(XmppNode) node = test_parse_element(xml);
  XmppDiscoInfo *info = xmpp_disco_info_parse(node, NULL);
  g_assert_nonnull(info);
  return info;
}

static void
test_hash_simple(void)
{
  g_autoptr(XmppDiscoInfo) info = parse(SIMPLE_QUERY);
  g_autofree char *s = xmpp_caps_verification_string(info);
  g_assert_cmpstr(s, ==,
                  "client/pc//Exodus 0.9.1<http://jabber.org/protocol/caps<"
                  "http://jabber.org/protocol/disco#info<"
                  "http://jabber.org/protocol/disco#items<http://jabber.org/protocol/muc<");
  g_autofree char *ver = xmpp_caps_compute_ver(info);
  g_assert_cmpstr(ver, ==, SIMPLE_VER);
}

static void
test_hash_complex(void)
{
  g_autoptr(XmppDiscoInfo) info = parse(COMPLEX_QUERY);
  g_autofree char *s = xmpp_caps_verification_string(info);
  g_assert_cmpstr(s, ==,
                  "client/pc/el/\xce\xa8 0.11<client/pc/en/Psi 0.11<"
                  "http://jabber.org/protocol/caps<http://jabber.org/protocol/disco#info<"
                  "http://jabber.org/protocol/disco#items<http://jabber.org/protocol/muc<"
                  "urn:xmpp:dataforms:softwareinfo<ip_version<ipv4<ipv6<os<Mac<os_version<10.5.1<"
                  "software<Psi<software_version<0.11<");
  g_autofree char *ver = xmpp_caps_compute_ver(info);
  g_assert_cmpstr(ver, ==, COMPLEX_VER);
}

/* §5.4 step 3: duplicates make an answer unusable for caps; the same answer without the
 * duplicate hashes fine (positive twin). */
static void
test_hash_invalid(void)
{
  const char *bad[] = {
      "<query xmlns='http://jabber.org/protocol/disco#info'><identity category='c' type='t'/>"
      "<feature var='a'/><feature var='a'/></query>",
      "<query xmlns='http://jabber.org/protocol/disco#info'><identity category='c' type='t'/>"
      "<identity category='c' type='t'/></query>",
      "<query xmlns='http://jabber.org/protocol/disco#info'><identity category='c' type='t'/>"
      "<x xmlns='jabber:x:data'><field var='FORM_TYPE' type='hidden'><value>u</value></field></x>"
      "<x xmlns='jabber:x:data'><field var='FORM_TYPE' type='hidden'><value>u</value></field></x>"
      "</query>",
      "<query xmlns='http://jabber.org/protocol/disco#info'><identity category='c' type='t'/>"
      "<x xmlns='jabber:x:data'><field var='FORM_TYPE' type='hidden'><value>u</value>"
      "<value>v</value></field></x></query>",
  };
  for (gsize i = 0; i < G_N_ELEMENTS(bad); i++) {
    g_autoptr(XmppDiscoInfo) info = parse(bad[i]);
    g_autofree char *ver = xmpp_caps_compute_ver(info);
    g_assert_null(ver);
  }
  g_autoptr(XmppDiscoInfo) good =
      parse("<query xmlns='http://jabber.org/protocol/disco#info'><identity category='c' "
            "type='t'/><feature var='a'/><x xmlns='jabber:x:data'><field var='FORM_TYPE' "
            "type='hidden'><value>u</value></field></x></query>");
  g_autofree char *s = xmpp_caps_verification_string(good);
  g_assert_cmpstr(s, ==, "c/t//<a<u<");
  /* A form whose FORM_TYPE is not hidden is ignored (§5.4 step 3.6). */
  g_autoptr(XmppDiscoInfo) shown =
      parse("<query xmlns='http://jabber.org/protocol/disco#info'><identity category='c' "
            "type='t'/><feature var='a'/><x xmlns='jabber:x:data'><field var='FORM_TYPE'>"
            "<value>u</value></field></x></query>");
  g_autofree char *s2 = xmpp_caps_verification_string(shown);
  g_assert_cmpstr(s2, ==, "c/t//<a<");
}

/* ---- the object ---- */

typedef struct {
  TestRouter *t;
  XmppRoster *roster;
  XmppPresence *presence;
  XmppDisco *disco;
  XmppCaps *caps;
  GString *events;
} Fixture;

static void
on_learnt(gpointer data, const char *jid, const XmppDiscoInfo *info, gboolean verified)
{
  Fixture *f = data;
  g_string_append_printf(f->events, "%s:%u:%s ", jid, info->features->len,
                         verified ? "verified" : "own");
}

static void
setup(Fixture *f, gconstpointer data)
{
  f->t = test_router_new("juliet@example.test/balcony");
  f->events = g_string_new(NULL);
  f->roster = xmpp_roster_new(f->t->router, &f->t->fake->host);
  f->presence = xmpp_presence_new(f->t->router, &f->t->fake->host, f->roster);
  f->disco = xmpp_disco_new(f->t->router, &f->t->fake->host);
  f->caps = xmpp_caps_new(f->t->router, &f->t->fake->host, f->disco, f->presence);
  xmpp_caps_set_learnt(f->caps, on_learnt, f);
}

static void
teardown(Fixture *f, gconstpointer data)
{
  xmpp_router_fail_pending(f->t->router);
  xmpp_caps_free(f->caps);
  xmpp_disco_free(f->disco);
  xmpp_presence_free(f->presence);
  xmpp_roster_free(f->roster);
  test_router_free(f->t);
  g_string_free(f->events, TRUE);
}

static void
test_own_presence(Fixture *f, gconstpointer data)
{
  XmppOwnPresence own = {.show = XMPP_SHOW_AWAY};
  xmpp_presence_send_own(f->presence, &own);
  XmppNode *presence = test_router_last_sent(f->t);
  XmppNode *c = xmpp_node_get_child(presence, XMPP_NS_CAPS, "c");
  g_assert_nonnull(c);
  g_assert_cmpstr(xmpp_node_get_attr(c, "hash"), ==, "sha-1");
  g_assert_cmpstr(xmpp_node_get_attr(c, "node"), ==, XMPP_CAPS_NODE);
  const char *ver = xmpp_node_get_attr(c, "ver");
  g_autoptr(XmppDiscoInfo) own_info = xmpp_disco_dup_own_info(f->disco);
  g_assert_true(xmpp_disco_info_has_feature(own_info, XMPP_NS_CAPS));
  g_autofree char *expected = xmpp_caps_compute_ver(own_info);
  g_assert_cmpstr(ver, ==, expected);
  /* Someone asking for node#ver gets an answer that hashes to ver (§6.2). */
  g_autofree char *ask =
      g_strdup_printf("<iq type='get' from='romeo@example.test/orchard' id='q1'><query xmlns='"
                      "http://jabber.org/protocol/disco#info' node='%s#%s'/></iq>",
                      XMPP_CAPS_NODE, ver);
  test_router_dispatch(f->t, ask);
  XmppNode *reply = test_router_last_sent(f->t);
  g_assert_cmpstr(xmpp_node_get_attr(reply, "type"), ==, "result");
  g_autoptr(XmppDiscoInfo) answered = xmpp_disco_info_parse(xmpp_node_first_element(reply), NULL);
  g_autofree char *answered_ver = xmpp_caps_compute_ver(answered);
  g_assert_cmpstr(answered_ver, ==, ver);
  /* A new feature changes the hash of the next presence. */
  xmpp_disco_add_feature(f->disco, "urn:test:new");
  g_assert_cmpstr(xmpp_caps_get_own_ver(f->caps), !=, ver);
  /* Invisible (legacy unavailable) presence carries nothing. */
  own.invisible = TRUE;
  xmpp_presence_send_own(f->presence, &own);
  g_assert_null(xmpp_node_get_child(test_router_last_sent(f->t), XMPP_NS_CAPS, "c"));
}

static void
peer_presence(Fixture *f, const char *jid, const char *ver)
{
  g_autofree char *xml =
      g_strdup_printf("<presence from='%s'><c xmlns='http://jabber.org/protocol/caps' hash='sha-1' "
                      "node='http://code.google.com/p/exodus' ver='%s'/></presence>",
                      jid, ver);
  test_router_dispatch(f->t, xml);
}

static void
test_learn_verified(Fixture *f, gconstpointer data)
{
  peer_presence(f, "romeo@example.test/orchard", SIMPLE_VER);
  XmppNode *iq = test_router_last_sent(f->t);
  g_assert_cmpstr(xmpp_node_get_attr(iq, "to"), ==, "romeo@example.test/orchard");
  g_assert_cmpstr(xmpp_node_get_attr(xmpp_node_first_element(iq), "node"), ==,
                  "http://code.google.com/p/exodus#" SIMPLE_VER);
  g_assert_cmpuint(xmpp_caps_n_inflight(f->caps), ==, 1);
  test_router_answer_last(f->t, SIMPLE_QUERY);
  g_assert_cmpuint(xmpp_caps_n_inflight(f->caps), ==, 0);
  g_assert_cmpuint(xmpp_caps_n_cached(f->caps), ==, 1);
  g_assert_cmpstr(f->events->str, ==, "romeo@example.test/orchard:4:verified ");
  const XmppDiscoInfo *info = xmpp_caps_get_jid_info(f->caps, "romeo@example.test/orchard");
  g_assert_true(xmpp_disco_info_has_feature(info, "http://jabber.org/protocol/muc"));
  /* Another resource with the same ver: from the cache, no query. */
  guint sent = f->t->sent->len;
  peer_presence(f, "benvolio@example.test/home", SIMPLE_VER);
  g_assert_cmpuint(f->t->sent->len, ==, sent);
  g_assert_nonnull(xmpp_caps_get_jid_info(f->caps, "benvolio@example.test/home"));
  /* Gone: forgotten for the JID, still cached for the ver. */
  test_router_dispatch(f->t, "<presence from='benvolio@example.test/home' type='unavailable'/>");
  g_assert_null(xmpp_caps_get_jid_info(f->caps, "benvolio@example.test/home"));
  g_assert_nonnull(xmpp_caps_lookup(f->caps, SIMPLE_VER));
}

/* T47: an answer that does not hash to the announced ver is never cached for others. */
static void
test_T47_poisoned_not_cached(Fixture *f, gconstpointer data)
{
  peer_presence(f, "mallory@example.test/evil", SIMPLE_VER);
  test_router_answer_last(f->t, "<query xmlns='http://jabber.org/protocol/disco#info'>"
                                "<identity category='client' type='pc'/>"
                                "<feature var='http://jabber.org/protocol/muc'/></query>");
  g_assert_cmpuint(xmpp_caps_n_cached(f->caps), ==, 0);
  g_assert_null(xmpp_caps_lookup(f->caps, SIMPLE_VER));
  g_assert_cmpstr(f->events->str, ==, "mallory@example.test/evil:1:own ");
  /* Mallory's own answer still describes Mallory. */
  const XmppDiscoInfo *own = xmpp_caps_get_jid_info(f->caps, "mallory@example.test/evil");
  g_assert_nonnull(own);
  g_assert_cmpuint(own->features->len, ==, 1);
  /* An honest peer with that ver is asked itself, and its true answer is cached. */
  guint sent = f->t->sent->len;
  peer_presence(f, "romeo@example.test/orchard", SIMPLE_VER);
  g_assert_cmpuint(f->t->sent->len, ==, sent + 1);
  test_router_answer_last(f->t, SIMPLE_QUERY);
  g_assert_cmpuint(xmpp_caps_n_cached(f->caps), ==, 1);
  g_assert_cmpuint(xmpp_caps_get_jid_info(f->caps, "romeo@example.test/orchard")->features->len, ==,
                   4);
  g_assert_cmpuint(xmpp_caps_get_jid_info(f->caps, "mallory@example.test/evil")->features->len, ==,
                   1);
}

/* T47: 10,000 distinct vers cost at most MAX_INFLIGHT queries and bounded tables. */
static void
test_T47_flood_bounded(Fixture *f, gconstpointer data)
{
  guint sent = f->t->sent->len;
  for (guint i = 0; i < 10000; i++) {
    g_autofree char *jid = g_strdup_printf("flood%u@example.test/r", i);
    g_autofree char *ver = g_strdup_printf("ver%u=", i);
    peer_presence(f, jid, ver);
  }
  g_assert_cmpuint(f->t->sent->len - sent, ==, XMPP_CAPS_MAX_INFLIGHT);
  g_assert_cmpuint(xmpp_caps_n_inflight(f->caps), ==, XMPP_CAPS_MAX_INFLIGHT);
  g_assert_cmpuint(xmpp_caps_n_jids(f->caps), ==, XMPP_CAPS_MAX_JIDS);
  /* One JID cycling through vers: one entry only. */
  for (guint i = 0; i < 10000; i++) {
    g_autofree char *ver = g_strdup_printf("again%u=", i);
    peer_presence(f, "flood0@example.test/r", ver);
  }
  g_assert_cmpuint(xmpp_caps_n_jids(f->caps), ==, XMPP_CAPS_MAX_JIDS);
  g_assert_cmpuint(f->t->sent->len - sent, ==, XMPP_CAPS_MAX_INFLIGHT);
  /* Unanswered queries time out and free their slots: new vers get asked again. */
  fake_host_advance(f->t->fake, XMPP_ROUTER_IQ_TIMEOUT_MS + 1000);
  g_assert_cmpuint(xmpp_caps_n_inflight(f->caps), ==, 0);
  peer_presence(f, "romeo@example.test/orchard", SIMPLE_VER);
  g_assert_cmpuint(xmpp_caps_n_inflight(f->caps), ==, 1);
}

/* A valid answer of about n_features * 100 bytes. */
static char *
big_query(guint tag, guint n_features)
{
  GString *q = g_string_new("<query xmlns='http://jabber.org/protocol/disco#info'>"
                            "<identity category='client' type='pc'/>");
  g_autofree char *pad = g_strnfill(80, 'p');
  for (guint i = 0; i < n_features; i++)
    g_string_append_printf(q, "<feature var='urn:big:%u:%u:%s'/>", tag, i, pad);
  g_string_append(q, "</query>");
  return g_string_free(q, FALSE);
}

/* T47: an answer too big to keep is neither cached nor kept for its JID, even when it hashes
 * right (the verified test is the positive twin). */
static void
test_T47_big_answer_not_kept(Fixture *f, gconstpointer data)
{
  g_autofree char *q = big_query(0, 700);
  g_autoptr(XmppDiscoInfo) info = parse(q);
  g_autofree char *ver = xmpp_caps_compute_ver(info);
  peer_presence(f, "big@example.test/r", ver);
  test_router_answer_last(f->t, q);
  g_assert_cmpuint(xmpp_caps_n_cached(f->caps), ==, 0);
  g_assert_null(xmpp_caps_get_jid_info(f->caps, "big@example.test/r"));
  g_assert_cmpuint(xmpp_caps_n_inflight(f->caps), ==, 0);
}

/* T47: answers of their own (not matching their ver) are kept for a bounded number of JIDs. */
static void
test_T47_unverified_bounded(Fixture *f, gconstpointer data)
{
  guint kept = 0;
  for (guint i = 0; i < XMPP_CAPS_MAX_UNVERIFIED + 20; i++) {
    g_autofree char *jid = g_strdup_printf("liar%u@example.test/r", i);
    g_autofree char *ver = g_strdup_printf("lie%u=", i);
    peer_presence(f, jid, ver);
    test_router_answer_last(
        f->t, "<query xmlns='http://jabber.org/protocol/disco#info'>"
              "<identity category='client' type='pc'/><feature var='urn:x'/></query>");
    kept += xmpp_caps_get_jid_info(f->caps, jid) != NULL;
  }
  g_assert_cmpuint(kept, ==, XMPP_CAPS_MAX_UNVERIFIED);
  g_assert_cmpuint(xmpp_caps_n_cached(f->caps), ==, 0);
  /* A liar going away frees its place. */
  test_router_dispatch(f->t, "<presence from='liar0@example.test/r' type='unavailable'/>");
  peer_presence(f, "late@example.test/r", "late=");
  test_router_answer_last(f->t, "<query xmlns='http://jabber.org/protocol/disco#info'>"
                                "<identity category='client' type='pc'/></query>");
  g_assert_nonnull(xmpp_caps_get_jid_info(f->caps, "late@example.test/r"));
}

/* T47: the cache's byte budget holds whatever the entries' sizes; the newest stay. */
static void
test_T47_cache_byte_budget(Fixture *f, gconstpointer data)
{
  GString *file = g_string_new("<stream:stream xmlns='jabber:client' "
                               "xmlns:stream='http://etherx.jabber.org/streams'>");
  const guint n = 300;
  g_autofree char *last_ver = NULL;
  for (guint i = 0; i < n; i++) {
    g_autofree char *q = big_query(i, 400);
    g_autoptr(XmppDiscoInfo) info = parse(q);
    g_free(last_ver);
    last_ver = xmpp_caps_compute_ver(info);
    g_string_append_printf(file, "<entry xmlns='urn:lyre:caps-cache:0' ver='%s'>%s</entry>",
                           last_ver, q);
  }
  g_string_append(file, "</stream:stream>");
  g_assert_cmpint(xmpp_caps_cache_load(f->caps, file->str, file->len), ==, n);
  g_assert_cmpuint(xmpp_caps_get_cache_bytes(f->caps), <=, XMPP_CAPS_MAX_CACHE_BYTES);
  g_assert_cmpuint(xmpp_caps_n_cached(f->caps), <, n);
  g_assert_cmpuint(xmpp_caps_n_cached(f->caps), >, n / 4);
  g_assert_nonnull(xmpp_caps_lookup(f->caps, last_ver));
  g_string_free(file, TRUE);
}

static char *
numbered_query(guint i)
{
  return g_strdup_printf("<query xmlns='http://jabber.org/protocol/disco#info'>"
                         "<identity category='client' type='pc'/><feature var='urn:n:%u'/>"
                         "</query>",
                         i);
}

/* Positive twin of the flood: verified answers fill the cache up to its bound, oldest out. */
static void
test_cache_bound(Fixture *f, gconstpointer data)
{
  GString *file = g_string_new("<stream:stream xmlns='jabber:client' "
                               "xmlns:stream='http://etherx.jabber.org/streams'>");
  for (guint i = 0; i < XMPP_CAPS_MAX_CACHE + 10; i++) {
    g_autofree char *q = numbered_query(i);
    g_autoptr(XmppDiscoInfo) info = parse(q);
    g_autofree char *ver = xmpp_caps_compute_ver(info);
    g_string_append_printf(file, "<entry xmlns='urn:lyre:caps-cache:0' ver='%s'>%s</entry>", ver,
                           q);
  }
  g_string_append(file, "</stream:stream>");
  int loaded = xmpp_caps_cache_load(f->caps, file->str, file->len);
  g_assert_cmpint(loaded, ==, XMPP_CAPS_MAX_CACHE + 10);
  g_assert_cmpuint(xmpp_caps_n_cached(f->caps), ==, XMPP_CAPS_MAX_CACHE);
  g_autofree char *q0 = numbered_query(0), *qlast = numbered_query(XMPP_CAPS_MAX_CACHE + 9);
  g_autoptr(XmppDiscoInfo) first = parse(q0);
  g_autoptr(XmppDiscoInfo) last = parse(qlast);
  g_autofree char *v0 = xmpp_caps_compute_ver(first), *vlast = xmpp_caps_compute_ver(last);
  g_assert_null(xmpp_caps_lookup(f->caps, v0));
  g_assert_nonnull(xmpp_caps_lookup(f->caps, vlast));
  g_string_free(file, TRUE);
}

static void
test_cache_round_trip(Fixture *f, gconstpointer data)
{
  peer_presence(f, "romeo@example.test/orchard", SIMPLE_VER);
  test_router_answer_last(f->t, SIMPLE_QUERY);
  peer_presence(f, "psi@example.test/x", COMPLEX_VER);
  test_router_answer_last(f->t, COMPLEX_QUERY);
  g_assert_cmpuint(xmpp_caps_n_cached(f->caps), ==, 2);
  g_autofree char *file = xmpp_caps_cache_serialize(f->caps);
  XmppCaps *other = xmpp_caps_new(f->t->router, &f->t->fake->host, f->disco, NULL);
  g_assert_cmpint(xmpp_caps_cache_load(other, file, strlen(file)), ==, 2);
  const XmppDiscoInfo *complex = xmpp_caps_lookup(other, COMPLEX_VER);
  g_assert_nonnull(complex);
  g_assert_cmpuint(complex->forms->len, ==, 1);
  g_autofree char *ver = xmpp_caps_compute_ver(complex);
  g_assert_cmpstr(ver, ==, COMPLEX_VER);
  g_assert_nonnull(xmpp_caps_lookup(other, SIMPLE_VER));
  xmpp_caps_free(other);
}

/* A tampered or broken file poisons nothing (T47 through the disk). */
static void
test_cache_tampered(Fixture *f, gconstpointer data)
{
  const char *file = "<stream:stream xmlns='jabber:client' "
                     "xmlns:stream='http://etherx.jabber.org/streams'>"
                     "<entry xmlns='urn:lyre:caps-cache:0' ver='" SIMPLE_VER "'>"
                     "<query xmlns='http://jabber.org/protocol/disco#info'>"
                     "<identity category='client' type='pc'/></query></entry>"
                     "<entry xmlns='urn:lyre:caps-cache:0'>" SIMPLE_QUERY "</entry>"
                     "<entry xmlns='urn:lyre:caps-cache:0' ver='" SIMPLE_VER "'>" SIMPLE_QUERY
                     "</entry></stream:stream>";
  g_assert_cmpint(xmpp_caps_cache_load(f->caps, file, strlen(file)), ==, 1);
  g_assert_cmpuint(xmpp_caps_n_cached(f->caps), ==, 1);
  const char *junk = "<not-a-cache-file/>";
  g_assert_cmpint(xmpp_caps_cache_load(f->caps, junk, strlen(junk)), ==, -1);
}

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/caps/hash/xep0115_simple", test_hash_simple);
  g_test_add_func("/caps/hash/xep0115_complex", test_hash_complex);
  g_test_add_func("/caps/hash/invalid_answers", test_hash_invalid);
#define ADD(path, fn) g_test_add(path, Fixture, NULL, setup, fn, teardown)
  ADD("/caps/own/presence_and_disco_match", test_own_presence);
  ADD("/caps/learn/verified", test_learn_verified);
  ADD("/caps/learn/T47_poisoned_not_cached", test_T47_poisoned_not_cached);
  ADD("/caps/learn/T47_flood_bounded", test_T47_flood_bounded);
  ADD("/caps/learn/T47_big_answer_not_kept", test_T47_big_answer_not_kept);
  ADD("/caps/learn/T47_unverified_bounded", test_T47_unverified_bounded);
  ADD("/caps/cache/T47_byte_budget", test_T47_cache_byte_budget);
  ADD("/caps/cache/bound_oldest_out", test_cache_bound);
  ADD("/caps/cache/round_trip", test_cache_round_trip);
  ADD("/caps/cache/tampered", test_cache_tampered);
  return g_test_run();
}
