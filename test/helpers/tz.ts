/** Time zones in the tests: Node re-reads process.env.TZ when it is assigned. */

/** f() with the process's time zone set to `tz` (an IANA name), restored after. */
export function inTZ<T>(tz: string, f: () => T): T {
  const saved = process.env.TZ;
  process.env.TZ = tz;
  try {
    return f();
  } finally {
    if (saved === undefined) delete process.env.TZ;
    else process.env.TZ = saved;
  }
}
