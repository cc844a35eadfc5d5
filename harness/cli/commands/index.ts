// Every CLI command, in the order `exposure-lab --help` lists them.
import type { Command } from '../command.ts';
import { list } from './list.ts';
import { validate } from './validate.ts';
import { plan } from './plan.ts';
import { catalog } from './catalog.ts';
import { schema } from './schema.ts';

export const COMMANDS: Command[] = [list, validate, plan, catalog, schema];
