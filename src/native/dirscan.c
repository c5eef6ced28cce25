/*
 * dirscan: the native directory reader of the scan engine (src/scan/worker.ts).
 *
 * One directory at a time, as du does: open it relative to its parent's fd when this reader listed
 * the parent lately (openat O_NOFOLLOW: the kernel resolves one name, and no symbolic link on the way
 * is followed), else by its whole path (O_NOFOLLOW on the last component only), then check that what
 * was opened is the directory the parent's listing saw (st_dev, st_ino): a directory swapped for a
 * symbolic link or another directory since is not listed (a read error), never followed. Read all
 * its names with getdents64, sort them by bytes (strcmp: the order Node's readdir gives, so both
 * readers list entries in the same order), then lstat each entry relative to the directory's fd
 * (fstatat AT_SYMLINK_NOFOLLOW: the kernel resolves one name, not the whole path) and write the
 * records straight into the engine's buffers, in exactly the layout the JavaScript reader writes:
 * NF doubles per record (see worker.ts: R_ASIZE ... R_FLAGS) and a u16 length + the name's bytes.
 * No JavaScript string is made per name. A huge directory is filled over several calls (the engine
 * sends a full buffer and calls again): memory is its names, as the JavaScript reader's list.
 *
 * Only directories are ever opened; FIFOs and devices are only stat()ed. The rare records whose
 * sizes or hard-link inode are 2^53 or more are flagged RF_BIG and their exact values returned
 * as bigints. What needs JavaScript (the --exclude patterns, mount points by name) is decided by
 * the engine from names() and handed back as one byte per entry (the mask).
 *
 * API (N-API 8, context-aware: each worker thread loads it for itself):
 *   create(rootDev, crossMounts, kernfsMagics[]) -> reader (an external)
 *   open(reader, path | bytes | fd, dirDev, dirIno) -> entry count, or -errno (the directory is not
 *        listed; -ESTALE: it is not the directory (dirDev, dirIno) the listing of its parent saw)
 *   names(reader) -> Buffer[] (the open directory's names, sorted)
 *   fill(reader, nums, recStart, maxRecs, names, nameStart, out, mask | null)
 *        -> [[record, asize, dsize, ino] bigints...] | undefined; out = [records, nameEnd, descends]
 *   close(reader)    (done with the open directory; its fd may stay in the cache below)
 *   release(reader)  (closes every fd the reader holds: at the end of a scan)
 *
 * The fd cache: up to CACHE_N directories listed lately that had subdirectories to scan stay open,
 * by path, so that their subdirectories (many of the tasks a thread gets next are children of what
 * it listed before) are opened with openat(parent fd, name). Bounded (the least recently used goes;
 * fewer under a low RLIMIT_NOFILE), O_CLOEXEC, emptied on EMFILE/ENFILE, by release() and when the
 * reader is garbage (a worker thread's readers when it exits). On /usr, one thread: 84% of the
 * directories opened relative to their parent (47% with 32 slots, 94% with 1024).
 */
#define _GNU_SOURCE
#ifndef NAPI_VERSION
#define NAPI_VERSION 8
#endif
#include <node_api.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#define NF 10
#define RF_READERR 4
#define RF_DESCEND 64
#define RF_BIG 128
#define TWO53 9007199254740992.0
#define TWO44 17592186044416.0

struct linux_dirent64 {
  uint64_t d_ino;
  int64_t d_off;
  unsigned short d_reclen;
  unsigned char d_type;
  char d_name[];
};

#ifndef CACHE_N
#define CACHE_N 128
#endif

typedef struct {
  char *path; /* the directory's path (bytes, no NUL), NULL: a free slot */
  size_t len;
  int fd;
  uint64_t used; /* when last used (the reader's clock): the least recently used goes first */
} cached_dir;

typedef struct {
  double root_dev;
  int cross;
  uint64_t *kern;
  size_t nkern;
  int fd;          /* the open directory, -1: none */
  double dir_dev;  /* its st_dev */
  char *names;     /* its names, NUL-terminated, one after another */
  size_t nlen, ncap;
  uint32_t *offs;  /* offsets into names, sorted by name */
  size_t n, cap;
  size_t pos;      /* next entry to fill */
  char *path;      /* the open directory's path (its cache key), NULL: opened through an fd */
  size_t plen;
  int descends;    /* it has subdirectories to scan: worth caching */
  cached_dir cache[CACHE_N];
  unsigned ncache; /* slots in use at most: CACHE_N, fewer under a low limit of open files */
  uint64_t clock;  /* ticks at each use of the cache */
  double hits, misses; /* opens relative to a cached parent, and by whole path (release() says) */
} reader;

