#!/usr/bin/env node
// Loads the TypeScript CLI through tsx's ESM hook so `npx exposure-lab` works straight after `npm ci`,
// in this same process (signals such as Ctrl-C reach the CLI directly).
import { register } from 'tsx/esm/api';

register();
await import('../harness/cli/main.ts');
