'use strict';
// A pusher-js client for tests/test-pg-soketi.c: configured from one
// truestory-server's GET /api/v1/realtime and authorised by that server's
// POST /api/v1/realtime/auth, as harness.js's World does for the interop
// tests. It subscribes to a channel and prints `subscribed`, then one line
// `<event> <version>` per event, as it arrives, until its standard input
// ends; then it disconnects and exits.
//
// Usage: node watch-versions.js BASE_URL TOKEN CHANNEL

const { World } = require('./harness.js');

async function main() {
  const [baseUrl, token, name] = process.argv.slice(2);
  if (!baseUrl || !token || !name)
    throw new Error('usage: node watch-versions.js BASE_URL TOKEN CHANNEL');

  // Only the client side of World: the server is the test's.
  const world = new World();
  world.baseUrl = baseUrl;
  const client = await world.connect({ token, name: 'watcher' });
  const channel = await world.subscribe(client, name);
  const print = (event, data) => {
    if (!event.startsWith('pusher:'))
      process.stdout.write(`${event} ${data.version}\n`);
  };

  process.stdout.write('subscribed\n');
  for (const { event, data } of channel.received)
    print(event, data);
  channel.bind_global(print);
  // pusher-js says when it loses soketi; the test then misses versions and
  // says so, and this line tells why.
  client.connection.bind('state_change', ({ current }) => {
    if (current !== 'connected')
      console.error(`watch-versions: pusher-js is ${current}`);
  });

  process.stdin.resume();
  await new Promise((resolve) => process.stdin.on('end', resolve));
  client.connection.unbind('state_change');
  client.disconnect();
}

main().then(() => process.exit(0), (error) => {
  console.error(`watch-versions: ${error.stack || error}`);
  process.exit(1);
});