/* qsort_r: several threads sort at once */
static int by_name(const void *a, const void *b, void *base) {
  return strcmp((const char *)base + *(const uint32_t *)a, (const char *)base + *(const uint32_t *)b);
}

static void drop(cached_dir *c) {
  if (!c->path) return;
  close(c->fd);
  free(c->path);
  c->path = NULL;
  c->fd = -1;
}

static void release_all(reader *r) {
  for (unsigned k = 0; k < CACHE_N; k++) drop(&r->cache[k]);
}

/* done with the open directory: into the cache when its subdirectories come next, else closed */
static void reset(reader *r) {
  if (r->fd >= 0) {
    if (r->path && r->descends && r->ncache) {
      cached_dir *c = &r->cache[0];
      for (unsigned k = 1; k < r->ncache && c->path; k++)
        if (!r->cache[k].path || r->cache[k].used < c->used) c = &r->cache[k];
      drop(c);
      c->used = ++r->clock;
      c->path = r->path;
      c->len = r->plen;
      c->fd = r->fd;
      r->path = NULL;
    } else
      close(r->fd);
  }
  free(r->path);
  r->path = NULL;
  r->fd = -1;
  r->descends = 0;
  r->nlen = 0;
  r->n = 0;
  r->pos = 0;
}

/* the fd of the cached directory whose path is p's parent (p = parent "/" name), else -1; *name: the name */
static int parent_fd(reader *r, const char *p, size_t len, const char **name) {
  const char *slash = len ? memrchr(p, '/', len) : NULL;
  if (!slash || slash == p + len - 1) return -1;
  size_t plen = (size_t)(slash - p);
  for (unsigned k = 0; k < CACHE_N; k++) {
    cached_dir *c = &r->cache[k];
    if (c->path && c->len == plen && memcmp(c->path, p, plen) == 0) {
      c->used = ++r->clock;
      *name = slash + 1;
      return c->fd;
    }
  }
  return -1;
}

/* open the directory at path p (NUL-terminated, len bytes): relative to its cached parent, else whole */
static int open_dir(reader *r, const char *p, size_t len, int flags) {
  for (int again = 0;; again = 1) {
    const char *name = NULL;
    const int at = parent_fd(r, p, len, &name);
    int fd;
    if (at >= 0) {
      fd = openat(at, name, flags);
      r->hits++;
    } else {
      fd = open(p, flags);
      r->misses++;
    }
    if (fd >= 0 || again || (errno != EMFILE && errno != ENFILE)) return fd;
    release_all(r); /* out of fds: ours go first */
  }
}

static void finalize(napi_env env, void *data, void *hint) {
  (void)env;
  (void)hint;
  reader *r = data;
  reset(r);
  release_all(r);
  free(r->kern);
  free(r->names);
  free(r->offs);
  free(r);
}

#define CHECK(call)                                                   \
  do {                                                                \
    if ((call) != napi_ok) {                                          \
      napi_throw_error(env, NULL, "dirscan: " #call " failed");       \
      return NULL;                                                    \
    }                                                                 \
  } while (0)

static reader *get_reader(napi_env env, napi_value v) {
  void *p = NULL;
  if (napi_get_value_external(env, v, &p) != napi_ok || p == NULL) {
    napi_throw_type_error(env, NULL, "dirscan: not a reader");
    return NULL;
  }
  return p;
}

/* the call's arguments argv[0..n-1]; argv[0] is the reader, r */
#define READER_ARGS(n)                                         \
  size_t argc = n;                                             \
  napi_value argv[n];                                          \
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL)); \
  reader *r = get_reader(env, argv[0]);                        \
  if (!r) return NULL

static napi_value num(napi_env env, double d) {
  napi_value v;
  napi_create_double(env, d, &v);
  return v;
}

