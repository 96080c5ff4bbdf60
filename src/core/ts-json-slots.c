/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ts-json"

/* The slots an item reader gets its members from (TsJsonSlots), and
 * readers of a slot: each takes a span of the text when it holds the
 * value the reader wants and can read it as its node reader would, and
 * otherwise asks for the node and leaves everything, errors included, to
 * the node reader. So a slot reader accepts and refuses exactly what the
 * node reader does, and a list read from text gives what its tree gives. */

#include "ts-json-private.h"

#include <string.h>

#include "ts-core-error.h"
#include "ts-day.h"

/* Forgets what @slot holds. */
void
ts_json_slot_clear (TsJsonSlot *slot)
{
  if (slot->owns_node)
    g_clear_pointer (&slot->node, json_node_unref);
  *slot = (TsJsonSlot) { TS_JSON_SLOT_NODE, NULL, 0, 0, NULL, FALSE };
}

/**
 * ts_json_slots_init_nodes:
 * @nodes: (array length=n_slots): a tree's nodes, %NULL for a missing
 *   member; borrowed
 *
 * Slots for an item reader from a tree.
 */
void
ts_json_slots_init_nodes (TsJsonSlots  *slots,
                          JsonNode    **nodes,
                          guint         n_slots)
{
  g_assert (n_slots <= TS_JSON_MAX_SLOTS);

  memset (slots, 0, sizeof *slots);
  slots->n_slots = n_slots;
  for (guint i = 0; i < n_slots; i++)
    slots->slots[i].node = nodes[i];
}

/* Empties the slots for the next item; the string space stays. */
void
ts_json_slots_reset (TsJsonSlots *slots)
{
  for (guint i = 0; i < slots->n_slots; i++)
    ts_json_slot_clear (&slots->slots[i]);
  slots->strings_used = 0;
}

void
ts_json_slots_clear (TsJsonSlots *slots)
{
  ts_json_slots_reset (slots);
  g_clear_pointer (&slots->strings, g_free);
  slots->strings_size = 0;
}

/**
 * ts_json_slots_get_node:
 *
 * Returns: (transfer none) (nullable): the slot's value as a node, made
 *   from its text if it is a span (it was checked when read, so this
 *   cannot fail), or %NULL for a missing member
 */
JsonNode *
ts_json_slots_get_node (TsJsonSlots *slots,
                        guint        slot)
{
  TsJsonSlot *s = &slots->slots[slot];

  g_assert (slot < slots->n_slots);

  if (s->kind != TS_JSON_SLOT_NODE && s->node == NULL)
    {
      g_autoptr(GError) error = NULL;

      s->node = ts_json_parse (s->text, s->length, &error);
      g_assert_no_error (error);
      s->owns_node = TRUE;
    }
  return s->node;
}

/**
 * ts_json_slots_copy_string:
 * @text: bytes of the item's text (a plain string's, between its quotes)
 *
 * Returns: (transfer none): @text NUL-terminated, valid until the next
 *   item
 */
const char *
ts_json_slots_copy_string (TsJsonSlots *slots,
                           const char  *text,
                           gsize        length)
{
  char *copy = slots->strings + slots->strings_used;

  g_assert (slots->strings_used + length + 1 <= slots->strings_size);

  memcpy (copy, text, length);
  copy[length] = '\0';
  slots->strings_used += length + 1;
  return copy;
}

/**
 * ts_json_slots_get_plain_string:
 *
 * Returns: (nullable): the string when the slot holds one without
 *   escapes, NUL-terminated and valid until the next item; else %NULL,
 *   for the node's reader
 */
const char *
ts_json_slots_get_plain_string (TsJsonSlots *slots,
                                guint        slot)
{
  TsJsonSlot *s = &slots->slots[slot];

  if (s->kind != TS_JSON_SLOT_STRING)
    return NULL;
  return ts_json_slots_copy_string (slots, s->text + 1, s->length - 2);
}

/**
 * ts_json_slots_get_integer:
 *
 * Returns: %TRUE and *@out when the slot holds an integer of at most 18
 *   digits; else %FALSE, for the node's reader
 */
gboolean
ts_json_slots_get_integer (TsJsonSlots *slots,
                           guint        slot,
                           gint64      *out)
{
  if (slots->slots[slot].kind != TS_JSON_SLOT_INTEGER)
    return FALSE;
  *out = slots->slots[slot].integer;
  return TRUE;
}

gboolean
ts_json_slots_is_null (TsJsonSlots *slots,
                       guint        slot)
{
  return slots->slots[slot].kind == TS_JSON_SLOT_NULL;
}


/* Readers of a slot, as their ts_json_read_*() namesakes. */

gboolean
ts_json_slots_read_id (TsJsonSlots  *slots,
                       guint         slot,
                       const char   *name,
                       gboolean      nullable,
                       gint64       *inout,
                       GError      **error)
{
  gint64 value;

  if (nullable && ts_json_slots_is_null (slots, slot))
    return TRUE;
  if (ts_json_slots_get_integer (slots, slot, &value) && value > 0)
    {
      *inout = value;
      return TRUE;
    }
  return ts_json_read_id (ts_json_slots_get_node (slots, slot), name, nullable, inout, error);
}

gboolean
ts_json_slots_read_int (TsJsonSlots  *slots,
                        guint         slot,
                        const char   *name,
                        gint64        min,
                        gint64        max,
                        gboolean      nullable,
                        gint64       *inout,
                        GError      **error)
{
  gint64 value;

  if (nullable && ts_json_slots_is_null (slots, slot))
    return TRUE;
  if (ts_json_slots_get_integer (slots, slot, &value) && value >= min && value <= max)
    {
      *inout = value;
      return TRUE;
    }
  return ts_json_read_int (ts_json_slots_get_node (slots, slot), name, min, max, nullable,
                           inout, error);
}

