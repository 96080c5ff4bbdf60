'use strict';
// Text with the characters JSON and JavaScript are touchy about reaches
// pusher-js as parsed objects, equal to what was sent: tab, line feed and
// carriage return in descriptions and comments, U+2028 and U+2029 in every
// text field. The control characters no field may hold are refused (422)
// and publish nothing.

const test = require('node:test');
const assert = require('node:assert/strict');
const { withWorld, nextEvent, sleep } = require('./harness');

const LINE = 'L\u2028I\u2029NE';
const LINES = 't\tl\nc\rr\u2028s\u2029e';

// U+0000–U+001F and U+007F, as strings of one character.
const CONTROLS = [...Array(32).keys(), 0x7f].map((c) => String.fromCharCode(c));

test('pusher-js parses every event that carries special characters', () => withWorld(async (world) => {
  const ada = await world.signUp('Ada Lovelace');
  const bob = await world.signUp('Bob Babbage');
  const project = await world.project(ada, [bob]);
  const bobClient = await world.connect(bob);
  const channel = await world.subscribe(bobClient, project.channel);
  const stories = `/api/v1/projects/${project.id}/stories`;

  const story = await world.expect(201, 'POST', stories, {
    token: ada.token, body: { title: LINE, description: LINES, labels: [LINE, 'plain'] },
  });
  const created = await nextEvent(channel, 'stories-create');
  assert.equal(typeof created, 'object', 'pusher-js could not parse the event');
  assert.equal(created.story.title, LINE);
  assert.equal(created.story.description, LINES);
  assert.deepEqual(created.story.labels, [LINE, 'plain']);

  const comment = await world.expect(201, 'POST', `${stories}/${story.id}/comments`, {
    token: ada.token, body: { text: LINES },
  });
  const commented = await nextEvent(channel, 'comments-create');
  assert.equal(typeof commented, 'object', 'pusher-js could not parse the event');
  assert.equal(commented.comment.text, LINES);

  await world.expect(200, 'PATCH', `/api/v1/projects/${project.id}`, {
    token: ada.token, body: { name: LINE },
  });
  const renamed = await nextEvent(channel, 'projects-update');
  assert.equal(typeof renamed, 'object', 'pusher-js could not parse the event');
  assert.equal(renamed.project.name, LINE);

  await world.expect(200, 'DELETE', `${stories}/${story.id}/comments/${comment.id}`, { token: ada.token });
  const uncommented = await nextEvent(channel, 'comments-destroy');
  assert.equal(typeof uncommented, 'object', 'pusher-js could not parse the event');
  assert.equal(uncommented.title, LINE);

  // The history says the same, and is JSON (api() parses it or keeps text).
  const history = await world.expect(200, 'GET', `/api/v1/projects/${project.id}/changes?since=0`,
    { token: ada.token });
  assert.equal(typeof history, 'object');
  const names = history.changes.map((change) => change.name);
  assert.ok(names.includes('stories-create') && names.includes('comments-create'));
  assert.equal(history.changes.find((c) => c.name === 'stories-create').story.description, LINES);
}));

test('control characters are refused in every text field and publish nothing', () => withWorld(async (world) => {
  const ada = await world.signUp('Ada Lovelace');
  const bob = await world.signUp('Bob Babbage');
  const project = await world.project(ada, [bob]);
  const bobClient = await world.connect(bob);
  const channel = await world.subscribe(bobClient, project.channel);
  const stories = `/api/v1/projects/${project.id}/stories`;
  const story = await world.expect(201, 'POST', stories, { token: ada.token, body: { title: 'Base' } });
  await nextEvent(channel, 'stories-create');
  const before = channel.received.length;

  const fields = [
    { field: 'title', method: 'POST', path: stories, body: (t) => ({ title: t }) },
    { field: 'title', method: 'PATCH', path: `${stories}/${story.id}`, body: (t) => ({ title: t }) },
    { field: 'labels', method: 'POST', path: stories, body: (t) => ({ title: 'x', labels: [t] }) },
    { field: 'description', method: 'PATCH', path: `${stories}/${story.id}`, body: (t) => ({ description: t }), lines: true },
    { field: 'text', method: 'POST', path: `${stories}/${story.id}/comments`, body: (t) => ({ text: t }), lines: true },
    { field: 'name', method: 'PATCH', path: `/api/v1/projects/${project.id}`, body: (t) => ({ name: t }) },
  ];
  for (const { field, method, path, body, lines } of fields) {
    for (const control of CONTROLS) {
      if (lines && '\t\n\r'.includes(control))
        continue;
      const response = await world.api(method, path, { token: ada.token, body: body(`a${control}b`) });
      const code = control.charCodeAt(0).toString(16);
      assert.equal(response.status, 422, `${field} with U+${code}: ${JSON.stringify(response.body)}`);
      assert.equal(response.body.error.code, 'invalid');
      assert.match(response.body.error.message, new RegExp(field));
    }
  }

  // Nothing was published for any of them.
  await sleep(300);
  assert.deepEqual(channel.received.slice(before).map((r) => r.event), []);
}));