static napi_value create(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  reader *r = calloc(1, sizeof *r);
  if (!r) {
    napi_throw_error(env, NULL, "dirscan: out of memory");
    return NULL;
  }
  r->fd = -1;
  /* a 32nd of the open files allowed (Node raises the soft limit to the hard one): several threads
     scan at once, and the rest of the program opens files too */
  struct rlimit rl;
  r->ncache = CACHE_N;
  if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur / 32 < CACHE_N)
    r->ncache = (unsigned)(rl.rlim_cur / 32);
  CHECK(napi_get_value_double(env, argv[0], &r->root_dev));
  bool cross = false;
  CHECK(napi_get_value_bool(env, argv[1], &cross));
  r->cross = cross;
  uint32_t k = 0;
  CHECK(napi_get_array_length(env, argv[2], &k));
  r->kern = calloc(k ? k : 1, sizeof *r->kern);
  r->nkern = k;
  for (uint32_t i = 0; i < k; i++) {
    napi_value e;
    double d;
    CHECK(napi_get_element(env, argv[2], i, &e));
    CHECK(napi_get_value_double(env, e, &d));
    r->kern[i] = (uint64_t)d;
  }
  napi_value ext;
  CHECK(napi_create_external(env, r, finalize, NULL, &ext));
  return ext;
}

/* read every name of r->fd (but . and ..) into r->names; 0 or -errno */
static int read_names(reader *r) {
  char buf[65536] __attribute__((aligned(8)));
  for (;;) {
    long got = syscall(SYS_getdents64, r->fd, buf, sizeof buf);
    if (got < 0) {
      if (errno == EINTR) continue;
      return -errno;
    }
    if (got == 0) return 0;
    for (long off = 0; off < got;) {
      struct linux_dirent64 *d = (struct linux_dirent64 *)(buf + off);
      off += d->d_reclen;
      const char *nm = d->d_name;
      if (nm[0] == '.' && (nm[1] == 0 || (nm[1] == '.' && nm[2] == 0))) continue;
      size_t len = strlen(nm) + 1;
      if (r->nlen + len > r->ncap) {
        size_t c = r->ncap ? r->ncap * 2 : 65536;
        while (c < r->nlen + len) c *= 2;
        char *p = realloc(r->names, c);
        if (!p) return -ENOMEM;
        r->names = p;
        r->ncap = c;
      }
      if (r->n == r->cap) {
        size_t c = r->cap ? r->cap * 2 : 1024;
        uint32_t *p = realloc(r->offs, c * sizeof *p);
        if (!p) return -ENOMEM;
        r->offs = p;
        r->cap = c;
      }
      if (r->nlen + len > UINT32_MAX) return -ENOMEM;
      memcpy(r->names + r->nlen, nm, len);
      r->offs[r->n++] = (uint32_t)r->nlen;
      r->nlen += len;
    }
  }
}

static napi_value do_open(napi_env env, napi_callback_info info) {
  READER_ARGS(4);
  reset(r);
  CHECK(napi_get_value_double(env, argv[2], &r->dir_dev));
  double want_ino = -1;
  napi_valuetype it;
  CHECK(napi_typeof(env, argv[3], &it));
  if (it == napi_number) CHECK(napi_get_value_double(env, argv[3], &want_ino));
  napi_valuetype t;
  CHECK(napi_typeof(env, argv[1], &t));
  const int flags = O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC;
  int fd;
  if (t == napi_number) {
    /* an anchor: a directory the engine holds open; a description of our own (its own offset) */
    int32_t at;
    CHECK(napi_get_value_int32(env, argv[1], &at));
    fd = openat(at, ".", flags);
  } else if (t == napi_string) {
    size_t len;
    CHECK(napi_get_value_string_utf8(env, argv[1], NULL, 0, &len));
    char *p = malloc(len + 1);
    if (!p) return num(env, -ENOMEM);
    napi_get_value_string_utf8(env, argv[1], p, len + 1, &len);
    fd = open_dir(r, p, len, flags);
    r->path = p;
    r->plen = len;
  } else {
    /* the path's exact bytes (a Buffer or Uint8Array): a NUL-terminated copy */
    void *data;
    size_t len;
    bool isbuf = false;
    napi_is_buffer(env, argv[1], &isbuf);
    if (isbuf)
      CHECK(napi_get_buffer_info(env, argv[1], &data, &len));
    else {
      napi_typedarray_type tt;
      napi_value ab;
      size_t bo;
      CHECK(napi_get_typedarray_info(env, argv[1], &tt, &len, &data, &ab, &bo));
    }
    char *p = malloc(len + 1);
    if (!p) return num(env, -ENOMEM);
    memcpy(p, data, len);
    p[len] = 0;
    fd = memchr(p, 0, len) ? (errno = ENOENT, -1) : open_dir(r, p, len, flags);
    r->path = p;
    r->plen = len;
  }
  if (fd < 0) {
    const int e = errno;
    free(r->path);
    r->path = NULL;
    return num(env, -e);
  }
  r->fd = fd;
  /* the directory the parent's listing saw, or something else since (swapped, renamed over) */
  struct stat st;
  const int e0 = fstat(fd, &st) != 0 ? errno : 0;
  if (e0 || (double)st.st_dev != r->dir_dev || (want_ino >= 0 && (double)st.st_ino != want_ino)) {
    reset(r);
    return num(env, e0 ? -e0 : -ESTALE);
  }
  int e = read_names(r);
  if (e < 0) {
    reset(r);
    return num(env, e);
  }
  qsort_r(r->offs, r->n, sizeof *r->offs, by_name, r->names);
  return num(env, (double)r->n);
}

