// A DNS server for tests of DNS rebinding, run inside a private network namespace (netns-runner):
// the n-th A query for a name gets the n-th address of its list (the last one from then on);
// AAAA and any other name get an empty answer. It counts what it was asked.
import { createSocket } from 'node:dgram';

function questionEnd(message) {
  let offset = 12;
  while (message[offset] !== 0) offset += message[offset] + 1;
  return offset + 5;
}

function questionName(message) {
  const labels = [];
  let offset = 12;
  while (message[offset] !== 0) {
    labels.push(message.subarray(offset + 1, offset + 1 + message[offset]).toString('latin1'));
    offset += message[offset] + 1;
  }
  return { name: labels.join('.').toLowerCase(), type: message.readUInt16BE(offset + 1) };
}

export async function startRebindingDns({ host = '127.0.0.1', port = 53, answers }) {
  const asked = {};
  const socket = createSocket('udp4');
  socket.on('message', (message, remote) => {
    const { name, type } = questionName(message);
    const end = questionEnd(message);
    const list = type === 1 ? answers[name] : undefined;
    let address;
    if (list) {
      const n = (asked[name] = (asked[name] ?? 0) + 1);
      address = list[Math.min(n, list.length) - 1];
    }
    const header = Buffer.alloc(12);
    message.copy(header, 0, 0, 2);
    header.writeUInt16BE(0x8180, 2);
    header.writeUInt16BE(1, 4);
    header.writeUInt16BE(address ? 1 : 0, 6);
    const parts = [header, message.subarray(12, end)];
    if (address) {
      const answer = Buffer.alloc(16);
      answer.writeUInt16BE(0xc00c, 0);
      answer.writeUInt16BE(1, 2);
      answer.writeUInt16BE(1, 4);
      answer.writeUInt32BE(0, 6);
      answer.writeUInt16BE(4, 10);
      address.split('.').forEach((octet, i) => answer.writeUInt8(Number(octet), 12 + i));
      parts.push(answer);
    }
    socket.send(Buffer.concat(parts), remote.port, remote.address);
  });
  await new Promise((resolve) => socket.bind(port, host, resolve));
  return { asked, close: () => new Promise((resolve) => socket.close(resolve)) };
}
