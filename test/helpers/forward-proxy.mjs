// A loopback forward proxy for tests, in plain JavaScript so it also runs inside a private network
// namespace (test/helpers/netns-runner.mjs). It records every request: absolute-form HTTP
// (`GET http://127.0.0.1:PORT/path`) and CONNECT (`CONNECT host:443`). It forwards only to
// loopback; a request or CONNECT for any other host is recorded and answered with an error,
// never connected onward.
//   mode 'forward' (default): forward loopback requests, tunnel loopback CONNECTs
//   mode 'refuse': answer everything 403
//   mode 'auth': require Proxy-Authorization: Basic base64(user:password) (`credentials`), else 407
import { request as httpRequest, createServer } from 'node:http';
import { connect } from 'node:net';

function isLoopbackHost(host) {
  const bare = host.replace(/^\[|\]$/g, '').toLowerCase();
  return bare === 'localhost' || bare === '::1' || /^127\.\d+\.\d+\.\d+$/.test(bare);
}

export async function startForwardProxy({ host = '127.0.0.1', port = 0, mode = 'forward', credentials } = {}) {
  const log = [];
  const expectedAuth = credentials ? `Basic ${Buffer.from(credentials).toString('base64')}` : undefined;
  const authorised = (req) => mode !== 'auth' || req.headers['proxy-authorization'] === expectedAuth;
  const server = createServer((req, res) => {
    log.push({ method: req.method, target: req.url, proxyAuthorization: Boolean(req.headers['proxy-authorization']) });
    if (mode === 'refuse') return res.writeHead(403, { 'content-type': 'text/plain' }).end('proxy says no\n');
    if (!authorised(req)) return res.writeHead(407, { 'proxy-authenticate': 'Basic realm="test"' }).end();
    let target;
    try {
      target = new URL(req.url);
    } catch {
      return res.writeHead(400).end('absolute-form request expected\n');
    }
    if (!isLoopbackHost(target.hostname)) return res.writeHead(502, { 'content-type': 'text/plain' }).end('test proxy: not forwarding off loopback\n');
    const headers = { ...req.headers };
    delete headers['proxy-authorization'];
    delete headers['proxy-connection'];
    const upstream = httpRequest({ host: target.hostname.replace(/^\[|\]$/g, ''), port: target.port || 80, method: req.method, path: `${target.pathname}${target.search}`, headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', () => res.headersSent ? res.destroy() : res.writeHead(502).end('upstream failed\n'));
    req.pipe(upstream);
  });
  server.on('connect', (req, socket, head) => {
    log.push({ method: 'CONNECT', target: req.url, proxyAuthorization: Boolean(req.headers['proxy-authorization']) });
    const colon = req.url.lastIndexOf(':');
    const host = req.url.slice(0, colon);
    const targetPort = Number(req.url.slice(colon + 1));
    if (mode === 'refuse' || !isLoopbackHost(host)) {
      socket.end('HTTP/1.1 403 Forbidden\r\ncontent-length: 0\r\n\r\n');
      return;
    }
    if (!authorised(req)) {
      socket.end('HTTP/1.1 407 Proxy Authentication Required\r\ncontent-length: 0\r\n\r\n');
      return;
    }
    const upstream = connect(targetPort, host.replace(/^\[|\]$/g, ''), () => {
      socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.write(head);
      upstream.pipe(socket);
      socket.pipe(upstream);
    });
    upstream.on('error', () => socket.destroy());
    socket.on('error', () => upstream.destroy());
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, resolve);
  });
  const address = server.address();
  return {
    url: `http://${host}:${address.port}`,
    port: address.port,
    log,
    close: () => new Promise((resolve) => {
      server.closeAllConnections?.();
      server.close(() => resolve());
    }),
  };
}
