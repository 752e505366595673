// A small HTTP server (the Rust Book's final project) that hands CPU-heavy requests to a thread pool,
// so that its event loop keeps answering the light ones meanwhile. Run as a script, it starts on an
// ephemeral port, sends itself a handful of concurrent requests, prints the answers in request order,
// then closes the server and the pool and exits.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ThreadPool } from './thread-pool.js';

const pool = new ThreadPool<number, number>();

/** `GET /primes?below=N` counts primes on the pool; `GET /hello` answers at once. Never rejects. */
async function respond(target: string): Promise<{ status: number; body: string }> {
  try {
    const url = new URL(target, 'http://localhost');
    if (url.pathname === '/hello') return { status: 200, body: `hello, ${url.searchParams.get('name') ?? 'world'}` };
    if (url.pathname !== '/primes') return { status: 404, body: `no route for ${url.pathname}` };
    const below = Number(url.searchParams.get('below'));
    if (!Number.isSafeInteger(below) || below < 0) return { status: 400, body: 'below must be a non-negative integer' };
    return { status: 200, body: `${await pool.run(below)} primes below ${below}` };
  } catch (error) {
    return { status: 500, body: error instanceof Error ? error.message : String(error) };
  }
}

const server = http.createServer((request, response) => {
  void respond(request.url ?? '/').then(({ status, body }) => {
    response.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' });
    response.end(body);
  });
});

await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
try {
  const { port } = server.address() as AddressInfo;
  const paths = [
    '/primes?below=20000000',
    '/hello',
    '/primes?below=10000000',
    '/hello?name=pool',
    '/primes?below=5000000',
    '/primes?below=100000000',
    '/primes?below=many',
    '/missing',
  ];
  const answers = await Promise.all(paths.map(async path => {
    const response = await fetch(`http://127.0.0.1:${port}${path}`);
    return `GET ${path} -> ${response.status} ${await response.text()}`;
  }));
  for (const answer of answers) console.log(answer);
} finally {
  await new Promise(resolve => server.close(resolve));
  await pool.close();
}
