// 100 jobs on a fixed pool of threads; one of them throws. Every job is accounted for: 99 results, and
// the failure reported with its job and message instead of being lost or taking the others down.
import { ThreadPool } from './thread-pool.js';

const JOBS = Array.from({ length: 100 }, (_, i) => i + 1);

const pool = new ThreadPool<number, number>();
try {
  const outcomes = await Promise.allSettled(JOBS.map(input => pool.run(input)));
  const results: number[] = [];
  outcomes.forEach((outcome, i) => {
    if (outcome.status === 'fulfilled') results.push(outcome.value);
    else console.log(`pool: job ${JOBS[i]} failed: ${outcome.reason instanceof Error ? outcome.reason.message : String(outcome.reason)}`);
  });
  console.log(`pool: ${JOBS.length} jobs, ${results.length} results, ${JOBS.length - results.length} failed`);
  console.log(`pool: primes below 1000 = ${results[0]}, below 100000 = ${results.at(-1)}, sum of results = ${results.reduce((a, b) => a + b, 0)}`);
} finally {
  await pool.close();
}
