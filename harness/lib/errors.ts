// Errors meant for the user: printed as a message and a hint, never as a stack trace.
export class UserError extends Error {
  constructor(
    message: string,
    readonly hint: string,
    readonly exitCode = 2,
  ) {
    super(message);
    this.name = 'UserError';
  }
}
