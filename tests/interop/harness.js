'use strict';
// What every interop test needs: its own truestory-server on a free port with
// a temporary data directory, users, REST calls, and pusher-js clients
// configured from GET /api/v1/realtime alone, as a real app would be.
// Everything started is stopped by World.close(), which withWorld() runs
// whether the test passed or not. Runs on Node >= 18 (Debian 12's nodejs).

const fs = require('node:fs');
const fsp = require('node:fs/promises');
const os = require('node:os');
const path = require('node:path');
const readline = require('node:readline');
const { spawn } = require('node:child_process');
const { setTimeout: sleep } = require('node:timers/promises');

// A clear failure, not a skip: a CI that forgot `npm ci` must go red.
for (const name of ['pusher-js', 'pusher']) {
  if (!fs.existsSync(path.join(__dirname, 'node_modules', name, 'package.json'))) {
    console.error(`tests/interop/node_modules/${name} is missing: run ` +
      '`npm ci --prefix tests/interop` (build-aux/test does it for you)');
    process.exit(1);
  }
}

const PusherClient = require('pusher-js');

// meson passes the program; a run by hand from tests/interop falls back to the
// usual build directory.
const PROGRAM = process.env.TRUESTORY_SERVER ||
  path.join(__dirname, '..', '..', 'build', 'src', 'server', 'truestory-server');
const PASSWORD = 'correct horse battery';
const TIMEOUT = 10000;

// Servers still running when this process exits however it ends (an uncaught
// error, the test runner's timeout) are killed rather than left behind.
const running = new Set();
process.on('exit', () => {
  for (const server of running)
    server.kill('SIGKILL');
});

// Fixed Pusher credentials, so that the npm `pusher` library can sign for them.
const APP = { appId: '4242', key: 'interop-key', secret: 'interop-secret' };

