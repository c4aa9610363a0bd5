// The port listing without udevadm (containers, minimal installs): /dev's serial nodes, with what
// their /dev/serial/by-id names tell (maker, the OpenBCI dongle's FTDI chip). Played by the fake
// /dev of fixtures/fake-serial-dev.ts, its ttyUSB links pointing at plain files for the nodes.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { listLinuxDev } from '../../../src/main/devices/serial/serial-link';
import { fakeDev } from '../../fixtures/fake-serial-dev';

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
