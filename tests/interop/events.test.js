'use strict';
// Project events reach the other members' pusher-js clients, and not the
// socket that made the change (X-Socket-ID), through a private channel
// authorized by POST /api/v1/realtime/auth.

const test = require('node:test');
const assert = require('node:assert/strict');
const { withWorld, nextEvent, sleep } = require('./harness');

test('pusher-js receives project events, the creator\'s socket does not', () => withWorld(async (world) => {
  const ada = await world.signUp('Ada Lovelace');
  const bob = await world.signUp('Bob Babbage');
  const project = await world.project(ada, [bob]);
  assert.equal(project.channel, `private-project-${project.id}`);

  const adaClient = await world.connect(ada);
  const bobClient = await world.connect(bob);
  const [adaChannel, bobChannel] = await Promise.all([
    world.subscribe(adaClient, project.channel),
    world.subscribe(bobClient, project.channel),
  ]);

  const story = await world.expect(201, 'POST', `/api/v1/projects/${project.id}/stories`, {
    token: ada.token,
    body: { title: 'Interop story' },
    headers: { 'X-Socket-ID': adaClient.socketId },
  });

  // pusher-js has already parsed the double-encoded data into an object.
  const event = await nextEvent(bobChannel, 'stories-create');
  assert.equal(typeof event, 'object');
  assert.equal(event.version, story.version);
  assert.equal(event.actor_id, ada.user.id);
  assert.equal(event.story.id, story.id);
  assert.equal(event.story.title, 'Interop story');
  assert.match(event.at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);

  // The creator's socket was excluded: give a wrongly sent copy time to land.
  await sleep(500);
  assert.deepEqual(adaChannel.received.filter((r) => r.event === 'stories-create'), []);

  // Without X-Socket-ID the change reaches every member's socket, Ada's too,
  // which also shows the channel did work for her.
  const update = await world.expect(200, 'PATCH', `/api/v1/projects/${project.id}/stories/${story.id}`, {
    token: ada.token, body: { title: 'Renamed' },
  });
  for (const channel of [adaChannel, bobChannel]) {
    const updated = await nextEvent(channel, 'stories-update');
    assert.equal(updated.version, update.version);
    assert.equal(updated.story.title, 'Renamed');
  }
}));
