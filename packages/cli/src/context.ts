/** What a command may ask of the program beyond printing. */
export interface CliContext {
  /** The process's exit code once the command is done (the launcher passes its program's on). */
  exitWith(code: number): void;
}
