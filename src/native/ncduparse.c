/*
 * ncduparse: the fast path of the ncdu JSON export reader (src/import/ncdu-reader.ts), and at the
 * end of this file the writer's (writeText: a finished tree's entries as export text).
 *
 * The JavaScript parser stays the reader: it reads the input (file, stdin, gzip), parses the head,
 * the metadata and anything unusual, and gives every error message. When it stands between two
 * entries of a directory (its states DirItem: before '{' or '[', and DirNext: before ',' or ']'), it
 * hands the rest of the buffer to fast(), which parses as many plain entries as it can and writes
 * one packed record per sink event (the layout of src/import/records.ts) with no JavaScript string
 * per name. It stops, at the end of the last entry it took whole, at the first thing it does not
 * take (and the JavaScript parser takes it from there, errors included, as it would have anyway):
 *  - anything not plainly valid: a syntax error, a missing name, a value of the wrong type;
 *  - any key but name, asize, dsize, dev, ino, nlink, uid, gid, mode, mtime, read_error, hlnkc,
 *    notreg, excluded (unknown keys, gdu's items), a key or an excluded string with an escape, a
 *    control byte in a string (names are decoded here as there: escapes, \uXXXX, surrogates);
 *  - a number that is not 1 to 15 plain digits (a sign, a fraction, an exponent, 2^53 and beyond,
 *    a leading zero followed by a digit), a name longer than NAME_MAX_BYTES, an excluded string
 *    longer than 16 bytes, a null, a run of whitespace longer than WS_MAX;
 *  - the end of the buffer within an entry (the JavaScript parser carries the token over), the
 *    closing ']' of the root directory, a directory deeper than the dev stack it was given;
 *  - a full output buffer (the caller drains it and calls again).
 * So fast() only ever takes input the JavaScript parser would accept, and gives the same events.
 *
 * Memory safety: the input is hostile. Every read is bounded by `end` (checked before each load),
 * every write by the output arrays' lengths (checked before each record), the depth by the dev
 * stack's length; no recursion (the nesting is a counter), no allocation.
 *
 * API (N-API 8):
 *   fast(buf: Uint8Array, start, end, state (0 DirItem, 1 DirNext), depth, devStack: Float64Array,
 *        out8: Uint8Array, out64: Float64Array, io: Float64Array)
 *     io <- [position to go on at, state there, depth there, bytes used in out8, numbers in out64]
 *     devStack[d - 1] is the device of the open directory at depth d (the root at depth 1), read
 *     and written here as the JavaScript parser does.
 */
#ifndef NAPI_VERSION
#define NAPI_VERSION 8
#endif
#include <node_api.h>

#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* as LIMITS in ncdu-reader.ts (a longer token is left to it: it says why it is refused) */
#define NAME_MAX_BYTES 4096
#define WS_MAX (1 << 20)
#define EXCL_MAX 16

/* the records (src/import/records.ts) */
#define R_ENTER 1
#define R_ADD 2
#define R_LEAVE 3
#define F_ASIZE 1
#define F_DSIZE 2
#define F_DEV 4
#define F_INO 8
#define F_NLINK 16
#define F_MTIME 32
#define F_OWNER 64
#define F_MODE 128
/* a record's bytes besides its name, at most: tag, mask, a 3-byte length, a LEAVE after it */
#define RECORD_HEAD 6
#define RECORD_NUMS 9

/* EntryType, Excluded (src/model/entry.ts) */
#define T_FILE 0
#define T_DIR 1
#define T_SYMLINK 2
#define T_OTHER 3
#define X_NONE 0
#define X_PATTERN 1
#define X_OTHERFS 2
#define X_KERNFS 3
#define X_FRMLNK 4

#define ST_DIRITEM 0
#define ST_DIRNEXT 1

enum key {
  K_UNKNOWN,
  K_NAME,
  K_EXCLUDED,
  K_READERR,
  K_HLNKC,
  K_NOTREG,
  K_ASIZE,
  K_DSIZE,
  K_DEV,
  K_INO,
  K_NLINK,
  K_UID,
  K_GID,
  K_MODE,
  K_MTIME,
};

/* one info object's values */
typedef struct {
  const uint8_t *name;
  uint32_t nameLen;
  int hasName, hasMode, hlnkc, notreg, readError, excluded;
  double asize, dsize, dev, ino, nlink, mtime, uid, gid, mode;
} info_t;

/* the previous record's values: a record carries only those that differ (records.ts) */
typedef struct {
  double v[9];
} prev_t;

typedef struct {
  const uint8_t *b;
  size_t n;
  uint8_t *o8;
  size_t n8, p8;
  double *o64;
  size_t n64, p64;
  prev_t prev;
} ctx_t;

static inline int is_ws(uint8_t c) { return c == 0x20 || c == 0x0a || c == 0x0d || c == 0x09; }

/* the index after the whitespace at p; SIZE_MAX when the run is longer than WS_MAX */
static inline size_t skip_ws(const ctx_t *x, size_t p) {
  size_t s = p;
  while (p < x->n && is_ws(x->b[p])) p++;
  return p - s > WS_MAX ? SIZE_MAX : p;
}

/* the key spelled plainly at b[p..p+len) (the bytes between the quotes) */
static enum key match_key(const uint8_t *k, size_t len) {
#define IS(s) (len == sizeof(s) - 1 && memcmp(k, s, sizeof(s) - 1) == 0)
  switch (k[0]) {
    case 'n':
      if (IS("name")) return K_NAME;
      if (IS("nlink")) return K_NLINK;
      if (IS("notreg")) return K_NOTREG;
      break;
    case 'a':
      if (IS("asize")) return K_ASIZE;
      break;
    case 'd':
      if (IS("dsize")) return K_DSIZE;
      if (IS("dev")) return K_DEV;
      break;
    case 'i':
      if (IS("ino")) return K_INO;
      break;
    case 'm':
      if (IS("mtime")) return K_MTIME;
      if (IS("mode")) return K_MODE;
      break;
    case 'u':
      if (IS("uid")) return K_UID;
      break;
    case 'g':
      if (IS("gid")) return K_GID;
      break;
    case 'h':
      if (IS("hlnkc")) return K_HLNKC;
      break;
    case 'r':
      if (IS("read_error")) return K_READERR;
      break;
    case 'e':
      if (IS("excluded")) return K_EXCLUDED;
      break;
  }
  return K_UNKNOWN;
#undef IS
}

/* matchExcluded in ncdu-reader.ts */
static int match_excluded(const uint8_t *s, size_t len) {
  if (len == 5 && memcmp(s, "othfs", 5) == 0) return X_OTHERFS;
  if (len == 6 && memcmp(s, "kernfs", 6) == 0) return X_KERNFS;
  if (len == 6 && memcmp(s, "frmlnk", 6) == 0) return X_FRMLNK;
  if (len == 7 && memcmp(s, "otherfs", 7) == 0) return X_OTHERFS;
  return X_PATTERN;
}

/*
 * A plain string at p (its '"'): the bytes up to the closing quote, none of them '\\' or a control
 * byte, at most max of them. Returns the index after the closing quote, 0 when not taken.
 */
static size_t plain_string(const ctx_t *x, size_t p, size_t max, const uint8_t **s, uint32_t *len) {
  size_t q = p + 1;
  size_t stop = q + max + 1 < x->n ? q + max + 1 : x->n;
  while (q < stop) {
    uint8_t c = x->b[q];
    if (c == 0x22) {
      *s = x->b + p + 1;
      *len = (uint32_t)(q - p - 1);
      return q + 1;
    }
    if (c == 0x5c || c < 0x20) return 0;
    q++;
  }
  return 0;
}

static int hex4(const uint8_t *b) {
  int v = 0;
  for (int k = 0; k < 4; k++) {
    uint8_t c = b[k];
    int d;
    if (c >= 0x30 && c <= 0x39) d = c - 0x30;
    else if (c >= 0x61 && c <= 0x66) d = c - 0x57;
    else if (c >= 0x41 && c <= 0x46) d = c - 0x37;
    else return -1;
    v = (v << 4) | d;
  }
  return v;
}

/*
 * A name with escapes from its '"' at p, decoded into out (room for NAME_MAX_BYTES + 4 bytes) as
 * lexString in ncdu-reader.ts decodes it: \uXXXX as UTF-8, a surrogate pair combined, a lone
 * surrogate as U+FFFD, raw bytes as they are. Returns the index after the closing quote (the
 * decoded length in *len), 0 when not taken (an invalid escape, a control byte, longer than
 * NAME_MAX_BYTES decoded, the end of the buffer).
 */
static size_t escaped_name(const ctx_t *x, size_t p, uint8_t *out, uint32_t *len) {
  const uint8_t *b = x->b;
  const size_t n = x->n;
  size_t j = p + 1;
  size_t o = 0;
  for (;;) {
    if (j >= n || o > NAME_MAX_BYTES) return 0;
    uint8_t c = b[j];
    if (c == 0x22) {
      *len = (uint32_t)o;
      return j + 1;
    }
    if (c != 0x5c) {
      if (c < 0x20) return 0;
      out[o++] = c;
      j++;
      continue;
    }
    if (j + 1 >= n) return 0;
    switch (b[j + 1]) {
      case 0x22: out[o++] = 0x22; j += 2; continue;
      case 0x5c: out[o++] = 0x5c; j += 2; continue;
      case 0x2f: out[o++] = 0x2f; j += 2; continue;
      case 0x62: out[o++] = 0x08; j += 2; continue;
      case 0x66: out[o++] = 0x0c; j += 2; continue;
      case 0x6e: out[o++] = 0x0a; j += 2; continue;
      case 0x72: out[o++] = 0x0d; j += 2; continue;
      case 0x74: out[o++] = 0x09; j += 2; continue;
      case 0x75: break;
      default: return 0;
    }
    if (j + 6 > n) return 0;
    int cp = hex4(b + j + 2);
    if (cp < 0) return 0;
    j += 6;
    if (cp >= 0xd800 && cp <= 0xdbff) {
      /* a high surrogate: with a following \uDC00-\uDFFF one code point, else U+FFFD */
      if (j + 6 > n) return 0; /* (not known yet: the JavaScript parser waits for more input) */
      if (b[j] == 0x5c && b[j + 1] == 0x75) {
        int lo = hex4(b + j + 2);
        if (lo >= 0xdc00 && lo <= 0xdfff) {
          cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
          j += 6;
        } else cp = 0xfffd;
      } else cp = 0xfffd;
    } else if (cp >= 0xdc00 && cp <= 0xdfff) {
      cp = 0xfffd;
    }
    if (cp < 0x80) out[o++] = (uint8_t)cp;
    else if (cp < 0x800) {
      out[o++] = (uint8_t)(0xc0 | (cp >> 6));
      out[o++] = (uint8_t)(0x80 | (cp & 0x3f));
    } else if (cp < 0x10000) {
      out[o++] = (uint8_t)(0xe0 | (cp >> 12));
      out[o++] = (uint8_t)(0x80 | ((cp >> 6) & 0x3f));
      out[o++] = (uint8_t)(0x80 | (cp & 0x3f));
    } else {
      out[o++] = (uint8_t)(0xf0 | (cp >> 18));
      out[o++] = (uint8_t)(0x80 | ((cp >> 12) & 0x3f));
      out[o++] = (uint8_t)(0x80 | ((cp >> 6) & 0x3f));
      out[o++] = (uint8_t)(0x80 | (cp & 0x3f));
    }
  }
}

/* a literal word at p; returns the index after it, 0 when not there whole */
static size_t literal(const ctx_t *x, size_t p, const char *w, size_t wl) {
  if (p + wl > x->n || memcmp(x->b + p, w, wl) != 0) return 0;
  return p + wl;
}

/*
 * One info object from its '{' at p into *e (whose defaults the caller set). Returns the index
 * after its '}', 0 when not taken.
 */
static size_t info_object(const ctx_t *x, size_t p, info_t *e, uint8_t *scratch) {
  const uint8_t *b = x->b;
  const size_t n = x->n;
  p = skip_ws(x, p + 1);
  if (p >= n || b[p] != 0x22) return 0; /* (an empty object has no name: the JavaScript parser says so) */
  for (;;) {
    /* the key */
    const uint8_t *ks;
    uint32_t kl;
    p = plain_string(x, p, 16, &ks, &kl);
    if (p == 0 || kl == 0) return 0;
    enum key k = match_key(ks, kl);
    if (k == K_UNKNOWN) return 0;
    p = skip_ws(x, p);
    if (p >= n || b[p] != 0x3a) return 0;
    p = skip_ws(x, p + 1);
    if (p >= n) return 0;
    uint8_t c = b[p];
    if (k >= K_ASIZE) {
      /* 1 to 15 digits, no sign, fraction or exponent, no leading zero before a digit */
      if (c < 0x30 || c > 0x39) return 0;
      uint64_t v = 0;
      size_t q = p;
      if (c == 0x30) q++;
      else {
        size_t stop = p + 15 < n ? p + 15 : n;
        while (q < stop && (c = b[q]) >= 0x30 && c <= 0x39) {
          v = v * 10 + (uint64_t)(c - 0x30);
          q++;
        }
      }
      if (q >= n) return 0;
      c = b[q];
      if ((c >= 0x30 && c <= 0x39) || c == 0x2e || c == 0x65 || c == 0x45) return 0;
      double d = (double)v;
      switch (k) {
        case K_ASIZE: e->asize = d; break;
        case K_DSIZE: e->dsize = d; break;
        case K_DEV: e->dev = d; break;
        case K_INO: e->ino = d; break;
        case K_NLINK: e->nlink = d; break;
        case K_UID: e->uid = d; break;
        case K_GID: e->gid = d; break;
        case K_MODE: e->mode = d; e->hasMode = 1; break;
        case K_MTIME: e->mtime = d; break;
        default: return 0;
      }
      p = q;
    } else if (k == K_NAME) {
      if (c != 0x22) return 0;
      size_t r = plain_string(x, p, NAME_MAX_BYTES, &e->name, &e->nameLen);
      if (r == 0) {
        r = escaped_name(x, p, scratch, &e->nameLen);
        if (r == 0) return 0;
        e->name = scratch;
      }
      p = r;
      e->hasName = 1;
    } else if (k == K_EXCLUDED) {
      if (c == 0x22) {
        const uint8_t *s;
        uint32_t sl;
        p = plain_string(x, p, EXCL_MAX, &s, &sl);
        if (p == 0) return 0;
        e->excluded = match_excluded(s, sl);
      } else if (c == 't') {
        if (!(p = literal(x, p, "true", 4))) return 0;
        e->excluded = X_PATTERN;
      } else if (c == 'f') {
        if (!(p = literal(x, p, "false", 5))) return 0;
        e->excluded = X_NONE;
      } else if (c == 'n') {
        if (!(p = literal(x, p, "null", 4))) return 0;
        e->excluded = X_NONE;
      } else return 0;
    } else {
      /* read_error, hlnkc, notreg: true or false */
      int v;
      if (c == 't') {
        if (!(p = literal(x, p, "true", 4))) return 0;
        v = 1;
      } else if (c == 'f') {
        if (!(p = literal(x, p, "false", 5))) return 0;
        v = 0;
      } else return 0;
      if (k == K_READERR) e->readError = v;
      else if (k == K_HLNKC) e->hlnkc = v;
      else e->notreg = v;
    }
    /* a literal's end was not looked at: the byte after it must be a separator */
    p = skip_ws(x, p);
    if (p >= n) return 0;
    c = b[p];
    if (c == 0x7d) return e->hasName ? p + 1 : 0;
    if (c != 0x2c) return 0;
    p = skip_ws(x, p + 1);
    if (p >= n || b[p] != 0x22) return 0;
  }
}

