// What a native library file was built for, from its first bytes: ELF (Linux), Mach-O (macOS, one
// architecture or universal) or PE (Windows), and the processor. BrainFlow's library copied from
// another machine (a Raspberry Pi's, a Mac's, a Windows wheel's) fails to load with the system
// loader's words, which on Linux for another processor are "cannot open shared object file: No
// such file or directory" of a file that is there. Pure.

/** Operating systems as HeartMind names them, keyed by Node's `process.platform`. */
export type LibraryOs = 'linux' | 'darwin' | 'win32';
/** Processors, keyed as Node's `process.arch` spells them (riscv64 and others as found). */
export type LibraryArch = 'x64' | 'arm64' | 'ia32' | 'arm' | 'riscv64' | 'ppc64' | 's390x' | 'other';

export interface LibraryHeader {
  os: LibraryOs;
  /** One, or several for a macOS universal library. */
  archs: LibraryArch[];
}

const OS_NAMES: Record<LibraryOs, string> = { linux: 'Linux', darwin: 'macOS', win32: 'Windows' };
const ARCH_NAMES: Record<LibraryArch, string> = {
  x64: 'x86-64',
  arm64: 'ARM 64-bit',
  ia32: 'x86 32-bit',
  arm: 'ARM 32-bit',
  riscv64: 'RISC-V 64-bit',
  ppc64: 'POWER 64-bit',
  s390x: 's390x',
  other: 'another processor',
};

/** ELF e_machine values (System V ABI). */
const ELF_MACHINES: Record<number, LibraryArch> = { 3: 'ia32', 40: 'arm', 62: 'x64', 183: 'arm64', 243: 'riscv64', 21: 'ppc64', 22: 's390x' };
/** Mach-O cputype values (mach/machine.h; CPU_ARCH_ABI64 = 0x01000000). */
const MACHO_CPUS: Record<number, LibraryArch> = { 7: 'ia32', 0x01000007: 'x64', 12: 'arm', 0x0100000c: 'arm64', 0x01000012: 'ppc64' };
/** PE/COFF Machine values. */
const PE_MACHINES: Record<number, LibraryArch> = { 0x14c: 'ia32', 0x8664: 'x64', 0xaa64: 'arm64', 0x1c4: 'arm' };

/** A file's first bytes (a few hundred are enough; 4 KiB covers any PE stub) as a library header, or null when it is none of the three. */
export function parseLibraryHeader(bytes: Uint8Array): LibraryHeader | null {
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const has = (n: number) => bytes.length >= n;
  // ELF: 0x7f 'E' 'L' 'F', class, data (1 little-endian, 2 big-endian), …, e_machine at 18.
  if (has(20) && bytes[0] === 0x7f && bytes[1] === 0x45 && bytes[2] === 0x4c && bytes[3] === 0x46) {
    const little = bytes[5] !== 2;
    return { os: 'linux', archs: [ELF_MACHINES[v.getUint16(18, little)] ?? 'other'] };
  }
  if (has(8)) {
    const magicLe = v.getUint32(0, true);
    // A thin Mach-O, 32- or 64-bit, little-endian (every macOS processor since PowerPC).
    if (magicLe === 0xfeedface || magicLe === 0xfeedfacf) return { os: 'darwin', archs: [MACHO_CPUS[v.getInt32(4, true)] ?? 'other'] };
    // A universal (fat) Mach-O: big-endian header, then one entry per architecture (20 bytes, 32
    // for the 64-bit variant), each starting with its cputype. A Java class file has the same
    // magic, with its version (45 and up) where the count is: a count that large is not a library.
    const magicBe = v.getUint32(0, false);
    if (magicBe === 0xcafebabe || magicBe === 0xcafebabf) {
      const n = v.getUint32(4, false);
      const step = magicBe === 0xcafebabf ? 32 : 20;
      if (n >= 1 && n <= 16 && has(8 + n * step)) {
        const archs: LibraryArch[] = [];
        for (let i = 0; i < n; i++) archs.push(MACHO_CPUS[v.getInt32(8 + i * step, false)] ?? 'other');
        return { os: 'darwin', archs };
      }
    }
  }
  // PE: 'MZ', the PE header's offset at 0x3c, 'PE\0\0', then the COFF Machine.
  if (has(0x40) && bytes[0] === 0x4d && bytes[1] === 0x5a) {
    const pe = v.getUint32(0x3c, true);
    if (has(pe + 6) && v.getUint32(pe, true) === 0x00004550) return { os: 'win32', archs: [PE_MACHINES[v.getUint16(pe + 4, true)] ?? 'other'] };
  }
  return null;
}

/** "Linux x86-64", "macOS (x86-64 + ARM 64-bit)". */
export function libraryTargetName(os: LibraryOs, archs: readonly LibraryArch[]): string {
  const a = archs.map((x) => ARCH_NAMES[x]);
  return `${OS_NAMES[os]} ${a.length > 1 ? `(${a.join(' + ')})` : a[0] ?? ''}`.trim();
}

/**
 * Why a library cannot load on this machine (`os`, `arch` as Node names them), in words, or null
 * when its header says it was built for it (the failure is then something else: a missing
 * dependency, a newer C library).
 */
export function libraryMismatch(header: LibraryHeader, os: string, arch: string): string | null {
  if (header.os === os && header.archs.includes(arch as LibraryArch)) return null;
  const here = os in OS_NAMES ? libraryTargetName(os as LibraryOs, [(arch in ARCH_NAMES ? arch : 'other') as LibraryArch]) : `${os} ${arch}`;
  return `it is a library for ${libraryTargetName(header.os, header.archs)}, and this machine is ${here}`;
}
