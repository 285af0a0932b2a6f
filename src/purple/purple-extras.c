/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The glue of XEP-0224 attention, XEP-0107 mood, XEP-0172 nickname and XEP-0118 tune. */
#include "purple-extras.h"
#include "purple-i18n.h"

#include "jid/jid.h"
#include "im/roster.h"
#include "services/attention.h"
#include "services/mood.h"

/* XEP-0107 §2.1 values with the text users see (translated when the list is first built). */
static const struct {
  const char *name;
  const char *description;
} mood_texts[] = {
    {"afraid", N_("Afraid")},
    {"amazed", N_("Amazed")},
    {"amorous", N_("Amorous")},
    {"angry", N_("Angry")},
    {"annoyed", N_("Annoyed")},
    {"anxious", N_("Anxious")},
    {"aroused", N_("Aroused")},
    {"ashamed", N_("Ashamed")},
    {"bored", N_("Bored")},
    {"brave", N_("Brave")},
    {"calm", N_("Calm")},
    {"cautious", N_("Cautious")},
    {"cold", N_("Cold")},
    {"confident", N_("Confident")},
    {"confused", N_("Confused")},
    {"contemplative", N_("Contemplative")},
    {"contented", N_("Contented")},
    {"cranky", N_("Cranky")},
    {"crazy", N_("Crazy")},
    {"creative", N_("Creative")},
    {"curious", N_("Curious")},
    {"dejected", N_("Dejected")},
    {"depressed", N_("Depressed")},
    {"disappointed", N_("Disappointed")},
    {"disgusted", N_("Disgusted")},
    {"dismayed", N_("Dismayed")},
    {"distracted", N_("Distracted")},
    {"embarrassed", N_("Embarrassed")},
    {"envious", N_("Envious")},
    {"excited", N_("Excited")},
    {"flirtatious", N_("Flirtatious")},
    {"frustrated", N_("Frustrated")},
    {"grateful", N_("Grateful")},
    {"grieving", N_("Grieving")},
    {"grumpy", N_("Grumpy")},
    {"guilty", N_("Guilty")},
    {"happy", N_("Happy")},
    {"hopeful", N_("Hopeful")},
    {"hot", N_("Hot")},
    {"humbled", N_("Humbled")},
    {"humiliated", N_("Humiliated")},
    {"hungry", N_("Hungry")},
    {"hurt", N_("Hurt")},
    {"impressed", N_("Impressed")},
    {"in_awe", N_("In awe")},
    {"in_love", N_("In love")},
    {"indignant", N_("Indignant")},
    {"interested", N_("Interested")},
    {"intoxicated", N_("Intoxicated")},
    {"invincible", N_("Invincible")},
    {"jealous", N_("Jealous")},
    {"lonely", N_("Lonely")},
    {"lost", N_("Lost")},
    {"lucky", N_("Lucky")},
    {"mean", N_("Mean")},
    {"moody", N_("Moody")},
    {"nervous", N_("Nervous")},
    {"neutral", N_("Neutral")},
    {"offended", N_("Offended")},
    {"outraged", N_("Outraged")},
    {"playful", N_("Playful")},
    {"proud", N_("Proud")},
    {"relaxed", N_("Relaxed")},
    {"relieved", N_("Relieved")},
    {"remorseful", N_("Remorseful")},
    {"restless", N_("Restless")},
    {"sad", N_("Sad")},
    {"sarcastic", N_("Sarcastic")},
    {"satisfied", N_("Satisfied")},
    {"serious", N_("Serious")},
    {"shocked", N_("Shocked")},
    {"shy", N_("Shy")},
    {"sick", N_("Sick")},
    {"sleepy", N_("Sleepy")},
    {"spontaneous", N_("Spontaneous")},
    {"stressed", N_("Stressed")},
    {"strong", N_("Strong")},
    {"surprised", N_("Surprised")},
    {"thankful", N_("Thankful")},
    {"thirsty", N_("Thirsty")},
    {"tired", N_("Tired")},
    {"undefined", N_("Undefined")},
    {"weak", N_("Weak")},
    {"worried", N_("Worried")},
};

/* This area's state: the handle of its open requests (Set Nickname…). */
struct _XmppPurpleExtrasState {
  XmppPurpleConn *conn;
};

static XmppExtras *
extras_of(PurpleConnection *gc)
{
  XmppPurpleConn *conn = xmpp_purple_connection_get(gc);
  if (conn == NULL || conn->session == NULL || !xmpp_session_is_ready(conn->session))
    return NULL;
  return xmpp_session_get_extras(conn->session);
}

