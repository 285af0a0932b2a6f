/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The plugin itself: plugin and protocol info, account options and user splits, and the one
 * exported symbol (purple_init_plugin). */
#include "purple-glue.h"
#include "purple-chat.h"
#include "purple-extras.h"
#include "purple-files.h"
#include "purple-upload.h"
#include "purple-migrate.h"
#include "purple-subscription.h"
#include "purple-i18n.h"

#include <locale.h>

#include "jid/jid.h"

static const char *
list_icon(PurpleAccount *account, PurpleBuddy *buddy)
{
  return "lyre"; /* pixmaps/pidgin/protocols/<size>/lyre.png */
}

static const char *
normalize(const PurpleAccount *account, const char *who)
{
  /* libpurple 2's normalize returns a borrowed string that the caller never frees, so like
   * every prpl we keep the last answer in a buffer (libpurple runs on one thread). libpurple
   * asks several times per message for the same sender, so the last question is remembered
   * too: a repeat costs one strcmp. */
  static char buf[3 * XMPP_JID_MAX_PART_BYTES + 3];
  static char last_who[sizeof buf];
  static gboolean last_valid, last_ok;
  if (who == NULL)
    return NULL;
  if (last_valid && strcmp(who, last_who) == 0)
    return last_ok ? buf : NULL;
  char *norm = xmpp_jid_normalize(who);
  last_ok = norm != NULL && strlen(norm) < sizeof buf;
  if (last_ok)
    g_strlcpy(buf, norm, sizeof buf);
  g_free(norm);
  /* Only a question that fits is remembered; a longer one is simply asked again. */
  last_valid = strlen(who) < sizeof last_who;
  if (last_valid)
    g_strlcpy(last_who, who, sizeof last_who);
  return last_ok ? buf : NULL; /* NULL: libpurple falls back to its generic normalisation */
}

/* Statuses from every area: presence's, then mood and tune. */
static GList *
status_types(PurpleAccount *account)
{
  return xmpp_purple_extras_status_types(xmpp_purple_presence_status_types(account));
}

static void
set_status(PurpleAccount *account, PurpleStatus *status)
{
  if (!xmpp_purple_extras_set_status(account, status))
    xmpp_purple_presence_set_status(account, status);
}

/* One buddy menu from every area: subscriptions first, then the services. */
static GList *
blist_node_menu(PurpleBlistNode *node)
{
  GList *menu = xmpp_purple_subscription_menu(node);
  menu = xmpp_purple_info_buddy_menu(node, menu);
  menu = xmpp_purple_profile_buddy_menu(node, menu);
  return xmpp_purple_accountsvc_buddy_menu(node, menu);
}

/* The account's actions (Accounts menu in Pidgin, Finch's Actions) from every area. */
static GList *
plugin_actions(PurplePlugin *plugin, gpointer context)
{
  GList *actions = NULL;
  actions = xmpp_purple_info_actions(actions);
  actions = xmpp_purple_profile_actions(actions);
  actions = xmpp_purple_accountsvc_actions(actions);
  actions = xmpp_purple_migrate_actions(actions);
  actions = xmpp_purple_tools_actions(actions); /* XML Console, Browse Services */
  return xmpp_purple_extras_actions(actions);
}

