/* A small JSON reader for the shim's event log: one value per line, parsed
 * into nodes from one arena that the caller frees at once. */
#ifndef SF_JSON_H
#define SF_JSON_H

#include <stdbool.h>
#include <stddef.h>

enum sf_json_type { SF_JSON_NULL, SF_JSON_BOOL, SF_JSON_NUMBER, SF_JSON_STRING, SF_JSON_ARRAY, SF_JSON_OBJECT };

struct sf_json {
	enum sf_json_type type;
	double number;           /* NUMBER; BOOL: 0 or 1 */
	const char *string;      /* STRING (unescaped, NUL-terminated); a member's key */
	const char *key;         /* set on the members of an object */
	struct sf_json *child;   /* ARRAY / OBJECT: the first element */
	struct sf_json *next;    /* the next element of the parent */
};

struct sf_json_arena;

struct sf_json_arena *sf_json_arena_new(void);
/* Forgets every node parsed so far (keeps the memory for the next line). */
void sf_json_arena_reset(struct sf_json_arena *a);
void sf_json_arena_free(struct sf_json_arena *a);

/* Parses text[0..len) as one JSON value with nothing after it but
 * whitespace; NULL on a syntax error (or out of memory), with *err_at the
 * offset where it was found. */
struct sf_json *sf_json_parse(struct sf_json_arena *a, const char *text, size_t len, size_t *err_at);

/* An object's member named key, or NULL. */
const struct sf_json *sf_json_get(const struct sf_json *obj, const char *key);
/* The member's value as a number / string, or def when absent or of
 * another type. */
double sf_json_num(const struct sf_json *obj, const char *key, double def);
const char *sf_json_str(const struct sf_json *obj, const char *key, const char *def);

#endif