/* --- mood and tune as purple statuses --- */

GList *
xmpp_purple_extras_status_types(GList *types)
{
  /* libpurple's mood UI sets an independent status "mood" with these attributes. */
  types = g_list_append(types, purple_status_type_new_with_attrs(
                                   PURPLE_STATUS_MOOD, XMPP_PURPLE_STATUS_MOOD, NULL, TRUE, TRUE,
                                   TRUE, PURPLE_MOOD_NAME, _("Mood Name"),
                                   purple_value_new(PURPLE_TYPE_STRING), PURPLE_MOOD_COMMENT,
                                   _("Mood Comment"), purple_value_new(PURPLE_TYPE_STRING), NULL));
  types = g_list_append(
      types, purple_status_type_new_with_attrs(
                 PURPLE_STATUS_TUNE, XMPP_PURPLE_STATUS_TUNE, NULL, FALSE, TRUE, TRUE,
                 PURPLE_TUNE_ARTIST, _("Tune Artist"), purple_value_new(PURPLE_TYPE_STRING),
                 PURPLE_TUNE_TITLE, _("Tune Title"), purple_value_new(PURPLE_TYPE_STRING),
                 PURPLE_TUNE_ALBUM, _("Tune Album"), purple_value_new(PURPLE_TYPE_STRING),
                 PURPLE_TUNE_TRACK, _("Tune Track"), purple_value_new(PURPLE_TYPE_STRING),
                 PURPLE_TUNE_TIME, _("Tune Time"), purple_value_new(PURPLE_TYPE_INT),
                 PURPLE_TUNE_URL, _("Tune URL"), purple_value_new(PURPLE_TYPE_STRING), NULL));
  return types;
}

gboolean
xmpp_purple_extras_set_status(PurpleAccount *account, PurpleStatus *status)
{
  const char *id = purple_status_get_id(status);
  if (g_strcmp0(id, XMPP_PURPLE_STATUS_MOOD) == 0) {
    XmppExtras *extras = extras_of(purple_account_get_connection(account));
    const char *mood = purple_status_get_attr_string(status, PURPLE_MOOD_NAME);
    const char *text = purple_status_get_attr_string(status, PURPLE_MOOD_COMMENT);
    if (!purple_status_is_active(status))
      mood = NULL; /* XEP-0107 §2.2: an empty <mood/> clears it */
    if (extras != NULL && !xmpp_extras_publish_mood(extras, mood, text))
      purple_debug_warning(XMPP_PURPLE_DEBUG, "mood: '%s' is not a XEP-0107 mood\n", mood);
    return TRUE;
  }
  /* We show tunes (XEP-0118) but do not publish ours. */
  return g_strcmp0(id, XMPP_PURPLE_STATUS_TUNE) == 0;
}

PurpleMood *
xmpp_purple_extras_get_moods(PurpleAccount *account)
{
  /* libpurple borrows the array for good: built once, with translations (immutable after). */
  static PurpleMood moods[G_N_ELEMENTS(mood_texts) + 1];
  if (moods[0].mood == NULL)
    for (guint i = 0; i < G_N_ELEMENTS(mood_texts); i++) {
      moods[i].mood = mood_texts[i].name;
      moods[i].description = _(mood_texts[i].description);
    }
  return moods;
}

/* Server text (nick, mood text, tune fields) made safe to show; NULL stays NULL. */
static char *
safe(const char *text)
{
  return text != NULL ? xmpp_purple_error_sanitize(text) : NULL;
}

static void
ev_mood(gpointer data, const char *bare, const XmppMood *mood)
{
  XmppPurpleConn *conn = data;
  if (mood->name == NULL) {
    purple_prpl_got_user_status_deactive(conn->account, bare, XMPP_PURPLE_STATUS_MOOD);
    return;
  }
  g_autofree char *text = safe(mood->text);
  purple_prpl_got_user_status(conn->account, bare, XMPP_PURPLE_STATUS_MOOD, PURPLE_MOOD_NAME,
                              mood->name, PURPLE_MOOD_COMMENT, text, NULL);
}

static void
ev_tune(gpointer data, const char *bare, const XmppTune *tune)
{
  XmppPurpleConn *conn = data;
  if (tune == NULL) {
    purple_prpl_got_user_status_deactive(conn->account, bare, XMPP_PURPLE_STATUS_TUNE);
    return;
  }
  g_autofree char *artist = safe(tune->artist);
  g_autofree char *title = safe(tune->title);
  g_autofree char *album = safe(tune->source);
  g_autofree char *track = safe(tune->track);
  g_autofree char *url = safe(tune->uri);
  purple_prpl_got_user_status(conn->account, bare, XMPP_PURPLE_STATUS_TUNE, PURPLE_TUNE_ARTIST,
                              artist, PURPLE_TUNE_TITLE, title, PURPLE_TUNE_ALBUM, album,
                              PURPLE_TUNE_TRACK, track, PURPLE_TUNE_TIME, tune->length,
                              PURPLE_TUNE_URL, url, NULL);
}