/* Every slot Lyre fills, in the order of PurplePluginProtocolInfo, with the file that owns it. */
static PurplePluginProtocolInfo prpl_info = {
    .struct_size = sizeof(PurplePluginProtocolInfo),
    /* Password required; rooms have a topic anyone may try to set (the room decides). Not
     * OPT_PROTO_SLASH_COMMANDS_NATIVE: XMPP has no commands on the wire, and with it Pidgin
     * would answer "Unknown command." to a typed "/shrug" instead of sending it as text. */
    .options = OPT_PROTO_CHAT_TOPIC,
    /* XEP-0153 §4.1 suggests 32-96 pixels; purple scales what the user picks before sending. */
    .icon_spec = {"png,gif,jpeg", 32, 32, 96, 96, 0, PURPLE_ICON_SCALE_SEND},
    .list_icon = list_icon,
    .status_text = xmpp_purple_presence_status_text,        /* purple-presence.c */
    .tooltip_text = xmpp_purple_presence_tooltip_text,      /* purple-presence.c */
    .status_types = status_types,                           /* presence + extras */
    .blist_node_menu = blist_node_menu,                     /* every area */
    .chat_info = xmpp_purple_chat_info,                     /* purple-chat.c */
    .chat_info_defaults = xmpp_purple_chat_info_defaults,   /* purple-chat.c */
    .login = xmpp_purple_connection_login,                  /* purple-connection.c */
    .close = xmpp_purple_connection_close,                  /* purple-connection.c */
    .send_im = xmpp_purple_im_send,                         /* purple-im.c */
    .send_typing = xmpp_purple_im_send_typing,              /* purple-im.c */
    .get_info = xmpp_purple_info_get_info,                  /* purple-info.c */
    .set_status = set_status,                               /* extras, else presence */
    .set_idle = xmpp_purple_presence_set_idle,              /* purple-presence.c */
    .change_passwd = xmpp_purple_accountsvc_change_passwd,  /* purple-account-services.c */
    .add_buddy = xmpp_purple_roster_add_buddy,              /* purple-roster.c */
    .remove_buddy = xmpp_purple_roster_remove_buddy,        /* purple-roster.c */
    .add_deny = xmpp_purple_privacy_add_deny,               /* purple-privacy.c */
    .rem_deny = xmpp_purple_privacy_rem_deny,               /* purple-privacy.c */
    .set_permit_deny = xmpp_purple_privacy_set_permit_deny, /* purple-privacy.c */
    .join_chat = xmpp_purple_chat_join,                     /* purple-chat.c */
    .get_chat_name = xmpp_purple_chat_get_name,             /* purple-chat.c */
    .chat_invite = xmpp_purple_chat_invite,                 /* purple-chat.c */
    .chat_leave = xmpp_purple_chat_leave,                   /* purple-chat.c */
    .chat_whisper = xmpp_purple_chat_whisper,               /* purple-chat.c */
    .chat_send = xmpp_purple_chat_send,                     /* purple-chat.c */
    .register_user = xmpp_purple_accountsvc_register_user,  /* purple-account-services.c */
    .alias_buddy = xmpp_purple_roster_alias_buddy,          /* purple-roster.c */
    .group_buddy = xmpp_purple_roster_group_buddy,          /* purple-roster.c */
    .rename_group = xmpp_purple_roster_rename_group,        /* purple-roster.c */
    .convo_closed = xmpp_purple_im_convo_closed,            /* purple-im.c */
    .normalize = normalize,
    .set_buddy_icon = xmpp_purple_profile_set_buddy_icon,          /* purple-profile.c */
    .remove_group = xmpp_purple_roster_remove_group,               /* purple-roster.c */
    .get_cb_real_name = xmpp_purple_chat_get_cb_real_name,         /* purple-chat.c */
    .set_chat_topic = xmpp_purple_chat_set_topic,                  /* purple-chat.c */
    .roomlist_get_list = xmpp_purple_roomlist_get_list,            /* purple-roomlist.c */
    .roomlist_cancel = xmpp_purple_roomlist_cancel,                /* purple-roomlist.c */
    .send_attention = xmpp_purple_extras_send_attention,           /* purple-extras.c */
    .get_attention_types = xmpp_purple_extras_get_attention_types, /* purple-extras.c */
    .unregister_user = xmpp_purple_accountsvc_unregister_user,     /* purple-account-services.c */
    .get_moods = xmpp_purple_extras_get_moods,                     /* purple-extras.c */
    .can_receive_file = xmpp_purple_files_can_send,                /* purple-files.c */
    .send_file = xmpp_purple_files_send_file,                      /* purple-files.c */
    .new_xfer = xmpp_purple_files_new_xfer,                        /* purple-files.c */
    .chat_can_receive_file = xmpp_purple_upload_chat_can_send,     /* purple-upload.c */
    .chat_send_file = xmpp_purple_upload_chat_send_file,           /* purple-upload.c */
};
static PurplePluginInfo plugin_info = {
    .magic = PURPLE_PLUGIN_MAGIC,
    .major_version = PURPLE_MAJOR_VERSION,
    .minor_version = PURPLE_MINOR_VERSION,
    .type = PURPLE_PLUGIN_PROTOCOL,
    .priority = PURPLE_PRIORITY_DEFAULT,
    .id = XMPP_PURPLE_PLUGIN_ID,
    .name = "XMPP (Lyre)",
    .version = LYRE_VERSION,
    .load = xmpp_purple_migrate_load,     /* purple-migrate.c: the first-run offer */
    .unload = xmpp_purple_migrate_unload, /* purple-migrate.c */
    .extra_info = &prpl_info,
};

