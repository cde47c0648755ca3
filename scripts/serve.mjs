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

/**
 * The most connections served at once: MAX_CONNECTIONS if set, else the
 * process's open-file limit less 256 for the store, logs and static files
 * (at most 10,000), so a flood of sockets can never use up the file handles
 * that normal requests and the store need.
 */
function connectionCap() {
  let files = 1024;
  try {
    const m = /^Max open files\s+(\d+|unlimited)/m.exec(readFileSync('/proc/self/limits', 'utf8'));
    if (m) files = m[1] === 'unlimited' ? Infinity : Number(m[1]);
  } catch {
    /* not Linux: assume the common default */
  }
  const fit = Math.max(16, Math.min(files - 256, 10_000));
  const asked = Number(process.env.MAX_CONNECTIONS);
  if (!process.env.MAX_CONNECTIONS) return fit;
  if (!Number.isInteger(asked) || asked < 1) throw new Error(`MAX_CONNECTIONS must be a positive whole number, not "${process.env.MAX_CONNECTIONS}"`);
  if (asked > fit) console.warn(`[serve] MAX_CONNECTIONS=${asked} leaves less than 256 of the ${files} open files this process may have`);
  return asked;
}

// connectionsCheckingInterval: how often the headers and request timeouts are
// checked (Node's default, 30 s, would let a silent socket live up to 40 s).
const server = http.createServer({ connectionsCheckingInterval: 1_000 }, (req, res) => {
  const pathname = (req.url ?? '/').split('?')[0];
  const file = (req.method === 'GET' || req.method === 'HEAD') && files.get(pathname);
  if (file) return serveStatic(req, res, file);
  // Once a request has begun, its socket may be idle for longer (see below).
  req.socket.setTimeout(IDLE_IN_REQUEST);
  // A response sent before its request body was read to the end (a body over
  // the route's limit, a refused request that never reads it): the rest of the
  // body is read and dropped, never kept, so the client can take the answer
  // while it is still sending; a body still coming 5 s later is cut off by
  // closing the connection.
  res.once('finish', () => {
    if (req.complete || req.socket.destroyed) return;
    const linger = setTimeout(() => req.socket.destroy(), LINGER_MS);
    req.once('end', () => clearTimeout(linger));
    req.socket.once('close', () => clearTimeout(linger));
    req.removeAllListeners('readable');
    req.on('data', () => {});
    req.resume();
  });
  // The peer's address, for the client address (src/auth/client-address.ts):
  // Astro's clientAddress would take a client-chosen X-Forwarded-For.
  handler(req, res, undefined, { socketAddress: req.socket.remoteAddress });
});
// A new connection that sends nothing is closed after 10 s (server.timeout is
// each socket's idle timeout; Node's headersTimeout only starts at a request's
// first byte), its request headers must be complete within 10 s of that first
// byte (slow sockets get 408), a whole request within 60 s, and an idle
// kept-alive connection is closed after 5 s. Once a request has begun, its
// socket may be idle for 2 minutes: live-session event streams send a
// heartbeat every 15 s, so they stay open.
const IDLE_IN_REQUEST = 120_000;
const LINGER_MS = 5_000;
server.timeout = 10_000;
server.headersTimeout = 10_000;
server.requestTimeout = 60_000;
server.keepAliveTimeout = 5_000;

// Over the cap, new connections are closed at once (a clean close, nothing
// read): a flood cannot take the process's last file handles. Logged once per burst.
server.maxConnections = connectionCap();
let dropped = 0;
server.on('drop', () => {
  if (dropped++ > 0) return;
  console.warn(`[serve] ${server.maxConnections} connections open: refusing new connections`);
  setTimeout(() => {
    console.warn(`[serve] refused ${dropped} connection${dropped === 1 ? '' : 's'} over the cap of ${server.maxConnections} in 10 s`);
    dropped = 0;
  }, 10_000).unref();
});

const host = process.env.HOST ?? '127.0.0.1';
const port = Number(process.env.PORT ?? 4321);
server.listen(port, host, () => {
  const base = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  console.log(`[serve] listening on ${base}/`);
  // Open the store and load content now, not on the first visitor's request: a
  // store that cannot be opened (locked, corrupt, a database that cannot be
  // reached) stops the process at start with its message and a non-zero exit.
  fetch(`${base}/health`).catch(() => {});
});
const stop = () => server.close(() => process.exit(0));
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
