/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "ts-json.h"

G_BEGIN_DECLS

/*
 * The building blocks of the codec, shared by its files.
 *
 * Each `ts_json_read_*` reads one member's node, checks its JSON type and
 * range, and on failure sets a TS_CORE_ERROR_INVALID whose message names
 * the member. Readers that take @nullable accept a JSON null too, leaving
 * *@inout as the caller set it, so the caller chooses what null means (no
 * estimate, no deadline, …). A %NULL node is a missing member, which is an
 * error: resource readers pass the nodes of their members straight in,
 * request readers skip the members a request left out.
 *
 * Strings are borrowed from the node. They are checked to be UTF-8 even
 * though ts_json_parse() guarantees it, because a tree may come from
 * elsewhere: json-glib's own parser, for one, turns a lone surrogate
 * escape (`\ud800`) into bytes that are not UTF-8.
 */

/* A member that a request may carry and the reader ignores. */
#define TS_JSON_IGNORED (-1)

/**
 * TsJsonMember:
 * @name: a member a request may carry
 * @slot: where ts_json_collect_members() puts its node, or
 *   %TS_JSON_IGNORED for a member the server owns
 */
typedef struct {
  const char *name;
  int slot;
} TsJsonMember;

JsonNode   *ts_json_parse           (const char         *data,
                                     gsize               length,
                                     GError            **error);

gboolean    ts_json_collect_members (JsonObject         *object,
                                     const TsJsonMember *members,
                                     guint               n_members,
                                     JsonNode          **slots,
                                     GError            **error);
/* The most slots any reader uses. */
#define TS_JSON_MAX_SLOTS 32

/**
 * TsJsonSlotKind:
 * @TS_JSON_SLOT_NODE: a node (a tree's, or one the list reader made), or
 *   a missing member when the node is %NULL
 * @TS_JSON_SLOT_NULL: `null`
 * @TS_JSON_SLOT_STRING: a string without escapes
 * @TS_JSON_SLOT_INTEGER: an integer of at most 18 digits
 * @TS_JSON_SLOT_ARRAY: an array holding no object
 *
 * What a slot of ts_json_parse_list() holds. The list reader keeps the
 * common values as spans of the text, already checked, instead of making
 * a JsonNode (a node, its JsonValue and a copy of the string, each made
 * and freed per member of each item); ts_json_slots_get_node() makes the
 * node from the span when a reader needs one.
 */
typedef enum {
  TS_JSON_SLOT_NODE,
  TS_JSON_SLOT_NULL,
  TS_JSON_SLOT_STRING,
  TS_JSON_SLOT_INTEGER,
  TS_JSON_SLOT_ARRAY,
} TsJsonSlotKind;

typedef struct {
  TsJsonSlotKind kind;
  /* The value's text, a string's with its quotes. */
  const char *text;
  gsize length;
  gint64 integer;
  JsonNode *node;
  gboolean owns_node;
} TsJsonSlot;

/**
 * TsJsonSlots:
 *
 * The members of one object, each in its slot, as an item reader gets
 * them: from a tree (ts_json_slots_init_nodes(), every slot a node) or
 * from the text by ts_json_parse_list().
 */
typedef struct {
  TsJsonSlot slots[TS_JSON_MAX_SLOTS];
  guint n_slots;
  /* NUL-terminated copies of the item's plain strings, sized before the
   * item is read so that what was handed out never moves. */
  char *strings;
  gsize strings_used;
  gsize strings_size;
} TsJsonSlots;

void        ts_json_slot_clear             (TsJsonSlot   *slot);
void        ts_json_slots_init_nodes       (TsJsonSlots  *slots,
                                            JsonNode    **nodes,
                                            guint         n_slots);
void        ts_json_slots_reset            (TsJsonSlots  *slots);
void        ts_json_slots_clear            (TsJsonSlots  *slots);
JsonNode   *ts_json_slots_get_node         (TsJsonSlots  *slots,
                                            guint         slot);
const char *ts_json_slots_get_plain_string (TsJsonSlots  *slots,
                                            guint         slot);
gboolean    ts_json_slots_get_integer      (TsJsonSlots  *slots,
                                            guint         slot,
                                            gint64       *out);
gboolean    ts_json_slots_is_null          (TsJsonSlots  *slots,
                                            guint         slot);
const char *ts_json_slots_copy_string      (TsJsonSlots  *slots,
                                            const char   *text,
                                            gsize         length);

gboolean    ts_json_slots_get_strings      (TsJsonSlots  *slots,
                                            guint         slot,
                                            const char  **out,
                                            guint         max,
                                            guint        *n_out);
gboolean    ts_json_slots_get_integers     (TsJsonSlots  *slots,
                                            guint         slot,
                                            gint64       *out,
                                            guint         max,
                                            guint        *n_out);
gboolean    ts_json_slots_is_empty_array   (TsJsonSlots  *slots,
                                            guint         slot);

gboolean    ts_json_slots_read_id          (TsJsonSlots  *slots,
                                            guint         slot,
                                            const char   *name,
                                            gboolean      nullable,
                                            gint64       *inout,
                                            GError      **error);
