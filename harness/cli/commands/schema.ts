import type { Command } from '../command.ts';
import { scenarioJsonSchema } from '../../scenario/schema.ts';

export const schema: Command = {
  name: 'schema',
  summary: 'print the JSON Schema of scenario files (for editors; committed as infra/schemas/scenario.schema.json)',
  help: `Usage: exposure-lab schema

Prints the JSON Schema generated from the same definition the loader uses.
Example: exposure-lab schema > infra/schemas/scenario.schema.json`,
  async run() {
    console.log(JSON.stringify(scenarioJsonSchema(), null, 2));
    return 0;
  },
};