static void defaults(info_t *e, double dev) {
  memset(e, 0, sizeof *e);
  e->dev = dev;
  e->nlink = 1;
  e->mtime = -1;
  e->uid = -1;
  e->gid = -1;
  e->mode = -1;
}

/* is there room for a record of e (and a LEAVE after it)? */
static inline int room(const ctx_t *x, const info_t *e) {
  return x->p8 + RECORD_HEAD + e->nameLen <= x->n8 && x->p64 + RECORD_NUMS <= x->n64;
}

static inline void num(ctx_t *x, int slot, double v, int bit, int *m) {
  if (v != x->prev.v[slot]) {
    x->prev.v[slot] = v;
    x->o64[x->p64++] = v;
    *m |= bit;
  }
}

/* one ENTER or ADD record (room() said there is room) */
static void record(ctx_t *x, int kind, int type, const info_t *e) {
  uint8_t *o = x->o8;
  size_t p = x->p8;
  o[p++] = (uint8_t)(kind | (type << 2) | (e->readError ? 16 : 0) | (e->excluded << 5));
  size_t mp = p++;
  int m = 0;
  num(x, 0, e->asize, F_ASIZE, &m);
  num(x, 1, e->dsize, F_DSIZE, &m);
  num(x, 2, e->dev, F_DEV, &m);
  num(x, 3, e->ino, F_INO, &m);
  num(x, 4, e->nlink, F_NLINK, &m);
  num(x, 5, e->mtime, F_MTIME, &m);
  if (e->uid != x->prev.v[6] || e->gid != x->prev.v[7]) {
    x->prev.v[6] = e->uid;
    x->prev.v[7] = e->gid;
    x->o64[x->p64++] = e->uid;
    x->o64[x->p64++] = e->gid;
    m |= F_OWNER;
  }
  num(x, 8, e->mode, F_MODE, &m);
  o[mp] = (uint8_t)m;
  uint32_t len = e->nameLen;
  /* util/varlen.ts putLength */
  if (len < 0x80) o[p++] = (uint8_t)len;
  else if (len < 0x4000) {
    o[p++] = (uint8_t)(0x80 | (len & 0x7f));
    o[p++] = (uint8_t)(len >> 7);
  } else {
    o[p++] = (uint8_t)(0x80 | (len & 0x7f));
    o[p++] = (uint8_t)(0x80 | ((len >> 7) & 0x7f));
    o[p++] = (uint8_t)(len >> 14);
  }
  memcpy(o + p, e->name, len);
  x->p8 = p + len;
}

/* endInfo for a non-directory: its type */
static int file_type(info_t *e) {
  if (e->hlnkc && e->nlink < 2) e->nlink = 2;
  /* (mode is a non-negative integer below 2^53: its low 32 bits are what JavaScript's & sees) */
  uint32_t fmt = (uint32_t)((uint64_t)e->mode & 0170000u);
  if (e->hasMode && fmt != 0) {
    return fmt == 0100000u ? T_FILE : fmt == 0120000u ? T_SYMLINK : fmt == 0040000u ? T_DIR : T_OTHER;
  }
  if (e->excluded == X_OTHERFS || e->excluded == X_KERNFS || e->excluded == X_FRMLNK) return T_DIR;
  return e->notreg ? T_OTHER : T_FILE;
}

#define CHECK(call)                  \
  do {                               \
    if ((call) != napi_ok) return NULL; \
  } while (0)

static int typed(napi_env env, napi_value v, napi_typedarray_type want, void **data, size_t *len) {
  napi_typedarray_type t;
  napi_value ab;
  size_t off;
  if (napi_get_typedarray_info(env, v, &t, len, data, &ab, &off) != napi_ok || t != want) return 0;
  return 1;
}

static napi_value throw_type(napi_env env, const char *msg) {
  napi_throw_type_error(env, NULL, msg);
  return NULL;
}

/* where the parse stands between two entries: the offset, the state, the depth and the dev stack */
typedef struct {
  size_t p;
  int state;
  size_t d;
  double *devs;
  size_t devCap;
  /* it stopped because the output was full */
  int full;
} pos_t;

/*
 * Parses from s->p (state, depth s->d) as many entries as it takes (see the top of this file),
 * writing records at x->p8 / x->p64 on; leaves s at the end of the last one it took whole.
 */
static void parse(ctx_t *x, pos_t *s, uint8_t *scratch) {
  const uint8_t *b = x->b;
  const size_t n = x->n;
  double *devs = s->devs;
  const size_t devCap = s->devCap;
  size_t p = s->p;
  int state = s->state;
  size_t d = s->d;
  info_t e;
  s->full = 0;
  for (;;) {
    /* here: a clean boundary (p, state, d), every record before it written */
    size_t q = skip_ws(x, p);
    if (q >= n) break;
    uint8_t c = b[q];
    if (state == ST_DIRNEXT) {
      if (c == 0x2c) {
        p = q + 1;
        state = ST_DIRITEM;
        continue;
      }
      if (c != 0x5d || d <= 1) break; /* (the root's end: the JavaScript parser's) */
      if (x->p8 + 1 > x->n8) {
        s->full = 1;
        break;
      }
      x->o8[x->p8++] = R_LEAVE;
      d--;
      p = q + 1;
      continue;
    }
    /* DirItem: an entry */
    if (c == 0x7b) {
      defaults(&e, devs[d - 1]);
      size_t r = info_object(x, q, &e, scratch);
      if (r == 0) break;
      if (!room(x, &e)) {
        s->full = 1;
        break;
      }
      record(x, R_ADD, file_type(&e), &e);
      p = r;
      state = ST_DIRNEXT;
      continue;
    }
    if (c != 0x5b || d >= devCap) break;
    q = skip_ws(x, q + 1);
    if (q >= n || b[q] != 0x7b) break;
    defaults(&e, devs[d - 1]);
    size_t r = info_object(x, q, &e, scratch);
    if (r == 0) break;
    r = skip_ws(x, r);
    if (r >= n) break;
    if (!room(x, &e)) {
      s->full = 1;
      break;
    }
    c = b[r];
    if (c == 0x2c) {
      /* a directory with children (enterDir) */
      record(x, R_ENTER, T_DIR, &e);
      devs[d] = e.dev;
      d++;
      p = r + 1;
      state = ST_DIRITEM;
    } else if (c == 0x5d) {
      /* a childless one: an entry when excluded or unreadable, else entered and left */
      if (e.excluded != X_NONE || e.readError) record(x, R_ADD, T_DIR, &e);
      else {
        record(x, R_ENTER, T_DIR, &e);
        x->o8[x->p8++] = R_LEAVE;
      }
      p = r + 1;
      state = ST_DIRNEXT;
    } else break;
  }
  s->p = p;
  s->state = state;
  s->d = d;
}

/* the first record of an output carries every value (its decoder's entry is whatever came before) */
static void new_output(ctx_t *x) {
  x->p8 = 0;
  x->p64 = 0;
  for (int k = 0; k < 9; k++) x->prev.v[k] = __builtin_nan("");
}

static napi_value fast(napi_env env, napi_callback_info info) {
  size_t argc = 9;
  napi_value argv[9];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc < 9) return throw_type(env, "fast: 9 arguments");
  void *bp, *dp, *o8p, *o64p, *iop;
  size_t blen, dlen, o8len, o64len, iolen;
  if (!typed(env, argv[0], napi_uint8_array, &bp, &blen) || !typed(env, argv[5], napi_float64_array, &dp, &dlen) ||
      !typed(env, argv[6], napi_uint8_array, &o8p, &o8len) || !typed(env, argv[7], napi_float64_array, &o64p, &o64len) ||
      !typed(env, argv[8], napi_float64_array, &iop, &iolen) || iolen < 5)
    return throw_type(env, "fast: wrong arrays");
  int64_t start, end, st, depth;
  CHECK(napi_get_value_int64(env, argv[1], &start));
  CHECK(napi_get_value_int64(env, argv[2], &end));
  CHECK(napi_get_value_int64(env, argv[3], &st));
  CHECK(napi_get_value_int64(env, argv[4], &depth));
  if (start < 0 || end < start || (uint64_t)end > blen || depth < 1 || (uint64_t)depth > dlen || (st != ST_DIRITEM && st != ST_DIRNEXT))
    return throw_type(env, "fast: arguments out of range");

  ctx_t x;
  x.b = bp;
  x.n = (size_t)end;
  x.o8 = o8p;
  x.n8 = o8len;
  x.o64 = o64p;
  x.n64 = o64len;
  new_output(&x);
  pos_t s = {(size_t)start, (int)st, (size_t)depth, dp, dlen, 0};
  /* a name with escapes, decoded */
  uint8_t scratch[NAME_MAX_BYTES + 8];
  parse(&x, &s, scratch);
  double *io = iop;
  io[0] = (double)s.p;
  io[1] = s.state;
  io[2] = (double)s.d;
  io[3] = (double)x.p8;
  io[4] = (double)x.p64;
  return NULL;
}

/* ------------------------------------------------------------------------------------------- */
/*
 * The same on a thread of its own, reading a regular file itself (pread, from an fd the caller
 * keeps open until the thread is done), so that the parse overlaps the building of the tree:
 *   start(fd, offset, state, depth, devStack: Float64Array (depth values)) -> handle
 *   take(handle, out8, out64, io)   waits for the next output: io[5] = 0 and io[3], io[4] its
 *        record bytes and numbers (copied into out8 / out64, at least OUT8 / OUT64 long); or, when
 *        the thread stopped (at anything it does not take, at the end of the file or of what it can
 *        read), io[5] = 1 and io[0..2] = the file offset, state and depth to go on at
 *   devs(handle, Float64Array) the dev stack there (its first `depth` values)
 *   stop(handle)   ends the thread early (also when the handle is garbage collected)
 * The thread's memory is bounded: its input window, NBLK outputs (it waits while they are full),
 * and the dev stack (the tree's depth).
 */
#include <pthread.h>
#include <stdlib.h>
#include <unistd.h>
#include <errno.h>

#define OUT8 (256 << 10)
#define OUT64 (32 << 10)
#define NBLK 4
#define WIN (1 << 20)
/* an entry longer than this is left to the JavaScript parser (the window holds WIN + TAIL) */
#define TAIL (64 << 10)
#define DEV_GROW 256
#define DEV_MAX (1 << 24)

typedef struct {
  uint8_t *o8;
  double *o64;
  size_t n8, n64;
} blk_t;

typedef struct {
  int fd;
  uint64_t filePos; /* file offset of win[len] */
  uint64_t base;    /* file offset of win[0] */
  uint8_t *win;
  size_t len;
  pos_t s;
  blk_t blk[NBLK];
  int head, count; /* the outputs ready: blk[head], ... (count of them) */
  int done, stopReq, started, joined;
  pthread_t th;
  pthread_mutex_t mu;
  pthread_cond_t cv;
} job_t;

static void *run_job(void *arg) {
  job_t *j = arg;
  uint8_t scratch[NAME_MAX_BYTES + 8];
  ctx_t x;
  memset(&x, 0, sizeof x);
  int eof = 0;
  int cur = -1;
  for (;;) {
    /* an output to write into: wait for a free one */
    if (cur < 0) {
      pthread_mutex_lock(&j->mu);
      while (j->count == NBLK && !j->stopReq) pthread_cond_wait(&j->cv, &j->mu);
      int stop = j->stopReq;
      cur = stop ? -1 : (j->head + j->count) % NBLK;
      pthread_mutex_unlock(&j->mu);
      if (stop) break;
      x.o8 = j->blk[cur].o8;
      x.n8 = OUT8;
      x.o64 = j->blk[cur].o64;
      x.n64 = OUT64;
      new_output(&x);
    }
    if (j->s.d + DEV_GROW > j->s.devCap) {
      if (j->s.devCap >= DEV_MAX) break;
      size_t cap = j->s.devCap * 2;
      double *wider = realloc(j->s.devs, cap * sizeof(double));
      if (!wider) break;
      j->s.devs = wider;
      j->s.devCap = cap;
    }
    x.b = j->win;
    x.n = j->len;
    size_t p0 = j->s.p;
    parse(&x, &j->s, scratch);
    int full = j->s.full;
    if (full || (x.p8 > 0 && j->s.p >= j->len)) {
      /* hand the output over (full, or all the input so far parsed) */
      pthread_mutex_lock(&j->mu);
      j->blk[cur].n8 = x.p8;
      j->blk[cur].n64 = x.p64;
      j->count++;
      pthread_cond_broadcast(&j->cv);
      pthread_mutex_unlock(&j->mu);
      cur = -1;
      if (full) continue;
    }
    if (j->s.p > p0 && j->s.p < j->len) continue; /* (stopped at the dev stack's end: it grows) */
    /* nothing more taken from what is in the window: more input, unless this is a real stop */
    size_t tail = j->len - j->s.p;
    if (eof || tail >= TAIL) break;
    memmove(j->win, j->win + j->s.p, tail);
    j->base += j->s.p;
    j->len = tail;
    j->s.p = 0;
    ssize_t r;
    do r = pread(j->fd, j->win + j->len, WIN + TAIL - j->len, (off_t)j->filePos);
    while (r < 0 && errno == EINTR);
    if (r < 0) break; /* (the JavaScript reader reads from here again, and says why it cannot) */
    if (r == 0) eof = 1;
    j->len += (size_t)r;
    j->filePos += (uint64_t)r;
  }
  pthread_mutex_lock(&j->mu);
  if (cur >= 0 && x.p8 > 0) {
    j->blk[cur].n8 = x.p8;
    j->blk[cur].n64 = x.p64;
    j->count++;
  }
  j->done = 1;
  pthread_cond_broadcast(&j->cv);
  pthread_mutex_unlock(&j->mu);
  return NULL;
}

static void job_stop(job_t *j) {
  if (!j->started || j->joined) return;
  pthread_mutex_lock(&j->mu);
  j->stopReq = 1;
  pthread_cond_broadcast(&j->cv);
  pthread_mutex_unlock(&j->mu);
  pthread_join(j->th, NULL);
  j->joined = 1;
}

static void job_free(job_t *j) {
  job_stop(j);
  for (int k = 0; k < NBLK; k++) {
    free(j->blk[k].o8);
    free(j->blk[k].o64);
  }
  free(j->win);
  free(j->s.devs);
  pthread_mutex_destroy(&j->mu);
  pthread_cond_destroy(&j->cv);
  free(j);
}

static void job_finalize(napi_env env, void *data, void *hint) { job_free(data); }

/* a handle is tagged: no other external (another addon's) is ever taken for a job */
static const napi_type_tag JOB_TAG = {0x6e63647570617273ULL, 0x6a6f622d74616731ULL};

static job_t *job_of(napi_env env, napi_value v) {
  void *p = NULL;
  bool ours = false;
  if (napi_check_object_type_tag(env, v, &JOB_TAG, &ours) != napi_ok || !ours) return NULL;
  if (napi_get_value_external(env, v, &p) != napi_ok) return NULL;
  return p;
}

