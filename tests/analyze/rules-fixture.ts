/** The repository's own rules, compiled once per test file. */
import { defaultAnalysisRules } from '../../src/analyze/load.ts';

export const rules = defaultAnalysisRules();
