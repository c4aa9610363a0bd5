// What a file given as a model (.onnx) or a checkpoint (.pth) is instead, from its first bytes, for
// the two ways a download most often goes wrong: a repository cloned without Git LFS leaves a
// ~130-byte text pointer where the weights should be, and a link to a model's web page (Hugging
// Face's 'blob' link, a file host's download page) saves the HTML. Either read as "the protobuf does
// not decode (invalid wire type 6 …)" or "a .pth file is a zip archive", with nothing to act on.

const LFS_POINTER = 'version https://git-lfs.github.com/spec/';

/** Why these bytes are not the file, in words a user can act on; null when they look like neither. */
export function wrongFileKind(bytes: Uint8Array): string | null {
  if (bytes.length === 0) return 'the file is empty (0 bytes)';
  const head = new TextDecoder('utf-8', { fatal: false }).decode(bytes.subarray(0, 512)).replace(/^\uFEFF/, '').trimStart();
  if (head.startsWith(LFS_POINTER)) {
    return `it is a Git LFS pointer (${bytes.length} bytes of text), not the file: the repository was cloned without Git LFS; run git lfs pull in it, or download the file itself`;
  }
  if (/^<(!doctype html|html[\s>]|head[\s>]|!--)/i.test(head)) {
    return "it is a web page (HTML), not the file: the download saved the page that links to it; download the file itself (on Hugging Face, the 'resolve' link rather than 'blob')";
  }
  return null;
}