static void
add_option(PurpleAccountOption *option)
{
  prpl_info.protocol_options = g_list_append(prpl_info.protocol_options, option);
}

static GList *
add_choice(GList *list, const char *label, const char *value)
{
  PurpleKeyValuePair *kvp = g_new0(PurpleKeyValuePair, 1);
  kvp->key = g_strdup(label);
  kvp->value = g_strdup(value);
  return g_list_append(list, kvp);
}

static void
init_plugin(PurplePlugin *plugin)
{
  /* Our own catalogue, in UTF-8 whatever the locale's charset (purple expects UTF-8), bound
   * before anything below translates a string (the commands' help too). LYRE_LOCALEDIR points
   * at an uninstalled build's catalogues (build/po): the tests use it. */
  const char *localedir = g_getenv("LYRE_LOCALEDIR");
  bindtextdomain(GETTEXT_PACKAGE, localedir != NULL && *localedir != '\0' ? localedir : LOCALEDIR);
  bind_textdomain_codeset(GETTEXT_PACKAGE, "UTF-8");

  plugin_info.actions = plugin_actions;
  xmpp_purple_info_commands();
  xmpp_purple_im_commands();
  xmpp_purple_chat_commands();

  plugin_info.summary = _("XMPP protocol plugin (Lyre)");
  plugin_info.description =
      _("Connects to XMPP servers with modern security: Direct TLS and STARTTLS, SCRAM with "
        "channel binding, and certificate pinning.");
  plugin_info.author = "Lyre developers";

  /* User splits as prpl-jabber declares them, so usernames move over unchanged: the first '@'
   * starts the domain, the first '/' after it the resource (empty: the server picks). */
  PurpleAccountUserSplit *split = purple_account_user_split_new(_("Domain"), NULL, '@');
  purple_account_user_split_set_reverse(split, FALSE);
  prpl_info.user_splits = g_list_append(prpl_info.user_splits, split);
  split = purple_account_user_split_new(_("Resource"), "", '/');
  purple_account_user_split_set_reverse(split, FALSE);
  prpl_info.user_splits = g_list_append(prpl_info.user_splits, split);

  /* Keys and values of prpl-jabber where the meaning is the same. The first choice is the
   * default. */
  GList *security = NULL;
  security = add_choice(security, _("Require encryption"), XMPP_PURPLE_SECURITY_REQUIRE);
  security =
      add_choice(security, _("Use encryption if available"), XMPP_PURPLE_SECURITY_OPPORTUNISTIC);
  security = add_choice(security, _("Direct TLS only"), XMPP_PURPLE_SECURITY_DIRECT);
  add_option(
      purple_account_option_list_new(_("Connection security"), XMPP_PURPLE_OPT_SECURITY, security));
  add_option(purple_account_option_bool_new(_("Allow plaintext auth over unencrypted streams"),
                                            XMPP_PURPLE_OPT_PLAIN_IN_CLEAR, FALSE));
  add_option(purple_account_option_int_new(_("Connect port"), XMPP_PURPLE_OPT_PORT,
                                           XMPP_PURPLE_DEFAULT_PORT));
  add_option(
      purple_account_option_string_new(_("Connect server"), XMPP_PURPLE_OPT_CONNECT_SERVER, NULL));
  /* SOCKS5 proxies (XEP-0065) for direct transfers, after the server's own: prpl-jabber's key,
   * so a migrated account keeps its list. */
  add_option(purple_account_option_string_new(_("File transfer proxies"),
                                              XMPP_PURPLE_OPT_FT_PROXIES, NULL));
  /* Kept for the same reason; custom smileys are not implemented yet. */
  add_option(purple_account_option_bool_new(_("Show Custom Smileys"),
                                            XMPP_PURPLE_OPT_CUSTOM_SMILEYS, TRUE));
  /* Lyre's own settings. */
  add_option(
      purple_account_option_string_new(_("CA certificate file"), XMPP_PURPLE_OPT_CA_FILE, NULL));
  add_option(purple_account_option_string_new(_("Pinned certificate (SHA-256)"),
                                              XMPP_PURPLE_OPT_PINNED_CERT, NULL));
  add_option(purple_account_option_bool_new(
      _("Require channel binding (set after the first sign-in that uses it)"),
      XMPP_PURPLE_OPT_REQUIRE_CB, FALSE));
  prpl_info.protocol_options = xmpp_purple_info_options(prpl_info.protocol_options);
}

PURPLE_INIT_PLUGIN(lyre, init_plugin, plugin_info)
