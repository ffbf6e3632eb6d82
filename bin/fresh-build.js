// Whether dist/ (the compiled CLI, `npm run build`) is newer than every source file. Shared by
// the `vigie` launcher and the startup benchmark.
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = fileURLToPath(new URL('..', import.meta.url));

/** Modification time of a file in ms, or -1 when it does not exist. */
function modifiedAt(file) {
  try {
    return statSync(file).mtimeMs;
  } catch {
    return -1;
  }
}

/** True when ROOT/dist/ was built after the last change to any file under ROOT/src/. */
export function buildIsFresh(root = repoRoot) {
  const builtAt = modifiedAt(path.join(root, 'dist/cli.js'));
  if (builtAt < 0) return false;
  for (const entry of readdirSync(path.join(root, 'src'), {
    recursive: true,
    withFileTypes: true,
  })) {
    if (entry.isFile() && modifiedAt(path.join(entry.parentPath, entry.name)) > builtAt)
      return false;
  }
  return true;
}

/**
 * Imports `dist/NAME.js` when the build is fresh, else `src/NAME.ts` through tsx's loader
 * (~300 ms more start-up): an edited source is never shadowed by a stale build.
 */
export async function runEntry(name) {
  if (buildIsFresh()) {
    await import(`../dist/${name}.js`);
    return;
  }
  const { register } = await import('tsx/esm/api');
  register();
  await import(`../src/${name}.ts`);
}
