// A file-system error in words, for the messages of whatever reads a file or lists a folder: an
// import, a model's ONNX file or card, a recording's companion files. One wording for all ("cannot
// read X: not found"): the model registry said 'there is no such file' where an import said 'not
// found'. What a write cannot do (an export, the data folder) is said by describeFsProblem in
// data-dir.ts, which looks at the folder that stands in the way.

/** A file-system error in words ('not found', 'permission denied'), not Node's 'ENOENT: no such file or directory, open …'. For after "cannot read X: ". */
export function fsReason(err: unknown): string {
  switch ((err as NodeJS.ErrnoException | null)?.code) {
    case 'ENOENT':
      return 'not found';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EISDIR':
      return 'it is a folder, not a file';
    case 'ENOTDIR':
      return 'a part of the path is not a folder';
    case 'ELOOP':
      return 'too many symbolic links';
    case 'ENAMETOOLONG':
      return 'the name is too long';
    case 'ENOSPC':
    case 'EDQUOT':
      return 'the disk is full';
    case 'EROFS':
      return 'the file system is read-only';
    default:
      return (err as Error | null)?.message ?? String(err);
  }
}
