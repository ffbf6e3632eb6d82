/** True when ROOT/dist/ was built after the last change to any file under ROOT/src/. */
export function buildIsFresh(root?: string): boolean;

/** Imports dist/NAME.js when the build is fresh, else src/NAME.ts through tsx's loader. */
export function runEntry(name: 'cli' | 'main'): Promise<void>;
