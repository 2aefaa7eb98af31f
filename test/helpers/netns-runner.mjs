// Runs inside `unshare -n` (a private network namespace with only loopback), started by
// test/helpers/netns.ts: starts the emulator (`bin/aoai emulate`) and a recording forward proxy
// as the spec asks, runs each aoai command in turn, and prints one JSON document with the
// results and the proxy's log. Nothing here can reach another machine: there is no route out.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import { createServer as createHttpServer } from 'node:http';
import { startForwardProxy } from './forward-proxy.mjs';
import { startRebindingDns } from './rebinding-dns.mjs';

const spec = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const bin = spec.bin;

function run(args, env, input) {
  return new Promise((resolve) => {
    const child = spawn(bin, args, { env, stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
    const out = [];
    const err = [];
    child.stdout.on('data', (c) => out.push(c));
    child.stderr.on('data', (c) => err.push(c));
    if (input !== undefined) child.stdin.end(input);
    const timer = setTimeout(() => child.kill('SIGKILL'), spec.timeoutMs ?? 20_000);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') });
    });
  });
}

async function waitForPort(host, port) {
  for (let i = 0; i < 200; i++) {
    const ok = await new Promise((resolve) => {
      const socket = connect(port, host, () => {
        socket.destroy();
        resolve(true);
      });
      socket.on('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`nothing listening on ${host}:${port}`);
}

const substitutions = {};
let emulator;
if (spec.emulator) {
  const host = spec.emulator.host ?? '127.0.0.1';
  const port = spec.emulator.port ?? 18080;
  emulator = spawn(bin, ['emulate', '--host', host, '--port', String(port), '--key', spec.emulator.key, '--queue-ms', '20', '--event-delay-ms', '0', '-q'], { env: spec.baseEnv, stdio: ['ignore', 'pipe', 'inherit'] });
  let printed = '';
  emulator.stdout.on('data', (c) => (printed += c));
  await waitForPort(host, port);
  await new Promise((r) => setTimeout(r, 50));
  substitutions.EMULATOR = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  substitutions.IDENTITY_HEADER = /IDENTITY_HEADER=['"]?([^'"\s]+)/.exec(printed)?.[1] ?? '';
}
// A TLS front for the emulator (https://localhost:18443, the fixture certificate), for requests
// that must go through a CONNECT tunnel and a real TLS handshake.
let tlsFront;
if (spec.emulator && spec.tlsFront) {
  const [host, port] = ['127.0.0.1', 18080];
  tlsFront = createTlsServer({ cert: readFileSync(spec.tlsFront.cert), key: readFileSync(spec.tlsFront.key) }, (secure) => {
    const plain = connect(port, host);
    secure.pipe(plain).pipe(secure);
    const close = () => {
      secure.destroy();
      plain.destroy();
    };
    secure.on('error', close);
    plain.on('error', close);
  });
  await new Promise((resolve) => tlsFront.listen(18443, '127.0.0.1', resolve));
  substitutions.EMULATOR_TLS = 'https://localhost:18443';
}
// A DNS server (the namespace's resolv.conf names it) and a decoy HTTP server that records who
// reached it: for DNS rebinding, where a name resolves to one address and then to another.
const dns = spec.dns ? await startRebindingDns({ answers: spec.dns.answers }) : undefined;
const decoyLog = [];
let decoy;
if (spec.decoy) {
  decoy = createHttpServer((req, res) => {
    decoyLog.push({ method: req.method, url: req.url, credentials: Boolean(req.headers['api-key'] || req.headers.authorization) });
    req.resume();
    res.writeHead(500, { 'content-type': 'application/json' }).end('{"error":{"message":"decoy"}}');
  });
  await new Promise((resolve) => decoy.listen(spec.decoy.port, spec.decoy.host, resolve));
}
let proxy;
if (spec.proxy) {
  proxy = await startForwardProxy({ port: 3128, ...spec.proxy });
  substitutions.PROXY = proxy.url;
}
const substitute = (value) => value.replace(/\{\{(\w+)\}\}/g, (_, name) => substitutions[name] ?? '');

const results = [];
for (const step of spec.runs) {
  const env = { ...spec.baseEnv };
  for (const [key, value] of Object.entries(step.env ?? {})) {
    if (value === null) delete env[key];
    else env[key] = substitute(value);
  }
  const result = await run(step.args.map(substitute), env, step.input);
  results.push({ ...result, proxyLog: proxy ? proxy.log.splice(0) : [] });
}
emulator?.kill('SIGTERM');
tlsFront?.close();
decoy?.close();
await dns?.close();
await proxy?.close();
process.stdout.write(JSON.stringify({ results, substitutions, decoyLog, dnsAsked: dns?.asked ?? {} }));
process.exit(0);
