// Plain-JS thread entry: worker threads start a bare Node 20, which cannot load TypeScript, and loader
// hooks passed via execArgv do not reach the worker's entry module. Registering tsx here first works the
// same under `npx tsx`, under vitest and from compiled callers.
import { register } from 'tsx/esm/api';

register();
await import('./worker.ts');
