/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ts-user"

#include "ts-user.h"

#include <string.h>

/**
 * TsUser:
 *
 * A person: a member of projects, an owner or requester of stories, the
 * author of comments.
 */
struct _TsUser
{
  GObject parent_instance;

  gint64 id;
  char *name;
  char *email;
};

G_DEFINE_FINAL_TYPE (TsUser, ts_user, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ID,
  PROP_NAME,
  PROP_EMAIL,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
ts_user_finalize (GObject *object)
{
  TsUser *self = (TsUser *)object;

  g_free (self->name);
  g_free (self->email);

  G_OBJECT_CLASS (ts_user_parent_class)->finalize (object);
}

static void
ts_user_get_property (GObject    *object,
                      guint       prop_id,
                      GValue     *value,
                      GParamSpec *pspec)
{
  TsUser *self = TS_USER (object);

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_int64 (value, self->id);
      break;
    case PROP_NAME:
      g_value_set_string (value, self->name);
      break;
    case PROP_EMAIL:
      g_value_set_string (value, self->email);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ts_user_set_property (GObject      *object,
                      guint         prop_id,
                      const GValue *value,
                      GParamSpec   *pspec)
{
  TsUser *self = TS_USER (object);

  switch (prop_id)
    {
    case PROP_ID:
      self->id = g_value_get_int64 (value);
      break;
    case PROP_NAME:
      ts_user_set_name (self, g_value_get_string (value));
      break;
    case PROP_EMAIL:
      ts_user_set_email (self, g_value_get_string (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ts_user_class_init (TsUserClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags flags = G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->finalize = ts_user_finalize;
  object_class->get_property = ts_user_get_property;
  object_class->set_property = ts_user_set_property;

  /* A user's id never changes, so it is set once at construction. */
  properties[PROP_ID] =
    g_param_spec_int64 ("id", NULL, NULL, 0, G_MAXINT64, 0,
                        G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_NAME] =
    g_param_spec_string ("name", NULL, NULL, "", flags);
  properties[PROP_EMAIL] =
    g_param_spec_string ("email", NULL, NULL, "", flags);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
ts_user_init (TsUser *self)
{
  self->name = g_strdup ("");
  self->email = g_strdup ("");
}

TsUser *
ts_user_new (gint64      id,
             const char *name,
             const char *email)
{
  return g_object_new (TS_TYPE_USER,
                       "id", id,
                       "name", name,
                       "email", email,
                       NULL);
}

gint64
ts_user_get_id (TsUser *self)
{
  g_return_val_if_fail (TS_IS_USER (self), 0);

  return self->id;
}

const char *
ts_user_get_name (TsUser *self)
{
  g_return_val_if_fail (TS_IS_USER (self), NULL);

  return self->name;
}

const char *
ts_user_get_email (TsUser *self)
{
  g_return_val_if_fail (TS_IS_USER (self), NULL);

  return self->email;
}

static gboolean
replace_text (char       **field,
              const char  *value)
{
  if (value == NULL)
    value = "";
  if (g_strcmp0 (*field, value) == 0)
    return FALSE;
  g_free (*field);
  *field = g_strdup (value);
  return TRUE;
}

void
ts_user_set_name (TsUser     *self,
                  const char *name)
{
  g_return_if_fail (TS_IS_USER (self));

  if (replace_text (&self->name, name))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NAME]);
}

void
ts_user_set_email (TsUser     *self,
                   const char *email)
{
  g_return_if_fail (TS_IS_USER (self));

  if (replace_text (&self->email, email))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_EMAIL]);
}

/* Appends the first character of @word, upper-cased, to @initials. */
static void
append_initial (GString    *initials,
                const char *word)
{
  gunichar c = g_utf8_get_char (word);

  g_string_append_unichar (initials, g_unichar_toupper (c));
}

/**
 * ts_user_dup_initials:
 *
 * People are shown by their initials where there is no picture: the first
 * letters of the first and last words of the name ("Ada King Lovelace" is
 * "AL"), or of the email when there is no name.
 *
 * Returns: (transfer full): one or two upper-case letters, or "?"
 */
char *
ts_user_dup_initials (TsUser *self)
{
  g_auto(GStrv) words = NULL;
  GString *initials;
  guint n_words = 0;
  const char *source;

  g_return_val_if_fail (TS_IS_USER (self), NULL);

  source = *self->name != '\0' ? self->name : self->email;
  words = g_strsplit_set (source, " \t\n", -1);
  initials = g_string_new (NULL);

  for (guint i = 0; words[i] != NULL; i++)
    {
      if (*words[i] == '\0')
        continue;
      if (n_words == 0)
        append_initial (initials, words[i]);
      n_words++;
    }
  if (n_words > 1)
    {
      for (guint i = g_strv_length (words); i > 0; i--)
        {
          if (*words[i - 1] != '\0')
            {
              append_initial (initials, words[i - 1]);
              break;
            }
        }
    }
  if (initials->len == 0)
    g_string_append_c (initials, '?');

  return g_string_free (initials, FALSE);
}

/**
 * ts_email_is_plausible:
 * @email: an email address
 *
 * Deliberately loose: one `@` with something on each side, a dot in the
 * domain, no spaces or control characters, within the length limit.
 * Whether the address works is for the mail system to say, not a regular
 * expression.
 */
gboolean
ts_email_is_plausible (const char *email)
{
  const char *at;

  if (email == NULL || !g_utf8_validate (email, -1, NULL) ||
      g_utf8_strlen (email, -1) > TS_USER_EMAIL_MAX_CHARS)
    return FALSE;
  /* No white space, and no control character (which would otherwise
   * reach every member's list of people). */
  for (const guchar *p = (const guchar *) email; *p != '\0'; p++)
    if (*p <= ' ' || *p == 0x7f)
      return FALSE;

  at = strchr (email, '@');
  return at != NULL && at != email && strchr (at + 1, '@') == NULL &&
         strchr (at + 1, '.') != NULL && at[1] != '.' &&
         email[strlen (email) - 1] != '.';
}
