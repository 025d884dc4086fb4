import { afterEach, describe, expect, it } from 'vitest';
import { connectQmp, type QmpClient, type QmpCloseInfo, type QmpEvent } from '../src/qmp/index.js';
import { type FakeQmpServer, startFakeQmp } from './qmp-fake-server.js';

let server: FakeQmpServer | undefined;
let client: QmpClient | undefined;

afterEach(async () => {
  await client?.close();
  await server?.close();
  client = undefined;
  server = undefined;
});

/** A fake server, and a client connected to it through a negotiation the server answers. */
async function connected(options: Parameters<typeof connectQmp>[1] = {}) {
  server = await startFakeQmp();
  const connecting = connectQmp(server.path, options);
  const connection = await server.nextConnection();
  await connection.negotiate();
  client = await connecting;
  return { client, connection };
}

describe('QMP negotiation', () => {
  it('reads the greeting, then negotiates capabilities before any other command', async () => {
    const { client } = await connected();
    expect(client.greeting?.QMP.version.qemu).toEqual({ major: 7, minor: 2, micro: 22 });
    expect(client.isOpen).toBe(true);
  });

  it('times out on a monitor that accepts the connection but never greets', async () => {
    server = await startFakeQmp();
    const connecting = connectQmp(server.path, { greetingTimeoutMs: 50 });
    await server.nextConnection();
    await expect(connecting).rejects.toMatchObject({ code: 'OPERATION_TIMEOUT', domain: 'QEMU' });
  });

  it('retries a socket that is not there yet within retryMs', async () => {
    server = await startFakeQmp({ listen: false });
    const connecting = connectQmp(server.path, { retryMs: 5000 });
    setTimeout(() => void server?.listen(), 50);
    const connection = await server.nextConnection();
    await connection.negotiate();
    client = await connecting;
    expect(client.isOpen).toBe(true);
  });

  it('fails at once on a missing socket without retryMs, with libvirt text', async () => {
    server = await startFakeQmp({ listen: false });
    await expect(connectQmp(server.path)).rejects.toMatchObject({
      code: 'SYSTEM_ERROR',
      message: 'failed to connect to monitor socket: No such file or directory',
    });
  });
});

describe('QMP commands', () => {
  it('sends typed commands with ids and resolves each with its own reply', async () => {
    const { client, connection } = await connected();
    const status = client.execute('query-status');
    const kvm = client.execute('query-kvm');
    const first = await connection.next();
    const second = await connection.next();
    expect(first).toMatchObject({ execute: 'query-status' });
    expect(second).toMatchObject({ execute: 'query-kvm' });
    expect(first.arguments).toBeUndefined();
    expect(first.id).not.toBe(second.id);
    // Answered out of order: the ids, not the order, decide.
    connection.send({ return: { enabled: false, present: true }, id: second.id });
    connection.send({ return: { running: false, status: 'prelaunch' }, id: first.id });
    await expect(status).resolves.toEqual({ running: false, status: 'prelaunch' });
    await expect(kvm).resolves.toEqual({ enabled: false, present: true });
  });

  it('passes arguments, and runs unknown commands through executeUnchecked', async () => {
    const { client, connection } = await connected();
    const types = client.execute('qom-list-types', { implements: 'device', abstract: false });
    const typesCommand = await connection.next();
    expect(typesCommand.arguments).toEqual({ implements: 'device', abstract: false });
    connection.send({ return: [{ name: 'virtio-blk-pci', parent: 'virtio-pci' }], id: typesCommand.id });
    await expect(types).resolves.toEqual([{ name: 'virtio-blk-pci', parent: 'virtio-pci' }]);

    const other = client.executeUnchecked('human-monitor-command', { 'command-line': 'info roms' });
    const otherCommand = await connection.next();
    expect(otherCommand).toMatchObject({
      execute: 'human-monitor-command',
      arguments: { 'command-line': 'info roms' },
    });
    connection.send({ return: 'roms\r\n', id: otherCommand.id });
    await expect(other).resolves.toBe('roms\r\n');
  });

  it("turns an error reply into libvirt's internal error, keeping the QMP class", async () => {
    const { client, connection } = await connected();
    const cont = client.execute('cont');
    const command = await connection.next();
    connection.send({
      error: { class: 'GenericError', desc: 'Resetting the Virtual Machine is required' },
      id: command.id,
    });
    await expect(cont).rejects.toMatchObject({
      code: 'INTERNAL_ERROR',
      domain: 'QEMU',
      errorClass: 'GenericError',
      message:
        "internal error: unable to execute QEMU command 'cont': Resetting the Virtual Machine is required",
    });
    // The connection is still usable afterwards.
    const stop = client.execute('stop');
    connection.send({ return: {}, id: (await connection.next()).id });
    await expect(stop).resolves.toEqual({});
  });

  it('matches an error without id (QEMU could not parse the command) to the oldest command', async () => {
    const { client, connection } = await connected();
    const reply = client.executeUnchecked('bogus');
    await connection.next();
    connection.send({ error: { class: 'GenericError', desc: 'JSON parse error' } });
    await expect(reply).rejects.toThrow(
      "internal error: unable to execute QEMU command 'bogus': JSON parse error",
    );
  });
});

