// Example marble "client" (README walkthrough): calls the server marble over mutual TLS with its
// coordinator-issued certificate and checks that both marbles got the same shared secret.
import { request } from 'node:https';

const env = (name) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: start this program with \`confide run\``);
  return value;
};

function ask() {
  return new Promise((resolve, reject) => {
    const options = {
      host: '127.0.0.1',
      servername: 'localhost',
      port: Number(env('SERVER_PORT')),
      path: '/',
      cert: env('MARBLE_PREDEFINED_MARBLE_CERTIFICATE_CHAIN'),
      key: env('MARBLE_PREDEFINED_PRIVATE_KEY'),
      ca: env('MARBLE_PREDEFINED_ROOT_CA'),
    };
    const req = request(options, (res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve(JSON.parse(body)));
    });
    req.on('error', reject);
    req.end();
  });
}

// The server marble may still be starting: try for up to 30 seconds.
let answer;
for (let attempt = 1; ; attempt++) {
  try {
    answer = await ask();
    break;
  } catch (err) {
    if (err.code !== 'ECONNREFUSED' || attempt === 60) throw err;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}
if (answer.sharedKey !== env('SHARED_KEY')) {
  console.error(`the server holds another shared key: ${JSON.stringify(answer)}`);
  process.exit(1);
}
console.log(`example client: the server saw ${answer.client}; both marbles hold the same shared key`);
