/**
 * What every local stand-in (dynalite, the recording endpoint, the capacity proxy) does with its HTTP
 * server: listen on a free loopback port, read a whole body, and close without waiting for keep-alive
 * sockets. One place, so the stand-ins cannot drift apart in how they bind or shut down.
 */
import { Server } from 'http';
import { AddressInfo } from 'net';
import { Readable } from 'stream';

/** Listen on 127.0.0.1, on a port the system picks; resolves to `http://127.0.0.1:<port>`. */
export async function listenOnLoopback(server: Server): Promise<string> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** Close the server; keep-alive sockets of SDK clients would otherwise hold `close()` open until they time out. */
export function closeServer(server: Server): Promise<void> {
  return new Promise<void>((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });
}

/** A request's or response's whole body, as bytes (an S3 object body may be binary, gzip for one). */
export function readBytes(stream: Readable): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on('data', (c: Buffer) => chunks.push(c));
    stream.on('end', () => resolve(Buffer.concat(chunks)));
    stream.on('error', reject);
  });
}

/** A request's or response's whole body, as UTF-8. */
export async function readBody(stream: Readable): Promise<string> {
  return (await readBytes(stream)).toString('utf8');
}