describe('QMP events', () => {
  it('delivers interleaved events in order, each before the reply that followed it resolves', async () => {
    const seen: string[] = [];
    const { client, connection } = await connected({ onEvent: (event) => seen.push(event.event) });
    const powerdown = client.execute('system_powerdown').then(() => seen.push('reply'));
    const command = await connection.next();
    // One write with two events and the reply, the reply split across writes: a stream may do both.
    const reply = JSON.stringify({ return: {}, id: command.id });
    connection.write(
      `${JSON.stringify({ event: 'POWERDOWN', timestamp: { seconds: 1, microseconds: 0 } })}\r\n` +
        `${JSON.stringify({ event: 'SHUTDOWN', data: { guest: true, reason: 'guest-shutdown' }, timestamp: { seconds: 1, microseconds: 5 } })}\r\n` +
        reply.slice(0, 5),
    );
    connection.write(`${reply.slice(5)}\r\n`);
    await powerdown;
    connection.event('STOP');
    await expect.poll(() => seen).toEqual(['POWERDOWN', 'SHUTDOWN', 'reply', 'STOP']);
  });

  it('gives events their data, or {} when QEMU sent none, and the timestamp', async () => {
    const events: QmpEvent[] = [];
    const { connection } = await connected({ onEvent: (event) => events.push(event) });
    connection.event('RESET', { guest: false, reason: 'host-qmp-system-reset' });
    connection.event('RESUME');
    await expect.poll(() => events.length).toBe(2);
    expect(events).toEqual([
      {
        event: 'RESET',
        data: { guest: false, reason: 'host-qmp-system-reset' },
        timestamp: { seconds: 1, microseconds: 2 },
      },
      { event: 'RESUME', data: {}, timestamp: { seconds: 1, microseconds: 2 } },
    ]);
  });
});

describe('QMP connection end', () => {
  it("reports QEMU's EOF once, failing the command in flight and later ones with libvirt's text", async () => {
    const closes: QmpCloseInfo[] = [];
    const { client, connection } = await connected({ vmName: 'demo', onClose: (info) => closes.push(info) });
    const pending = client.execute('query-status');
    await connection.next();
    connection.end();
    const eof = "internal error: End of file from qemu monitor (vm='demo')";
    await expect(pending).rejects.toThrow(eof);
    await expect(client.closed).resolves.toMatchObject({
      byClient: false,
      error: { code: 'INTERNAL_ERROR' },
    });
    await expect(client.execute('cont')).rejects.toThrow(eof);
    expect(closes).toHaveLength(1);
    expect(client.isOpen).toBe(false);
  });

  it('fails commands still waiting when we close the monitor ourselves', async () => {
    const closes: QmpCloseInfo[] = [];
    const { client, connection } = await connected({ onClose: (info) => closes.push(info) });
    const pending = client.execute('query-status');
    await connection.next();
    await client.close();
    const closed = { code: 'OPERATION_FAILED', message: 'operation failed: QEMU monitor was closed' };
    await expect(pending).rejects.toMatchObject(closed);
    await expect(client.execute('cont')).rejects.toMatchObject(closed);
    expect(closes).toEqual([{ byClient: true }]);
  });

  it('reattaches to the same socket after the previous connection went away', async () => {
    const { client: first } = await connected();
    await first.close();
    const connecting = connectQmp(server?.path ?? '');
    const connection = await server?.nextConnection();
    await connection?.negotiate();
    client = await connecting;
    const status = client.execute('query-status');
    connection?.send({ return: { running: true, status: 'running' }, id: (await connection.next()).id });
    await expect(status).resolves.toEqual({ running: true, status: 'running' });
  });

  it('gives up on a monitor that sends something other than JSON', async () => {
    const { client, connection } = await connected();
    const pending = client.execute('query-status');
    await connection.next();
    connection.write('not json\r\n');
    await expect(pending).rejects.toMatchObject({
      code: 'INTERNAL_ERROR',
      message: 'internal error: cannot parse json not json',
    });
  });
});
