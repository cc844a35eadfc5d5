// Runs inside the private network namespace the control-plane fixture gives Envoy Gateway: accepts on the
// namespace's own loopback (where Envoy Gateway's kubeconfig points) and carries each connection over a Unix
// socket to the fixture, which connects it to the API server on the host's loopback. Node built-ins only.
import net from 'node:net';

const [listen, socketPath] = process.argv.slice(2);
const [host, port] = listen.split(':');
net
  .createServer((c) => {
    const u = net.connect(socketPath);
    c.pipe(u);
    u.pipe(c);
    c.on('error', () => u.destroy());
    u.on('error', () => c.destroy());
  })
  .listen(Number(port), host, () => process.stdout.write(`relay ${listen} -> ${socketPath}\n`));
