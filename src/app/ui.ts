/** Loading the interactive program (Ink, React) only when it is used. */

/**
 * Load the UI. Ink decides once, when it is loaded, whether it runs "in CI" (the CI or
 * CONTINUOUS_INTEGRATION variables) and then draws nothing until the end, to keep CI logs short.
 * We only get here with a terminal on stdin and stdout, where that guess is wrong: hide the
 * variables while Ink loads, then put them back.
 */
export async function importUI(): Promise<typeof import('../ui/run.js')> {
  // React's development build logs every render with a deep diff of its props (the whole tree
  // here): seconds per frame and a growing heap on a real terminal. Production unless asked.
  const env = process.env; // (not process.env.NODE_ENV: the bundle defines that one as a constant)
  env.NODE_ENV ??= 'production';
  const saved: Record<string, string | undefined> = {};
  for (const k of ['CI', 'CONTINUOUS_INTEGRATION']) {
    saved[k] = process.env[k];
    delete process.env[k];
  }
  try {
    return await import('../ui/run.js');
  } finally {
    for (const [k, v] of Object.entries(saved)) if (v !== undefined) process.env[k] = v;
  }
}
