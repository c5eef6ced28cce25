/*
 * ncduparse: the fast path of the ncdu JSON export reader (src/import/ncdu-reader.ts).
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
  x.p8 = 0;
  x.o64 = o64p;
  x.n64 = o64len;
  x.p64 = 0;
  /* the first record carries every value (the decoder's entry is whatever the last call left) */
  for (int k = 0; k < 9; k++) x.prev.v[k] = __builtin_nan("");
  double *devs = dp;
  const size_t devCap = dlen;
  const uint8_t *b = bp;
  const size_t n = (size_t)end;

  size_t p = (size_t)start;
  int state = (int)st;
  size_t d = (size_t)depth;
  info_t e;
  /* a name with escapes, decoded */
  uint8_t scratch[NAME_MAX_BYTES + 8];
  for (;;) {
    /* here: a clean boundary (p, state, d), every record before it written */
    size_t q = skip_ws(&x, p);
    if (q >= n) break;
    uint8_t c = b[q];
    if (state == ST_DIRNEXT) {
      if (c == 0x2c) {
        p = q + 1;
        state = ST_DIRITEM;
        continue;
      }
      if (c != 0x5d || d <= 1 || x.p8 + 1 > x.n8) break; /* (the root's end: the JavaScript parser's) */
      x.o8[x.p8++] = R_LEAVE;
      d--;
      p = q + 1;
      continue;
    }
    /* DirItem: an entry */
    if (c == 0x7b) {
      defaults(&e, devs[d - 1]);
      size_t r = info_object(&x, q, &e, scratch);
      if (r == 0 || !room(&x, &e)) break;
      record(&x, R_ADD, file_type(&e), &e);
      p = r;
      state = ST_DIRNEXT;
      continue;
    }
    if (c != 0x5b || d >= devCap) break;
    q = skip_ws(&x, q + 1);
    if (q >= n || b[q] != 0x7b) break;
    defaults(&e, devs[d - 1]);
    size_t r = info_object(&x, q, &e, scratch);
    if (r == 0) break;
    r = skip_ws(&x, r);
    if (r >= n || !room(&x, &e)) break;
    c = b[r];
    if (c == 0x2c) {
      /* a directory with children (enterDir) */
      record(&x, R_ENTER, T_DIR, &e);
      devs[d] = e.dev;
      d++;
      p = r + 1;
      state = ST_DIRITEM;
    } else if (c == 0x5d) {
      /* a childless one: an entry when excluded or unreadable, else entered and left */
      if (e.excluded != X_NONE || e.readError) record(&x, R_ADD, T_DIR, &e);
      else {
        record(&x, R_ENTER, T_DIR, &e);
        x.o8[x.p8++] = R_LEAVE;
      }
      p = r + 1;
      state = ST_DIRNEXT;
    } else break;
  }
  double *io = iop;
  io[0] = (double)p;
  io[1] = state;
  io[2] = (double)d;
  io[3] = (double)x.p8;
  io[4] = (double)x.p64;
  return NULL;
}

NAPI_MODULE_INIT() {
  napi_property_descriptor props[] = {
      {"fast", NULL, fast, NULL, NULL, NULL, napi_enumerable, NULL},
  };
  if (napi_define_properties(env, exports, sizeof props / sizeof *props, props) != napi_ok) return NULL;
  return exports;
}
