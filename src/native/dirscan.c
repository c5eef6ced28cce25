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
 *   create(rootDev, crossMounts, kernfsMagics[], excludeCaches?) -> reader (an external)
 *        excludeCaches: a subdirectory holding a valid CACHEDIR.TAG (has_cachedir_tag) is listed
 *        excluded ('pattern', sizes 0, not descended into), as ncdu --exclude-caches
 *   excludeCaches: true (this build takes the argument above and startThread's sixth)
 *   open(reader, path | bytes | fd, dirDev, dirIno) -> entry count, or -errno (the directory is not
 *        listed; -ESTALE: it is not the directory (dirDev, dirIno) the listing of its parent saw)
 *   names(reader) -> Buffer[] (the open directory's names, sorted)
 *   fill(reader, nums, recStart, maxRecs, names, nameStart, out, mask | null)
 *        -> [[record, asize, dsize, ino] bigints...] | undefined; out = [records, nameEnd, descends]
 *   close(reader)    (done with the open directory; its fd may stay in the cache below)
 *   release(reader)  (closes every fd the reader holds: at the end of a scan)
 *   startThread, send, recycle, busy, stop: scanning threads of the addon's own, each with its own
 *        reader, running the same open + fill on batches of tasks off the main thread (see the
 *        comment above them, at the end of this file, and src/scan/nthread.ts)
 *   holdTrimThreshold(bytes): the C library's trim threshold held at `bytes` (see do_hold_trim)
 *
 * The fd cache is per reader, and a reader is used by one thread at a time (its fields are not
 * locked): the main thread's engine has one, each scanning thread its own.
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
#ifdef __GLIBC__
#include <malloc.h>
#endif
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
  int caches; /* --exclude-caches */
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

static void reader_free(reader *r) {
  reset(r);
  release_all(r);
  free(r->kern);
  free(r->names);
  free(r->offs);
  free(r);
}

static void finalize(napi_env env, void *data, void *hint) {
  (void)env;
  (void)hint;
  reader_free(data);
}

#define CHECK(call)                                                   \
  do {                                                                \
    if ((call) != napi_ok) {                                          \
      napi_throw_error(env, NULL, "dirscan: " #call " failed");       \
      return NULL;                                                    \
    }                                                                 \
  } while (0)

/* the object behind a handle (an external): a reader or a scanning thread; NULL: an exception is pending */
static void *handle_of(napi_env env, napi_value v, const char *what) {
  void *p = NULL;
  if (napi_get_value_external(env, v, &p) != napi_ok || p == NULL) {
    napi_throw_type_error(env, NULL, what);
    return NULL;
  }
  return p;
}

/* the call's arguments argv[0..n-1]; argv[0] is the handle, var (of type T) */
#define HANDLE_ARGS(n, T, var, what)                           \
  size_t argc = n;                                             \
  napi_value argv[n];                                          \
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL)); \
  T *var = handle_of(env, argv[0], what);                      \
  if (!var) return NULL
#define READER_ARGS(n) HANDLE_ARGS(n, reader, r, "dirscan: not a reader")

static napi_value num(napi_env env, double d) {
  napi_value v;
  napi_create_double(env, d, &v);
  return v;
}

/* a path argument (a string, a Buffer or a Uint8Array of its exact bytes) as a NUL-terminated
   malloc'd copy; NULL: out of memory or not a path (an exception may be pending) */
static char *path_arg(napi_env env, napi_value v, size_t *lenp) {
  napi_valuetype t;
  if (napi_typeof(env, v, &t) != napi_ok) return NULL;
  if (t == napi_string) {
    size_t len;
    if (napi_get_value_string_utf8(env, v, NULL, 0, &len) != napi_ok) return NULL;
    char *p = malloc(len + 1);
    if (!p) return NULL;
    napi_get_value_string_utf8(env, v, p, len + 1, &len);
    *lenp = len;
    return p;
  }
  void *data = NULL;
  size_t len = 0;
  bool isbuf = false;
  napi_is_buffer(env, v, &isbuf);
  if (isbuf) {
    if (napi_get_buffer_info(env, v, &data, &len) != napi_ok) return NULL;
  } else {
    napi_typedarray_type tt;
    napi_value ab;
    size_t bo;
    if (napi_get_typedarray_info(env, v, &tt, &len, &data, &ab, &bo) != napi_ok) return NULL;
  }
  char *p = malloc(len + 1);
  if (!p) return NULL;
  if (len) memcpy(p, data, len);
  p[len] = 0;
  *lenp = len;
  return p;
}

/* a reader for a scan whose root is on rootDev; NULL: out of memory */
static reader *reader_new(double root_dev, int cross, const uint64_t *kern, size_t nkern, int caches) {
  reader *r = calloc(1, sizeof *r);
  if (!r) return NULL;
  r->fd = -1;
  /* a 32nd of the open files allowed (Node raises the soft limit to the hard one): several threads
     scan at once, and the rest of the program opens files too */
  struct rlimit rl;
  r->ncache = CACHE_N;
  if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur / 32 < CACHE_N)
    r->ncache = (unsigned)(rl.rlim_cur / 32);
  r->root_dev = root_dev;
  r->cross = cross;
  r->caches = caches;
  r->kern = calloc(nkern ? nkern : 1, sizeof *r->kern);
  if (!r->kern) {
    free(r);
    return NULL;
  }
  if (nkern) memcpy(r->kern, kern, nkern * sizeof *kern);
  r->nkern = nkern;
  return r;
}

