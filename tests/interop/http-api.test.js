'use strict';
// The npm `pusher` library (the server side of Pusher) publishes through
// truestory-server's Pusher HTTP API, signed as Pusher signs, and a pusher-js
// client gets what it published.

const test = require('node:test');
const assert = require('node:assert/strict');
// The harness first: it says what to do when node_modules is missing.
const { APP, withWorld, nextEvent } = require('./harness');
const Pusher = require('pusher');

function publisher(world, secret = APP.secret) {
  return new Pusher({
    appId: APP.appId,
    key: APP.key,
    secret,
    host: '127.0.0.1',
    port: String(world.port),
    useTLS: false,
  });
}

// pusher's RequestError carries the HTTP status.
function hasStatus(status) {
  return (error) => {
    assert.equal(error.status, status, `${error.message}: ${error.body}`);
    return true;
  };
}

test('the npm pusher library triggers through the server\'s HTTP API', () => withWorld(async (world) => {
  const ada = await world.signUp('Ada Lovelace');
  const listener = await world.connect(ada);
  const channel = await world.subscribe(listener, 'my-channel');
  const pusher = publisher(world);

  const response = await pusher.trigger('my-channel', 'my-event', { hello: 'world' });
  assert.equal(response.status, 200);
  assert.deepEqual(await nextEvent(channel, 'my-event'), { hello: 'world' });

  // Several channels at once, and the batch endpoint.
  await pusher.trigger(['my-channel', 'nobody-listens'], 'two', { n: 2 });
  assert.deepEqual(await nextEvent(channel, 'two'), { n: 2 });
  await pusher.triggerBatch([
    { channel: 'my-channel', name: 'batched', data: { n: 1 } },
    { channel: 'my-channel', name: 'batched', data: 'a plain string' },
  ]);
  await nextEvent(channel, 'batched', (data) => data === 'a plain string');
  assert.deepEqual(channel.received.filter((r) => r.event === 'batched').map((r) => r.data),
    [{ n: 1 }, 'a plain string']);

  // The library does not check Pusher's 10 KB limit on data (10,240 bytes of
  // the data string); the server does. A string is sent as it is.
  await pusher.trigger('my-channel', 'at-limit', 'x'.repeat(10240));
  await assert.rejects(pusher.trigger('my-channel', 'too-big', 'x'.repeat(10241)), hasStatus(413));
  await assert.rejects(pusher.trigger('my-channel', 'too-big', { text: 'x'.repeat(11 * 1024) }),
    hasStatus(413));

  // A wrong secret makes a wrong signature.
  await assert.rejects(publisher(world, 'not-the-secret').trigger('my-channel', 'forged', {}),
    hasStatus(401));
  await assert.rejects(publisher(world, 'not-the-secret').get({ path: '/channels' }),
    hasStatus(401));

  // The queries: only occupied channels are listed.
  const channels = await (await pusher.get({ path: '/channels' })).json();
  assert.deepEqual(channels, { channels: { 'my-channel': {} } });
  const one = await (await pusher.get({ path: '/channels/my-channel' })).json();
  assert.equal(one.occupied, true);

  // Everything accepted was delivered, in order, and nothing refused was.
  await nextEvent(channel, 'at-limit');
  assert.deepEqual(channel.received.map((r) => r.event).filter((e) => !e.startsWith('pusher')),
    ['my-event', 'two', 'batched', 'batched', 'at-limit']);
}));

test('the npm pusher library reads presence members', () => withWorld(async (world) => {
  const ada = await world.signUp('Ada Lovelace');
  const project = await world.project(ada);
  await world.subscribe(await world.connect(ada), project.presence_channel);
  const pusher = publisher(world);

  const users = await (await pusher.get({ path: `/channels/${project.presence_channel}/users` })).json();
  assert.deepEqual(users, { users: [{ id: String(ada.user.id) }] });
  const counted = await (await pusher.get({
    path: '/channels', params: { filter_by_prefix: 'presence-', info: 'user_count' },
  })).json();
  assert.deepEqual(counted, { channels: { [project.presence_channel]: { user_count: 1 } } });
}));
