/**
 * A refusal the page makes itself, with the code the server would give for the same input (so a
 * check done here reads like the server's), shown by ErrorLine with its data-code.
 */
export class PageError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}