static napi_value names(napi_env env, napi_callback_info info) {
  READER_ARGS(1);
  napi_value arr;
  CHECK(napi_create_array_with_length(env, r->n, &arr));
  for (size_t i = 0; i < r->n; i++) {
    const char *nm = r->names + r->offs[i];
    napi_value b;
    CHECK(napi_create_buffer_copy(env, strlen(nm), nm, NULL, &b));
    CHECK(napi_set_element(env, arr, (uint32_t)i, b));
  }
  return arr;
}

static napi_value do_close(napi_env env, napi_callback_info info) {
  READER_ARGS(1);
  reset(r);
  return NULL;
}

/* returns [opens relative to a cached parent, opens by whole path] so far */
static napi_value do_release(napi_env env, napi_callback_info info) {
  READER_ARGS(1);
  reset(r);
  release_all(r);
  napi_value arr;
  CHECK(napi_create_array_with_length(env, 2, &arr));
  CHECK(napi_set_element(env, arr, 0, num(env, r->hits)));
  CHECK(napi_set_element(env, arr, 1, num(env, r->misses)));
  return arr;
}

static void *typed_data(napi_env env, napi_value v, size_t *bytes) {
  napi_typedarray_type tt;
  size_t len, bo;
  void *data = NULL;
  napi_value ab;
  if (napi_get_typedarray_info(env, v, &tt, &len, &data, &ab, &bo) != napi_ok) return NULL;
  *bytes = tt == napi_float64_array ? len * 8 : len;
  return data;
}

/* is this directory (name in the reader's open directory) on a kernel pseudo-filesystem? */
static int on_kernfs(reader *r, const char *nm) {
  int fd = openat(r->fd, nm, O_PATH | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) return 0; /* not fatal: scan it */
  struct statfs sf;
  int ok = fstatfs(fd, &sf) == 0;
  close(fd);
  if (!ok) return 0;
  uint64_t type = (uint64_t)(unsigned long)sf.f_type;
  for (size_t k = 0; k < r->nkern; k++)
    if (r->kern[k] == type) return 1;
  return 0;
}

static napi_value big_entry(napi_env env, double rec, uint64_t a, uint64_t d, uint64_t ino) {
  napi_value e, v;
  const uint64_t vals[3] = {a, d, ino};
  napi_create_array_with_length(env, 4, &e);
  napi_set_element(env, e, 0, num(env, rec));
  for (uint32_t k = 0; k < 3; k++) {
    napi_create_bigint_uint64(env, vals[k], &v);
    napi_set_element(env, e, k + 1, v);
  }
  return e;
}

