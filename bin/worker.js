#!/usr/bin/env node
// The worker (`npm start`): the compiled dist/main.js while it is fresh, the TypeScript sources
// otherwise (see fresh-build.js).
import { runEntry } from './fresh-build.js';

await runEntry('main');