static napi_value start(napi_env env, napi_callback_info info) {
  size_t argc = 5;
  napi_value argv[5];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc < 5) return throw_type(env, "start: 5 arguments");
  int64_t fd, off, st, depth;
  CHECK(napi_get_value_int64(env, argv[0], &fd));
  CHECK(napi_get_value_int64(env, argv[1], &off));
  CHECK(napi_get_value_int64(env, argv[2], &st));
  CHECK(napi_get_value_int64(env, argv[3], &depth));
  void *dp;
  size_t dlen;
  if (!typed(env, argv[4], napi_float64_array, &dp, &dlen)) return throw_type(env, "start: wrong arrays");
  if (fd < 0 || off < 0 || depth < 1 || (uint64_t)depth > dlen || depth > DEV_MAX || (st != ST_DIRITEM && st != ST_DIRNEXT))
    return throw_type(env, "start: arguments out of range");
  job_t *j = calloc(1, sizeof *j);
  if (!j) return throw_type(env, "start: out of memory");
  pthread_mutex_init(&j->mu, NULL);
  pthread_cond_init(&j->cv, NULL);
  j->fd = (int)fd;
  j->filePos = j->base = (uint64_t)off;
  j->s.state = (int)st;
  j->s.d = (size_t)depth;
  j->s.devCap = (size_t)depth + DEV_GROW;
  j->s.devs = malloc(j->s.devCap * sizeof(double));
  j->win = malloc(WIN + TAIL);
  int ok = j->s.devs && j->win;
  for (int k = 0; k < NBLK && ok; k++) {
    j->blk[k].o8 = malloc(OUT8);
    j->blk[k].o64 = malloc(OUT64 * sizeof(double));
    ok = j->blk[k].o8 && j->blk[k].o64;
  }
  if (ok) memcpy(j->s.devs, dp, (size_t)depth * sizeof(double));
  if (!ok || pthread_create(&j->th, NULL, run_job, j) != 0) {
    job_free(j);
    return throw_type(env, "start: no thread");
  }
  j->started = 1;
  napi_value h;
  if (napi_create_external(env, j, job_finalize, NULL, &h) != napi_ok) {
    job_free(j);
    return NULL;
  }
  if (napi_type_tag_object(env, h, &JOB_TAG) != napi_ok) return NULL; /* (freed with the handle) */
  return h;
}

static napi_value take(napi_env env, napi_callback_info info) {
  size_t argc = 4;
  napi_value argv[4];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc < 4) return throw_type(env, "take: 4 arguments");
  job_t *j = job_of(env, argv[0]);
  void *o8p, *o64p, *iop;
  size_t o8len, o64len, iolen;
  if (!j || !typed(env, argv[1], napi_uint8_array, &o8p, &o8len) || !typed(env, argv[2], napi_float64_array, &o64p, &o64len) ||
      !typed(env, argv[3], napi_float64_array, &iop, &iolen) || iolen < 6 || o8len < OUT8 || o64len < OUT64)
    return throw_type(env, "take: wrong arguments");
  double *io = iop;
  pthread_mutex_lock(&j->mu);
  while (j->count == 0 && !j->done) pthread_cond_wait(&j->cv, &j->mu);
  if (j->count > 0) {
    blk_t *k = &j->blk[j->head];
    memcpy(o8p, k->o8, k->n8);
    memcpy(o64p, k->o64, k->n64 * sizeof(double));
    io[3] = (double)k->n8;
    io[4] = (double)k->n64;
    io[5] = 0;
    j->head = (j->head + 1) % NBLK;
    j->count--;
    pthread_cond_broadcast(&j->cv);
    pthread_mutex_unlock(&j->mu);
    return NULL;
  }
  pthread_mutex_unlock(&j->mu);
  job_stop(j); /* (done: joins it) */
  io[0] = (double)(j->base + j->s.p);
  io[1] = j->s.state;
  io[2] = (double)j->s.d;
  io[3] = 0;
  io[4] = 0;
  io[5] = 1;
  return NULL;
}

static napi_value devs(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  void *dp;
  size_t dlen;
  job_t *j = argc < 2 ? NULL : job_of(env, argv[0]);
  if (!j || !j->joined || !typed(env, argv[1], napi_float64_array, &dp, &dlen) || dlen < j->s.d)
    return throw_type(env, "devs: wrong arguments");
  memcpy(dp, j->s.devs, j->s.d * sizeof(double));
  return NULL;
}

static napi_value stop(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  job_t *j = argc < 1 ? NULL : job_of(env, argv[0]);
  if (!j) return throw_type(env, "stop: wrong arguments");
  job_stop(j);
  return NULL;
}

/* ------------------------------------------------------------------------------------------------
 * The export writer's fast path (src/export/native-write.ts, src/export/ncdu-writer.ts writeTree):
 * the text of a finished tree's entries, depth first, straight from the tree's typed arrays into
 * the writer's buffer. The JavaScript writer stays the reference: this writes exactly its bytes, and
 * whatever is not plain it leaves to it (see W_SLOW): an own size, disk usage or inode number
 * spilled past the 32-bit slots (BIG, bigints), a number that is not an integer from 0 to 2^53 - 1,
 * an excluded value it has no text for, and any step the JavaScript writer would split with a flush
 * (a buffer too full for the step's most bytes). Its flush points are the JavaScript writer's: after
 * an entry or a directory's end once FLUSH_AT bytes are buffered (W_FLUSH), so the gzip members
 * come out the same too.
 *
 * Memory safety: every index read from the tree (an entry, a directory number, a child run, a name,
 * a table slot, a link) is checked against its array's length (a TypeError if not), every write is
 * bounded by the buffer's length (the step's most bytes are checked first), the stack by its
 * arrays' lengths.
 *
 *   writeText(t: array of the tree's arrays (WT_* below), buf: Uint8Array, io: Float64Array)
 *     io[IO_LEN]: bytes in buf (in and out); io[IO_TOP]: the stack's top (-1: the walk is over);
 *     io[IO_N]: entries written; io[IO_FLUSH_AT], io[IO_EXTENDED], io[IO_DIRINO], io[IO_TICK]
 *     (count ticks), io[IO_MTRAW] (mtime holds seconds), io[IO_LINKS] (links in the table) in;
 *     returns why it stopped: W_DONE (the walk is over), W_FLUSH (flush the buffer) and/or
 *     W_TICK (io[IO_N] is a multiple of 16,384), or W_SLOW (the next step is the caller's).
 */
enum {
  WT_FLAGS, WT_ASIZE32, WT_DSIZE32, WT_ATTR, WT_MTIME, WT_ATTR_UID, WT_ATTR_GID, WT_ATTR_MODE, WT_ATTR_DK,
  WT_MTIMES, WT_DIR_DEVIX, WT_DEVS, WT_DIR_INO, WT_DIR_OWNA, WT_KID_FIRST, WT_KID_N, WT_KID_SCATTERED,
  WT_KIDS, WT_LINK_ENTRY, WT_LINK_INO, WT_LINK_NLINK, WT_NAME_BYTES, WT_NAME_OFF, WT_NAME_LEN,
  WT_ST_DIR, WT_ST_POS, WT_ST_DEV, WT_COUNT
};
enum { IO_LEN, IO_TOP, IO_N, IO_FLUSH_AT, IO_EXTENDED, IO_DIRINO, IO_TICK, IO_MTRAW, IO_LINKS, IO_COUNT };
#define W_DONE 0
#define W_FLUSH 1
#define W_TICK 2
#define W_SLOW 4

/* as ncdu-writer.ts: BIG in a 32-bit slot, an info object's most bytes besides its name */
#define W_BIG 0xffffffffu
#define W_INFO_MAX (512 + 10)
#define W_NO_MTIME 0xffffffffu
#define W_MAX_SAFE 9007199254740991.0
#define DK_ZERO 0
#define DK_ROUND 1
#define DK_OWN 2
#define FL_HARDLINK 0x04
#define FL_READERR 0x08

/* a typed array of any element width (attr, mtime, dirDevIx widen as the tree grows) */
typedef struct {
  void *p;
  size_t n;
  int w; /* bytes an element: 1, 2, 4 or 8 (a double) */
} arr_t;

static inline uint32_t u_at(const arr_t *a, size_t i) {
  return a->w == 1 ? ((uint8_t *)a->p)[i] : a->w == 2 ? ((uint16_t *)a->p)[i] : ((uint32_t *)a->p)[i];
}
static inline double d_at(const arr_t *a, size_t i) { return ((double *)a->p)[i]; }

static int get_arr(napi_env env, napi_value t, uint32_t k, arr_t *a) {
  napi_value v;
  napi_typedarray_type ty;
  napi_value ab;
  size_t off;
  if (napi_get_element(env, t, k, &v) != napi_ok) return 0;
  if (napi_get_typedarray_info(env, v, &ty, &a->n, &a->p, &ab, &off) != napi_ok) return 0;
  switch (ty) {
    case napi_uint8_array: a->w = 1; break;
    case napi_uint16_array: a->w = 2; break;
    case napi_uint32_array: a->w = 4; break;
    case napi_float64_array: a->w = 8; break;
    default: return 0;
  }
  return 1;
}

/* the k arrays of the JavaScript array `arr` as get_arr reads them, but those whose bit is set in
 * int32 (bit j for element j), which must be Int32Arrays: 0 when one is not what it must be */
static int get_arrs(napi_env env, napi_value arr, uint32_t k, uint32_t int32, arr_t *A) {
  for (uint32_t j = 0; j < k; j++) {
    if (int32 & (1u << j)) {
      napi_value v;
      if (napi_get_element(env, arr, j, &v) != napi_ok || !typed(env, v, napi_int32_array, &A[j].p, &A[j].n)) return 0;
      A[j].w = 4;
    } else if (!get_arr(env, arr, j, &A[j])) return 0;
  }
  return 1;
}

/* a whole number from 0 to 2^53 - 1: written as digits here, anything else by the JavaScript writer */
static inline int plain(double v) { return v >= 0 && v <= W_MAX_SAFE && v == (double)(uint64_t)v; }

static inline uint8_t *w_lit(uint8_t *o, const char *s, size_t n) {
  memcpy(o, s, n);
  return o + n;
}
#define LIT(o, s) w_lit(o, s, sizeof(s) - 1)

/* two digits at a time: "00" to "99" */
static const char W_DIG2[201] =
    "0001020304050607080910111213141516171819202122232425262728293031323334353637383940414243444546474849"
    "5051525354555657585960616263646566676869707172737475767778798081828384858687888990919293949596979899";

static inline uint8_t *w_num(uint8_t *o, uint64_t v) {
  char t[24];
  int k = 24;
  while (v >= 100) {
    uint64_t q = v / 100;
    k -= 2;
    memcpy(t + k, W_DIG2 + 2 * (v - q * 100), 2);
    v = q;
  }
  if (v >= 10) {
    k -= 2;
    memcpy(t + k, W_DIG2 + 2 * v, 2);
  } else t[--k] = (char)('0' + v);
  memcpy(o, t + k, (size_t)(24 - k));
  return o + (24 - k);
}

static const uint8_t W_HEX[] = "0123456789abcdef";

/* 8 bytes none of which rawString escapes: no byte below 0x20, no '"', '\\' or 0x7f (exact as a yes/no) */
static inline int w_plain8(uint64_t x) {
  const uint64_t ones = 0x0101010101010101ull, high = 0x8080808080808080ull;
  uint64_t q1 = x ^ (ones * 0x22), q2 = x ^ (ones * 0x5c), q3 = x ^ (ones * 0x7f);
  uint64_t bad = ((x - ones * 0x20) & ~x) | ((q1 - ones) & ~q1) | ((q2 - ones) & ~q2) | ((q3 - ones) & ~q3);
  return (bad & high) == 0;
}

/* one byte as rawString writes it */
static inline uint8_t *w_byte(uint8_t *o, uint8_t c) {
  if (c >= 0x20 && c != 0x22 && c != 0x5c && c != 0x7f) *o++ = c;
  else if (c == 0x22 || c == 0x5c) {
    *o++ = '\\';
    *o++ = c;
  } else if (c == 0x0a) {
    *o++ = '\\';
    *o++ = 'n';
  } else if (c == 0x09) {
    *o++ = '\\';
    *o++ = 't';
  } else {
    o = LIT(o, "\\u00");
    *o++ = W_HEX[c >> 4];
    *o++ = W_HEX[c & 15];
  }
  return o;
}

/* as rawString: the bytes, escaping only control bytes, '"', '\\' and 0x7f (8 plain bytes copied at once) */
static inline uint8_t *w_name(uint8_t *o, const uint8_t *b, size_t n) {
  *o++ = '"';
  size_t k = 0;
  for (; k + 8 <= n; k += 8) {
    uint64_t x;
    memcpy(&x, b + k, 8);
    if (w_plain8(x)) {
      memcpy(o, &x, 8);
      o += 8;
    } else
      for (size_t j = 0; j < 8; j++) o = w_byte(o, b[k + j]);
  }
  for (; k < n; k++) o = w_byte(o, b[k]);
  *o++ = '"';
  return o;
}

static const char *const W_EXCLUDED[] = {"", "pattern", "otherfs", "kernfs", "frmlnk"};

