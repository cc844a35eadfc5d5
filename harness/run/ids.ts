// Run identifiers and folder names: reports/runs/<UTC time>-<scenario>/
export function runStamp(d = new Date()): string {
  return d.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
}

export function runFolderName(scenario: string, d = new Date()): string {
  return `${runStamp(d)}-${scenario}`;
}
