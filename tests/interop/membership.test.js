'use strict';
// Only members may listen to a project: the auth endpoint refuses others,
// and removing a member takes their sockets off the channel at once.

const test = require('node:test');
const assert = require('node:assert/strict');
const { withWorld, nextEvent, sleep } = require('./harness');

test('a non-member is refused the project\'s channels', () => withWorld(async (world) => {
  const ada = await world.signUp('Ada Lovelace');
  const carol = await world.signUp('Carol Outsider');
  const project = await world.project(ada);
  const carolClient = await world.connect(carol);

  // pusher-js turns the auth endpoint's 403 into pusher:subscription_error
  // carrying that status.
  for (const name of [project.channel, project.presence_channel]) {
    await assert.rejects(world.subscribe(carolClient, name), (error) => {
      assert.equal(error.data.type, 'AuthError');
      assert.equal(error.data.status, 403);
      return true;
    });
  }

  // And she hears nothing of the project's events.
  const channel = carolClient.channel(project.channel);
  await world.expect(201, 'POST', `/api/v1/projects/${project.id}/stories`,
    { token: ada.token, body: { title: 'Secret' } });
  await sleep(500);
  assert.deepEqual(channel.received.filter((r) => !r.event.startsWith('pusher:')), []);
}));

test('member removal takes the socket off the channel at once', () => withWorld(async (world) => {
  const ada = await world.signUp('Ada Lovelace');
  const bob = await world.signUp('Bob Babbage');
  const project = await world.project(ada, [bob]);

  // Ada has two sockets (two windows): the one that makes the change, which
  // is excluded, and one that must still get it.
  const adaActing = await world.connect(ada);
  const adaWatching = await world.connect(ada);
  const bobClient = await world.connect(bob);
  await world.subscribe(adaActing, project.channel);
  const adaChannel = await world.subscribe(adaWatching, project.channel);
  const bobChannel = await world.subscribe(bobClient, project.channel);
  const adaPresence = await world.subscribe(adaWatching, project.presence_channel);
  await world.subscribe(bobClient, project.presence_channel);
  await nextEvent(adaPresence, 'pusher:member_added', (m) => m.id === String(bob.user.id));

  // Bob still hears the project before he is removed.
  await world.expect(201, 'POST', `/api/v1/projects/${project.id}/stories`,
    { token: ada.token, body: { title: 'Before' }, headers: { 'X-Socket-ID': adaActing.socketId } });
  await nextEvent(bobChannel, 'stories-create', (e) => e.story.title === 'Before');

  await world.expect(200, 'DELETE', `/api/v1/projects/${project.id}/members/${bob.user.id}`,
    { token: ada.token });

  // The hub tells his socket the way an auth refusal does, and Ada's
  // presence channel sees him go although his socket stays connected.
  const evicted = await nextEvent(bobChannel, 'pusher:subscription_error');
  assert.equal(evicted.status, 403);
  const left = await nextEvent(adaPresence, 'pusher:member_removed');
  assert.equal(left.id, String(bob.user.id));
  assert.equal(bobClient.connection.state, 'connected');

  const after = await world.expect(201, 'POST', `/api/v1/projects/${project.id}/stories`,
    { token: ada.token, body: { title: 'After' }, headers: { 'X-Socket-ID': adaActing.socketId } });
  const seen = await nextEvent(adaChannel, 'stories-create', (e) => e.story.title === 'After');
  assert.equal(seen.version, after.version);
  await sleep(500);
  assert.deepEqual(bobChannel.received
    .filter((r) => r.event === 'stories-create')
    .map((r) => r.data.story.title), ['Before']);

  // Subscribing again is refused too: the auth endpoint no longer signs for him.
  bobClient.unsubscribe(project.channel);
  await assert.rejects(world.subscribe(bobClient, project.channel),
    (error) => error.data.status === 403);
}));