gboolean
ts_json_slots_read_string (TsJsonSlots  *slots,
                           guint         slot,
                           const char   *name,
                           const char  **out,
                           GError      **error)
{
  const char *plain = ts_json_slots_get_plain_string (slots, slot);

  if (plain != NULL)
    {
      *out = plain;
      return TRUE;
    }
  return ts_json_read_string (ts_json_slots_get_node (slots, slot), name, out, error);
}

gboolean
ts_json_slots_read_enum (TsJsonSlots  *slots,
                         guint         slot,
                         const char   *name,
                         GType         enum_type,
                         int          *out,
                         GError      **error)
{
  const char *plain = ts_json_slots_get_plain_string (slots, slot);

  if (plain != NULL)
    {
      g_autoptr(GEnumClass) klass = g_type_class_ref (enum_type);
      GEnumValue *value = g_enum_get_value_by_nick (klass, plain);

      if (value != NULL)
        {
          *out = value->value;
          return TRUE;
        }
    }
  return ts_json_read_enum (ts_json_slots_get_node (slots, slot), name, enum_type, out, error);
}

gboolean
ts_json_slots_read_day (TsJsonSlots  *slots,
                        guint         slot,
                        const char   *name,
                        gboolean      nullable,
                        TsDay        *inout,
                        GError      **error)
{
  const char *plain;

  if (nullable && ts_json_slots_is_null (slots, slot))
    return TRUE;
  plain = ts_json_slots_get_plain_string (slots, slot);
  if (plain != NULL && ts_day_parse (plain, inout))
    return TRUE;
  return ts_json_read_day (ts_json_slots_get_node (slots, slot), name, nullable, inout, error);
}

gboolean
ts_json_slots_read_timestamp (TsJsonSlots  *slots,
                              guint         slot,
                              const char   *name,
                              gboolean      nullable,
                              GDateTime   **out,
                              GError      **error)
{
  const char *plain;

  if (nullable && ts_json_slots_is_null (slots, slot))
    {
      *out = NULL;
      return TRUE;
    }
  plain = ts_json_slots_get_plain_string (slots, slot);
  if (plain != NULL && (*out = ts_timestamp_parse (plain)) != NULL)
    return TRUE;
  return ts_json_read_timestamp (ts_json_slots_get_node (slots, slot), name, nullable, out,
                                 error);
}

/* Array spans were checked when read, so these walk them knowing they are
 * JSON, and give up (FALSE) at anything but what they take. */

static const char *
skip_blanks (const char *p)
{
  while (*p == ' ' || *p == '\n' || *p == '\r' || *p == '\t')
    p++;
  return p;
}

/* After an element: past the comma, or NULL at the closing bracket. */
static const char *
after_element (const char *p)
{
  p = skip_blanks (p);
  return *p == ',' ? skip_blanks (p + 1) : NULL;
}

/**
 * ts_json_slots_get_strings:
 * @out: (array length=max): where the strings go, each valid until the
 *   next item
 *
 * Returns: %TRUE and *@n_out when the slot is an array of at most @max
 *   strings without escapes; else %FALSE, for the node's reader
 */
gboolean
ts_json_slots_get_strings (TsJsonSlots  *slots,
                           guint         slot,
                           const char  **out,
                           guint         max,
                           guint        *n_out)
{
  const TsJsonSlot *s = &slots->slots[slot];
  const char *p;
  guint n = 0;

  if (s->kind != TS_JSON_SLOT_ARRAY)
    return FALSE;
  p = skip_blanks (s->text + 1);
  while (*p != ']')
    {
      const char *end;

      if (*p != '"' || n == max)
        return FALSE;
      end = strpbrk (p + 1, "\"\\");
      if (*end != '"')
        return FALSE;
      out[n++] = ts_json_slots_copy_string (slots, p + 1, end - p - 1);
      if ((p = after_element (end + 1)) == NULL)
        break;
    }
  *n_out = n;
  return TRUE;
}

/**
 * ts_json_slots_get_integers:
 * @out: (array length=max): where the integers go
 *
 * Returns: %TRUE and *@n_out when the slot is an array of at most @max
 *   integers of at most 18 digits; else %FALSE, for the node's reader
 */
gboolean
ts_json_slots_get_integers (TsJsonSlots  *slots,
                            guint         slot,
                            gint64       *out,
                            guint         max,
                            guint        *n_out)
{
  const TsJsonSlot *s = &slots->slots[slot];
  const char *p;
  guint n = 0;

  if (s->kind != TS_JSON_SLOT_ARRAY)
    return FALSE;
  p = skip_blanks (s->text + 1);
  while (*p != ']')
    {
      gboolean negative = *p == '-';
      const char *digits = p + negative;
      gint64 value = 0;

      if (n == max || !g_ascii_isdigit (*digits))
        return FALSE;
      /* Counted before they are summed: 19 digits may not fit. */
      for (p = digits; g_ascii_isdigit (*p); p++)
        ;
      if (p - digits > 18 || *p == '.' || *p == 'e' || *p == 'E')
        return FALSE;
      for (const char *digit = digits; digit < p; digit++)
        value = value * 10 + (*digit - '0');
      out[n++] = negative ? -value : value;
      if ((p = after_element (p)) == NULL)
        break;
    }
  *n_out = n;
  return TRUE;
}

/* Whether the slot is the array `[]`. */
gboolean
ts_json_slots_is_empty_array (TsJsonSlots *slots,
                              guint        slot)
{
  const TsJsonSlot *s = &slots->slots[slot];

  return s->kind == TS_JSON_SLOT_ARRAY && *skip_blanks (s->text + 1) == ']';
}
