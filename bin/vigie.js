#!/usr/bin/env node
// The `vigie` command: the compiled CLI in dist/ (`npm ci` builds it) while it is fresh, the
// TypeScript sources otherwise (see fresh-build.js).
import { runEntry } from './fresh-build.js';

await runEntry('cli');
