// The port listing without udevadm (containers, minimal installs): /dev's serial nodes, with what
// their /dev/serial/by-id names tell (maker, the OpenBCI dongle's FTDI chip). Played by the fake
// /dev of fixtures/fake-serial-dev.ts, its ttyUSB links pointing at plain files for the nodes.
// And how a device whose adapter has a stable name takes a port without one on its path.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { listLinuxDev, SerialPortFinder, UDEV_NAMING_MS } from '../../../src/main/devices/serial/serial-link';
import { DeviceError } from '../../../src/shared/devices/device-error';
import { FTDI_BY_ID, fakeDev } from '../../fixtures/fake-serial-dev';

const tmp = mkdtempSync(join(tmpdir(), 'hm-serlist-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

/** A folder standing for /dev, with `n` nodes (ttyUSB0…) behind it. */
function devWith(name: string, n: number) {
  const dev = fakeDev(join(tmp, name));
  const nodes = Array.from({ length: n }, (_, i) => {
    const node = join(tmp, `${name}-node${i}`);
    writeFileSync(node, '');
    return node;
  });
  return { dev, nodes };
}

const ARDUINO_BY_ID = 'usb-Arduino__www.arduino.cc__0043_75735353038351F0C1A1-if00';

describe('listLinuxDev', () => {
  test('each port with what its by-id name tells; the OpenBCI dongle is recognised', () => {
    const { dev, nodes } = devWith('plain', 2);
    dev.appear(0, nodes[0]);
    dev.appear(1, nodes[1], ARDUINO_BY_ID);
    assert.deepEqual(listLinuxDev(dev.dir, dev.byIdDir), [
      { path: dev.tty(0), manufacturer: 'FTDI', vendorId: '0403', productId: '6015' },
      { path: dev.tty(1), manufacturer: 'Arduino' },
    ], 'both ports, each with its by-id facts');
  });

  test('a dangling by-id name (adapter pulled, udev behind) is skipped alone: the names after it are still read', () => {
    const { dev, nodes } = devWith('dangling', 2);
    dev.appear(0, nodes[0]);
    dev.appear(1, nodes[1], ARDUINO_BY_ID);
    // Sorts before both live names ('1' < 'A' < 'F'), so it is read first.
    dev.dangling('usb-1a86_USB_Serial-if00-port0', 7);
    assert.deepEqual(listLinuxDev(dev.dir, dev.byIdDir), [
      { path: dev.tty(0), manufacturer: 'FTDI', vendorId: '0403', productId: '6015' },
      { path: dev.tty(1), manufacturer: 'Arduino' },
    ], 'the live names still describe their ports; the dangling one adds no port');
  });

  test('no by-id folder: the nodes alone', () => {
    const { dev, nodes } = devWith('noids', 1);
    dev.appear(0, nodes[0], null);
    rmSync(dev.byIdDir, { recursive: true });
    assert.deepEqual(listLinuxDev(dev.dir, dev.byIdDir), [{ path: dev.tty(0) }], 'the node, nothing more');
  });
});

describe('SerialPortFinder, a device whose adapter has a stable name', () => {
  test('a port on its path without a by-id name: "not yet" while udev may still be naming it, then another adapter; its own name, once there, is opened', async () => {
    const { dev, nodes } = devWith('naming', 1);
    const finder = new SerialPortFinder(dev.tty(0), { known: dev.byId(FTDI_BY_ID), aliasDir: dev.byIdDir });
    dev.appear(0, nodes[0], null);
    await assert.rejects(
      finder.open(115200, 'Lab Cyton'),
      (e: unknown) => e instanceof DeviceError && e.retryable && new RegExp(`^Lab Cyton: cannot open ${dev.tty(0)} yet: a port appeared there \\d+ ms ago and has no /dev/serial/by-id name yet to tell whether it is this device's adapter \\(${FTDI_BY_ID}\\)$`).test(e.message),
    );
    assert.equal(finder.where(), null, 'not taken as where the device is');
    await new Promise((r) => setTimeout(r, UDEV_NAMING_MS + 100));
    await assert.rejects(
      finder.open(115200, 'Lab Cyton'),
      (e: unknown) => e instanceof DeviceError && e.message === `Lab Cyton: cannot open ${dev.tty(0)}: another adapter is there now (one without a /dev/serial/by-id name), and this device's (${FTDI_BY_ID}) is not plugged in`,
    );
    // udev named it after all: this device's adapter. (Opening a plain file fails past this point:
    // what matters is that the finder goes to the port.)
    symlinkSync('../ttyUSB0', dev.byId(FTDI_BY_ID));
    assert.equal(finder.where(), realpathSync(nodes[0]));
  });
});
