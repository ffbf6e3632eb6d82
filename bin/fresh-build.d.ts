/** True when ROOT/dist/ was built after the last change to any file under ROOT/src/. */
export function buildIsFresh(root?: string): boolean;
