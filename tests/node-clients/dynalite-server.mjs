// A DynamoDB API (dynalite, in memory) on a free loopback port for the routing-table tests. Prints
// "listening <port>" once ready and exits when its stdin closes, so it never outlives the test that started it.
import dynalite from 'dynalite';

const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`listening ${server.address().port}\n`);
});
process.stdin.on('end', () => process.exit(0));
process.stdin.on('close', () => process.exit(0));
process.stdin.resume();
