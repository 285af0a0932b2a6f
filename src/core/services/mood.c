/* SPDX-License-Identifier: GPL-2.0-or-later */
/* PEP personal data payloads (pure): XEP-0107 mood, XEP-0172 nickname, XEP-0118 tune. */
#include "services/mood.h"

#include <string.h>
#include "services/namespaces.h"

/* XEP-0107 §2.1, in the XEP's order. */
static const char *const mood_names[] = {
    "afraid",      "amazed",     "amorous",     "angry",         "annoyed",    "anxious",
    "aroused",     "ashamed",    "bored",       "brave",         "calm",       "cautious",
    "cold",        "confident",  "confused",    "contemplative", "contented",  "cranky",
    "crazy",       "creative",   "curious",     "dejected",      "depressed",  "disappointed",
    "disgusted",   "dismayed",   "distracted",  "embarrassed",   "envious",    "excited",
    "flirtatious", "frustrated", "grateful",    "grieving",      "grumpy",     "guilty",
    "happy",       "hopeful",    "hot",         "humbled",       "humiliated", "hungry",
    "hurt",        "impressed",  "in_awe",      "in_love",       "indignant",  "interested",
    "intoxicated", "invincible", "jealous",     "lonely",        "lost",       "lucky",
    "mean",        "moody",      "nervous",     "neutral",       "offended",   "outraged",
    "playful",     "proud",      "relaxed",     "relieved",      "remorseful", "restless",
    "sad",         "sarcastic",  "satisfied",   "serious",       "shocked",    "shy",
    "sick",        "sleepy",     "spontaneous", "stressed",      "strong",     "surprised",
    "thankful",    "thirsty",    "tired",       "undefined",     "weak",       "worried",
    NULL,
};

const char *const *
xmpp_mood_names(void)
{
  return mood_names;
}

gboolean
xmpp_mood_is_valid(const char *name)
{
  for (guint i = 0; name != NULL && mood_names[i] != NULL; i++)
    if (strcmp(mood_names[i], name) == 0)
      return TRUE;
  return FALSE;
}

/* Text cut to XMPP_MOOD_MAX_TEXT bytes at a character boundary (the parser gives valid UTF-8);
 * NULL for empty text. */
static char *
dup_capped(char *text)
{
  if (text == NULL || *text == '\0') {
    g_free(text);
    return NULL;
  }
  if (strlen(text) > XMPP_MOOD_MAX_TEXT) {
    const char *end = g_utf8_find_prev_char(text, text + XMPP_MOOD_MAX_TEXT + 1);
    text[end != NULL ? end - text : 0] = '\0';
  }
  return text;
}

static char *
child_text(const XmppNode *node, const char *ns, const char *name)
{
  return dup_capped(xmpp_node_dup_child_text(node, ns, name));
}

XmppMood *
xmpp_mood_parse(const XmppNode *mood_el)
{
  if (mood_el == NULL || !xmpp_node_is(mood_el, XMPP_NS_MOOD, "mood"))
    return NULL;
  XmppMood *mood = g_new0(XmppMood, 1);
  /* §2.1: the mood is the first child element that is not <text/>. */
  for (guint i = 0; i < xmpp_node_n_children(mood_el); i++) {
    const XmppNode *child = xmpp_node_nth_child(mood_el, i);
    if (xmpp_node_is_text(child) || !xmpp_node_is(child, XMPP_NS_MOOD, child->name) ||
        strcmp(child->name, "text") == 0)
      continue;
    if (xmpp_mood_is_valid(child->name))
      mood->name = g_strdup(child->name);
    break;
  }
  mood->text = child_text(mood_el, XMPP_NS_MOOD, "text");
  return mood;
}

void
xmpp_mood_free(XmppMood *mood)
{
  if (mood == NULL)
    return;
  g_free(mood->name);
  g_free(mood->text);
  g_free(mood);
}

XmppNode *
xmpp_mood_build(const char *name, const char *text)
{
  XmppNode *mood = xmpp_node_new(XMPP_NS_MOOD, "mood");
  if (name != NULL && *name != '\0') {
    xmpp_node_new_child(mood, NULL, name);
    if (text != NULL && *text != '\0')
      xmpp_node_new_text_child(mood, NULL, "text", text);
  }
  return mood;
}

XmppTune *
xmpp_tune_parse(const XmppNode *tune_el)
{
  if (tune_el == NULL || !xmpp_node_is(tune_el, XMPP_NS_TUNE, "tune"))
    return NULL;
  XmppTune *tune = g_new0(XmppTune, 1);
  tune->artist = child_text(tune_el, XMPP_NS_TUNE, "artist");
  tune->title = child_text(tune_el, XMPP_NS_TUNE, "title");
  tune->source = child_text(tune_el, XMPP_NS_TUNE, "source");
  tune->track = child_text(tune_el, XMPP_NS_TUNE, "track");
  tune->uri = child_text(tune_el, XMPP_NS_TUNE, "uri");
  g_autofree char *length = child_text(tune_el, XMPP_NS_TUNE, "length");
  guint64 seconds = 0;
  /* §2: length is a positive integer of seconds; junk or absurd values mean unknown. */
  if (length != NULL && g_ascii_string_to_unsigned(length, 10, 1, G_MAXINT32, &seconds, NULL))
    tune->length = (int)seconds;
  return tune;
}

void
xmpp_tune_free(XmppTune *tune)
{
  if (tune == NULL)
    return;
  g_free(tune->artist);
  g_free(tune->title);
  g_free(tune->source);
  g_free(tune->track);
  g_free(tune->uri);
  g_free(tune);
}

gboolean
xmpp_tune_is_empty(const XmppTune *tune)
{
  return tune == NULL || (tune->artist == NULL && tune->title == NULL && tune->source == NULL &&
                          tune->track == NULL && tune->uri == NULL && tune->length == 0);
}

char *
xmpp_nick_parse(const XmppNode *nick_el)
{
  if (nick_el == NULL || !xmpp_node_is(nick_el, XMPP_NS_NICK, "nick"))
    return NULL;
  return dup_capped(xmpp_node_dup_text(nick_el));
}

XmppNode *
xmpp_nick_build(const char *nick)
{
  XmppNode *node = xmpp_node_new(XMPP_NS_NICK, "nick");
  if (nick != NULL && *nick != '\0')
    xmpp_node_add_text(node, nick, -1);
  return node;
}

const XmppNode *
xmpp_mood_items_payload(const XmppNode *items, const char *ns, const char *name,
                        gboolean *retracted)
{
  if (retracted != NULL)
    *retracted = FALSE;
  if (items == NULL || !xmpp_node_is(items, XMPP_NS_PUBSUB_EVENT, "items"))
    return NULL;
  const XmppNode *last = NULL;
  for (XmppNode *item = xmpp_node_get_child(items, XMPP_NS_PUBSUB_EVENT, "item"); item != NULL;
       item = xmpp_node_next_child(items, item, XMPP_NS_PUBSUB_EVENT, "item"))
    last = item;
  const XmppNode *payload = last != NULL ? xmpp_node_get_child(last, ns, name) : NULL;
  if (payload == NULL && retracted != NULL)
    *retracted = xmpp_node_get_child(items, XMPP_NS_PUBSUB_EVENT, "retract") != NULL;
  return payload;
}

XmppNode *
xmpp_mood_item_new(XmppNode *payload)
{
  XmppNode *item = xmpp_node_new("http://jabber.org/protocol/pubsub", "item");
  xmpp_node_set_attr(item, "id", "current");
  xmpp_node_add_child(item, payload);
  return item;
}
