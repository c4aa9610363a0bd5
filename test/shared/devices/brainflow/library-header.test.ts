// What a native library was built for, from its header: a BrainFlow library from another machine is
// named as such, where the system loader said "No such file or directory" of a file that is there.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { libraryMismatch, libraryTargetName, parseLibraryHeader } from '../../../../src/shared/devices/brainflow/library-header';
import { elfHeader, fatMachOHeader, machOHeader, peHeader } from '../../../fixtures/native-headers';

describe('parseLibraryHeader', () => {
  test('ELF, thin and universal Mach-O, PE: the system and the processors', () => {
    assert.deepEqual(parseLibraryHeader(elfHeader(62)), { os: 'linux', archs: ['x64'] });
    assert.deepEqual(parseLibraryHeader(elfHeader(183)), { os: 'linux', archs: ['arm64'] });
    assert.deepEqual(parseLibraryHeader(elfHeader(40, 32)), { os: 'linux', archs: ['arm'] });
    assert.deepEqual(parseLibraryHeader(machOHeader(0x0100000c)), { os: 'darwin', archs: ['arm64'] });
    assert.deepEqual(parseLibraryHeader(fatMachOHeader([0x01000007, 0x0100000c])), { os: 'darwin', archs: ['x64', 'arm64'] });
    assert.deepEqual(parseLibraryHeader(peHeader(0x8664)), { os: 'win32', archs: ['x64'] });
    assert.deepEqual(parseLibraryHeader(peHeader(0xaa64)), { os: 'win32', archs: ['arm64'] });
    assert.deepEqual(parseLibraryHeader(elfHeader(0x1234)), { os: 'linux', archs: ['other'] });
  });

  test('none of them: text, a Java class file (the fat magic with its version), a truncated header', () => {
    assert.equal(parseLibraryHeader(new TextEncoder().encode('not an ELF file at all, just some text')), null);
    assert.equal(parseLibraryHeader(new Uint8Array([0xca, 0xfe, 0xba, 0xbe, 0, 0, 0, 65, 0, 0, 0, 0])), null);
    assert.equal(parseLibraryHeader(elfHeader(62).subarray(0, 10)), null);
    assert.equal(parseLibraryHeader(peHeader(0x8664).subarray(0, 0x82)), null, 'the PE header cut off');
  });
});

describe('libraryMismatch', () => {
  test('built for this machine: no mismatch (a load failure is then something else)', () => {
    assert.equal(libraryMismatch({ os: 'linux', archs: ['x64'] }, 'linux', 'x64'), null);
    assert.equal(libraryMismatch({ os: 'darwin', archs: ['x64', 'arm64'] }, 'darwin', 'arm64'), null);
  });

  test('another processor or system, in words', () => {
    assert.equal(libraryMismatch({ os: 'linux', archs: ['arm64'] }, 'linux', 'x64'), 'it is a library for Linux ARM 64-bit, and this machine is Linux x86-64');
    assert.equal(libraryMismatch({ os: 'darwin', archs: ['x64', 'arm64'] }, 'linux', 'x64'), 'it is a library for macOS (x86-64 + ARM 64-bit), and this machine is Linux x86-64');
    assert.equal(libraryMismatch({ os: 'win32', archs: ['x64'] }, 'darwin', 'arm64'), 'it is a library for Windows x86-64, and this machine is macOS ARM 64-bit');
    assert.equal(libraryMismatch({ os: 'darwin', archs: ['x64'] }, 'darwin', 'arm64'), 'it is a library for macOS x86-64, and this machine is macOS ARM 64-bit');
    assert.equal(libraryTargetName('linux', ['ia32']), 'Linux x86 32-bit');
  });
});