/* the kernfs magics of an array of numbers (malloc'd; *n its length) */
static uint64_t *magics_arg(napi_env env, napi_value arr, size_t *n) {
  uint32_t k = 0;
  if (napi_get_array_length(env, arr, &k) != napi_ok) return NULL;
  uint64_t *m = calloc(k ? k : 1, sizeof *m);
  if (!m) return NULL;
  for (uint32_t i = 0; i < k; i++) {
    napi_value e;
    double d = 0;
    napi_get_element(env, arr, i, &e);
    napi_get_value_double(env, e, &d);
    m[i] = (uint64_t)d;
  }
  *n = k;
  return m;
}

static napi_value create(napi_env env, napi_callback_info info) {
  size_t argc = 4;
  napi_value argv[4];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  double root_dev;
  CHECK(napi_get_value_double(env, argv[0], &root_dev));
  bool cross = false, caches = false;
  CHECK(napi_get_value_bool(env, argv[1], &cross));
  if (argc >= 4) napi_get_value_bool(env, argv[3], &caches); /* absent or not a boolean: false */
  size_t nk = 0;
  uint64_t *kern = magics_arg(env, argv[2], &nk);
  reader *r = kern ? reader_new(root_dev, cross, kern, nk, caches) : NULL;
  free(kern);
  if (!r) {
    napi_throw_error(env, NULL, "dirscan: out of memory");
    return NULL;
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

/*
 * List the directory at path p (len bytes, NUL-terminated; NULL: through the fd `at`, opened as
 * "." relative to it) into r: the entry count, or -errno (-ESTALE: not the directory (dev, ino)
 * the parent's listing saw; ino < 0: not checked). p becomes the reader's (the cache key) or is
 * freed. No N-API call: the scanning threads run it too.
 */
static int reader_open(reader *r, char *p, size_t len, int at, double dev, double want_ino) {
  reset(r);
  r->dir_dev = dev;
  const int flags = O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC;
  int fd;
  if (!p)
    fd = openat(at, ".", flags);
  else if (memchr(p, 0, len)) {
    errno = ENOENT;
    fd = -1;
  } else {
    fd = open_dir(r, p, len, flags);
    /* an anchor's path (/proc/self/fd/N/...) is no key: N names another directory once closed */
    if (len >= 14 && memcmp(p, "/proc/self/fd/", 14) == 0) {
      free(p);
      p = NULL;
    }
    r->path = p;
    r->plen = len;
  }
  if (fd < 0) {
    const int e = errno;
    free(r->path);
    r->path = NULL;
    return -e;
  }
  r->fd = fd;
  /* the directory the parent's listing saw, or something else since (swapped, renamed over) */
  struct stat st;
  const int e0 = fstat(fd, &st) != 0 ? errno : 0;
  if (e0 || (double)st.st_dev != r->dir_dev || (want_ino >= 0 && (double)st.st_ino != want_ino)) {
    reset(r);
    return e0 ? -e0 : -ESTALE;
  }
  int e = read_names(r);
  if (e < 0) {
    reset(r);
    return e;
  }
  qsort_r(r->offs, r->n, sizeof *r->offs, by_name, r->names);
  return (int)r->n;
}

static napi_value do_open(napi_env env, napi_callback_info info) {
  READER_ARGS(4);
  reset(r);
  double dev, want_ino = -1;
  CHECK(napi_get_value_double(env, argv[2], &dev));
  napi_valuetype it;
  CHECK(napi_typeof(env, argv[3], &it));
  if (it == napi_number) CHECK(napi_get_value_double(env, argv[3], &want_ino));
  napi_valuetype t;
  CHECK(napi_typeof(env, argv[1], &t));
  if (t == napi_number) {
    /* an anchor: a directory the engine holds open; a description of our own (its own offset) */
    int32_t at;
    CHECK(napi_get_value_int32(env, argv[1], &at));
    return num(env, reader_open(r, NULL, 0, at, dev, want_ino));
  }
  size_t len;
  char *p = path_arg(env, argv[1], &len);
  if (!p) return num(env, -ENOMEM);
  return num(env, reader_open(r, p, len, -1, dev, want_ino));
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

/*
 * Does directory `nm` (in the open directory) hold a valid CACHEDIR.TAG (https://bford.info/cachedir/):
 * a regular file whose first 43 bytes are the signature? The directory is opened relative to the
 * listing's fd and the tag relative to that one, both O_NOFOLLOW (no symbolic link is followed, the
 * tag's own included), the tag O_NONBLOCK (a FIFO put there does not block the open) and checked
 * with fstat to be a regular file before a byte is read (never a FIFO or a device). 0 on any error.
 */
static int has_cachedir_tag(int dirfd, const char *nm) {
  static const char sig[] = "Signature: 8a477f597d28d172789f06886806bc55";
  const size_t n = sizeof sig - 1; /* 43 */
  int d = openat(dirfd, nm, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (d < 0) return 0;
  int f = openat(d, "CACHEDIR.TAG", O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
  close(d);
  if (f < 0) return 0;
  struct stat st;
  char buf[sizeof sig];
  size_t got = 0;
  if (fstat(f, &st) == 0 && S_ISREG(st.st_mode) && st.st_size >= (off_t)n) {
    while (got < n) {
      ssize_t k = read(f, buf + got, n - got);
      if (k < 0 && errno == EINTR) continue;
      if (k <= 0) break;
      got += (size_t)k;
    }
  }
  close(f);
  return got == n && memcmp(buf, sig, n) == 0;
}

/* a record whose sizes or inode number are 2^53 or more: the exact values (RF_BIG) */
typedef struct {
  uint32_t rec;
  uint64_t a, d, ino;
} bigrec;

typedef struct {
  bigrec *v;
  size_t n, cap;
} biglist;

static int big_push(biglist *b, bigrec x) {
  if (b->n == b->cap) {
    size_t c = b->cap ? b->cap * 2 : 16;
    bigrec *p = realloc(b->v, c * sizeof *p);
    if (!p) return -1;
    b->v = p;
    b->cap = c;
  }
  b->v[b->n++] = x;
  return 0;
}

/*
 * Write the open directory's next records (at most max) at record `start` of nums (NF doubles
 * each) and their names (u16 length + bytes) from byte `no` of nb (mbytes long), as the engine's
 * JavaScript reader does; mask (or NULL): one byte per entry, 1 excluded, 2 a mount point. Stops
 * early when the names buffer is full. out: [records written, names' end, descending records].
 * No N-API call: the scanning threads run it too.
 */
static void fill_core(reader *r, double *nums, uint32_t start, uint32_t max, unsigned char *nb, size_t no, size_t mbytes,
                      const unsigned char *mask, double out[3], biglist *bigs) {
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
      if (!excl && r->caches && has_cachedir_tag(r->fd, nm))
        excl = 1; /* --exclude-caches: listed as ncdu does, excluded ('pattern') */
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
      bigrec b = {rec, big_size ? (uint64_t)st.st_size : (uint64_t)o[0], big_size ? (uint64_t)st.st_blocks * 512 : (uint64_t)o[1],
                  (uint64_t)st.st_ino};
      if (big_push(bigs, b) == 0) flags |= RF_BIG; /* out of memory: the rounded values */
    }
    o[9] = flags;
  }
  out[0] = w;
  out[1] = (double)no;
  out[2] = descends;
  if (descends) r->descends = 1;
}

/* [[record, asize, dsize, ino] bigints...] */
static napi_value bigs_array(napi_env env, const biglist *b) {
  napi_value arr, e, v;
  napi_create_array_with_length(env, b->n, &arr);
  for (size_t i = 0; i < b->n; i++) {
    const uint64_t vals[3] = {b->v[i].a, b->v[i].d, b->v[i].ino};
    napi_create_array_with_length(env, 4, &e);
    napi_set_element(env, e, 0, num(env, b->v[i].rec));
    for (uint32_t k = 0; k < 3; k++) {
      napi_create_bigint_uint64(env, vals[k], &v);
      napi_set_element(env, e, k + 1, v);
    }
    napi_set_element(env, arr, (uint32_t)i, e);
  }
  return arr;
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
  biglist bigs = {NULL, 0, 0};
  fill_core(r, nums, start, max, nb, nstart, mbytes, mask, out, &bigs);
  napi_value res;
  if (bigs.n)
    res = bigs_array(env, &bigs);
  else
    napi_get_undefined(env, &res);
  free(bigs.v);
  return res;
}

/* ---------------------------------------------------------------------------------------------
 * Scanning threads: a pthread per thread, each with its own reader (the reader is not
 * thread-safe), fed batches of tasks by the main thread and posting the engine's messages back
 * through a thread-safe function. Records go into buffers of this module's own (malloc'd), handed
 * once as external ArrayBuffers the first time the main thread sees them and reused after it gives
 * them back (recycle): nothing is copied or serialized but each piece's few numbers. No napi_ref is
 * kept (a reference would be finalized by the environment's teardown before this module's hooks).
 *
 *   startThread(rootDev, crossMounts, kernfs[], longPath, onMessage, excludeCaches?) -> thread (an external)
 *   send(thread, paths[], nums)   nums: Float64Array [id, dev, ino] per task; a batch, queued
 *   recycle(thread, bufferId)     the buffer's records are used: the thread may write it again
 *   busy(thread) -> ms spent scanning so far
 *   stop(thread) -> [opens relative to a cached parent, by whole path]: stops after the entry in
 *        hand, joins the thread, closes its fds; messages not yet delivered are dropped
 *   onMessage(bufferId, numsAB, namesAB, piecesAB, subsAB, records, nameBytes, pieceNums, subNums, bigs, end)
 *        the four ArrayBuffers: the buffer's memory, the first time it is used (else undefined): the
 *        caller keeps them while the thread lives (they own the memory; the thread writes it);
 *        records (NF doubles each) and nameBytes of names (u16 length + bytes) are this message's;
 *        pieces (doubles): PIECE_F per piece [id, start, count, last, errno, anchor, first sub (in
 *        numbers of subs), sub count]; subs (u32): [record, name offset] per subdirectory to scan;
 *        bigs: [[record, asize, dsize, ino] bigints...] or null; end: the batch's last message
 *        bufferId -1 (the rest undefined): the thread ran out of memory and scans no more (its
 *        batches will not end: the scan fails)
 * Own pthreads rather than N-API async work on libuv's pool: a reader's batches must run one after
 * another, and async work only starts the next one after the main thread has run the completion
 * of the last (the thread would wait while the main thread builds the tree); the pool is also
 * shared with fs and zlib work, and its size is the user's.
 * -------------------------------------------------------------------------------------------- */
#include <pthread.h>
#include <time.h>

#define PIECE_F 8
#define BUF_RECS 4096          /* records per message at most (the engine's CHUNK) */
#define BUF_NAMES (BUF_RECS * 40) /* name bytes per buffer (a message ends early when full) */
#define BUF_PIECES 1024        /* pieces per message at most (a message ends early when full) */

typedef struct {
  double id, dev, ino;
  char *path;
  size_t len;
} ttask;

typedef struct job {
  struct job *next;
  size_t n;
  ttask *t;
} job;

typedef struct obuf {
  struct obuf *next_free;
  uint32_t id;
  double *nums;          /* BUF_RECS * NF */
  unsigned char *names;  /* BUF_NAMES */
  double *pieces;        /* BUF_PIECES * PIECE_F */
  uint32_t *subs;        /* BUF_RECS * 2: [record, name offset] per subdirectory */
  int wrapped; /* handed to JavaScript as ArrayBuffers (the main thread): they own the memory now */
} obuf;

typedef struct {
  obuf *b;
  uint32_t count, nlen;
  double *pieces; /* the buffer's */
  size_t npieces; /* in numbers */
  uint32_t *subs; /* the buffer's */
  size_t nsubs;   /* in numbers */
  biglist bigs;
  int end;
} tmsg;

struct sthread {
  pthread_t th;
  pthread_mutex_t mu;
  pthread_cond_t cv;
  job *head, *tail;
  volatile int stop;
  int joined, tsfn_gone, ext_gone, running, released, hook_gone;
  reader *r;
  size_t long_path;
  int proc_fd;
  napi_threadsafe_function tsfn;
  napi_env env;
  obuf *free_bufs;
  obuf **all;
  size_t nall, capall;
  uint64_t busy_ns;
  unsigned inflight; /* batches sent and not ended (the main thread's count) */
  tmsg *m;           /* the message being filled (the thread's) */
  int oom;           /* out of memory: the thread said so (oom_note) and scans no more */
};

/* what the thread posts when it ran out of memory (no message can be made then): the main thread
   fails the scan with it instead of waiting for the batch's end */
static char oom_note;

/* out of memory in the thread: say so once, scan no more (the thread) */
static void thread_oom(struct sthread *t);
typedef struct sthread sthread;

static uint64_t now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void free_job(job *j) {
  for (size_t i = 0; i < j->n; i++) free(j->t[i].path);
  free(j->t);
  free(j);
}

static void free_msg(tmsg *m) {
  if (!m) return;
  free(m->bigs.v);
  free(m);
}

/* a message that will not be delivered: the fds it anchors closed (no one else knows them), its
   buffer back in the pool, the rest freed (either thread) */
static void drop_msg(struct sthread *t, tmsg *m);

/* a free buffer (the thread): a recycled one, else a new one; NULL: out of memory */
static obuf *take_buf(sthread *t) {
  pthread_mutex_lock(&t->mu);
  obuf *b = t->free_bufs;
  if (b) t->free_bufs = b->next_free;
  else if (t->nall == t->capall) {
    size_t c = t->capall ? t->capall * 2 : 8;
    obuf **p = realloc(t->all, c * sizeof *p);
    if (p) {
      t->all = p;
      t->capall = c;
    }
  }
  if (!b && t->nall < t->capall) {
    b = calloc(1, sizeof *b);
    if (b) {
      b->nums = malloc((size_t)BUF_RECS * NF * sizeof(double));
      b->names = malloc(BUF_NAMES);
      b->pieces = malloc((size_t)BUF_PIECES * PIECE_F * sizeof(double));
      b->subs = malloc((size_t)BUF_RECS * 2 * sizeof(uint32_t));
      if (!b->nums || !b->names || !b->pieces || !b->subs) {
        free(b->nums);
        free(b->names);
        free(b->pieces);
        free(b->subs);
        free(b);
        b = NULL;
      } else {
        b->id = (uint32_t)t->nall;
        t->all[t->nall++] = b;
      }
    }
  }
  pthread_mutex_unlock(&t->mu);
  return b;
}

/* a new message in a fresh buffer (the thread); 0, or -1: out of memory */
static int new_msg(sthread *t) {
  tmsg *m = calloc(1, sizeof *m);
  if (!m) return -1;
  m->b = take_buf(t);
  if (!m->b) {
    free(m);
    return -1;
  }
  m->pieces = m->b->pieces;
  m->subs = m->b->subs;
  t->m = m;
  return 0;
}

/* post the message being filled (the thread); the next one starts when needed */
static void post_msg(sthread *t, int end) {
  tmsg *m = t->m;
  t->m = NULL;
  m->end = end;
  if (napi_call_threadsafe_function(t->tsfn, m, napi_tsfn_blocking) != napi_ok) {
    drop_msg(t, m); /* closing */
  }
}

/* buffer b may be written again (either thread) */
static void give_back(sthread *t, obuf *b) {
  pthread_mutex_lock(&t->mu);
  b->next_free = t->free_bufs;
  t->free_bufs = b;
  pthread_mutex_unlock(&t->mu);
}

static void thread_oom(sthread *t) {
  if (t->oom) return;
  t->oom = 1;
  if (t->m) {
    post_msg(t, 0); /* what is written so far */
  }
  napi_call_threadsafe_function(t->tsfn, &oom_note, napi_tsfn_blocking);
}

static void drop_msg(sthread *t, tmsg *m) {
  if (!m) return;
  for (size_t o = 0; o + PIECE_F <= m->npieces; o += PIECE_F)
    if (m->pieces[o + 5] >= 0) close((int)m->pieces[o + 5]);
  give_back(t, m->b);
  free_msg(m);
}

/* begin a piece of task k in the message being filled (room was made: scan_task); its offset in pieces */
static long begin_piece(sthread *t, const ttask *k, double anchor) {
  tmsg *m = t->m;
  const double p[PIECE_F] = {k->id, m->count, 0, 0, 0, anchor, (double)m->nsubs, 0};
  memcpy(m->pieces + m->npieces, p, sizeof p);
  m->npieces += PIECE_F;
  return (long)(m->npieces - PIECE_F);
}

/* one directory, as the engine's scanDir does with the native reader: records, pieces, subdirectories */
static void scan_task(sthread *t, ttask *k) {
  reader *r = t->r;
  if (t->m && t->m->npieces + 2 * PIECE_F > (size_t)BUF_PIECES * PIECE_F) post_msg(t, 0); /* room for 2 pieces */
  if (!t->m && new_msg(t) != 0) {
    thread_oom(t);
    return;
  }
  const int anchored = t->proc_fd && k->len > t->long_path;
  char *p = k->path;
  k->path = NULL; /* the reader's now */
  int n = reader_open(r, p, k->len, -1, k->dev, k->ino);
  double anchor = -1;
  if (n >= 0 && anchored) {
    /* too deep for a plain path: an fd on it, and its subdirectories' paths go through /proc/self/fd */
    int a = fcntl(r->fd, F_DUPFD_CLOEXEC, 0);
    if (a < 0) {
      n = -errno;
      reset(r);
    } else
      anchor = a;
  }
  if (n < 0) {
    long at = begin_piece(t, k, -1);
    if (at >= 0) {
      t->m->pieces[at + 3] = 1;
      t->m->pieces[at + 4] = -n;
    }
    return;
  }
  /* a listing that does not fit what is left of this buffer starts in a new one (not split) */
  tmsg *m = t->m;
  const size_t want = (size_t)n < BUF_RECS ? (size_t)n : BUF_RECS;
  const size_t wantNames = r->nlen + (size_t)n < BUF_NAMES ? r->nlen + (size_t)n : BUF_NAMES;
  if (m->count > 0 && (m->count + want > BUF_RECS || m->nlen + wantNames > BUF_NAMES)) {
    post_msg(t, 0);
    if (new_msg(t) != 0) {
      reset(r);
      thread_oom(t);
      return;
    }
  }
  long at = begin_piece(t, k, anchor);
  double out[3];
  while (at >= 0 && !t->stop) {
    m = t->m;
    const uint32_t r0 = m->count;
    const size_t no0 = m->nlen;
    fill_core(r, m->b->nums, r0, BUF_RECS - r0, m->b->names, no0, BUF_NAMES, NULL, out, &m->bigs);
    const uint32_t got = (uint32_t)out[0];
    m->count += got;
    m->nlen = (uint32_t)out[1];
    m->pieces[at + 2] += got;
    if (out[2] > 0)
      for (uint32_t rec = r0, no = (uint32_t)no0; rec < r0 + got; rec++) {
        const uint32_t len = m->b->names[no] | (m->b->names[no + 1] << 8);
        if ((unsigned)m->b->nums[(size_t)rec * NF + 9] & RF_DESCEND) {
          m->subs[m->nsubs++] = rec; /* (at most a pair per record: room) */
          m->subs[m->nsubs++] = no;
          m->pieces[at + 7]++;
        }
        no += 2 + len;
      }
    if (r->pos >= r->n) {
      m->pieces[at + 3] = 1; /* last */
      break;
    }
    /* the buffer is full: send it, the listing goes on in the next one */
    post_msg(t, 0);
    if (new_msg(t) != 0) {
      thread_oom(t);
      break;
    }
    at = begin_piece(t, k, -1);
  }
  reset(r);
}

static void *thread_main(void *arg) {
  sthread *t = arg;
  for (;;) {
    pthread_mutex_lock(&t->mu);
    while (!t->stop && !t->head) pthread_cond_wait(&t->cv, &t->mu);
    if (t->stop) {
      pthread_mutex_unlock(&t->mu);
      break;
    }
    job *j = t->head;
    t->head = j->next;
    if (!t->head) t->tail = NULL;
    pthread_mutex_unlock(&t->mu);
    const uint64_t t0 = now_ns();
    for (size_t i = 0; i < j->n && !t->stop && !t->oom; i++) scan_task(t, &j->t[i]);
    if (!t->stop && !t->oom) {
      if (!t->m && new_msg(t) != 0)
        thread_oom(t);
      else
        post_msg(t, 1);
    }
    free_job(j);
    pthread_mutex_lock(&t->mu);
    t->busy_ns += now_ns() - t0;
    pthread_mutex_unlock(&t->mu);
  }
  drop_msg(t, t->m);
  t->m = NULL;
  return NULL;
}

/* the last of the thread's two owners (its JS handle, its thread-safe function) frees it */
static void thread_free(napi_env env, sthread *t) {
  for (size_t i = 0; i < t->nall; i++) {
    obuf *b = t->all[i];
    if (!b->wrapped) {
      /* (a wrapped one's ArrayBuffers own its memory: freed when they are collected) */
      free(b->nums);
      free(b->names);
      free(b->pieces);
      free(b->subs);
    }
    free(b);
  }
  free(t->all);
  while (t->head) {
    job *j = t->head;
    t->head = j->next;
    free_job(j);
  }
  if (t->r) reader_free(t->r);
  pthread_mutex_destroy(&t->mu);
  pthread_cond_destroy(&t->cv);
  free(t);
}

/* stop the thread and wait for it (the main thread); its fds are closed */
static void thread_join(sthread *t) {
  if (t->joined) return;
  pthread_mutex_lock(&t->mu);
  t->stop = 1;
  while (t->head) {
    job *j = t->head;
    t->head = j->next;
    free_job(j);
  }
  t->tail = NULL;
  pthread_cond_signal(&t->cv);
  pthread_mutex_unlock(&t->mu);
  if (t->running) pthread_join(t->th, NULL);
  t->joined = 1;
  reset(t->r);
  release_all(t->r);
}

static void cleanup_hook(void *arg) {
  /* the environment goes (a worker's end, the process's): no thread left behind */
  sthread *t = arg;
  t->hook_gone = 1;
  thread_join(t);
}

/* done with the thread-safe function (the main thread, once) */
static void release_tsfn(sthread *t) {
  if (t->released) return;
  t->released = 1;
  napi_release_threadsafe_function(t->tsfn, napi_tsfn_abort);
}

static void tsfn_finalize(napi_env env, void *data, void *hint) {
  (void)hint;
  sthread *t = data;
  thread_join(t);
  if (!t->hook_gone) napi_remove_env_cleanup_hook(env, cleanup_hook, t);
  t->hook_gone = 1;
  t->tsfn_gone = 1;
  if (t->ext_gone) thread_free(env, t);
}

static void ext_finalize(napi_env env, void *data, void *hint) {
  (void)hint;
  sthread *t = data;
  t->ext_gone = 1;
  if (t->tsfn_gone) thread_free(env, t);
  else {
    thread_join(t);
    release_tsfn(t);
  }
}

static void free_ab(napi_env env, void *data, void *hint) {
  (void)env;
  (void)hint;
  free(data);
}

/* the main thread: a message from a scanning thread, handed to onMessage */
static void call_js(napi_env env, napi_value cb, void *context, void *data) {
  sthread *t = context;
  if (data == &oom_note) {
    if (!env || !cb || t->joined) return;
    napi_value a[11];
    a[0] = num(env, -1); /* the thread ran out of memory */
    for (int k = 1; k < 11; k++) napi_get_undefined(env, &a[k]);
    napi_value g;
    napi_get_global(env, &g);
    napi_call_function(env, g, cb, 11, a, NULL);
    return;
  }
  tmsg *m = data;
  if (!env || !cb || t->joined) {
    drop_msg(t, m); /* torn down, or stopped */
    return;
  }
  obuf *b = m->b;
  napi_value args[11];
  args[0] = num(env, b->id);
  if (!b->wrapped) {
    /* the first time: the buffer as ArrayBuffers, which JavaScript keeps (by id) while the thread lives */
    napi_create_external_arraybuffer(env, b->nums, (size_t)BUF_RECS * NF * sizeof(double), free_ab, NULL, &args[1]);
    napi_create_external_arraybuffer(env, b->names, BUF_NAMES, free_ab, NULL, &args[2]);
    napi_create_external_arraybuffer(env, b->pieces, (size_t)BUF_PIECES * PIECE_F * sizeof(double), free_ab, NULL, &args[3]);
    napi_create_external_arraybuffer(env, b->subs, (size_t)BUF_RECS * 2 * sizeof(uint32_t), free_ab, NULL, &args[4]);
    b->wrapped = 1;
  } else
    for (int k = 1; k <= 4; k++) napi_get_undefined(env, &args[k]);
  args[5] = num(env, m->count);
  args[6] = num(env, m->nlen);
  args[7] = num(env, (double)m->npieces);
  args[8] = num(env, (double)m->nsubs);
  if (m->bigs.n)
    args[9] = bigs_array(env, &m->bigs);
  else
    napi_get_null(env, &args[9]);
  napi_get_boolean(env, m->end, &args[10]);
  if (m->end && t->inflight && --t->inflight == 0) napi_unref_threadsafe_function(env, t->tsfn);
  free_msg(m);
  napi_value global;
  napi_get_global(env, &global);
  napi_call_function(env, global, cb, 11, args, NULL);
}

#define THREAD_ARGS(n) HANDLE_ARGS(n, sthread, t, "dirscan: not a scanning thread")

static napi_value start_thread(napi_env env, napi_callback_info info) {
  size_t argc = 6;
  napi_value argv[6];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  double root_dev, long_path;
  bool cross = false, caches = false;
  CHECK(napi_get_value_double(env, argv[0], &root_dev));
  CHECK(napi_get_value_bool(env, argv[1], &cross));
  if (argc >= 6) napi_get_value_bool(env, argv[5], &caches); /* absent or not a boolean: false */
  CHECK(napi_get_value_double(env, argv[3], &long_path));
  size_t nk = 0;
  uint64_t *kern = magics_arg(env, argv[2], &nk);
  sthread *t = calloc(1, sizeof *t);
  reader *r = kern ? reader_new(root_dev, cross, kern, nk, caches) : NULL;
  free(kern);
  if (!t || !r) {
    free(t);
    if (r) reader_free(r);
    napi_throw_error(env, NULL, "dirscan: out of memory");
    return NULL;
  }
  t->r = r;
  t->long_path = (size_t)long_path;
  struct stat st;
  t->proc_fd = stat("/proc/self/fd", &st) == 0;
  pthread_mutex_init(&t->mu, NULL);
  pthread_cond_init(&t->cv, NULL);
  napi_value name;
  CHECK(napi_create_string_utf8(env, "diskblame scan thread", NAPI_AUTO_LENGTH, &name));
  if (napi_create_threadsafe_function(env, argv[4], NULL, name, 0, 1, t, tsfn_finalize, t, call_js, &t->tsfn) != napi_ok) {
    thread_free(env, t);
    napi_throw_error(env, NULL, "dirscan: no thread-safe function");
    return NULL;
  }
  napi_unref_threadsafe_function(env, t->tsfn); /* referenced only while batches are out */
  napi_value ext;
  if (napi_create_external(env, t, ext_finalize, NULL, &ext) != napi_ok) {
    t->ext_gone = 1;
    release_tsfn(t);
    napi_throw_error(env, NULL, "dirscan: no handle");
    return NULL;
  }
  /* a thread of its own: a small stack (the reader keeps its buffers on the heap but for 64 KiB) */
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setstacksize(&attr, 512 * 1024);
  const int e = pthread_create(&t->th, &attr, thread_main, t);
  pthread_attr_destroy(&attr);
  if (e != 0) {
    napi_throw_error(env, NULL, "dirscan: cannot start a thread");
    return NULL;
  }
  t->running = 1;
  napi_add_env_cleanup_hook(env, cleanup_hook, t);
  return ext;
}

static napi_value thread_send(napi_env env, napi_callback_info info) {
  THREAD_ARGS(3);
  if (t->joined) {
    napi_throw_error(env, NULL, "dirscan: the thread was stopped");
    return NULL;
  }
  uint32_t n = 0;
  CHECK(napi_get_array_length(env, argv[1], &n));
  size_t nbytes = 0;
  double *nums = typed_data(env, argv[2], &nbytes);
  if (!nums || nbytes < (size_t)n * 3 * sizeof(double)) {
    napi_throw_type_error(env, NULL, "dirscan: send: bad tasks");
    return NULL;
  }
  job *j = calloc(1, sizeof *j);
  ttask *tk = calloc(n ? n : 1, sizeof *tk);
  if (!j || !tk) {
    free(j);
    free(tk);
    napi_throw_error(env, NULL, "dirscan: out of memory");
    return NULL;
  }
  j->t = tk;
  for (uint32_t i = 0; i < n; i++) {
    napi_value v;
    CHECK(napi_get_element(env, argv[1], i, &v));
    tk[i].path = path_arg(env, v, &tk[i].len);
    if (!tk[i].path) {
      j->n = i;
      free_job(j);
      napi_throw_error(env, NULL, "dirscan: send: bad path");
      return NULL;
    }
    tk[i].id = nums[i * 3];
    tk[i].dev = nums[i * 3 + 1];
    tk[i].ino = nums[i * 3 + 2];
  }
  j->n = n;
  if (t->inflight++ == 0) napi_ref_threadsafe_function(env, t->tsfn);
  pthread_mutex_lock(&t->mu);
  if (t->tail)
    t->tail->next = j;
  else
    t->head = j;
  t->tail = j;
  pthread_cond_signal(&t->cv);
  pthread_mutex_unlock(&t->mu);
  return NULL;
}

static napi_value thread_recycle(napi_env env, napi_callback_info info) {
  THREAD_ARGS(2);
  uint32_t id;
  CHECK(napi_get_value_uint32(env, argv[1], &id));
  pthread_mutex_lock(&t->mu);
  obuf *b = id < t->nall ? t->all[id] : NULL;
  pthread_mutex_unlock(&t->mu);
  if (b) give_back(t, b);
  return NULL;
}

static napi_value thread_busy(napi_env env, napi_callback_info info) {
  THREAD_ARGS(1);
  pthread_mutex_lock(&t->mu);
  const double ms = (double)t->busy_ns / 1e6;
  pthread_mutex_unlock(&t->mu);
  return num(env, ms);
}

static napi_value thread_stop(napi_env env, napi_callback_info info) {
  THREAD_ARGS(1);
  const int first = !t->joined;
  thread_join(t);
  if (first) {
    if (t->inflight) napi_unref_threadsafe_function(env, t->tsfn);
    t->inflight = 0;
    release_tsfn(t);
  }
  napi_value arr;
  CHECK(napi_create_array_with_length(env, 2, &arr));
  CHECK(napi_set_element(env, arr, 0, num(env, t->r->hits)));
  CHECK(napi_set_element(env, arr, 1, num(env, t->r->misses)));
  return arr;
}

/*
 * holdTrimThreshold(bytes): glibc's M_TRIM_THRESHOLD set to `bytes`, which also stops glibc from
 * moving its thresholds (elsewhere than glibc: nothing). By default glibc raises its mmap threshold
 * to the size of each large block freed (up to 32 MiB: Node frees a few at start-up) and its trim
 * threshold to twice that, so that the free memory at the top of an arena is no longer given back
 * to the system. Every thread that allocates has an arena of its own: V8's background threads
 * (concurrent compilation and marking; 4 by default) and the scanning threads; what their work
 * allocated and freed stayed resident, 2-3 MiB per thread at the end of a scan of 1M entries
 * (about 10 MiB, all of it free). Held at 128 KiB (glibc's default), a freed top goes back at once.
 * Process-wide; call once before a scan.
 */
static napi_value do_hold_trim(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  double bytes = 0;
  CHECK(napi_get_value_double(env, argv[0], &bytes));
#ifdef __GLIBC__
  if (bytes >= 0 && bytes <= 1 << 30) mallopt(M_TRIM_THRESHOLD, (int)bytes);
#endif
  napi_value u;
  CHECK(napi_get_undefined(env, &u));
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
      {"startThread", NULL, start_thread, NULL, NULL, NULL, napi_enumerable, NULL},
      {"send", NULL, thread_send, NULL, NULL, NULL, napi_enumerable, NULL},
      {"recycle", NULL, thread_recycle, NULL, NULL, NULL, napi_enumerable, NULL},
      {"busy", NULL, thread_busy, NULL, NULL, NULL, napi_enumerable, NULL},
      {"stop", NULL, thread_stop, NULL, NULL, NULL, napi_enumerable, NULL},
      {"holdTrimThreshold", NULL, do_hold_trim, NULL, NULL, NULL, napi_enumerable, NULL},
  };
  if (napi_define_properties(env, exports, sizeof props / sizeof *props, props) != napi_ok) return NULL;
  napi_value yes;
  if (napi_get_boolean(env, true, &yes) != napi_ok || napi_set_named_property(env, exports, "excludeCaches", yes) != napi_ok) return NULL;
  return exports;
}
