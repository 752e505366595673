/** A child process run to its end (or killed at a deadline), with what it printed: what the runtime tests need. */
import { spawn } from 'node:child_process';

export interface Exit {
  code: number | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

export function exec(command: string, args: string[], cwd: string, timeoutMs: number): Promise<Exit> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('error', reject);
    child.on('close', code => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, timedOut });
    });
  });
}
