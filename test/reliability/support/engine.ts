/**
 * The engine as the language server drives it: one long-lived workspace, texts set file by file,
 * the thread graph and lock orders fed before each file's rules run. Each case is written to a
 * folder of its own under one package (so every case shares one TypeScript project, as the files of
 * a real workspace do) and taken out again afterwards.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { analyzeFile } from '../../../server/src/engine/analyze-file';
import type { Finding } from '../../../server/src/core/finding';
import { Project } from '../../../server/src/analysis/project';
import { DEFAULT_CONFIG } from '../../../server/src/config/config-file';
import type { Case } from './corpus';
import { RULE_SET } from '../../../server/src/rules/registry';

const ROOT = path.join(__dirname, '..', '..', '..');

export interface CaseResult {
  findings: Finding[];
  /** Rule crashes the engine caught (`FileAnalysis.errors`) and anything that escaped it. */
  failures: string[];
  /** The engine's text of each file of the case, by absolute path. */
  texts: Map<string, string>;
  millis: number;
}

/** A temporary package with the project's own node_modules (for `@types/node`), removed by `dispose`. */
export function tempPackage(prefix: string): string {
  const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), prefix)));
  fs.writeFileSync(path.join(dir, 'package.json'), '{ "name": "fuzz", "type": "module" }\n');
  fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  return dir;
}

export class EngineHarness {
  readonly dir = tempPackage('fearless-fuzz-');
  private readonly project = new Project();
  private count = 0;

  analyse(files: Case): CaseResult {
    const started = Date.now();
    const caseDir = path.join(this.dir, `case${this.count++}`);
    const paths = Object.keys(files).map(rel => path.join(caseDir, rel));
    const failures: string[] = [];
    const findings: Finding[] = [];
    const texts = new Map<string, string>();
    const step = (what: string, work: () => void): void => {
      try {
        work();
      } catch (e) {
        failures.push(`${what}: ${e instanceof Error ? e.stack ?? e.message : String(e)}`);
      }
    };
    for (const [rel, text] of Object.entries(files)) {
      const file = path.join(caseDir, rel);
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, text);
      step(`setText ${rel}`, () => this.project.workspace.setText(file, text));
    }
    for (const file of paths) {
      step(`thread graph ${path.basename(file)}`, () => this.project.readSpawns(file));
    }
    for (const file of paths) {
      step(`lock orders ${path.basename(file)}`, () => {
        const { error } = this.project.readLockOrders(file);
        if (error) throw new Error(error);
      });
    }
    for (const file of paths) {
      step(`analyse ${path.basename(file)}`, () => {
        const parsed = this.project.workspace.get(file);
        if (!parsed) throw new Error('the workspace has no program for it');
        texts.set(file, parsed.sourceFile.text);
        const analysis = analyzeFile(parsed.sourceFile, parsed.program, RULE_SET, DEFAULT_CONFIG, this.project.context);
        findings.push(...analysis.findings);
        failures.push(...analysis.errors);
        // Related locations and fix edits may point into other files of the program (a type's module).
        for (const f of analysis.findings) {
          for (const span of [...f.related.map(r => r.span), ...f.fixes.flatMap(x => x.edits)]) {
            if (!texts.has(span.file)) {
              const other = parsed.program.getSourceFile(span.file);
              if (other) texts.set(span.file, other.text);
            }
          }
        }
      });
    }
    for (const file of paths) this.project.remove(file);
    fs.rmSync(caseDir, { recursive: true, force: true });
    return { findings, failures, texts, millis: Date.now() - started };
  }

  dispose(): void {
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}