static napi_value writeText(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc < 3) return throw_type(env, "writeText: 3 arguments");
  arr_t A[WT_COUNT];
  for (uint32_t k = 0; k < WT_COUNT; k++)
    if (!get_arr(env, argv[0], k, &A[k])) return throw_type(env, "writeText: wrong arrays");
  void *bp, *iop;
  size_t cap, ion;
  if (!typed(env, argv[1], napi_uint8_array, &bp, &cap) || !typed(env, argv[2], napi_float64_array, &iop, &ion) || ion < IO_COUNT)
    return throw_type(env, "writeText: wrong arguments");
  /* the element widths each array must have (attr, mtime, dirDevIx: any integer width) */
  static const int W[WT_COUNT] = {1, 4, 4, 0, 0, 8, 8, 8, 1, 8, 0, 8, 8, 4, 4, 4, 1, 4, 4, 8, 4, 1, 4, 4, 4, 4, 8};
  for (int k = 0; k < WT_COUNT; k++)
    if (W[k] ? A[k].w != W[k] : A[k].w == 8) return throw_type(env, "writeText: wrong arrays");
  double *io = iop;
  uint8_t *buf = bp;
  const size_t flushAt = (size_t)io[IO_FLUSH_AT];
  const int extended = io[IO_EXTENDED] != 0, dirIno = io[IO_DIRINO] != 0, tick = io[IO_TICK] != 0, mtRaw = io[IO_MTRAW] != 0;
  size_t links = (size_t)io[IO_LINKS];
  if (!(io[IO_LEN] >= 0 && io[IO_LEN] <= (double)cap) || !(io[IO_TOP] >= -1) || links > A[WT_LINK_ENTRY].n ||
      links > A[WT_LINK_INO].n || links > A[WT_LINK_NLINK].n)
    return throw_type(env, "writeText: arguments out of range");
  size_t len = (size_t)io[IO_LEN];
  double top = io[IO_TOP];
  double n = io[IO_N];
  const size_t stCap = A[WT_ST_DIR].n < A[WT_ST_POS].n ? A[WT_ST_DIR].n : A[WT_ST_POS].n;
  if (A[WT_ST_DEV].n < stCap || top >= (double)stCap) return throw_type(env, "writeText: arguments out of range");
  const uint8_t *flags = A[WT_FLAGS].p;
  const uint32_t *asize32 = A[WT_ASIZE32].p, *dsize32 = A[WT_DSIZE32].p, *dirOwnA = A[WT_DIR_OWNA].p;
  const uint32_t *kidFirst = A[WT_KID_FIRST].p, *kidN = A[WT_KID_N].p, *kids = A[WT_KIDS].p;
  const uint8_t *kidScat = A[WT_KID_SCATTERED].p, *dk = A[WT_ATTR_DK].p, *names = A[WT_NAME_BYTES].p;
  const uint32_t *nOff = A[WT_NAME_OFF].p, *nLen = A[WT_NAME_LEN].p, *linkEntry = A[WT_LINK_ENTRY].p, *linkNlink = A[WT_LINK_NLINK].p;
  uint32_t *stDir = A[WT_ST_DIR].p, *stPos = A[WT_ST_POS].p;
  double *stDev = A[WT_ST_DEV].p;
  /* entries: every per-entry array must hold entry k */
  size_t nent = A[WT_FLAGS].n;
  const int per[] = {WT_ASIZE32, WT_ATTR, WT_MTIME, WT_NAME_OFF, WT_NAME_LEN};
  for (size_t k = 0; k < sizeof per / sizeof *per; k++)
    if (A[per[k]].n < nent) nent = A[per[k]].n;
  /* directory numbers */
  size_t ndir = A[WT_DIR_OWNA].n;
  const int perDir[] = {WT_KID_FIRST, WT_KID_N, WT_KID_SCATTERED, WT_DIR_DEVIX, WT_DIR_INO};
  for (size_t k = 0; k < sizeof perDir / sizeof *perDir; k++)
    if (A[perDir[k]].n < ndir) ndir = A[perDir[k]].n;
  size_t nattr = A[WT_ATTR_DK].n;
  const int perAttr[] = {WT_ATTR_UID, WT_ATTR_GID, WT_ATTR_MODE};
  for (size_t k = 0; k < sizeof perAttr / sizeof *perAttr; k++)
    if (A[perAttr[k]].n < nattr) nattr = A[perAttr[k]].n;

  /* the text of the last attribute's uid, gid and mode and of the last mtime (each at most 3 x 30 bytes) */
  uint8_t ownerText[96], mtimeText[32];
  size_t ownerLen = 0, mtimeLen = 0;
  uint32_t ownerAt = UINT32_MAX;
  double lastMtime = -1;
  int stop = W_DONE;
  while (top >= 0) {
    size_t t = (size_t)top;
    uint32_t d = stDir[t];
    if (d >= nent || (flags[d] & 3) != T_DIR || asize32[d] >= ndir) return throw_type(env, "writeText: a bad directory on the stack");
    uint32_t dn = asize32[d];
    uint32_t pos = stPos[t];
    if (pos >= kidN[dn]) {
      /* the directory's end */
      if (len + 1 > cap) {
        stop = W_SLOW;
        break;
      }
      buf[len++] = ']';
      top--;
      if (len >= flushAt) {
        stop = W_FLUSH;
        break;
      }
      continue;
    }
    size_t ki = (size_t)kidFirst[dn] + pos;
    if (kidScat[dn] && ki >= A[WT_KIDS].n) return throw_type(env, "writeText: a bad child index");
    uint32_t k = kidScat[dn] ? kids[ki] : (uint32_t)ki;
    if (k >= nent) return throw_type(env, "writeText: a bad child index");
    uint8_t f = flags[k];
    int type = f & 3, excl = (f >> 4) & 7, isDir = type == T_DIR, enter = isDir && excl == X_NONE, counted = excl == X_NONE;
    size_t nl = nLen[k], no = nOff[k];
    if (no > A[WT_NAME_BYTES].n || nl > A[WT_NAME_BYTES].n - no) return throw_type(env, "writeText: a bad name");
    /* the step's most bytes: `,\n[`, the info object (the name escaped, every field), `]` */
    size_t need = nl * 6 + W_INFO_MAX;
    if (len + need + (isDir ? 4 : 0) > cap || excl > X_FRMLNK) {
      stop = W_SLOW;
      break;
    }
    /* the values, every one checked before a byte is written */
    uint32_t a32;
    if (isDir) {
      if (asize32[k] >= ndir) return throw_type(env, "writeText: a bad directory");
      a32 = dirOwnA[asize32[k]];
    } else a32 = asize32[k];
    uint32_t at = u_at(&A[WT_ATTR], k);
    if (at >= nattr) return throw_type(env, "writeText: a bad attribute");
    uint64_t dsize = 0;
    int kind = dk[at];
    if (a32 == W_BIG) {
      stop = W_SLOW;
      break;
    }
    if (kind == DK_ROUND) dsize = ((uint64_t)a32 + 4095) / 4096 * 4096;
    else if (kind == DK_OWN) {
      if (k >= A[WT_DSIZE32].n) return throw_type(env, "writeText: a bad disk size");
      if (dsize32[k] == W_BIG) {
        stop = W_SLOW;
        break;
      }
      dsize = (uint64_t)dsize32[k] * 512;
    }
    double dev = 0, dino = 0, ino = 0;
    uint32_t nlink = 0;
    if (isDir) {
      uint32_t dx = u_at(&A[WT_DIR_DEVIX], asize32[k]);
      if (dx >= A[WT_DEVS].n) return throw_type(env, "writeText: a bad device");
      dev = d_at(&A[WT_DEVS], dx);
      dino = d_at(&A[WT_DIR_INO], asize32[k]);
      if ((dev != stDev[t] && !plain(dev)) || (dirIno && dino != 0 && !plain(dino))) {
        stop = W_SLOW;
        break;
      }
    } else if (f & FL_HARDLINK) {
      /* the link's index: a binary search of the link table, as Tree.linkIndex */
      size_t lo = 0, hi = links;
      while (lo < hi) {
        size_t mid = (lo + hi) >> 1;
        if (linkEntry[mid] < k) lo = mid + 1;
        else hi = mid;
      }
      if (lo >= links || linkEntry[lo] != k) {
        stop = W_SLOW;
        break;
      }
      ino = d_at(&A[WT_LINK_INO], lo);
      nlink = linkNlink[lo];
      if (!plain(ino)) {
        stop = W_SLOW;
        break;
      }
    }
    double uid = 0, gid = 0, mode = 0, mtime = 0;
    if (extended) {
      uid = d_at(&A[WT_ATTR_UID], at);
      gid = d_at(&A[WT_ATTR_GID], at);
      mode = d_at(&A[WT_ATTR_MODE], at);
      uint32_t m = u_at(&A[WT_MTIME], k);
      if (mtRaw) mtime = m == W_NO_MTIME ? -1 : (double)m;
      else {
        if (m >= A[WT_MTIMES].n) return throw_type(env, "writeText: a bad mtime");
        mtime = d_at(&A[WT_MTIMES], m);
      }
      if ((uid >= 0 && uid < 2147483648.0 && !plain(uid)) || (gid >= 0 && gid < 2147483648.0 && !plain(gid)) ||
          (mode >= 0 && !plain(mode)) || (mtime >= 0 && !plain(mtime))) {
        stop = W_SLOW;
        break;
      }
    }
    /* the text */
    uint8_t *o = buf + len;
    if (isDir) o = LIT(o, ",\n[{\"name\":");
    else o = LIT(o, ",\n{\"name\":");
    o = w_name(o, names + no, nl);
    if (counted && a32 > 0) o = w_num(LIT(o, ",\"asize\":"), a32);
    if (counted && dsize > 0) o = w_num(LIT(o, ",\"dsize\":"), dsize);
    if (isDir && dev != stDev[t]) o = w_num(LIT(o, ",\"dev\":"), (uint64_t)dev);
    if (isDir && dirIno && dino != 0) o = w_num(LIT(o, ",\"ino\":"), (uint64_t)dino);
    if (!isDir && (f & FL_HARDLINK) && nlink > 1 && counted)
      o = w_num(LIT(w_num(LIT(o, ",\"ino\":"), (uint64_t)ino), ",\"hlnkc\":true,\"nlink\":"), nlink);
    if (f & FL_READERR) o = LIT(o, ",\"read_error\":true");
    if (excl != X_NONE) {
      o = LIT(o, ",\"excluded\":\"");
      size_t el = strlen(W_EXCLUDED[excl]);
      o = w_lit(o, W_EXCLUDED[excl], el);
      *o++ = '"';
    }
    if (type == T_SYMLINK || type == T_OTHER) o = LIT(o, ",\"notreg\":true");
    if (extended) {
      /* the uid, gid and mode's text depends on the attribute alone: made once per run of one attribute */
      if (at != ownerAt) {
        uint8_t *w = ownerText;
        if (uid >= 0 && uid < 2147483648.0) w = w_num(LIT(w, ",\"uid\":"), (uint64_t)uid);
        if (gid >= 0 && gid < 2147483648.0) w = w_num(LIT(w, ",\"gid\":"), (uint64_t)gid);
        if (mode >= 0) w = w_num(LIT(w, ",\"mode\":"), (uint64_t)mode);
        ownerLen = (size_t)(w - ownerText);
        ownerAt = at;
      }
      o = w_lit(o, (const char *)ownerText, ownerLen);
      if (mtime >= 0) {
        if (mtime != lastMtime) {
          mtimeLen = (size_t)(w_num(LIT(mtimeText, ",\"mtime\":"), (uint64_t)mtime) - mtimeText);
          lastMtime = mtime;
        }
        o = w_lit(o, (const char *)mtimeText, mtimeLen);
      }
    }
    *o++ = '}';
    stPos[t] = pos + 1;
    n++;
    if (enter) {
      if (t + 1 >= stCap) return throw_type(env, "writeText: the stack is full");
      top++;
      stDir[t + 1] = k;
      stPos[t + 1] = 0;
      stDev[t + 1] = dev;
    } else if (isDir) *o++ = ']';
    len = (size_t)(o - buf);
    if (tick && ((uint64_t)n & 16383) == 0) stop |= W_TICK;
    if (!enter && len >= flushAt) stop |= W_FLUSH;
    if (stop) break;
  }
  io[IO_LEN] = (double)len;
  io[IO_TOP] = top;
  io[IO_N] = n;
  napi_value r;
  CHECK(napi_create_int32(env, stop, &r));
  return r;
}

/* ------------------------------------------------------------------------------------------------
 * Every name of a tree decoded (src/tree/tree.ts allNames, its fast path): the tree keeps its names
 * front-coded (see Tree.nameOf); this decodes them all in index order into one buffer.
 *
 *   decodeNames(names: Uint8Array, nameCk: Uint32Array, count, bytes: Uint8Array, off: Uint32Array,
 *               len: Uint32Array) -> the bytes used, or -(the bytes needed) when `bytes` is too
 *               small (the caller grows it and calls again)
 * Every read is bounded by the arrays' lengths (a name running past them is a TypeError), every
 * write by `bytes`' length.
 */
static napi_value decodeNames(napi_env env, napi_callback_info info) {
  size_t argc = 6;
  napi_value argv[6];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc < 6) return throw_type(env, "decodeNames: 6 arguments");
  void *np, *cp, *bp, *op, *lp;
  size_t nn, cn, bn, on, ln;
  double countD;
  if (!typed(env, argv[0], napi_uint8_array, &np, &nn) || !typed(env, argv[1], napi_uint32_array, &cp, &cn) ||
      napi_get_value_double(env, argv[2], &countD) != napi_ok || !typed(env, argv[3], napi_uint8_array, &bp, &bn) ||
      !typed(env, argv[4], napi_uint32_array, &op, &on) || !typed(env, argv[5], napi_uint32_array, &lp, &ln))
    return throw_type(env, "decodeNames: wrong arguments");
  if (!(countD >= 0) || countD > (double)on || countD > (double)ln || ((size_t)countD + 15) / 16 > cn)
    return throw_type(env, "decodeNames: arguments out of range");
  const uint8_t *nm = np;
  const uint32_t *ck = cp;
  uint8_t *out = bp;
  uint32_t *off = op, *len = lp;
  size_t count = (size_t)countD, total = 0, o = 0;
  int fits = 1;
  for (size_t k = 0; k < count; k++) {
    size_t pre = 0;
    if ((k & 15) == 0) o = ck[k >> 4];
    else if (o < nn && nm[o] >= 0x80) {
      if (nm[o] == 0x80) {
        if (o + 1 >= nn) return throw_type(env, "decodeNames: a name runs past the buffer");
        pre = nm[o + 1];
        o += 2;
      } else pre = nm[o++] & 0x7f;
    }
    if (o >= nn) return throw_type(env, "decodeNames: a name runs past the buffer");
    size_t sl = nm[o++];
    if (sl & 0x80) {
      if (o >= nn) return throw_type(env, "decodeNames: a name runs past the buffer");
      size_t b = nm[o++];
      if (b & 0x80) {
        if (o >= nn) return throw_type(env, "decodeNames: a name runs past the buffer");
        sl = (sl & 0x7f) | ((b & 0x7f) << 7) | ((size_t)nm[o++] << 14);
      } else sl = (sl & 0x7f) | (b << 7);
    }
    if (sl > nn - o || (k > 0 && pre > len[k - 1]) || (k == 0 && pre > 0)) return throw_type(env, "decodeNames: a name runs past the buffer");
    size_t l = pre + sl;
    if (fits && total + l <= bn) {
      /* the shared prefix from the entry before (decoded just before this one) */
      if (pre) memmove(out + total, out + off[k - 1], pre);
      memcpy(out + total + pre, nm + o, sl);
    } else fits = 0;
    if (total + l > 0xffffffffu) return throw_type(env, "decodeNames: more than 4 GiB of names");
    off[k] = (uint32_t)total;
    len[k] = (uint32_t)l;
    total += l;
    o += sl;
  }
  napi_value r;
  CHECK(napi_create_double(env, fits ? (double)total : -(double)total, &r));
  return r;
}

/*
 * kidsIndex: the tree's child index (src/tree/tree.ts buildKids, its reference), in two calls.
 *   kidsIndex(flags: Uint8Array, parent: Uint32Array, dirNo: Uint32Array, count, removedMask,
 *             removedValue, first: Uint32Array, num: Uint32Array, scattered: Uint8Array,
 *             kids: Uint32Array | null) -> number
 * Entry i (1 <= i < count) is a child of directory number dirNo[parent[i]] unless
 * (flags[i] & removedMask) == removedValue (removed). With kids null: fills num (children per
 * directory), first (the first child) and scattered (1: the children are not one run of entries,
 * each right after the one before), all zero on entry, and returns how many children the scattered
 * directories have. With kids (that many long): lists those children in kids, directory after
 * directory in order, and sets first of each scattered directory to its offset there; returns the
 * same count. TypeError on wrong arguments or an index out of range (nothing trusted).
 */
static napi_value kidsIndex(napi_env env, napi_callback_info info) {
  size_t argc = 10;
  napi_value argv[10];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc < 10) return throw_type(env, "kidsIndex: 10 arguments");
  void *flp, *pap, *dnp, *fip, *nup, *scp, *kip = NULL;
  size_t fln, pan, dnn, fin, nun, scn, kin = 0;
  double countD, maskD, valueD;
  napi_valuetype kt;
  if (!typed(env, argv[0], napi_uint8_array, &flp, &fln) || !typed(env, argv[1], napi_uint32_array, &pap, &pan) ||
      !typed(env, argv[2], napi_uint32_array, &dnp, &dnn) || napi_get_value_double(env, argv[3], &countD) != napi_ok ||
      napi_get_value_double(env, argv[4], &maskD) != napi_ok || napi_get_value_double(env, argv[5], &valueD) != napi_ok ||
      !typed(env, argv[6], napi_uint32_array, &fip, &fin) || !typed(env, argv[7], napi_uint32_array, &nup, &nun) ||
      !typed(env, argv[8], napi_uint8_array, &scp, &scn) || napi_typeof(env, argv[9], &kt) != napi_ok ||
      (kt != napi_null && !typed(env, argv[9], napi_uint32_array, &kip, &kin)))
    return throw_type(env, "kidsIndex: wrong arguments");
  if (!(countD >= 0) || countD != (double)(size_t)countD || countD > (double)fln || countD > (double)pan || countD > (double)dnn ||
      !(maskD >= 0 && maskD <= 255) || !(valueD >= 0 && valueD <= 255) || fin != nun || fin != scn)
    return throw_type(env, "kidsIndex: arguments out of range");
  const uint8_t *fl = flp, mask = (uint8_t)maskD, value = (uint8_t)valueD;
  const uint32_t *parent = pap, *dirNo = dnp;
  uint32_t *first = fip, *num = nup, *kids = kip;
  uint8_t *scattered = scp;
  size_t n = (size_t)countD, dc = fin;
  double s = 0;
  if (kids == NULL) {
    for (size_t i = 1; i < n; i++) {
      if ((fl[i] & mask) == value) continue;
      uint32_t p = parent[i];
      if (p >= n || dirNo[p] >= dc) return throw_type(env, "kidsIndex: a parent out of range");
      uint32_t d = dirNo[p];
      uint32_t c = num[d]++;
      if (c == 0) first[d] = (uint32_t)i;
      else if (i != (size_t)first[d] + c) scattered[d] = 1;
    }
    for (size_t d = 0; d < dc; d++)
      if (scattered[d]) s += num[d];
  } else {
    size_t at = 0;
    for (size_t d = 0; d < dc; d++) {
      if (!scattered[d]) continue;
      if (num[d] > kin - at) return throw_type(env, "kidsIndex: kids too short");
      first[d] = (uint32_t)at;
      at += num[d];
    }
    s = (double)at;
    for (size_t i = 1; i < n; i++) {
      if ((fl[i] & mask) == value) continue;
      uint32_t p = parent[i];
      if (p >= n || dirNo[p] >= dc) return throw_type(env, "kidsIndex: a parent out of range");
      uint32_t d = dirNo[p];
      if (!scattered[d]) continue;
      if (first[d] >= kin) return throw_type(env, "kidsIndex: more children than counted");
      kids[first[d]++] = (uint32_t)i;
    }
    for (size_t d = 0; d < dc; d++)
      if (scattered[d]) first[d] -= num[d];
  }
  napi_value r;
  CHECK(napi_create_double(env, s, &r));
  return r;
}

