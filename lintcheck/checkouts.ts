/**
 * The pinned repositories of `lintcheck/repos.tsv` and their checkouts on disk. Nothing is downloaded
 * here: a checkout is written from a bare git snapshot already on this machine (DEVELOPERS.md says how
 * to get one), at exactly the pinned commit, and a repository with neither is reported missing.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

export interface PinnedRepo {
  /** `owner/name` on GitHub. */
  repo: string;
  commit: string;
  /** Files and folders to analyse, relative to the repository root. */
  paths: string[];
  why: string;
}

export function readRepos(file: string): PinnedRepo[] {
  return fs.readFileSync(file, 'utf8').split('\n')
    .filter(line => line.trim() !== '' && !line.startsWith('#'))
    .map((line, i) => {
      const [repo, commit, paths, why = ''] = line.split('\t');
      if (!repo || !/^[0-9a-f]{40}$/.test(commit ?? '') || !paths) {
        throw new Error(`${path.basename(file)}: line ${i + 1} is not "owner/name<TAB>commit<TAB>paths<TAB>why"`);
      }
      return { repo, commit: commit!, paths: paths.split(' ').filter(Boolean), why };
    });
}

/** `owner/name` as one path segment, as the snapshot store names its folders. */
export const slug = (repo: string): string => repo.replace('/', '+');

const STAMP = '.lintcheck-commit';

/**
 * The checkout of `pinned` under `root`, written from the bare git dir `<mirrors>/<slug>/repo` when it is
 * absent or at another commit; undefined when there is no checkout and no snapshot with that commit.
 * Snapshots may lack large blobs (binary assets): those files are left out, sources never are that big.
 */
export function ensureCheckout(pinned: PinnedRepo, root: string, mirrors: string): string | undefined {
  const dir = path.join(root, slug(pinned.repo));
  const stamp = path.join(dir, STAMP);
  if (fs.existsSync(stamp) && fs.readFileSync(stamp, 'utf8').trim() === pinned.commit) return dir;
  const gitDir = path.join(mirrors, slug(pinned.repo), 'repo');
  if (!hasCommit(gitDir, pinned.commit)) return undefined;
  fs.rmSync(dir, { recursive: true, force: true });
  extract(gitDir, pinned.commit, dir);
  fs.writeFileSync(stamp, `${pinned.commit}\n`);
  return dir;
}

function hasCommit(gitDir: string, commit: string): boolean {
  if (!fs.existsSync(gitDir)) return false;
  try {
    execFileSync('git', ['--git-dir', gitDir, 'cat-file', '-e', `${commit}^{commit}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Writes every blob of `commit` that the snapshot holds; one `cat-file --batch` for the whole tree. */
function extract(gitDir: string, commit: string, dir: string): void {
  const tree = execFileSync('git', ['--git-dir', gitDir, 'ls-tree', '-r', '-z', commit], { maxBuffer: 1 << 28 })
    .toString('utf8').split('\0').filter(Boolean)
    .map(entry => {
      const [meta, file] = entry.split('\t') as [string, string];
      const [mode, type, object] = meta.split(' ') as [string, string, string];
      return { mode, type, object, file };
    })
    .filter(e => e.type === 'blob' && e.mode !== '120000'); // symlinks could point out of the checkout
  const batch = execFileSync('git', ['--git-dir', gitDir, 'cat-file', '--batch'],
    { input: tree.map(e => e.object).join('\n') + '\n', maxBuffer: 1 << 30 });
  let at = 0;
  for (const entry of tree) {
    const headerEnd = batch.indexOf(0x0a, at);
    const header = batch.subarray(at, headerEnd).toString('utf8');
    at = headerEnd + 1;
    if (header.endsWith(' missing')) continue;
    const size = Number(header.split(' ')[2]);
    const target = path.join(dir, entry.file);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, batch.subarray(at, at + size));
    at += size + 1; // the blob is followed by a newline
  }
}