function withTimeout(promise, ms, what) {
  let timer;
  const timeout = new Promise((resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

// Runs a program to its end; resolves with {code, stderr}.
function run(program, args, input) {
  return new Promise((resolve, reject) => {
    const child = spawn(program, args, { stdio: ['pipe', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk) => { stderr += chunk; });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stderr }));
    child.stdin.end(input);
  });
}

class World {
  constructor() {
    this.clients = [];
    this.serverLog = '';
  }

  async start() {
    this.dataDir = await fsp.mkdtemp(path.join(os.tmpdir(), 'truestory-interop-'));
    this.server = spawn(PROGRAM, [
      '--listen', '127.0.0.1:0', '--data-dir', this.dataDir,
      '--app-id', APP.appId, '--app-key', APP.key, '--app-secret', APP.secret,
    ], { stdio: ['ignore', 'pipe', 'pipe'] });
    running.add(this.server);
    this.exited = new Promise((resolve) => this.server.on('exit', resolve))
      .finally(() => running.delete(this.server));
    // Kept, and printed only when the test fails: the server is chatty on stop.
    this.server.stderr.on('data', (chunk) => { this.serverLog += chunk; });

    const lines = readline.createInterface({ input: this.server.stdout });
    const first = new Promise((resolve, reject) => {
      lines.once('line', resolve);
      this.server.once('error', reject);
      this.exited.then((code) => reject(new Error(`${PROGRAM} exited (${code}) before listening`)));
    });
    const line = await withTimeout(first, TIMEOUT, 'the server\'s first line');
    const match = /^listening on (http:\/\/127\.0\.0\.1:(\d+))$/.exec(line);
    if (!match)
      throw new Error(`the server's first line is "${line}"`);
    this.baseUrl = match[1];
    this.port = Number(match[2]);
    // Keep reading, so that a full pipe never blocks the server.
    lines.on('line', () => {});
  }

  // Disconnects the clients, stops the server and removes its data.
  // Returns what went wrong with the server, or null when it stopped cleanly.
  // The clients go first: a server stop closes their sockets with 4200, on
  // which pusher-js 8.6.0 starts two retry timers and keeps only the second,
  // so a disconnect() that lands between them is undone by the first one and
  // the client retries forever, keeping this process alive (seen on Node 18).
  async close() {
    for (const client of this.clients)
      client.disconnect();
    let complaint = null;
    const server = this.server;
    if (server && server.pid !== undefined) {
      if (server.exitCode !== null || server.signalCode !== null) {
        complaint = `the server died during the test (${server.exitCode ?? server.signalCode})`;
      } else {
        server.kill('SIGTERM');
        const code = await Promise.race([this.exited, sleep(5000, 'hung', { ref: false })]);
        if (code === 'hung') {
          server.kill('SIGKILL');
          await this.exited;
          complaint = 'the server did not stop within 5 s of SIGTERM';
        } else if (code !== 0) {
          complaint = `the server stopped with ${code ?? server.signalCode} on SIGTERM`;
        }
      }
    }
    if (this.dataDir)
      await fsp.rm(this.dataDir, { recursive: true, force: true });
    return complaint;
  }

  // `truestory-server user add` (the password on standard input), then sign in.
  async signUp(name) {
    const email = `${name.split(' ')[0].toLowerCase()}@example.org`;
    const added = await run(PROGRAM, ['--data-dir', this.dataDir, 'user', 'add',
      '--email', email, '--name', name], `${PASSWORD}\n`);
    if (added.code !== 0)
      throw new Error(`user add ${email} exited ${added.code}: ${added.stderr}`);
    const session = await this.api('POST', '/api/v1/session', { body: { email, password: PASSWORD } });
    if (session.status !== 201)
      throw new Error(`sign-in of ${email}: ${session.status} ${JSON.stringify(session.body)}`);
    return { token: session.body.token, user: session.body.user, name };
  }

  async api(method, urlPath, { token, body, headers } = {}) {
    const response = await fetch(this.baseUrl + urlPath, {
      method,
      headers: {
        ...(token ? { Authorization: `Bearer ${token}` } : {}),
        ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}),
        ...headers,
      },
      body: body !== undefined ? JSON.stringify(body) : undefined,
    });
    const text = await response.text();
    let parsed = text;
    try { parsed = JSON.parse(text); } catch { /* not JSON: keep the text */ }
    return { status: response.status, body: parsed };
  }

  // Like api(), but anything but the expected status fails the test.
  async expect(status, method, urlPath, options) {
    const response = await this.api(method, urlPath, options);
    if (response.status !== status)
      throw new Error(`${method} ${urlPath}: expected ${status}, got ${response.status} ` +
        JSON.stringify(response.body));
    return response.body;
  }

  // A project of `owner` with `members` added by email.
  async project(owner, members = []) {
    const project = await this.expect(201, 'POST', '/api/v1/projects',
      { token: owner.token, body: { name: 'Interop' } });
    for (const member of members)
      await this.expect(201, 'POST', `/api/v1/projects/${project.id}/members`,
        { token: owner.token, body: { email: member.user.email } });
    return project;
  }

  // A pusher-js client configured only from what GET /api/v1/realtime says,
  // connected; resolves once pusher-js knows its socket_id.
  async connect(session) {
    const info = await this.expect(200, 'GET', '/api/v1/realtime', { token: session.token });
    const endpoint = /^https?:\/\//.test(info.auth_endpoint)
      ? info.auth_endpoint : `${this.baseUrl}${info.auth_endpoint}`;
    const client = new PusherClient(info.key, {
      wsHost: info.ws_host,
      wsPort: info.ws_port,
      wssPort: info.ws_port,
      wsPath: info.ws_path,
      forceTLS: info.tls,
      enabledTransports: ['ws'], // with forceTLS pusher-js's ws transport uses wss
      cluster: 'interop', // mandatory in pusher-js even with wsHost; unused
      channelAuthorization: {
        endpoint,
        transport: 'ajax',
        headers: { Authorization: `Bearer ${session.token}` },
      },
    });
    this.clients.push(client);
    const connected = new Promise((resolve, reject) => {
      client.connection.bind('connected', resolve);
      client.connection.bind('failed', () => reject(new Error('pusher-js: connection failed')));
      client.connection.bind('unavailable', () => reject(new Error('pusher-js: server unavailable')));
    });
    await withTimeout(connected, TIMEOUT, `${session.name}'s pusher-js connection`);
    client.socketId = client.connection.socket_id;
    return client;
  }

  // Subscribes and records every event the channel gets from then on in
  // channel.received, so a test can also check what did NOT arrive. Resolves
  // with the channel on pusher:subscription_succeeded; rejects with the
  // subscription_error data (type, error, status) otherwise.
  async subscribe(client, name) {
    const channel = client.subscribe(name);
    channel.received = [];
    channel.bind_global((event, data) => channel.received.push({ event, data }));
    const outcome = new Promise((resolve, reject) => {
      channel.bind('pusher:subscription_succeeded', () => resolve(channel));
      channel.bind('pusher:subscription_error', (error) => {
        const failure = new Error(`subscription to ${name} refused: ${JSON.stringify(error)}`);
        failure.data = error;
        reject(failure);
      });
    });
    return withTimeout(outcome, TIMEOUT, `the subscription to ${name}`);
  }
}

// Resolves with the data of the first `event` on `channel` (already received
// or to come) that `accept` takes.
async function nextEvent(channel, event, accept = () => true, ms = TIMEOUT) {
  const deadline = Date.now() + ms;
  for (;;) {
    const found = channel.received.find((r) => r.event === event && accept(r.data));
    if (found)
      return found.data;
    if (Date.now() > deadline)
      throw new Error(`no ${event} on ${channel.name} within ${ms} ms; got ` +
        JSON.stringify(channel.received.map((r) => r.event)));
    await sleep(20);
  }
}

// Runs `test` with a fresh World and always closes it. A server that did not
// stop cleanly fails the test too; the server's log is shown on failure.
async function withWorld(test) {
  const world = new World();
  let failure = null;
  try {
    await world.start();
    await test(world);
  } catch (error) {
    failure = error;
  }
  const complaint = await world.close();
  if (failure || complaint) {
    console.error(`--- truestory-server log ---\n${world.serverLog}--- end ---`);
    throw failure || new Error(complaint);
  }
}

module.exports = { APP, World, withWorld, nextEvent, sleep };