static napi_value fill(napi_env env, napi_callback_info info) {
  READER_ARGS(8);
  size_t nbytes = 0, mbytes = 0, obytes = 0, maskbytes = 0;
  double *nums = typed_data(env, argv[1], &nbytes);
  uint32_t start, max, nstart;
  CHECK(napi_get_value_uint32(env, argv[2], &start));
  CHECK(napi_get_value_uint32(env, argv[3], &max));
  unsigned char *nb = typed_data(env, argv[4], &mbytes);
  CHECK(napi_get_value_uint32(env, argv[5], &nstart));
  double *out = typed_data(env, argv[6], &obytes);
  napi_valuetype mt;
  CHECK(napi_typeof(env, argv[7], &mt));
  const unsigned char *mask = NULL;
  if (mt == napi_object) {
    mask = typed_data(env, argv[7], &maskbytes);
    if (mask && maskbytes < r->n) mask = NULL;
  }
  if (!nums || !nb || !out || obytes < 3 * 8) {
    napi_throw_type_error(env, NULL, "dirscan: fill: bad buffers");
    return NULL;
  }
  if ((size_t)(start + max) * NF * 8 > nbytes) max = nbytes / (NF * 8) > start ? (uint32_t)(nbytes / (NF * 8) - start) : 0;
  napi_value bigs = NULL;
  uint32_t nbig = 0;
  size_t no = nstart;
  uint32_t w = 0, descends = 0;
  while (w < max && r->pos < r->n && r->fd >= 0) {
    const char *nm = r->names + r->offs[r->pos];
    size_t len = strlen(nm);
    if (no + 2 + len > mbytes) break; /* the names buffer is full: the engine grows it */
    nb[no] = len & 0xff;
    nb[no + 1] = (len >> 8) & 0xff;
    memcpy(nb + no + 2, nm, len);
    no += 2 + len;
    const unsigned m = mask ? mask[r->pos] : 0;
    r->pos++;
    const uint32_t rec = start + w++;
    double *o = nums + (size_t)rec * NF;
    struct stat st;
    if (m == 1 || fstatat(r->fd, nm, &st, AT_SYMLINK_NOFOLLOW) != 0) {
      /* excluded by a pattern (never stat()ed), or vanished / not permitted: a read error */
      memset(o, 0, NF * sizeof *o);
      o[4] = 1;
      o[5] = o[6] = o[7] = o[8] = -1;
      o[9] = m == 1 ? (1 << 3) : RF_READERR;
      continue;
    }
    const unsigned fmt = st.st_mode & S_IFMT;
    const unsigned type = fmt == S_IFREG ? 0 : fmt == S_IFDIR ? 1 : fmt == S_IFLNK ? 2 : 3;
    unsigned flags = type;
    const double dev = (double)st.st_dev;
    const double size = (double)st.st_size, blocks = (double)st.st_blocks;
    o[0] = size;
    o[1] = blocks * 512;
    o[2] = dev;
    o[3] = (double)st.st_ino;
    o[4] = (double)st.st_nlink;
    o[5] = (double)st.st_mtim.tv_sec;
    o[6] = st.st_uid;
    o[7] = st.st_gid;
    o[8] = st.st_mode;
    const int mnt = m == 2; /* a mount point (mountinfo) */
    if (type != 1) {
      /* a file mounted here from another filesystem: not counted while staying on one, as du -x */
      if (!r->cross && (mnt || dev != r->root_dev)) {
        flags |= 2 << 3;
        o[0] = o[1] = 0;
      }
    } else {
      unsigned excl = 0;
      if (dev != r->dir_dev || mnt) {
        if (!r->cross && (dev != r->root_dev || mnt))
          excl = 2;
        else if (on_kernfs(r, nm))
          excl = 3;
      }
      if (excl) {
        flags |= excl << 3;
        o[0] = o[1] = 0;
      } else {
        flags |= RF_DESCEND;
        descends++;
      }
    }
    const int big_size = (size >= TWO53 || blocks >= TWO44) && (o[0] != 0 || o[1] != 0);
    if (big_size || ((double)st.st_ino >= TWO53 && st.st_nlink > 1 && type != 1)) {
      if (!bigs) CHECK(napi_create_array(env, &bigs));
      uint64_t a = big_size ? (uint64_t)st.st_size : (uint64_t)o[0];
      uint64_t d = big_size ? (uint64_t)st.st_blocks * 512 : (uint64_t)o[1];
      CHECK(napi_set_element(env, bigs, nbig++, big_entry(env, rec, a, d, (uint64_t)st.st_ino)));
      flags |= RF_BIG;
    }
    o[9] = flags;
  }
  out[0] = w;
  out[1] = (double)no;
  out[2] = descends;
  if (descends) r->descends = 1;
  if (bigs) return bigs;
  napi_value u;
  napi_get_undefined(env, &u);
  return u;
}

NAPI_MODULE_INIT() {
  napi_property_descriptor props[] = {
      {"create", NULL, create, NULL, NULL, NULL, napi_enumerable, NULL},
      {"open", NULL, do_open, NULL, NULL, NULL, napi_enumerable, NULL},
      {"names", NULL, names, NULL, NULL, NULL, napi_enumerable, NULL},
      {"fill", NULL, fill, NULL, NULL, NULL, napi_enumerable, NULL},
      {"close", NULL, do_close, NULL, NULL, NULL, napi_enumerable, NULL},
      {"release", NULL, do_release, NULL, NULL, NULL, napi_enumerable, NULL},
  };
  if (napi_define_properties(env, exports, sizeof props / sizeof *props, props) != napi_ok) return NULL;
  return exports;
}