/*
 * gzipPiece: one piece of export text as one gzip member, by libdeflate (linked statically when
 * scripts/build-native.mjs finds libdeflate-dev; without it DISKBLAME_LIBDEFLATE is not defined,
 * neither function nor `gzip` is exported, and the writer uses Node's zlib: src/export/gzip.ts).
 *   gzipPiece(level: 1-12, src: Uint8Array, srcLen, dst: Uint8Array) -> number
 *     the member's length in bytes, written at dst[0..); or minus the room it may need
 *     (libdeflate_gzip_compress_bound) when dst is shorter than that: nothing is written, the
 *     caller grows dst and calls again. TypeError on wrong arguments, Error when out of memory.
 *   gzip: "libdeflate <version>" (the flag that this build compresses with libdeflate)
 * One compressor per level per instance of the addon (napi_set_instance_data): a worker thread
 * loads its own instance, so no compressor is ever used by two threads; each is allocated at its
 * level's first piece (level 1: ~0.5 MiB) and freed with the instance. For the same input and level
 * the output is the same bytes on every thread and every run.
 */
#ifdef DISKBLAME_LIBDEFLATE
#include <libdeflate.h>

#define GZ_LEVELS 13

typedef struct {
  struct libdeflate_compressor *c[GZ_LEVELS];
} gz_data;

static void gz_free(napi_env env, void *data, void *hint) {
  gz_data *d = data;
  for (int k = 0; k < GZ_LEVELS; k++)
    if (d->c[k]) libdeflate_free_compressor(d->c[k]);
  free(d);
}

static napi_value gzipPiece(napi_env env, napi_callback_info info) {
  size_t argc = 4;
  napi_value argv[4];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc < 4) return throw_type(env, "gzipPiece: 4 arguments");
  double levelD, lenD;
  void *sp, *dp;
  size_t sn, dn;
  if (napi_get_value_double(env, argv[0], &levelD) != napi_ok || !typed(env, argv[1], napi_uint8_array, &sp, &sn) ||
      napi_get_value_double(env, argv[2], &lenD) != napi_ok || !typed(env, argv[3], napi_uint8_array, &dp, &dn))
    return throw_type(env, "gzipPiece: wrong arguments");
  if (!(levelD >= 1 && levelD < GZ_LEVELS) || levelD != (double)(int)levelD || !(lenD >= 0) || lenD > (double)sn || lenD != (double)(size_t)lenD)
    return throw_type(env, "gzipPiece: arguments out of range");
  gz_data *d = NULL;
  if (napi_get_instance_data(env, (void **)&d) != napi_ok || d == NULL) return throw_type(env, "gzipPiece: no instance data");
  int level = (int)levelD;
  if (d->c[level] == NULL && (d->c[level] = libdeflate_alloc_compressor(level)) == NULL) {
    napi_throw_error(env, NULL, "gzipPiece: out of memory");
    return NULL;
  }
  size_t len = (size_t)lenD, bound = libdeflate_gzip_compress_bound(d->c[level], len);
  double r;
  if (dn < bound) r = -(double)bound;
  else {
    size_t n = libdeflate_gzip_compress(d->c[level], sp, len, dp, dn);
    if (n == 0) { /* (never: dst has the bound) */
      napi_throw_error(env, NULL, "gzipPiece: the bound did not hold");
      return NULL;
    }
    r = (double)n;
  }
  napi_value out;
  CHECK(napi_create_double(env, r, &out));
  return out;
}
#endif

static napi_value kindsMarks(napi_env env, napi_callback_info info);
static napi_value kindsOrder(napi_env env, napi_callback_info info);
static napi_value kindsKeys(napi_env env, napi_callback_info info);
static napi_value kindsSums(napi_env env, napi_callback_info info);
static napi_value kindsInherit(napi_env env, napi_callback_info info);
static napi_value kindsCandidates(napi_env env, napi_callback_info info);
static napi_value packagePass(napi_env env, napi_callback_info info);
static napi_value packagePassAsync(napi_env env, napi_callback_info info);
static napi_value groupSums(napi_env env, napi_callback_info info);

NAPI_MODULE_INIT() {
  napi_property_descriptor props[] = {
      {"fast", NULL, fast, NULL, NULL, NULL, napi_enumerable, NULL},
      {"start", NULL, start, NULL, NULL, NULL, napi_enumerable, NULL},
      {"take", NULL, take, NULL, NULL, NULL, napi_enumerable, NULL},
      {"devs", NULL, devs, NULL, NULL, NULL, napi_enumerable, NULL},
      {"stop", NULL, stop, NULL, NULL, NULL, napi_enumerable, NULL},
      {"writeText", NULL, writeText, NULL, NULL, NULL, napi_enumerable, NULL},
      {"decodeNames", NULL, decodeNames, NULL, NULL, NULL, napi_enumerable, NULL},
      {"kidsIndex", NULL, kidsIndex, NULL, NULL, NULL, napi_enumerable, NULL},
      {"kindsMarks", NULL, kindsMarks, NULL, NULL, NULL, napi_enumerable, NULL},
      {"kindsOrder", NULL, kindsOrder, NULL, NULL, NULL, napi_enumerable, NULL},
      {"kindsKeys", NULL, kindsKeys, NULL, NULL, NULL, napi_enumerable, NULL},
      {"kindsSums", NULL, kindsSums, NULL, NULL, NULL, napi_enumerable, NULL},
      {"kindsInherit", NULL, kindsInherit, NULL, NULL, NULL, napi_enumerable, NULL},
      {"kindsCandidates", NULL, kindsCandidates, NULL, NULL, NULL, napi_enumerable, NULL},
      {"packagePass", NULL, packagePass, NULL, NULL, NULL, napi_enumerable, NULL},
      {"packagePassAsync", NULL, packagePassAsync, NULL, NULL, NULL, napi_enumerable, NULL},
      {"groupSums", NULL, groupSums, NULL, NULL, NULL, napi_enumerable, NULL},
  };
  if (napi_define_properties(env, exports, sizeof props / sizeof *props, props) != napi_ok) return NULL;
#ifdef DISKBLAME_LIBDEFLATE
  gz_data *d = calloc(1, sizeof *d);
  if (d == NULL || napi_set_instance_data(env, d, gz_free, NULL) != napi_ok) {
    free(d);
    return exports; /* (no gzipPiece: the writer uses zlib) */
  }
  napi_value fn, name;
  if (napi_create_function(env, "gzipPiece", NAPI_AUTO_LENGTH, gzipPiece, NULL, &fn) != napi_ok ||
      napi_create_string_utf8(env, "libdeflate " LIBDEFLATE_VERSION_STRING, NAPI_AUTO_LENGTH, &name) != napi_ok ||
      napi_set_named_property(env, exports, "gzipPiece", fn) != napi_ok || napi_set_named_property(env, exports, "gzip", name) != napi_ok)
    return NULL;
#endif
  return exports;
}

/* ------------------------------------------------------------------------------------------------
 * The kinds pass's prefilter (src/owners/kinds.ts): one flat pass over a tree's decoded names (the
 * table of Tree.allNames) marking the entries whose name could pass one of the rules' name tests,
 * so that the pass makes a string of those names only and classifies those files only. It checks
 * the literals the pass itself checks before any regular expression: a name it leaves unmarked
 * fails every one of those tests.
 *
 *   kindsMarks(bytes: Uint8Array, off: Uint32Array, len: Uint32Array, fl: Uint8Array, parent: Uint32Array,
 *              count, spec: Uint8Array, mark: Uint8Array) -> the files marked
 * Entry i's name is bytes[off[i], off[i] + len[i]); fl[i] its entryFlags byte (type in bits 0-1,
 * excluded in bits 4-6: an excluded entry is never marked); parent[i] its directory's index.
 * spec: records [kind: 1 byte][n: 4 bytes, little-endian][n bytes]:
 *   KM_FEXACT a file named exactly that, KM_FSUFFIX a file name ending with it, KM_FPREFIX starting
 *   with it, KM_FLIT containing it; KM_DEXACT, KM_DPREFIX, KM_DLIT the same for directories;
 *   KM_DANY every directory (n 0); KM_MARKER a regular file of that name marks its directory.
 * mark[i] <- MK_FILE (a regular file passing a file test), MK_DIR (a directory passing a directory
 * test), MK_MARKER (a directory holding a regular file named as a KM_MARKER), MK_HASFILE (a
 * directory holding an MK_FILE), MK_LINK (a hard-linked regular file, fl's bit 0x04), MK_HASLINK
 * (a directory holding one); mark is cleared first.
 * Every read is bounded by the arrays' lengths (a name or parent out of them is a TypeError), every
 * write by mark's; the one allocation (the tests, as many as the spec's records) is freed here.
 */
#define KM_FEXACT 1
#define KM_FSUFFIX 2
#define KM_FPREFIX 3
#define KM_FLIT 4
#define KM_DEXACT 5
#define KM_DPREFIX 6
#define KM_DLIT 7
#define KM_DANY 8
#define KM_MARKER 9
#define MK_FILE 1
#define MK_DIR 2
#define MK_MARKER 4
#define MK_HASFILE 8
#define MK_HASLINK 16
#define MK_LINK 32
#define EF_HARDLINK 0x04

typedef struct {
  const uint8_t *s;
  uint32_t n;
  uint32_t a; /* a literal's anchor: where in it its rarest byte is */
  int32_t next;
} km_test;

/* the literals are found with memchr when they have at most this many different anchor bytes */
#define KM_FIRSTS 4

/* how common a byte is in file names, roughly (a literal is looked for by its least common byte) */
static int km_common(uint8_t b) {
  static const char freq[] = "zqjxkvwybgfpmuhdclrsnioate"; /* rare to common, lower case */
  if (b == '.') return 40;
  if (b == '-' || b == '_') return 30;
  if (b >= '0' && b <= '9') return 25;
  const int lower = b >= 'A' && b <= 'Z' ? b + 32 : b;
  const char *at = lower >= 'a' && lower <= 'z' ? strchr(freq, lower) : NULL;
  if (!at) return 0;
  return lower == b ? (int)(at - freq) + 1 : ((int)(at - freq) + 1) / 3;
}

/* one side's tests (files or directories), chained by a byte of theirs */
typedef struct {
  int all;          /* a test every name passes (an empty prefix, suffix or literal) */
  int emptyExact;   /* an empty exact name */
  uint32_t minLit;  /* the shortest literal (none: UINT32_MAX) */
  int nFirsts;      /* the different anchor bytes of the literals (more than KM_FIRSTS: every byte is looked at) */
  uint8_t firsts[KM_FIRSTS];
  int32_t exact[256];  /* by the first byte */
  int32_t suffix[256]; /* by the last byte */
  int32_t prefix[256]; /* by the first byte */
  int32_t lit[256];    /* by the anchor byte */
} km_side;

static void km_init(km_side *m) {
  m->all = m->emptyExact = m->nFirsts = 0;
  m->minLit = 0xffffffffu;
  for (int b = 0; b < 256; b++) m->exact[b] = m->suffix[b] = m->prefix[b] = m->lit[b] = -1;
}


static void km_add(km_side *m, km_test *t, int32_t k, int kind) {
  /* kind: 0 exact, 1 suffix, 2 prefix, 3 literal */
  const km_test *x = &t[k];
  if (x->n == 0) {
    if (kind == 0) m->emptyExact = 1;
    else m->all = 1;
    return;
  }
  if (kind == 3)
    for (uint32_t j = 1; j < x->n; j++)
      if (km_common(x->s[j]) < km_common(x->s[t[k].a])) t[k].a = j;
  int32_t *head = kind == 0 ? &m->exact[x->s[0]] : kind == 1 ? &m->suffix[x->s[x->n - 1]] : kind == 2 ? &m->prefix[x->s[0]] : &m->lit[x->s[t[k].a]];
  t[k].next = *head;
  *head = k;
  if (kind == 3) {
    if (x->n < m->minLit) m->minLit = x->n;
    if (t[k].next < 0 && m->nFirsts <= KM_FIRSTS) {
      if (m->nFirsts < KM_FIRSTS) m->firsts[m->nFirsts] = x->s[t[k].a];
      m->nFirsts++;
    }
  }
}

/* a literal of chain k whose anchor is at s[h] (h < n) */
static int km_lit_at(const km_test *t, int32_t k, const uint8_t *s, size_t n, size_t h) {
  for (; k >= 0; k = t[k].next) {
    if (h < t[k].a) continue;
    const size_t p = h - t[k].a;
    if (t[k].n <= n - p && memcmp(t[k].s, s + p, t[k].n) == 0) return 1;
  }
  return 0;
}

static int km_match(const km_side *m, const km_test *t, const uint8_t *s, size_t n) {
  if (m->all) return 1;
  if (n == 0) return m->emptyExact;
  for (int32_t k = m->exact[s[0]]; k >= 0; k = t[k].next)
    if (t[k].n == n && memcmp(t[k].s, s, n) == 0) return 1;
  for (int32_t k = m->suffix[s[n - 1]]; k >= 0; k = t[k].next)
    if (t[k].n <= n && memcmp(t[k].s, s + n - t[k].n, t[k].n) == 0) return 1;
  for (int32_t k = m->prefix[s[0]]; k >= 0; k = t[k].next)
    if (t[k].n <= n && memcmp(t[k].s, s, t[k].n) == 0) return 1;
  if (m->nFirsts == 0 || n < m->minLit) return 0;
  if (m->nFirsts <= KM_FIRSTS) {
    for (int f = 0; f < m->nFirsts; f++) {
      const uint8_t c = m->firsts[f];
      for (const uint8_t *q = s, *e = s + n; q < e && (q = memchr(q, c, (size_t)(e - q))) != NULL; q++)
        if (km_lit_at(t, m->lit[c], s, n, (size_t)(q - s))) return 1;
    }
  } else
    for (size_t h = 0; h < n; h++)
      if (m->lit[s[h]] >= 0 && km_lit_at(t, m->lit[s[h]], s, n, h)) return 1;
  return 0;
}

