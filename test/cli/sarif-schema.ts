import fs from 'node:fs';
import path from 'node:path';
import Ajv from 'ajv-draft-04';

const schema = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'schemas', 'sarif-2.1.0.json'), 'utf8'));

function parses(value: string, base?: string): boolean {
  try {
    new URL(value, base);
    return true;
  } catch {
    return false;
  }
}

// The schema names three formats ajv only knows with ajv-formats; and its `language` pattern ends
// in a stray `]`, legal in a plain RegExp but not in the unicode mode ajv uses by default.
const ajv = new Ajv({ allErrors: true, unicodeRegExp: false })
  .addFormat('uri', (value: string) => parses(value))
  .addFormat('uri-reference', (value: string) => parses(value, 'file:///base/'))
  .addFormat('date-time', (value: string) => !Number.isNaN(Date.parse(value)));

const validate = ajv.compile(schema);

/** The schema errors of a SARIF log, empty when it is valid. */
export function sarifErrors(log: unknown): string[] {
  if (validate(log)) return [];
  return (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''}`);
}
