#!/usr/bin/env node
// The `vigie` command. It runs the compiled CLI in dist/ (`npm run build`; `npm ci` builds it)
// when that build is newer than every source file, and the TypeScript sources through tsx's
// loader otherwise: an edited source is never shadowed by a stale build, and the loader's
// ~300 ms of start-up is paid only while developing.
import { buildIsFresh } from './fresh-build.js';

if (buildIsFresh()) {
  await import('../dist/cli.js');
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/cli.ts');
}