static napi_value kindsMarks(napi_env env, napi_callback_info info) {
  size_t argc = 8;
  napi_value argv[8];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc < 8) return throw_type(env, "kindsMarks: 8 arguments");
  void *bp, *op, *lp, *fp, *pp, *sp, *mp;
  size_t bn, on, ln, fn, pn, sn, mn;
  double countD;
  if (!typed(env, argv[0], napi_uint8_array, &bp, &bn) || !typed(env, argv[1], napi_uint32_array, &op, &on) ||
      !typed(env, argv[2], napi_uint32_array, &lp, &ln) || !typed(env, argv[3], napi_uint8_array, &fp, &fn) ||
      !typed(env, argv[4], napi_uint32_array, &pp, &pn) || napi_get_value_double(env, argv[5], &countD) != napi_ok ||
      !typed(env, argv[6], napi_uint8_array, &sp, &sn) || !typed(env, argv[7], napi_uint8_array, &mp, &mn))
    return throw_type(env, "kindsMarks: wrong arguments");
  if (!(countD >= 0) || countD > (double)on || countD > (double)ln || countD > (double)fn || countD > (double)pn || countD > (double)mn)
    return throw_type(env, "kindsMarks: arguments out of range");
  const size_t count = (size_t)countD;
  const uint8_t *bytes = bp, *fl = fp, *spec = sp;
  const uint32_t *off = op, *len = lp, *parent = pp;
  uint8_t *mark = mp;
  /* the spec's records */
  size_t nt = 0;
  for (size_t p = 0; p < sn;) {
    if (sn - p < 5) return throw_type(env, "kindsMarks: a bad spec");
    uint32_t n = (uint32_t)spec[p + 1] | (uint32_t)spec[p + 2] << 8 | (uint32_t)spec[p + 3] << 16 | (uint32_t)spec[p + 4] << 24;
    if (spec[p] < KM_FEXACT || spec[p] > KM_MARKER || n > sn - p - 5) return throw_type(env, "kindsMarks: a bad spec");
    p += 5 + (size_t)n;
    nt++;
  }
  km_test *t = malloc((nt ? nt : 1) * sizeof *t);
  if (!t) return throw_type(env, "kindsMarks: out of memory");
  km_side files, dirs;
  km_init(&files);
  km_init(&dirs);
  int dirsAll = 0;
  const uint8_t *marker = NULL;
  uint32_t markerN = 0;
  int haveFiles = 0, haveDirs = 0;
  size_t k = 0;
  for (size_t p = 0; p < sn; k++) {
    int kind = spec[p];
    uint32_t n = (uint32_t)spec[p + 1] | (uint32_t)spec[p + 2] << 8 | (uint32_t)spec[p + 3] << 16 | (uint32_t)spec[p + 4] << 24;
    t[k].s = spec + p + 5;
    t[k].n = n;
    t[k].a = 0;
    t[k].next = -1;
    p += 5 + (size_t)n;
    if (kind <= KM_FLIT) {
      km_add(&files, t, (int32_t)k, kind - KM_FEXACT);
      haveFiles = 1;
    } else if (kind <= KM_DLIT) {
      km_add(&dirs, t, (int32_t)k, kind == KM_DEXACT ? 0 : kind == KM_DPREFIX ? 2 : 3);
      haveDirs = 1;
    } else if (kind == KM_DANY) dirsAll = 1;
    else {
      marker = t[k].s;
      markerN = n;
    }
  }
  memset(mark, 0, count);
  size_t files_marked = 0;
  for (size_t i = 0; i < count; i++) {
    const int type = fl[i] & 0x73; /* EF_TYPE | EF_EXCL: 0 a regular file, 1 a directory, not excluded */
    if (type > T_DIR) continue;
    const size_t o = off[i], n = len[i];
    if (o > bn || n > bn - o) {
      free(t);
      return throw_type(env, "kindsMarks: a name runs past the buffer");
    }
    const uint8_t *s = bytes + o;
    if (type == T_FILE) {
      const size_t p = parent[i];
      if (p >= count) {
        free(t);
        return throw_type(env, "kindsMarks: a parent out of range");
      }
      if (haveFiles && km_match(&files, t, s, n)) {
        mark[i] |= MK_FILE;
        mark[p] |= MK_HASFILE;
        files_marked++;
      }
      if (fl[i] & EF_HARDLINK) {
        mark[i] |= MK_LINK;
        mark[p] |= MK_HASLINK;
      }
      if (marker && n == markerN && memcmp(s, marker, n) == 0) mark[p] |= MK_MARKER;
    } else if (dirsAll || (haveDirs && km_match(&dirs, t, s, n)))
      mark[i] |= MK_DIR;
  }
  free(t);
  napi_value r;
  CHECK(napi_create_double(env, (double)files_marked, &r));
  return r;
}

/* ------------------------------------------------------------------------------------------------
 * The kinds pass's directories in the order its walk visits them (src/owners/kinds.ts Walk): from
 * the root, a directory's subdirectories pushed in their order on a stack, the last pushed visited
 * next. Its children as Tree.childSpan gives them (the tree's child index).
 *
 *   kindsOrder(fl: Uint8Array, asize32: Uint32Array, kidFirst: Uint32Array, kidN: Uint32Array,
 *              kidScattered: Uint8Array, kids: Uint32Array, count, order: Uint32Array) -> the directories
 * fl[i]: entry i's entryFlags byte (a directory not excluded: (fl & 0x73) == 1); asize32[d]: a
 * directory's number (its slot in kidFirst, kidN, kidScattered). order <- the directories' entry
 * indexes, the root (entry 0) first. Every read is bounded by the arrays' lengths, every write by
 * order's (a tree that does not fit is a TypeError); the stack lives in order itself (a directory is
 * written there when visited, its subdirectories pushed at the far end).
 */
static napi_value kindsOrder(napi_env env, napi_callback_info info) {
  size_t argc = 8;
  napi_value argv[8];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc < 8) return throw_type(env, "kindsOrder: 8 arguments");
  void *fp, *ap, *kfp, *knp, *ksp, *kp, *op;
  size_t fn, an, kfn, knn, ksn, kn, on;
  double countD;
  if (!typed(env, argv[0], napi_uint8_array, &fp, &fn) || !typed(env, argv[1], napi_uint32_array, &ap, &an) ||
      !typed(env, argv[2], napi_uint32_array, &kfp, &kfn) || !typed(env, argv[3], napi_uint32_array, &knp, &knn) ||
      !typed(env, argv[4], napi_uint8_array, &ksp, &ksn) || !typed(env, argv[5], napi_uint32_array, &kp, &kn) ||
      napi_get_value_double(env, argv[6], &countD) != napi_ok || !typed(env, argv[7], napi_uint32_array, &op, &on))
    return throw_type(env, "kindsOrder: wrong arguments");
  if (!(countD >= 1) || countD > (double)fn || countD > (double)an || on < 1) return throw_type(env, "kindsOrder: arguments out of range");
  const size_t count = (size_t)countD;
  const uint8_t *fl = fp, *ks = ksp;
  const uint32_t *asz = ap, *kf = kfp, *kN = knp, *kids = kp;
  uint32_t *order = op;
  /* order[0, w): visited; order[top, on): the stack (its top at order[top]) */
  size_t w = 0, top = on - 1;
  order[top] = 0;
  while (top < on) {
    const uint32_t d = order[top++];
    order[w++] = d;
    const uint32_t dn = asz[d];
    if (dn >= kfn || dn >= knn || dn >= ksn) return throw_type(env, "kindsOrder: a directory out of range");
    const size_t first = kf[dn], n = kN[dn];
    const int scattered = ks[dn] != 0;
    if (scattered ? first > kn || n > kn - first : first > count || n > count - first) return throw_type(env, "kindsOrder: children out of range");
    for (size_t j = 0; j < n; j++) {
      const size_t k = scattered ? kids[first + j] : first + j;
      if (k >= count) return throw_type(env, "kindsOrder: a child out of range");
      if ((fl[k] & 0x73) != T_DIR) continue;
      if (top <= w) return throw_type(env, "kindsOrder: more directories than order holds");
      order[--top] = (uint32_t)k;
    }
  }
  napi_value r;
  CHECK(napi_create_double(env, (double)w, &r));
  return r;
}

/*
 *   kindsKeys(order: Uint32Array, mark: Uint8Array, keys: Uint32Array) -> k
 * The kinds walk's key directories (src/owners/kinds.ts MarkedWalk, whose contexts it makes), in
 * order's order: keys[0..k) <- the entries of order that are the root (0) or whose mark has MK_DIR
 * or MK_MARKER (kindsMarks). A loop the walk would run over every directory, cold (a few ms in
 * JavaScript on /usr's 16,517 directories, for its 69 key ones). Every read is bounded (an entry
 * past mark is a TypeError), every write by keys' length (too short: a TypeError).
 */
static napi_value kindsKeys(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc < 3) return throw_type(env, "kindsKeys: 3 arguments");
  void *op, *mp, *kp;
  size_t on, mn, kn;
  if (!typed(env, argv[0], napi_uint32_array, &op, &on) || !typed(env, argv[1], napi_uint8_array, &mp, &mn) || !typed(env, argv[2], napi_uint32_array, &kp, &kn))
    return throw_type(env, "kindsKeys: wrong arguments");
  const uint32_t *order = op;
  const uint8_t *mark = mp;
  uint32_t *keys = kp;
  size_t k = 0;
  for (size_t j = 0; j < on; j++) {
    const uint32_t d = order[j];
    if (d >= mn) return throw_type(env, "kindsKeys: a directory out of range");
    if (d != 0 && (mark[d] & (MK_DIR | MK_MARKER)) == 0) continue;
    if (k >= kn) return throw_type(env, "kindsKeys: keys is too short");
    keys[k++] = d;
  }
  napi_value r;
  CHECK(napi_create_double(env, (double)k, &r));
  return r;
}

/* ------------------------------------------------------------------------------------------------
 * The kinds pass's totals for the files it leaves to a flat pass (src/owners/kinds.ts MarkedWalk,
 * the biggest items not asked for): every regular file, not excluded, not hard-linked, not marked
 * MK_FILE by kindsMarks, whose directory has a category in dirCat is counted there, as Totals.take
 * would (its disk bytes as Tree.ownD, its mtime as Tree.mtimeOf). Sums of whole numbers: the order
 * does not matter.
 *
 *   kindsSums([fl, parent, asize32, dirCat, dsize32, attr, dk, mtime, mtimes, bytes, count, oldest,
 *              newest, labels, big, mark], entries, mtimeRaw) -> the files left out for their size (in big)
 * fl: entryFlags bytes; mark: kindsMarks' marks; parent; asize32 (a directory's number, a file's apparent size or BIG);
 * dirCat: Int32Array by directory number (-1: none); dsize32 (512-byte units or BIG); attr (any
 * width) and dk (Uint8Array: its disk-size kind); mtime (any width): seconds when mtimeRaw, else an
 * index into mtimes (Float64Array, -1 unknown). bytes, count, oldest, newest: Float64Array by
 * category, updated; labels: Int32Array, labels[i] <- the category (length 0: none); big <- the
 * files whose disk size is in the tree's spill map (BIG), for the caller to count (at most its
 * length; the return value says how many there were). Every read and write is bounded.
 */
static napi_value kindsSums(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc < 3) return throw_type(env, "kindsSums: 3 arguments");
  enum { S_FL, S_PARENT, S_ASIZE, S_DIRCAT, S_DSIZE, S_ATTR, S_DK, S_MTIME, S_MTIMES, S_BYTES, S_COUNT, S_OLDEST, S_NEWEST, S_LABELS, S_BIG, S_MARK, S_N };
  arr_t A[S_N];
  if (!get_arrs(env, argv[0], S_N, (1u << S_DIRCAT) | (1u << S_LABELS), A)) return throw_type(env, "kindsSums: wrong arguments");
  double countD;
  bool raw;
  if (napi_get_value_double(env, argv[1], &countD) != napi_ok || napi_get_value_bool(env, argv[2], &raw) != napi_ok)
    return throw_type(env, "kindsSums: wrong arguments");
  const size_t count = (size_t)countD;
  if (!(countD >= 0) || A[S_FL].w != 1 || A[S_PARENT].w != 4 || A[S_ASIZE].w != 4 || A[S_DSIZE].w != 4 || A[S_ATTR].w > 4 ||
      A[S_DK].w != 1 || A[S_MTIME].w > 4 || A[S_MTIMES].w != 8 || A[S_BYTES].w != 8 || A[S_COUNT].w != 8 || A[S_OLDEST].w != 8 ||
      A[S_NEWEST].w != 8 || A[S_BIG].w != 4 || A[S_MARK].w != 1 || count > A[S_MARK].n || count > A[S_FL].n || count > A[S_PARENT].n || count > A[S_ASIZE].n ||
      count > A[S_ATTR].n || count > A[S_MTIME].n || (A[S_LABELS].n && count > A[S_LABELS].n))
    return throw_type(env, "kindsSums: arguments out of range");
  const size_t ncat = A[S_BYTES].n;
  if (A[S_COUNT].n < ncat || A[S_OLDEST].n < ncat || A[S_NEWEST].n < ncat) return throw_type(env, "kindsSums: arguments out of range");
  const uint8_t *fl = A[S_FL].p, *dk = A[S_DK].p, *mark = A[S_MARK].p;
  const uint32_t *parent = A[S_PARENT].p, *asz = A[S_ASIZE].p, *dsz = A[S_DSIZE].p;
  uint32_t *big = A[S_BIG].p;
  const int32_t *dirCat = A[S_DIRCAT].p;
  int32_t *labels = A[S_LABELS].n ? A[S_LABELS].p : NULL;
  const double *mtimes = A[S_MTIMES].p;
  double *bytes = A[S_BYTES].p, *cnt = A[S_COUNT].p, *oldest = A[S_OLDEST].p, *newest = A[S_NEWEST].p;
  size_t nbig = 0;
  for (size_t i = 0; i < count; i++) {
    if ((fl[i] & (0x73 | EF_HARDLINK)) != T_FILE || (mark[i] & MK_FILE)) continue;
    const size_t p = parent[i];
    if (p >= count) return throw_type(env, "kindsSums: a parent out of range");
    const size_t dn = asz[p];
    if (dn >= A[S_DIRCAT].n) return throw_type(env, "kindsSums: a directory out of range");
    const int32_t cat = dirCat[dn];
    if (cat < 0) continue;
    if ((size_t)cat >= ncat) return throw_type(env, "kindsSums: a category out of range");
    const uint32_t at = u_at(&A[S_ATTR], i);
    if (at >= A[S_DK].n) return throw_type(env, "kindsSums: an attribute out of range");
    double b;
    if (dk[at] == DK_ZERO) b = 0;
    else if (dk[at] == DK_ROUND) b = (double)(((uint64_t)asz[i] + 4095) / 4096 * 4096);
    else if (i < A[S_DSIZE].n && dsz[i] != W_BIG) b = (double)dsz[i] * 512;
    else {
      if (nbig < A[S_BIG].n) big[nbig] = (uint32_t)i;
      nbig++;
      continue;
    }
    const uint32_t mv = u_at(&A[S_MTIME], i);
    double m;
    if (raw) m = mv == W_NO_MTIME ? -1 : (double)mv;
    else {
      if (mv >= A[S_MTIMES].n) return throw_type(env, "kindsSums: a bad mtime");
      m = mtimes[mv];
    }
    if (labels) labels[i] = cat;
    bytes[cat] += b;
    cnt[cat] += 1;
    if (m >= 0) {
      if (m < oldest[cat]) oldest[cat] = m;
      if (m > newest[cat]) newest[cat] = m;
    }
  }
  napi_value r;
  CHECK(napi_create_double(env, (double)nbig, &r));
  return r;
}

