// Builds small XDF files byte by byte for tests and the fuzzer (XDF 1.0 chunk layout).
export interface BuildStream {
  id: number;
  format: 'float32' | 'double64' | 'string' | 'int8' | 'int16' | 'int32' | 'int64';
  channels: number;
  srate: number;
  type?: string;
  /** [label, unit] per channel. */
  desc?: [string, string][];
  samples: { t?: number; v: (number | string)[] }[];
  offsets?: [number, number][];
}

/**
 * `lieCount` writes that sample count in every Samples chunk; `chunkSamples` splits each stream's
 * samples into chunks of that many (one chunk per stream by default), the streams interleaved
 * chunk by chunk as a recorder writes them.
 */
export function buildXdf(streams: BuildStream[], opts: { lieCount?: number; chunkSamples?: number; headerXml?: string } = {}): Uint8Array {
  const out: number[] = [...'XDF:'].map((c) => c.charCodeAt(0));
  const enc = new TextEncoder();
  const u32 = (v: number) => [v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff];
  const f64 = (v: number) => [...new Uint8Array(new Float64Array([v]).buffer)];
  const chunk = (tag: number, body: number[]) => {
    out.push(4, ...u32(body.length + 2), tag & 0xff, tag >> 8, ...body);
  };
  chunk(1, [...enc.encode(`<?xml version="1.0"?><info><version>1.0</version>${opts.headerXml ?? ''}</info>`)]);
  for (const s of streams) {
    const desc = s.desc ? `<desc><channels>${s.desc.map(([l, u]) => `<channel><label>${l}</label><unit>${u}</unit></channel>`).join('')}</channels></desc>` : '<desc/>';
    const xml = `<?xml version="1.0"?><info><name>S${s.id}</name><type>${s.type ?? 'EEG'}</type><channel_count>${s.channels}</channel_count><nominal_srate>${s.srate}</nominal_srate><channel_format>${s.format}</channel_format>${desc}</info>`;
    chunk(2, [...u32(s.id), ...enc.encode(xml)]);
  }
  const pieces = (s: BuildStream) => {
    const size = opts.chunkSamples ?? Math.max(1, s.samples.length);
    const out: BuildStream['samples'][] = [];
    for (let i = 0; i < s.samples.length; i += size) out.push(s.samples.slice(i, i + size));
    return out;
  };
  const rounds = Math.max(0, ...streams.map((s) => pieces(s).length));
  for (let r = 0; r < rounds; r++) {
    for (const s of streams) {
      const piece = pieces(s)[r];
      if (!piece) continue;
      const body: number[] = [...u32(s.id), 4, ...u32(opts.lieCount ?? piece.length)];
      for (const smp of piece) {
        if (smp.t === undefined) body.push(0);
        else body.push(8, ...f64(smp.t));
        for (const v of smp.v) {
          if (s.format === 'string') {
            const b = enc.encode(String(v));
            body.push(4, ...u32(b.length), ...b);
          } else {
            const x = Number(v);
            const buf = new DataView(new ArrayBuffer(8));
            if (s.format === 'float32') buf.setFloat32(0, x, true);
            if (s.format === 'double64') buf.setFloat64(0, x, true);
            if (s.format === 'int8') buf.setInt8(0, x);
            if (s.format === 'int16') buf.setInt16(0, x, true);
            if (s.format === 'int32') buf.setInt32(0, x, true);
            if (s.format === 'int64') buf.setBigInt64(0, BigInt(x), true);
            const size = { float32: 4, double64: 8, int8: 1, int16: 2, int32: 4, int64: 8 }[s.format];
            body.push(...new Uint8Array(buf.buffer, 0, size));
          }
        }
      }
      chunk(3, body);
      if (r === 0) for (const [t, v] of s.offsets ?? []) chunk(4, [...u32(s.id), ...f64(t), ...f64(v)]);
    }
  }
  return Uint8Array.from(out);
}
