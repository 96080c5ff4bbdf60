'use strict';
// presence-project-<id>: pusher-js shows who has the project open, with the
// names the server put in channel_data, and notices who leaves.

const test = require('node:test');
const assert = require('node:assert/strict');
const { withWorld, nextEvent } = require('./harness');

// pusher-js's Members object as plain {id: name}.
function names(channel) {
  const shown = {};
  channel.members.each((member) => { shown[member.id] = member.info.name; });
  return shown;
}

test('presence lists both members by name, and a disconnect removes one', () => withWorld(async (world) => {
  const ada = await world.signUp('Ada Lovelace');
  const bob = await world.signUp('Bob Babbage');
  const project = await world.project(ada, [bob]);
  assert.equal(project.presence_channel, `presence-project-${project.id}`);

  const adaClient = await world.connect(ada);
  const adaChannel = await world.subscribe(adaClient, project.presence_channel);
  // Presence user ids are the REST ids as decimal strings (doc/api.md).
  assert.equal(adaChannel.members.me.id, String(ada.user.id));
  assert.equal(adaChannel.members.me.info.name, 'Ada Lovelace');

  const bobClient = await world.connect(bob);
  const bobChannel = await world.subscribe(bobClient, project.presence_channel);
  const everyone = { [ada.user.id]: 'Ada Lovelace', [bob.user.id]: 'Bob Babbage' };
  // Bob got the whole list in subscription_succeeded; Ada learns of him by
  // member_added.
  assert.equal(bobChannel.members.count, 2);
  assert.deepEqual(names(bobChannel), everyone);
  const added = await nextEvent(adaChannel, 'pusher:member_added');
  assert.deepEqual(added, { id: String(bob.user.id), info: { name: 'Bob Babbage' } });
  assert.equal(adaChannel.members.count, 2);
  assert.deepEqual(names(adaChannel), everyone);

  bobClient.disconnect();
  const removed = await nextEvent(adaChannel, 'pusher:member_removed');
  assert.equal(removed.id, String(bob.user.id));
  assert.equal(adaChannel.members.count, 1);
  assert.deepEqual(names(adaChannel), { [ada.user.id]: 'Ada Lovelace' });
}));