/* ------------------------------------------------------------------------------------------------
 * The kinds walk's contexts passed down (src/owners/kinds.ts MarkedWalk): a directory with no rule
 * of its own inherits its parent's context, so every directory but the key ones (whose contexts the
 * walk made) takes its nearest key ancestor's; and which directories' files need the walk's look.
 *
 *   kindsInherit([order, parent, asize32, mark, keyOf, forced, deep, here, dirCat, visits], noCat)
 *     -> the directories written to visits
 * order: the directories in the walk's order (kindsOrder), a parent before its children; asize32: a
 * directory's number; mark: kindsMarks' marks; keyOf: Int32Array by directory number, the key
 * directories' key numbers, -1 for the others (filled here); forced (Int32Array), deep, here
 * (Uint8Array), by key number: the context's forced category (noCat: none), whether it has name
 * tests for below (deep) and for its own files (here: the key directory itself; the others have the
 * deep ones); dirCat: Int32Array by directory number <- the forced category of the files left to
 * kindsSums (length 0: none are, every forced file is the walk's). visits <- in order, the
 * directories holding files the walk takes: name tests of their context, a marked file (MK_HASFILE),
 * or a forced category with files not left to kindsSums (all of them, or the hard links).
 * Every read and write is bounded; a parent after its child in order is a TypeError.
 */
static napi_value kindsInherit(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc < 2) return throw_type(env, "kindsInherit: 2 arguments");
  enum { I_ORDER, I_PARENT, I_ASIZE, I_MARK, I_KEYOF, I_FORCED, I_DEEP, I_HERE, I_DIRCAT, I_VISITS, I_N };
  static const napi_typedarray_type want[I_N] = {napi_uint32_array, napi_uint32_array, napi_uint32_array, napi_uint8_array, napi_int32_array,
                                                 napi_int32_array, napi_uint8_array, napi_uint8_array, napi_int32_array, napi_uint32_array};
  void *p[I_N];
  size_t n[I_N];
  for (uint32_t k = 0; k < I_N; k++) {
    napi_value v;
    if (napi_get_element(env, argv[0], k, &v) != napi_ok || !typed(env, v, want[k], &p[k], &n[k])) return throw_type(env, "kindsInherit: wrong arguments");
  }
  int32_t noCat;
  if (napi_get_value_int32(env, argv[1], &noCat) != napi_ok) return throw_type(env, "kindsInherit: wrong arguments");
  const uint32_t *order = p[I_ORDER], *parent = p[I_PARENT], *asz = p[I_ASIZE];
  const uint8_t *mark = p[I_MARK], *deep = p[I_DEEP], *here = p[I_HERE];
  int32_t *keyOf = p[I_KEYOF], *dirCat = p[I_DIRCAT];
  const int32_t *forced = p[I_FORCED];
  uint32_t *visits = p[I_VISITS];
  const size_t count = n[I_PARENT] < n[I_ASIZE] ? (n[I_PARENT] < n[I_MARK] ? n[I_PARENT] : n[I_MARK]) : (n[I_ASIZE] < n[I_MARK] ? n[I_ASIZE] : n[I_MARK]);
  const size_t nkeys = n[I_FORCED] < n[I_DEEP] ? (n[I_FORCED] < n[I_HERE] ? n[I_FORCED] : n[I_HERE]) : (n[I_DEEP] < n[I_HERE] ? n[I_DEEP] : n[I_HERE]);
  const int sums = n[I_DIRCAT] > 0;
  size_t nv = 0;
  for (size_t j = 0; j < n[I_ORDER]; j++) {
    const size_t d = order[j];
    if (d >= count || asz[d] >= n[I_KEYOF] || (sums && asz[d] >= n[I_DIRCAT])) return throw_type(env, "kindsInherit: a directory out of range");
    const size_t dn = asz[d];
    int32_t k = keyOf[dn];
    const int own = k >= 0;
    if (!own) {
      const size_t pd = parent[d];
      if (d == 0 || pd >= count || asz[pd] >= n[I_KEYOF] || keyOf[asz[pd]] < 0) return throw_type(env, "kindsInherit: a directory before its parent");
      k = keyOf[dn] = keyOf[asz[pd]];
    }
    if ((size_t)k >= nkeys) return throw_type(env, "kindsInherit: a key out of range");
    const int32_t f = forced[k];
    const uint8_t m = mark[d];
    int visit;
    if (own ? here[k] : deep[k]) visit = 1;
    else {
      const int s = sums && f != noCat;
      if (s) dirCat[dn] = f;
      visit = (m & MK_HASFILE) || (f != noCat && (!s || (m & MK_HASLINK)));
    }
    if (visit) {
      if (nv >= n[I_VISITS]) return throw_type(env, "kindsInherit: more directories than visits holds");
      visits[nv++] = (uint32_t)d;
    }
  }
  napi_value r;
  CHECK(napi_create_double(env, (double)nv, &r));
  return r;
}

/* ------------------------------------------------------------------------------------------------
 * The candidates of the kinds' checks (src/owners/kinds-trust.ts candidateClasses, whose JavaScript
 * loop is the reference: the two must agree entry for entry, test/kinds-trust.test.ts compares them):
 * one flat pass over the decoded names, run once per owners once the package files are known.
 *
 *   kindsCandidates([bytes: Uint8Array, off: Uint32Array, len: Uint32Array, fl: Uint8Array,
 *                    lab: Int32Array, out: Uint32Array, cls: Uint16Array, owned?: Uint8Array], count) -> k
 * out[0..k) <- the entries with a class, in index order; cls[0..k) <- their classes (KC_* bits).
 * owned (the package files, 1 each; absent or length 0: not known): a package's file keeps only
 * KC_LABELLED (refineKinds checks no package file, it only drops its label).
 * Every read is bounded by the arrays' lengths (a name out of `bytes` is a TypeError), every write
 * by out's and cls's (too short: a TypeError). No allocation.
 */
#define KC_CORE 1
#define KC_DUMP 2
#define KC_VOLUME 4
#define KC_SIB 8
#define KC_TAG 16
#define KC_LABELLED 32
#define KC_GIT 64
#define KC_DATED 128
#define KC_INTERVAL 256
/* the last bytes of interest (kinds-trust.ts LAST_BYTE): CAND_CORE 1, DUMP 2, DIGIT 4, EXT 8, TAG 16 */
#define LB_CORE 1
#define LB_DUMP 2
#define LB_DIGIT 4
#define LB_EXT 8
#define LB_TAG 16
/* kinds-trust.ts SIBLING_EXT, the same list */
static const char *const KC_EXT[] = {"gz", "xz", "bz2", "zst", "lz4", "lzma", "Z", "tar", "tgz", "tbz", "tbz2", "txz", "tzst", "zip", "7z", "rar", "cpio",
                                     "sql", "dump", "pgdump", "bak", "img", "qcow2", "vmdk", "vdi", "gpg", "age", "enc", "db", "sqlite", "sqlite3"};

/* the k typed arrays of the JavaScript array `arr`, each of the type `want` says: 0 when one is not */
static int typed_list(napi_env env, napi_value arr, const napi_typedarray_type *want, uint32_t k, void **p, size_t *n) {
  for (uint32_t j = 0; j < k; j++) {
    napi_value v;
    if (napi_get_element(env, arr, j, &v) != napi_ok || !typed(env, v, want[j], &p[j], &n[j])) return 0;
  }
  return 1;
}

static inline int kc_digit(uint8_t b) { return b >= '0' && b <= '9'; }
static inline int kc_ends(const uint8_t *b, uint32_t l, const char *s) {
  size_t n = strlen(s);
  return l >= n && memcmp(b + l - n, s, n) == 0;
}
static int kc_core(const uint8_t *b, uint32_t l) {
  if (l >= 4 && memcmp(b, "core", 4) == 0 && (l == 4 || b[4] == '.' || b[4] == '-')) return 1;
  if (l >= 6 && memcmp(b, "vmcore", 6) == 0) return 1;
  /* valgrind's vgcore.PID, abrt's coredump, coredumpctl dump -o coredump-PID */
  if (l >= 7 && memcmp(b, "vgcore.", 7) == 0) return 1;
  if (l >= 8 && memcmp(b, "coredump", 8) == 0 && (l == 8 || b[8] == '-' || b[8] == '.')) return 1;
  return l > 5 && kc_ends(b, l, ".core");
}
#define KC_NEXT (sizeof KC_EXT / sizeof *KC_EXT)
/* lens: KC_EXT's lengths (kindsCandidates makes them once a call: this runs for every name ending
 * in an extension's last byte, a .gz's) */
static int kc_ext(const uint8_t *b, uint32_t l, const uint8_t *lens) {
  /* the extension after the last dot among the last 8 bytes (extOf), in KC_EXT */
  for (int64_t j = (int64_t)l - 1; j >= 0 && j >= (int64_t)l - 8; j--)
    if (b[j] == '.') {
      const size_t n = l - (size_t)j - 1;
      for (size_t k = 0; k < KC_NEXT; k++)
        if (lens[k] == n && b[j + 1] == (uint8_t)KC_EXT[k][0] && memcmp(b + j + 1, KC_EXT[k], n) == 0) return 1;
      return 0;
    }
  return 0;
}

static napi_value kindsCandidates(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc < 2) return throw_type(env, "kindsCandidates: 2 arguments");
  void *p[7];
  size_t n[7];
  const napi_typedarray_type want[7] = {napi_uint8_array, napi_uint32_array, napi_uint32_array, napi_uint8_array, napi_int32_array, napi_uint32_array, napi_uint16_array};
  if (!typed_list(env, argv[0], want, 7, p, n)) return throw_type(env, "kindsCandidates: wrong arguments");
  double countD;
  if (napi_get_value_double(env, argv[1], &countD) != napi_ok || !(countD >= 0)) return throw_type(env, "kindsCandidates: wrong arguments");
  const size_t count = (size_t)countD;
  if (count > n[1] || count > n[2] || count > n[3] || count > n[4]) return throw_type(env, "kindsCandidates: arguments out of range");
  uint32_t given;
  const uint8_t *owned = NULL;
  if (napi_get_array_length(env, argv[0], &given) != napi_ok) return throw_type(env, "kindsCandidates: wrong arguments");
  if (given > 7) {
    napi_value v;
    void *op;
    size_t on;
    if (napi_get_element(env, argv[0], 7, &v) != napi_ok || !typed(env, v, napi_uint8_array, &op, &on)) return throw_type(env, "kindsCandidates: wrong arguments");
    if (on > 0 && on < count) return throw_type(env, "kindsCandidates: arguments out of range");
    if (on > 0) owned = op;
  }
  const uint8_t *nb = p[0], *fl = p[3];
  const uint32_t *off = p[1], *len = p[2];
  const int32_t *lab = p[4];
  uint32_t *out = p[5];
  uint16_t *cls = p[6];
  uint8_t lb[256] = {0};
  lb['e'] |= LB_CORE;
  lb['l'] |= LB_DUMP;
  lb['z'] |= LB_DUMP;
  lb['p'] |= LB_DUMP;
  for (int d = '0'; d <= '9'; d++) lb[d] |= LB_DIGIT;
  for (size_t k = 0; k < sizeof KC_EXT / sizeof *KC_EXT; k++) lb[(uint8_t)KC_EXT[k][strlen(KC_EXT[k]) - 1]] |= LB_EXT;
  lb['G'] |= LB_TAG;
  uint8_t extLens[KC_NEXT];
  for (size_t k = 0; k < KC_NEXT; k++) extLens[k] = (uint8_t)strlen(KC_EXT[k]);
  size_t got = 0;
  for (size_t i = 0; i < count; i++) {
    const uint8_t f = fl[i] & 0x73;
    if (f != 0 && f != 1) continue;
    if (f == 1 && i == 0) continue;
    uint32_t o = off[i], l = len[i];
    if ((size_t)o + l > n[0]) return throw_type(env, "kindsCandidates: a name out of range");
    const uint8_t *b = nb + o;
    unsigned c = 0;
    if (f == 1) {
      if (l == 4 && memcmp(b, ".git", 4) == 0) c = KC_GIT;
      else if (l >= 6) {
        uint32_t run = 0;
        for (uint32_t j = 0; j < l && run < 4; j++) run = kc_digit(b[j]) ? run + 1 : 0;
        if (run >= 4) c = KC_DATED;
        else if (kc_digit(b[l - 1])) c = KC_INTERVAL;
      }
    } else {
      if (lab[i] >= 0) c = KC_LABELLED;
      if (i == 0) {
        /* a root that is a file: its name is its path, the last part counts */
        uint32_t s = l ? l - 1 : 0;
        while (s > 0 && b[s - 1] != '/') s--;
        b += s;
        l -= s;
      }
      if (l > 0) {
        const uint8_t last = b[l - 1];
        const unsigned w = lb[last] | (b[0] == 'c' || b[0] == 'v' ? LB_CORE : 0);
        if (w) {
          if ((w & LB_TAG) && l == 12 && memcmp(b, "CACHEDIR.TAG", 12) == 0) c |= KC_TAG;
          if ((w & LB_CORE) && kc_core(b, l)) c |= KC_CORE;
          else if ((w & LB_DUMP) && (kc_ends(b, l, ".sql") || kc_ends(b, l, ".sql.gz") || kc_ends(b, l, ".dump") || kc_ends(b, l, ".pgdump"))) c |= KC_DUMP;
          else if ((w & LB_DIGIT) && l >= 4 && memchr(b, '.', l) == NULL) c |= KC_VOLUME;
          if (lab[i] < 0 && ((w & LB_DIGIT) || ((w & LB_EXT) && kc_ext(b, l, extLens)))) c |= KC_SIB;
        }
      }
      if (owned && owned[i]) c &= KC_LABELLED;
    }
    if (c == 0) continue;
    if (got >= n[5] || got >= n[6]) return throw_type(env, "kindsCandidates: out is too short");
    out[got] = (uint32_t)i;
    cls[got] = (uint16_t)c;
    got++;
  }
  napi_value r;
  CHECK(napi_create_double(env, (double)got, &r));
  return r;
}

/* ------------------------------------------------------------------------------------------------
 * The package pass's lookups (src/owners/packages.ts attributePackages, whose depth-first walk in
 * JavaScript is the reference): every entry's (directory, name) looked up in the package table,
 * a flat pass in index order (a directory comes before its entries in every tree this project
 * builds; one that does not makes this return -1, and the walk is used).
 *
 *   packagePass([bytes: Uint8Array, off: Uint32Array, len: Uint32Array, fl: Uint8Array,
 *                parent: Uint32Array, slots: Int32Array, out: Int32Array], count, mask, rootNode) -> 0 | -1
 * slots: PathTable's (4 ints a slot: dir or -1, h1, h2, value; `mask` + 1 slots); rootNode: the
 * root directory's number in the table (-1: nothing listed below it).
 * out[i] <- for a directory, its number in the table (-1: none); for any other entry, its package's
 * index (value >= 0), else -1; an excluded entry -1. out[0] <- rootNode.
 * The names' two hashes are PathTable's (FNV-1a, and a murmur-like mix), as packages.ts computes them.
 * A name out of `bytes` is a TypeError; the hashes are kept in one allocation (8 bytes an entry),
 * freed here.
 */
