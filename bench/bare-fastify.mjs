#!/usr/bin/env node
// A0: a bare Fastify, the very copy the server imports, with logging off and one route. Loaded
// like A, it is the ceiling of the HTTP stack alone, without anything Bursar adds to a request.
// Run by bench/run.mjs in its own process; prints "listening <url> fastify <version>".
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

// Resolve `fastify` as packages/server does, so the version measured is the version served.
const require = createRequire(new URL('../packages/server/package.json', import.meta.url));
const { default: Fastify } = await import(pathToFileURL(require.resolve('fastify')).href);

const app = Fastify({ logger: false });
app.get('/ping', async () => ({ ok: true, sandbox: true }));
const url = await app.listen({ host: '127.0.0.1', port: 0 });
process.stdout.write(`listening ${url} fastify ${app.version}\n`);
for (const signal of ['SIGTERM', 'SIGINT']) process.once(signal, () => app.close().then(() => process.exit(0)));
