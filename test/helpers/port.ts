/**
 * A free TCP port for a server a test starts (sshd, prometheus, a fake HTTP server).
 */
import net from 'node:net';

/** a TCP port free on 127.0.0.1 a moment ago (another process may take it before the caller binds) */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}