#define PP_NOT_FOUND 0x7fffffff
/* one step of PathTable's two hashes (packages.ts hashStr): FNV-1a, and a murmur-like mix */
#define PP_STEP(h, g, ch) (h = ((h) ^ (ch)) * 0x01000193u, g = ((g) ^ (ch)) * 0x5bd1e995u, g ^= (g) >> 15)
/* hg[2i], hg[2i+1] <- entry i's name's two hashes (names checked in range by the caller) */
static void pp_hashes(const uint8_t *nb, const uint32_t *off, const uint32_t *len, size_t count, uint32_t *hg) {
  size_t i = 0;
  for (; i + 4 <= count; i += 4) {
    const uint8_t *b0 = nb + off[i], *b1 = nb + off[i + 1], *b2 = nb + off[i + 2], *b3 = nb + off[i + 3];
    const uint32_t l0 = len[i], l1 = len[i + 1], l2 = len[i + 2], l3 = len[i + 3];
    uint32_t m = l0 < l1 ? l0 : l1;
    if (l2 < m) m = l2;
    if (l3 < m) m = l3;
    uint32_t h0 = 0x811c9dc5u, h1 = h0, h2 = h0, h3 = h0, g0 = 0x9747b28cu, g1 = g0, g2 = g0, g3 = g0;
    uint32_t k = 0;
    for (; k < m; k++) {
      PP_STEP(h0, g0, b0[k]);
      PP_STEP(h1, g1, b1[k]);
      PP_STEP(h2, g2, b2[k]);
      PP_STEP(h3, g3, b3[k]);
    }
    for (uint32_t q = k; q < l0; q++) PP_STEP(h0, g0, b0[q]);
    for (uint32_t q = k; q < l1; q++) PP_STEP(h1, g1, b1[q]);
    for (uint32_t q = k; q < l2; q++) PP_STEP(h2, g2, b2[q]);
    for (uint32_t q = k; q < l3; q++) PP_STEP(h3, g3, b3[q]);
    hg[2 * i] = h0, hg[2 * i + 1] = g0, hg[2 * i + 2] = h1, hg[2 * i + 3] = g1;
    hg[2 * i + 4] = h2, hg[2 * i + 5] = g2, hg[2 * i + 6] = h3, hg[2 * i + 7] = g3;
  }
  for (; i < count; i++) {
    uint32_t h = 0x811c9dc5u, g = 0x9747b28cu;
    for (uint32_t q = 0; q < len[i]; q++) PP_STEP(h, g, nb[off[i] + q]);
    hg[2 * i] = h, hg[2 * i + 1] = g;
  }
}
/* packagePass's work: its arrays and numbers, checked; its result (0, -1 a parent after its entry,
 * -2 out of memory); for packagePassAsync, what it holds while the work runs */
typedef struct {
  const uint8_t *nb, *fl;
  const uint32_t *off, *len, *parent;
  const int32_t *slots;
  int32_t *out;
  size_t count;
  uint32_t mask;
  int32_t root;
  int result;
  napi_ref refs[7];
  napi_async_work work;
  napi_deferred deferred;
} pp_job;

/* the arguments of packagePass(Async) into job (and their values into vals, for references): NULL,
 * or the exception thrown */
static napi_value pp_args(napi_env env, napi_callback_info info, const char *name, pp_job *job, napi_value *vals) {
  size_t argc = 4;
  napi_value argv[4];
  char msg[96];
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 4) {
    snprintf(msg, sizeof msg, "%s: 4 arguments", name);
    return throw_type(env, msg);
  }
  void *p[7];
  size_t n[7];
  const napi_typedarray_type want[7] = {napi_uint8_array, napi_uint32_array, napi_uint32_array, napi_uint8_array, napi_uint32_array, napi_int32_array, napi_int32_array};
  double countD, maskD, rootD;
  if (!typed_list(env, argv[0], want, 7, p, n) || napi_get_value_double(env, argv[1], &countD) != napi_ok || napi_get_value_double(env, argv[2], &maskD) != napi_ok ||
      napi_get_value_double(env, argv[3], &rootD) != napi_ok || !(countD >= 0) || !(maskD >= 0) || !(rootD >= -1)) {
    snprintf(msg, sizeof msg, "%s: wrong arguments", name);
    return throw_type(env, msg);
  }
  for (uint32_t k = 0; vals && k < 7; k++)
    if (napi_get_element(env, argv[0], k, &vals[k]) != napi_ok) {
      snprintf(msg, sizeof msg, "%s: wrong arguments", name);
      return throw_type(env, msg);
    }
  const size_t count = (size_t)countD;
  const uint32_t mask = (uint32_t)maskD;
  if (count > n[1] || count > n[2] || count > n[3] || count > n[4] || count > n[6] || maskD > 0x7fffffff || ((size_t)mask + 1) * 4 > n[5] || ((mask + 1) & mask) != 0) {
    snprintf(msg, sizeof msg, "%s: arguments out of range", name);
    return throw_type(env, msg);
  }
  const uint32_t *off = p[1], *len = p[2];
  for (size_t i = 0; i < count; i++)
    if ((size_t)off[i] + len[i] > n[0]) {
      snprintf(msg, sizeof msg, "%s: a name out of range", name);
      return throw_type(env, msg);
    }
  job->nb = p[0];
  job->off = off;
  job->len = len;
  job->fl = p[3];
  job->parent = p[4];
  job->slots = p[5];
  job->out = p[6];
  job->count = count;
  job->mask = mask;
  job->root = (int32_t)rootD;
  job->result = 0;
  return NULL;
}

/* the pass itself: no N-API call (packagePassAsync runs it on libuv's pool) */
static int pp_run(const pp_job *a) {
  const size_t count = a->count;
  if (count == 0) return 0;
  const uint8_t *nb = a->nb, *fl = a->fl;
  const uint32_t *off = a->off, *len = a->len, *parent = a->parent, mask = a->mask;
  const int32_t *slots = a->slots;
  int32_t *out = a->out;
  out[0] = a->root;
  /* Every name's two hashes first, four names at a time (each hash is a chain of multiplies, one
   * byte after the other: four chains side by side keep the processor busy), then the lookups, each
   * entry's first slot fetched PP_AHEAD entries before it is probed (the table is a few MB). */
  uint32_t *hg = malloc(count * 2 * sizeof *hg);
  if (hg == NULL) return -2;
  pp_hashes(nb, off, len, count, hg);
#define PP_AHEAD 16
  for (size_t i = 1; i < count; i++) {
    const uint32_t par = parent[i];
    if (par >= i) {
      free(hg);
      return -1;
    }
    const size_t j = i + PP_AHEAD;
    if (j < count && parent[j] < i && out[parent[j]] >= 0)
      __builtin_prefetch(slots + (size_t)((((uint32_t)out[parent[j]] * 0x9e3779b1u) ^ hg[2 * j]) & mask) * 4);
    const uint8_t f = fl[i];
    const int32_t nd = out[par];
    /* an excluded entry, or one in a directory nothing is listed below */
    if ((f & 0x70) || nd < 0 || (fl[par] & 0x03) != 1) {
      out[i] = -1;
      continue;
    }
    const uint32_t h = hg[2 * i], g = hg[2 * i + 1];
    int32_t v = PP_NOT_FOUND;
    /* (at most the table's size of probes: a corrupt table with no empty slot ends too) */
    uint32_t s = (((uint32_t)nd * 0x9e3779b1u) ^ h) & mask;
    for (uint32_t left = mask; ; s = (s + 1) & mask, left--) {
      const int32_t *q = slots + (size_t)s * 4;
      if (q[0] == -1) break;
      if (q[0] == nd && (uint32_t)q[1] == h && (uint32_t)q[2] == g) {
        v = q[3];
        break;
      }
      if (left == 0) break;
    }
    if ((f & 0x03) == 1) out[i] = v < 0 ? -v - 1 : -1;
    else out[i] = v >= 0 && v != PP_NOT_FOUND ? v : -1;
  }
  free(hg);
  return 0;
}

static napi_value packagePass(napi_env env, napi_callback_info info) {
  pp_job job;
  napi_value e = pp_args(env, info, "packagePass", &job, NULL);
  if (e != NULL) return e;
  const int res = pp_run(&job);
  if (res == -2) return throw_type(env, "packagePass: out of memory");
  napi_value r;
  CHECK(napi_create_int32(env, res, &r));
  return r;
}

static void pp_execute(napi_env env, void *data) {
  (void)env;
  pp_job *job = data;
  job->result = pp_run(job);
}

static void pp_complete(napi_env env, napi_status status, void *data) {
  pp_job *job = data;
  for (int k = 0; k < 7; k++) napi_delete_reference(env, job->refs[k]);
  napi_value r;
  if (status == napi_ok && job->result != -2 && napi_create_int32(env, job->result, &r) == napi_ok) napi_resolve_deferred(env, job->deferred, r);
  else {
    napi_value msg, err;
    if (napi_create_string_utf8(env, status == napi_ok ? "packagePassAsync: out of memory" : "packagePassAsync: cancelled", NAPI_AUTO_LENGTH, &msg) == napi_ok &&
        napi_create_error(env, NULL, msg, &err) == napi_ok)
      napi_reject_deferred(env, job->deferred, err);
  }
  napi_delete_async_work(env, job->work);
  free(job);
}

/*
 *   packagePassAsync(the arguments of packagePass) -> Promise<0 | -1>
 * packagePass on libuv's thread pool, for this thread to do other work meanwhile: the arguments
 * are checked here (a TypeError thrown at once), the arrays held until the work is done; out is
 * written by the pool's thread, to be read once the promise resolves. None of the arrays may be
 * changed (or transferred) before then.
 */
static napi_value packagePassAsync(napi_env env, napi_callback_info info) {
  pp_job *job = calloc(1, sizeof *job);
  if (job == NULL) return throw_type(env, "packagePassAsync: out of memory");
  napi_value vals[7];
  napi_value e = pp_args(env, info, "packagePassAsync", job, vals);
  if (e != NULL) {
    free(job);
    return e;
  }
  napi_value promise, name;
  int k = 0;
  for (; k < 7; k++)
    if (napi_create_reference(env, vals[k], 1, &job->refs[k]) != napi_ok) break;
  if (k < 7 || napi_create_promise(env, &job->deferred, &promise) != napi_ok ||
      napi_create_string_utf8(env, "diskblame:packagePass", NAPI_AUTO_LENGTH, &name) != napi_ok ||
      napi_create_async_work(env, NULL, name, pp_execute, pp_complete, job, &job->work) != napi_ok) {
    for (int j = 0; j < k; j++) napi_delete_reference(env, job->refs[j]);
    free(job);
    return throw_type(env, "packagePassAsync: cannot start");
  }
  if (napi_queue_async_work(env, job->work) != napi_ok) {
    /* (the promise is left unsettled: nothing else holds it) */
    for (int j = 0; j < 7; j++) napi_delete_reference(env, job->refs[j]);
    napi_delete_async_work(env, job->work);
    free(job);
    return throw_type(env, "packagePassAsync: cannot start");
  }
  return promise;
}

/* ------------------------------------------------------------------------------------------------
 * Disk bytes and entry counts by group in one flat pass (src/owners/packages.ts attributePackages
 * by package, src/owners/users.ts attributeUsers by owner: their JavaScript loops are the reference,
 * test/attribution.test.ts compares them). Sums of whole numbers: the order does not matter.
 *
 *   groupSums([fl, attr, dk, asize32, dsize32, dirOwnA, group, bytes, files, later, owned], count, how)
 *     -> how many entries were left to the caller (written to later, as many as it holds)
 * fl: entryFlags bytes (type 0x03, hard link 0x04, excluded 0x70); attr (any width) and dk
 * (Uint8Array by attribute: its disk-size kind); asize32 (a file's apparent size, a directory's
 * number); dsize32 (512-byte units or BIG; shorter than count: none); dirOwnA (a directory's own
 * apparent size, by directory number); group (Int32Array): by entry, or by attribute when how & 1;
 * a negative group counts in the last one (bytes.length - 1). bytes, files: Float64Array by group,
 * added to. how & 2: directories count their own disk bytes (not in files), else they are skipped.
 * Excluded entries are skipped. An entry's disk bytes are Tree.ownD's; the hard-linked files (the
 * caller counts an inode once) and the entries whose disk size is in the tree's spill map (BIG) are
 * not added but written to later (Uint32Array), in index order. owned (Uint8Array, length 0: none):
 * owned[i] <- 1 for every file (not a directory, not excluded) whose group is >= 0, later or not.
 * Every read and write is bounded; a group, attribute or directory out of range is a TypeError.
 */
static napi_value groupSums(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc < 3) return throw_type(env, "groupSums: 3 arguments");
  enum { G_FL, G_ATTR, G_DK, G_ASIZE, G_DSIZE, G_DIRA, G_GROUP, G_BYTES, G_FILES, G_LATER, G_OWNED, G_N };
  arr_t A[G_N];
  if (!get_arrs(env, argv[0], G_N, 1u << G_GROUP, A)) return throw_type(env, "groupSums: wrong arguments");
  double countD;
  int32_t how;
  if (napi_get_value_double(env, argv[1], &countD) != napi_ok || napi_get_value_int32(env, argv[2], &how) != napi_ok || !(countD >= 0))
    return throw_type(env, "groupSums: wrong arguments");
  const size_t count = (size_t)countD;
  const int byAttr = how & 1, dirs = how & 2;
  if (A[G_FL].w != 1 || A[G_ATTR].w > 4 || A[G_DK].w != 1 || A[G_ASIZE].w != 4 || A[G_DSIZE].w != 4 || A[G_DIRA].w != 4 || A[G_BYTES].w != 8 ||
      A[G_FILES].w != 8 || A[G_LATER].w != 4 || A[G_OWNED].w != 1 || count > A[G_FL].n || count > A[G_ATTR].n || count > A[G_ASIZE].n ||
      (!byAttr && count > A[G_GROUP].n) || (A[G_OWNED].n && count > A[G_OWNED].n) || A[G_BYTES].n == 0 || A[G_FILES].n < A[G_BYTES].n)
    return throw_type(env, "groupSums: arguments out of range");
  const uint8_t *fl = A[G_FL].p, *dk = A[G_DK].p;
  const uint32_t *asz = A[G_ASIZE].p, *dsz = A[G_DSIZE].p, *dira = A[G_DIRA].p;
  const int32_t *group = A[G_GROUP].p;
  double *bytes = A[G_BYTES].p, *files = A[G_FILES].p;
  uint32_t *later = A[G_LATER].p;
  uint8_t *owned = A[G_OWNED].n ? A[G_OWNED].p : NULL;
  const size_t ngroups = A[G_BYTES].n, none = ngroups - 1, ndsz = A[G_DSIZE].n;
  size_t nlater = 0;
  for (size_t i = 0; i < count; i++) {
    const uint8_t f = fl[i];
    if (f & 0x70) continue;
    const int dir = (f & 0x03) == 1;
    if (dir && !dirs) continue;
    const uint32_t at = u_at(&A[G_ATTR], i);
    if (at >= A[G_DK].n) return throw_type(env, "groupSums: an attribute out of range");
    int32_t g;
    if (byAttr) {
      if (at >= A[G_GROUP].n) return throw_type(env, "groupSums: an attribute out of range");
      g = group[at];
    } else g = group[i];
    if (g >= 0 && (size_t)g >= ngroups) return throw_type(env, "groupSums: a group out of range");
    if (owned && !dir && g >= 0) owned[i] = 1;
    const size_t gi = g < 0 ? none : (size_t)g;
    double b;
    if (!dir && (f & FL_HARDLINK)) b = -1;
    else if (dk[at] == DK_ZERO) b = 0;
    else if (dk[at] == DK_ROUND) {
      uint32_t a = asz[i];
      if (dir) {
        if (a >= A[G_DIRA].n) return throw_type(env, "groupSums: a directory out of range");
        a = dira[a];
      }
      b = (double)(((uint64_t)a + 4095) / 4096 * 4096);
    } else if (i < ndsz && dsz[i] != W_BIG) b = (double)dsz[i] * 512;
    else b = -1;
    if (b < 0) {
      if (nlater < A[G_LATER].n) later[nlater] = (uint32_t)i;
      nlater++;
      continue;
    }
    bytes[gi] += b;
    if (!dir) files[gi] += 1;
  }
  napi_value r;
  CHECK(napi_create_double(env, (double)nlater, &r));
  return r;
}