/* XEP-0172 §4.4: a contact's nickname names them only where the user and the roster did not. */
static void
ev_nick(gpointer data, const char *bare, const char *nick)
{
  XmppPurpleConn *conn = data;
  const XmppRosterItem *item = xmpp_roster_lookup_str(xmpp_session_get_roster(conn->session), bare);
  if (item == NULL || (item->name != NULL && *item->name != '\0'))
    return;
  g_autofree char *shown = safe(nick);
  serv_got_alias(conn->gc, bare, shown);
}

/* --- attention (XEP-0224) --- */

static void
ev_attention(gpointer data, const XmppJid *from)
{
  XmppPurpleConn *conn = data;
  const char *bare = xmpp_jid_get_bare(from);
  /* §4 (spam): only contacts may buzz, and not blocked ones. */
  if (purple_find_buddy(conn->account, bare) == NULL ||
      !purple_privacy_check(conn->account, bare)) {
    purple_debug_info(XMPP_PURPLE_DEBUG, "attention: ignored from %s (not a contact)\n", bare);
    return;
  }
  serv_got_attention(conn->gc, bare, 0);
}

gboolean
xmpp_purple_extras_send_attention(PurpleConnection *gc, const char *username, guint type)
{
  XmppExtras *extras = extras_of(gc);
  if (extras == NULL || purple_find_buddy(purple_connection_get_account(gc), username) == NULL)
    return FALSE;
  return xmpp_extras_send_attention(extras, username);
}

GList *
xmpp_purple_extras_get_attention_types(PurpleAccount *account)
{
  /* Borrowed by libpurple for good, like the moods. */
  static GList *types;
  if (types == NULL)
    types =
        g_list_append(NULL, purple_attention_type_new("Buzz", _("Buzz"), _("%s has buzzed you!"),
                                                      _("Buzzing %s...")));
  return types;
}

/* --- "Set Nickname…" --- */

static void
nick_entered(gpointer data, const char *text)
{
  PurpleConnection *gc = data;
  XmppExtras *extras = extras_of(gc);
  if (extras == NULL)
    return;
  g_autofree char *nick = g_strstrip(g_strdup(text != NULL ? text : ""));
  purple_account_set_string(purple_connection_get_account(gc), XMPP_PURPLE_OPT_NICK, nick);
  xmpp_extras_publish_nick(extras, *nick != '\0' ? nick : NULL);
}

static void
action_set_nick(PurplePluginAction *action)
{
  PurpleConnection *gc = action->context;
  XmppPurpleConn *conn = xmpp_purple_connection_get(gc);
  if (conn == NULL || conn->extras_state == NULL)
    return;
  PurpleAccount *account = purple_connection_get_account(gc);
  purple_request_input(conn->extras_state, _("Set Nickname"), _("Set your nickname"),
                       _("Your contacts see this name when they have not named you themselves."),
                       purple_account_get_string(account, XMPP_PURPLE_OPT_NICK, ""), FALSE, FALSE,
                       NULL, _("_Set"), G_CALLBACK(nick_entered), _("_Cancel"), NULL, account, NULL,
                       NULL, gc);
}

static const XmppExtrasEvents extras_events = {
    .attention = ev_attention,
    .mood = ev_mood,
    .nick = ev_nick,
    .tune = ev_tune,
};

void
xmpp_purple_extras_start(XmppPurpleConn *conn)
{
  conn->extras_state = g_new0(XmppPurpleExtrasState, 1);
  conn->extras_state->conn = conn;
  xmpp_extras_set_events(xmpp_session_get_extras(conn->session), &extras_events, conn);
}

void
xmpp_purple_extras_stop(XmppPurpleConn *conn)
{
  XmppPurpleExtrasState *state = conn->extras_state;
  if (state == NULL)
    return;
  if (conn->session != NULL)
    xmpp_extras_set_events(xmpp_session_get_extras(conn->session), NULL, NULL);
  purple_request_close_with_handle(state);
  conn->extras_state = NULL;
  g_free(state);
}

GList *
xmpp_purple_extras_actions(GList *actions)
{
  return g_list_append(actions, purple_plugin_action_new(_("Set Nickname…"), action_set_nick));
}
