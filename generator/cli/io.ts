/**
 * Where a command writes and which folder it runs in: the process's streams
 * and working directory, or a test's buffers.
 */
export interface IO {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  cwd: string;
  /** stderr is a terminal: progress lines may be drawn there. */
  stderrIsTTY?: boolean;
  /** Width of that terminal. */
  stderrColumns?: number;
}

/** A mistake in how the command was called (exit code 2, message on stderr). */
export class UsageError extends Error {}
