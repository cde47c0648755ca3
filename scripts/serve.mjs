// Production HTTP server: Astro's handler (node adapter, middleware mode) plus a
// static file server for dist/client that knows its files up front, so dynamic
// requests never touch the disk to look for a file and no path outside
// dist/client can ever be served.
import http from 'node:http';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const clientDir = path.join(root, 'dist/client');
const { handler } = await import(path.join(root, 'dist/server/entry.mjs'));

const TYPES = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.webmanifest': 'application/manifest+json',
  '.woff2': 'font/woff2',
};

/** url path → { body, gzip, type, immutable } for every file under dist/client, read once at start. */
const files = new Map();
(function walk(dir) {
  for (const name of readdirSync(dir)) {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) walk(full);
    else {
      const body = readFileSync(full);
      const type = TYPES[path.extname(name)] ?? 'application/octet-stream';
      const compressible = /text|javascript|json|svg/.test(type) && body.length > 512;
      files.set('/' + path.relative(clientDir, full).split(path.sep).join('/'), {
        body,
        gzip: compressible ? gzipSync(body) : undefined,
        type,
        immutable: full.startsWith(path.join(clientDir, '_astro') + path.sep),
      });
    }
  }
})(clientDir);

function serveStatic(req, res, file) {
  const headers = {
    'Content-Type': file.type,
    'Cache-Control': file.immutable ? 'public, max-age=31536000, immutable' : 'public, max-age=3600',
    'X-Content-Type-Options': 'nosniff',
    Vary: 'Accept-Encoding',
  };
  const gz = file.gzip && /\bgzip\b/.test(req.headers['accept-encoding'] ?? '');
  const body = gz ? file.gzip : file.body;
  if (gz) headers['Content-Encoding'] = 'gzip';
  headers['Content-Length'] = body.length;
  res.writeHead(200, headers);
  res.end(req.method === 'HEAD' ? undefined : body);
}

const server = http.createServer((req, res) => {
  const pathname = (req.url ?? '/').split('?')[0];
  const file = (req.method === 'GET' || req.method === 'HEAD') && files.get(pathname);
  if (file) return serveStatic(req, res, file);
  handler(req, res);
});
// Slow or idle clients cannot hold connections for ever; SSE streams send a heartbeat.
server.headersTimeout = 20_000;
server.requestTimeout = 60_000;
server.keepAliveTimeout = 5_000;

const host = process.env.HOST ?? '127.0.0.1';
const port = Number(process.env.PORT ?? 4321);
server.listen(port, host, () => console.log(`[serve] listening on http://${host.includes(':') ? `[${host}]` : host}:${port}/`));
const stop = () => server.close(() => process.exit(0));
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
