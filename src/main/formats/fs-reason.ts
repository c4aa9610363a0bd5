// File-system errors in words, for the messages of an import (reading). An export (writing) says
// its problems as the data folder does: describeFsProblem in src/main/core/data-dir.ts.

/** A file-system error in words ('permission denied'), not Node's 'EACCES: permission denied, open …'. */
export function reasonOf(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  switch (e.code) {
    case 'ENOENT':
      return 'not found';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'ELOOP':
      return 'too many symbolic links';
    case 'ENAMETOOLONG':
      return 'the name is too long';
    case 'ENOSPC':
    case 'EDQUOT':
      return 'the disk is full';
    case 'EROFS':
      return 'the file system is read-only';
    case 'EISDIR':
      return 'it is a folder';
    case 'ENOTDIR':
      return 'a part of the path is not a folder';
    default:
      return e.message ?? String(err);
  }
}
