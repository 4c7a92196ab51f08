/* hashtable.c -- heap-allocated data structures under churn.
 *
 * A chained hash table of string keys that doubles its bucket array when it
 * fills up, a realloc-grown vector of keys, a singly linked list that is
 * built, reversed and freed, and one large allocation that forces linear
 * memory to grow.  Prints statistics and checksums (never addresses).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct entry {
  char *key;
  uint32_t value;
  struct entry *next;
} entry;

typedef struct {
  entry **buckets;
  size_t nbuckets;
  size_t count;
} table;

static uint32_t rng_state = 0x9e3779b9u;

static uint32_t rng(void) {
  rng_state ^= rng_state << 13;
  rng_state ^= rng_state >> 17;
  rng_state ^= rng_state << 5;
  return rng_state;
}

static uint32_t fnv1a(const char *s) {
  uint32_t h = 2166136261u;
  for (; *s; s++) h = (h ^ (uint8_t)*s) * 16777619u;
  return h;
}

static void *xmalloc(size_t n) {
  void *p = malloc(n);
  if (!p) {
    fprintf(stderr, "out of memory\n");
    exit(1);
  }
  return p;
}

static void table_grow(table *t) {
  size_t n = t->nbuckets * 2;
  entry **b = calloc(n, sizeof *b);
  if (!b) exit(1);
  for (size_t i = 0; i < t->nbuckets; i++) {
    entry *e = t->buckets[i];
    while (e) {
      entry *next = e->next;
      size_t j = fnv1a(e->key) & (n - 1);
      e->next = b[j];
      b[j] = e;
      e = next;
    }
  }
  free(t->buckets);
  t->buckets = b;
  t->nbuckets = n;
}

/* Adds `value` to the key's value; returns 1 if the key was new. */
static int table_add(table *t, const char *key, uint32_t value) {
  size_t i = fnv1a(key) & (t->nbuckets - 1);
  for (entry *e = t->buckets[i]; e; e = e->next) {
    if (strcmp(e->key, key) == 0) {
      e->value += value;
      return 0;
    }
  }
  entry *e = xmalloc(sizeof *e);
  e->key = xmalloc(strlen(key) + 1);
  strcpy(e->key, key);
  e->value = value;
  e->next = t->buckets[i];
  t->buckets[i] = e;
  if (++t->count > t->nbuckets) table_grow(t);
  return 1;
}

static int table_remove(table *t, const char *key) {
  entry **link = &t->buckets[fnv1a(key) & (t->nbuckets - 1)];
  for (; *link; link = &(*link)->next) {
    if (strcmp((*link)->key, key) == 0) {
      entry *dead = *link;
      *link = dead->next;
      free(dead->key);
      free(dead);
      t->count--;
      return 1;
    }
  }
  return 0;
}

static void table_stats(const table *t, const char *label) {
  size_t longest = 0, used = 0;
  uint32_t sum = 0;
  for (size_t i = 0; i < t->nbuckets; i++) {
    size_t len = 0;
    for (entry *e = t->buckets[i]; e; e = e->next) {
      len++;
      sum += fnv1a(e->key) * 31u + e->value;
    }
    used += len > 0;
    if (len > longest) longest = len;
  }
  printf("%s: count=%zu buckets=%zu used=%zu longest=%zu checksum=%08x\n",
         label, t->count, t->nbuckets, used, longest, sum);
}

static void table_free(table *t) {
  for (size_t i = 0; i < t->nbuckets; i++) {
    entry *e = t->buckets[i];
    while (e) {
      entry *next = e->next;
      free(e->key);
      free(e);
      e = next;
    }
  }
  free(t->buckets);
}

static void make_key(char *buf, uint32_t r) {
  static const char alphabet[] = "abcdefghijklmnopqrstuvwxyz";
  size_t len = 1 + r % 5;
  for (size_t i = 0; i < len; i++) {
    buf[i] = alphabet[r % 26];
    r /= 7;
  }
  buf[len] = '\0';
}

static void hash_table_demo(void) {
  table t = {calloc(4, sizeof(entry *)), 4, 0};
  char **keys = NULL;
  size_t nkeys = 0, cap = 0;
  char buf[16];
  for (int i = 0; i < 20000; i++) {
    make_key(buf, rng());
    if (table_add(&t, buf, (uint32_t)i)) {
      if (nkeys == cap) {
        cap = cap ? cap * 2 : 8;
        keys = realloc(keys, cap * sizeof *keys);
      }
      keys[nkeys++] = strdup(buf);
    }
  }
  printf("distinct keys=%zu vector capacity=%zu\n", nkeys, cap);
  table_stats(&t, "after insert");
  size_t removed = 0;
  for (size_t i = 0; i < nkeys; i += 2) removed += table_remove(&t, keys[i]);
  removed += table_remove(&t, "no such key");
  printf("removed=%zu\n", removed);
  table_stats(&t, "after remove");
  for (size_t i = 0; i < nkeys; i++) free(keys[i]);
  free(keys);
  table_free(&t);
}

typedef struct node {
  int value;
  struct node *next;
} node;

static void linked_list_demo(void) {
  node *head = NULL;
  for (int i = 1; i <= 1000; i++) {
    node *n = xmalloc(sizeof *n);
    n->value = i * i % 997;
    n->next = head;
    head = n;
  }
  node *rev = NULL;
  while (head) {
    node *next = head->next;
    head->next = rev;
    rev = head;
    head = next;
  }
  long long weighted = 0;
  int pos = 0;
  printf("list head:");
  for (node *n = rev; n; n = n->next, pos++) {
    weighted += (long long)pos * n->value;
    if (pos < 8) printf(" %d", n->value);
  }
  printf("\nlist length=%d weighted=%lld\n", pos, weighted);
  while (rev) {
    node *next = rev->next;
    free(rev);
    rev = next;
  }
}

static void big_allocation_demo(void) {
  size_t n = 6u << 20; /* more than the initial linear memory */
  unsigned char *big = xmalloc(n);
  for (size_t i = 0; i < n; i++) big[i] = (unsigned char)(i * 2654435761u >> 24);
  unsigned char *bigger = realloc(big, n * 2);
  if (!bigger) exit(1);
  memset(bigger + n, 0xab, n);
  uint32_t sum = 0;
  for (size_t i = 0; i < 2 * n; i += 4093) sum = sum * 33 + bigger[i];
  printf("big allocation checksum=%08x\n", sum);
  free(bigger);
}

int main(void) {
  hash_table_demo();
  linked_list_demo();
  big_allocation_demo();
  return 0;
}