gboolean    ts_json_slots_read_int         (TsJsonSlots  *slots,
                                            guint         slot,
                                            const char   *name,
                                            gint64        min,
                                            gint64        max,
                                            gboolean      nullable,
                                            gint64       *inout,
                                            GError      **error);
gboolean    ts_json_slots_read_string      (TsJsonSlots  *slots,
                                            guint         slot,
                                            const char   *name,
                                            const char  **out,
                                            GError      **error);
gboolean    ts_json_slots_read_enum        (TsJsonSlots  *slots,
                                            guint         slot,
                                            const char   *name,
                                            GType         enum_type,
                                            int          *out,
                                            GError      **error);
gboolean    ts_json_slots_read_day         (TsJsonSlots  *slots,
                                            guint         slot,
                                            const char   *name,
                                            gboolean      nullable,
                                            TsDay        *inout,
                                            GError      **error);
gboolean    ts_json_slots_read_timestamp   (TsJsonSlots  *slots,
                                            guint         slot,
                                            const char   *name,
                                            gboolean      nullable,
                                            GDateTime   **out,
                                            GError      **error);

typedef gpointer (*TsJsonSlotsReader) (TsJsonSlots *slots,
                                       GError     **error);

/**
 * TsJsonList:
 * @name: the member holding the list (`stories`)
 * @members: the members of an item, each with its slot
 * @n_members: how many
 * @n_slots: how many slots they use
 * @read_item: makes an item from the slots (a missing member is a %NULL
 *   node); it copies what it keeps: the slots' strings and nodes last
 *   until the next item
 * @free_item: frees an item
 *
 * How ts_json_parse_list() reads a list of one kind of item.
 */
typedef struct {
  const char *name;
  const TsJsonMember *members;
  guint n_members;
  guint n_slots;
  TsJsonSlotsReader read_item;
  GDestroyNotify free_item;
} TsJsonList;

GPtrArray  *ts_json_parse_list      (const char         *data,
                                     gsize               length,
                                     const TsJsonList   *list,
                                     gint64             *out_version,
                                     GError            **error);

void        ts_json_collect_known   (JsonObject         *object,
                                     const TsJsonMember *members,
                                     guint               n_members,
                                     JsonNode          **slots);

gboolean    ts_json_holds           (JsonNode           *node,
                                     GType               value_type);
gboolean    ts_json_read_id         (JsonNode           *node,
                                     const char         *name,
                                     gboolean            nullable,
                                     gint64             *inout,
                                     GError            **error);
gboolean    ts_json_read_int        (JsonNode           *node,
                                     const char         *name,
                                     gint64              min,
                                     gint64              max,
                                     gboolean            nullable,
                                     gint64             *inout,
                                     GError            **error);
gboolean    ts_json_read_fraction   (JsonNode           *node,
                                     const char         *name,
                                     double             *out,
                                     GError            **error);
gboolean    ts_json_read_boolean    (JsonNode           *node,
                                     const char         *name,
                                     gboolean           *out,
                                     GError            **error);
gboolean    ts_json_read_string     (JsonNode           *node,
                                     const char         *name,
                                     const char        **out,
                                     GError            **error);
gboolean    ts_json_read_enum       (JsonNode           *node,
                                     const char         *name,
                                     GType               enum_type,
                                     int                *out,
                                     GError            **error);
gboolean    ts_json_read_day        (JsonNode           *node,
                                     const char         *name,
                                     gboolean            nullable,
                                     TsDay              *inout,
                                     GError            **error);
gboolean    ts_json_read_timestamp  (JsonNode           *node,
                                     const char         *name,
                                     gboolean            nullable,
                                     GDateTime         **out,
                                     GError            **error);
gboolean    ts_json_read_object     (JsonNode           *node,
                                     const char         *name,
                                     JsonObject        **out,
                                     GError            **error);
gboolean    ts_json_read_array      (JsonNode           *node,
                                     const char         *name,
                                     const char         *what,
                                     JsonArray         **out,
                                     GError            **error);

void        ts_json_set_type_error  (GError            **error,
                                     const char         *name,
                                     const char         *what,
                                     gboolean            nullable);

typedef gpointer (*TsJsonItemReader) (JsonObject  *object,
                                      GError     **error);

GPtrArray  *ts_json_read_list       (JsonObject         *object,
                                     const char         *name,
                                     TsJsonItemReader    read_item,
                                     GDestroyNotify      free_item,
                                     GError            **error);

/* Writers. Absent values (id 0, TS_DAY_NONE, a NULL time) become null. */
JsonNode   *ts_json_node_take_object (JsonObject        *object);
void        ts_json_set_id_or_null  (JsonObject         *object,
                                     const char         *name,
                                     gint64              id);
void        ts_json_set_day         (JsonObject         *object,
                                     const char         *name,
                                     TsDay               day);
void        ts_json_set_timestamp   (JsonObject         *object,
                                     const char         *name,
                                     GDateTime          *date_time);
void        ts_json_set_override    (JsonObject         *object,
                                     const TsIterationOverride *override);

/* The story resource's `tasks` (ts-json-task.c). */
void        ts_json_set_tasks        (JsonObject        *object,
                                      GPtrArray         *tasks);
gboolean    ts_json_read_story_tasks (JsonNode          *node,
                                      TsStory           *story,
                                      GError           **error);

G_END_DECLS
